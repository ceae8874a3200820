-- Chat widget: anonymous visitors, attachments, blocks, read receipts.

-- A chat visitor may leave no e-mail address.
ALTER TABLE customers ALTER COLUMN email DROP NOT NULL;

ALTER TABLE tickets ADD COLUMN customer_read_at TIMESTAMP;

-- Files customers and agents attach (images and PDF), kept in the database so that backups and
-- the one-writer rule cover them.
CREATE TABLE attachments (
    id            BIGINT PRIMARY KEY,
    ticket_id     BIGINT NOT NULL,
    message_id    BIGINT,
    filename      VARCHAR NOT NULL,
    content_type  VARCHAR NOT NULL,
    size          BIGINT NOT NULL,
    sha256        VARCHAR NOT NULL,
    data          BLOB NOT NULL,
    uploaded_by   VARCHAR NOT NULL CHECK (uploaded_by IN ('customer', 'agent')),
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX attachments_ticket_idx ON attachments (ticket_id);

-- Spam controls: an e-mail address, a client IP address or one conversation (ticket ref).
CREATE TABLE blocks (
    id          BIGINT PRIMARY KEY,
    kind        VARCHAR NOT NULL CHECK (kind IN ('email', 'ip', 'conversation')),
    value       VARCHAR NOT NULL,
    reason      VARCHAR,
    created_by  BIGINT,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (kind, value)
);
