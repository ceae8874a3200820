-- Imports from another helpdesk (issue 17). Imported rows keep the source's id, unique per
-- source, so a second run or a resumed run creates nothing twice; `import_source IS NOT NULL`
-- marks imported history (analytics can leave it out).
ALTER TABLE tickets ADD COLUMN import_source VARCHAR;
ALTER TABLE tickets ADD COLUMN import_id VARCHAR;
ALTER TABLE messages ADD COLUMN import_source VARCHAR;
ALTER TABLE messages ADD COLUMN import_id VARCHAR;
ALTER TABLE customers ADD COLUMN import_source VARCHAR;
ALTER TABLE customers ADD COLUMN import_id VARCHAR;
ALTER TABLE agents ADD COLUMN import_source VARCHAR;
ALTER TABLE agents ADD COLUMN import_id VARCHAR;
CREATE UNIQUE INDEX tickets_import_idx ON tickets (import_source, import_id);
CREATE UNIQUE INDEX messages_import_idx ON messages (import_source, import_id);
CREATE UNIQUE INDEX customers_import_idx ON customers (import_source, import_id);

-- One row per import: where it stands. `cursor` is the source's resume point (Zendesk's
-- after_cursor, a CSV's last line), written in the same transaction as the batch it follows.
CREATE TABLE import_runs (
    id          BIGINT PRIMARY KEY,
    source      VARCHAR NOT NULL
        CHECK (source IN ('csv', 'zendesk', 'freshdesk', 'gorgias', 'helpscout')),
    account     VARCHAR NOT NULL,              -- subdomain, mailbox or file: what resumes
    state       VARCHAR NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    cursor      VARCHAR,
    total       INTEGER,                       -- tickets expected, when the source says
    tickets     INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,    -- already imported (a second run)
    messages    INTEGER NOT NULL DEFAULT 0,
    customers   INTEGER NOT NULL DEFAULT 0,
    agents      INTEGER NOT NULL DEFAULT 0,
    errors      JSON NOT NULL DEFAULT '[]',    -- the first bad rows: {line, reason}
    error_count INTEGER NOT NULL DEFAULT 0,
    started_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
