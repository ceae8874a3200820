-- Facebook Messenger and Instagram through Meta's Messenger Platform (issue 16), the WhatsApp
-- path's shape: the inbound log (once per mid, kept before the 200) and the durable outbox.

-- Every message Meta handed us, as posted (the ``messaging[]`` item), once per mid.
CREATE TABLE messenger_inbound (
    mid            VARCHAR PRIMARY KEY,
    platform       VARCHAR NOT NULL CHECK (platform IN ('messenger', 'instagram')),
    sender_id      VARCHAR NOT NULL,              -- page-scoped (PSID) or Instagram-scoped id
    recipient_id   VARCHAR,                       -- our Page or Instagram account
    event          JSON NOT NULL,
    sent_at        TIMESTAMP,                     -- Meta's timestamp: the 24 h / 7 day rule runs from it
    status         VARCHAR NOT NULL DEFAULT 'received'
        CHECK (status IN ('received', 'filed', 'ignored')),
    ticket_id      BIGINT,
    message_id     BIGINT,
    received_at    TIMESTAMP NOT NULL,
    processed_at   TIMESTAMP
);
CREATE INDEX messenger_inbound_ticket_idx ON messenger_inbound (ticket_id);

-- Replies waiting to leave through the Send API (``POST /{page-id}/messages``), one row per
-- message. The Send API takes no idempotency key: a row whose answer was lost is 'checking'
-- until the Page's conversation with the person says whether the message is there.
CREATE TABLE messenger_outbox (
    id               BIGINT PRIMARY KEY,
    ticket_id        BIGINT NOT NULL,
    message_id       BIGINT NOT NULL UNIQUE,
    platform         VARCHAR NOT NULL CHECK (platform IN ('messenger', 'instagram')),
    recipient_id     VARCHAR NOT NULL,
    body             VARCHAR NOT NULL,
    messaging_type   VARCHAR NOT NULL,            -- RESPONSE, or MESSAGE_TAG with tag
    tag              VARCHAR,                     -- HUMAN_AGENT between 24 hours and 7 days
    status           VARCHAR NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'checking', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    attempted_at     TIMESTAMP,                   -- start of the last attempt
    last_error       VARCHAR,
    error_code       INTEGER,                     -- Meta's error code
    mid              VARCHAR,
    meta_status      VARCHAR,                     -- accepted, delivered, read, failed
    created_at       TIMESTAMP NOT NULL,
    sent_at          TIMESTAMP
);
CREATE INDEX messenger_outbox_due_idx ON messenger_outbox (status, next_attempt_at);
CREATE INDEX messenger_outbox_mid_idx ON messenger_outbox (mid);
