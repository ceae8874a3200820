-- WhatsApp through Meta's Cloud API (issue 16), the SMS path's shape: the inbound log (once per
-- wamid, kept before the 200) and the durable outbox of agent replies and template sends.

CREATE TABLE whatsapp_inbound (
    wamid          VARCHAR PRIMARY KEY,
    from_number    VARCHAR NOT NULL,              -- E.164
    phone_number_id VARCHAR,                      -- our business number's id (metadata)
    message        JSON NOT NULL,                 -- the messages[] item as Meta posted it
    sent_at        TIMESTAMP,                     -- Meta's timestamp: the 24-hour window runs from it
    status         VARCHAR NOT NULL DEFAULT 'received'
        CHECK (status IN ('received', 'filed', 'ignored')),
    ticket_id      BIGINT,
    message_id     BIGINT,
    received_at    TIMESTAMP NOT NULL,
    processed_at   TIMESTAMP
);

-- Replies waiting to leave through the Graph API, one row per message. ``template`` holds
-- {name, language} for a template send (outside the 24-hour window).
CREATE TABLE whatsapp_outbox (
    id               BIGINT PRIMARY KEY,
    ticket_id        BIGINT NOT NULL,
    message_id       BIGINT NOT NULL UNIQUE,
    to_number        VARCHAR NOT NULL,
    body             VARCHAR NOT NULL,
    template         JSON,
    status           VARCHAR NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    last_error       VARCHAR,
    error_code       INTEGER,                     -- Meta's error code
    wamid            VARCHAR,
    wa_status        VARCHAR,                     -- accepted, sent, delivered, read, failed
    created_at       TIMESTAMP NOT NULL,
    sent_at          TIMESTAMP
);
CREATE INDEX whatsapp_outbox_due_idx ON whatsapp_outbox (status, next_attempt_at);
CREATE INDEX whatsapp_outbox_wamid_idx ON whatsapp_outbox (wamid);
