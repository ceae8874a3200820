-- Channels beyond e-mail (issue 16): who a customer is on each channel, and the SMS channel's
-- inbound log and durable outbox (Twilio). WhatsApp, Messenger and Instagram follow the same path.

-- One way to reach a customer: a phone (E.164), a page- or Instagram-scoped id, an e-mail.
-- A value belongs to one customer per kind; an agent can link identities of one person.
CREATE TABLE customer_identities (
    id             BIGINT PRIMARY KEY,
    customer_id    BIGINT NOT NULL,
    kind           VARCHAR NOT NULL
        CHECK (kind IN ('email', 'phone', 'messenger', 'instagram', 'whatsapp')),
    value          VARCHAR NOT NULL,              -- phone numbers in E.164 (+15145550123)
    verified       BOOLEAN NOT NULL DEFAULT FALSE, -- the platform vouched for it (it wrote from it)
    linked         BOOLEAN NOT NULL DEFAULT FALSE, -- an agent attached it to this customer
    opted_out_at   TIMESTAMP,                     -- SMS STOP/ARRÊT: nothing is sent until START
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (kind, value)
);
CREATE INDEX customer_identities_customer_idx ON customer_identities (customer_id);

-- Every SMS Twilio handed us, kept before the 2xx, once per MessageSid.
CREATE TABLE sms_inbound (
    message_sid    VARCHAR PRIMARY KEY,
    account_sid    VARCHAR,
    from_number    VARCHAR NOT NULL,
    to_number      VARCHAR,
    params         JSON NOT NULL,                 -- the form Twilio posted, as received
    status         VARCHAR NOT NULL DEFAULT 'received'
        CHECK (status IN ('received', 'filed', 'ignored')),
    reason         VARCHAR,
    ticket_id      BIGINT,
    message_id     BIGINT,
    received_at    TIMESTAMP NOT NULL,
    processed_at   TIMESTAMP
);

-- Agent replies waiting to leave through Twilio's Messages API, one row per message. Twilio has
-- no idempotency key: an attempt whose answer was lost is 'checking' until Twilio's message list
-- says whether it was created, and only then sent again.
CREATE TABLE sms_outbox (
    id               BIGINT PRIMARY KEY,
    ticket_id        BIGINT NOT NULL,
    message_id       BIGINT NOT NULL UNIQUE,
    to_number        VARCHAR NOT NULL,
    body             VARCHAR NOT NULL,
    status           VARCHAR NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'checking', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    attempted_at     TIMESTAMP,                   -- start of the last attempt
    last_error       VARCHAR,
    error_code       INTEGER,                     -- Twilio's error code
    twilio_sid       VARCHAR,
    twilio_status    VARCHAR,                     -- queued, sent, delivered, failed, undelivered…
    created_at       TIMESTAMP NOT NULL,
    sent_at          TIMESTAMP
);
CREATE INDEX sms_outbox_due_idx ON sms_outbox (status, next_attempt_at);
CREATE INDEX sms_outbox_sid_idx ON sms_outbox (twilio_sid);
