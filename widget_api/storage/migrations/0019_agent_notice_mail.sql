-- A rule's "e-mail an agent" action sends through the durable outbox: a third kind of mail,
-- 'agent_notice' (to an agent, about a ticket; never part of the customer's thread).
-- DuckDB cannot drop a CHECK constraint, so the outbox is rebuilt with the wider one.
CREATE TABLE mail_outbox_notices (
    id               BIGINT PRIMARY KEY,
    kind             VARCHAR NOT NULL CHECK (kind IN ('reply', 'auto_ack', 'agent_notice')),
    ticket_id        BIGINT NOT NULL,
    message_id       BIGINT UNIQUE,                  -- messages.id; one outbox row per message
    mailbox_id       BIGINT,
    rfc_message_id   VARCHAR NOT NULL UNIQUE,
    mail_from        VARCHAR NOT NULL,
    rcpt_to          VARCHAR[] NOT NULL,
    raw              BLOB NOT NULL,
    status           VARCHAR NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    last_error       VARCHAR,
    created_at       TIMESTAMP NOT NULL,
    sent_at          TIMESTAMP
);
INSERT INTO mail_outbox_notices SELECT id, kind, ticket_id, message_id, mailbox_id, rfc_message_id,
    mail_from, rcpt_to, raw, status, attempts, next_attempt_at, last_error, created_at, sent_at
    FROM mail_outbox;
DROP INDEX mail_outbox_due_idx;
DROP TABLE mail_outbox;
ALTER TABLE mail_outbox_notices RENAME TO mail_outbox;
CREATE INDEX mail_outbox_due_idx ON mail_outbox (status, next_attempt_at);
