-- Inbox and workspace: mentions, merges, SLA placeholders, macros.

ALTER TABLE tickets ADD COLUMN mentions BIGINT[] DEFAULT [];
ALTER TABLE tickets ADD COLUMN merged_into_id BIGINT;
-- Filled by the SLA engine; the "SLA at risk" view reads them.
ALTER TABLE tickets ADD COLUMN sla_state VARCHAR;
ALTER TABLE tickets ADD COLUMN sla_due_at TIMESTAMP;

ALTER TABLE messages ADD COLUMN mentions BIGINT[] DEFAULT [];

-- Canned responses: one text per language, placeholders such as {customer_first_name}, and
-- optional actions applied with the reply: {"add_tags": [...], "status": "...", "assign": "me"}.
CREATE TABLE macros (
    id          BIGINT PRIMARY KEY,
    name_fr     VARCHAR NOT NULL,
    name_en     VARCHAR NOT NULL,
    body_fr     VARCHAR NOT NULL,
    body_en     VARCHAR NOT NULL,
    actions     JSON,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
