-- Outgoing webhooks waiting to be delivered: the exact body is fixed when queued, so every retry
-- sends the same bytes. A delivery is marked delivered only after the receiver's 2xx.
CREATE TABLE webhook_deliveries (
    id                BIGINT PRIMARY KEY,
    dedupe_key        VARCHAR NOT NULL UNIQUE,     -- one delivery per key, ever
    url               VARCHAR NOT NULL,
    secret            VARCHAR,                     -- sealed (secret_box); cleared once delivered
    event_name        VARCHAR NOT NULL,
    body              VARCHAR NOT NULL,            -- the JSON sent, byte for byte
    status            VARCHAR NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'delivered', 'failed')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   TIMESTAMP NOT NULL,
    last_error        VARCHAR,
    last_status_code  INTEGER,
    created_at        TIMESTAMP NOT NULL,
    delivered_at      TIMESTAMP
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
