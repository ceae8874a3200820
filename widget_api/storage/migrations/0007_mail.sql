-- E-mail and marketplace channels: mailboxes, every mail seen or sent, the durable outbox.

-- A support address: how its mail arrives (IMAP polling or forwarded to the SMTP listener) and
-- the SMTP relay its replies leave through. Passwords are kept here because the server needs
-- them to log in; the API never returns them and they are never logged.
CREATE TABLE mailboxes (
    id                BIGINT PRIMARY KEY,
    name              VARCHAR NOT NULL,
    address           VARCHAR NOT NULL UNIQUE,       -- support@nordet.example, lower-case
    inbound           VARCHAR NOT NULL DEFAULT 'imap' CHECK (inbound IN ('imap', 'smtp', 'none')),
    imap_host         VARCHAR,
    imap_port         INTEGER,
    imap_security     VARCHAR NOT NULL DEFAULT 'ssl' CHECK (imap_security IN ('ssl', 'starttls', 'none')),
    imap_username     VARCHAR,
    imap_password     VARCHAR,
    imap_folder       VARCHAR NOT NULL DEFAULT 'INBOX',
    imap_processed    VARCHAR NOT NULL DEFAULT 'seen' CHECK (imap_processed IN ('seen', 'move')),
    imap_move_to      VARCHAR,
    poll_seconds      INTEGER NOT NULL DEFAULT 60,
    smtp_host         VARCHAR,
    smtp_port         INTEGER,
    smtp_security     VARCHAR NOT NULL DEFAULT 'starttls' CHECK (smtp_security IN ('ssl', 'starttls', 'none')),
    smtp_username     VARCHAR,
    smtp_password     VARCHAR,
    auto_ack          BOOLEAN NOT NULL DEFAULT TRUE,
    active            BOOLEAN NOT NULL DEFAULT TRUE,
    last_polled_at    TIMESTAMP,
    last_error        VARCHAR,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);

-- Every mail that came in (stored raw before anything else) or went out. `dedupe_key` is the
-- Message-ID (`mid:<id>`), or a hash of the content when there is none (`sha:<hex>`), so the
-- same mail seen twice (re-poll, forward + IMAP, our own mail coming back) is kept once.
CREATE TABLE mail_messages (
    id              BIGINT PRIMARY KEY,
    direction       VARCHAR NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    dedupe_key      VARCHAR NOT NULL UNIQUE,
    rfc_message_id  VARCHAR,
    content_hash    VARCHAR NOT NULL,
    source          VARCHAR NOT NULL CHECK (source IN ('imap', 'smtp', 'import', 'outbox')),
    mailbox_id      BIGINT,
    status          VARCHAR NOT NULL
        CHECK (status IN ('received', 'ticket', 'joined', 'ignored', 'quarantined', 'outbound')),
    reason          VARCHAR,
    ticket_id       BIGINT,
    message_id      BIGINT,                          -- messages.id of the ticket message
    from_address    VARCHAR,
    reply_address   VARCHAR,                         -- where an answer goes (Reply-To or From)
    recipients      VARCHAR[] NOT NULL DEFAULT [],
    subject         VARCHAR,
    in_reply_to     VARCHAR,
    refs            VARCHAR[] NOT NULL DEFAULT [],
    thread_index    VARCHAR,
    envelope        JSON,                            -- SMTP MAIL FROM / RCPT TO, IMAP uid
    size            BIGINT NOT NULL,
    raw             BLOB NOT NULL,
    received_at     TIMESTAMP NOT NULL,
    processed_at    TIMESTAMP
);
CREATE INDEX mail_messages_rfc_idx ON mail_messages (rfc_message_id);
CREATE INDEX mail_messages_ticket_idx ON mail_messages (ticket_id);
CREATE INDEX mail_messages_status_idx ON mail_messages (status);

-- Mail waiting to leave: the exact bytes are built once, so every retry sends the same message
-- (same Message-ID). It is marked sent only after the relay's 250.
CREATE TABLE mail_outbox (
    id               BIGINT PRIMARY KEY,
    kind             VARCHAR NOT NULL CHECK (kind IN ('reply', 'auto_ack')),
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
CREATE INDEX mail_outbox_due_idx ON mail_outbox (status, next_attempt_at);

-- Channel-wide mail settings (listener, auto-acknowledgement, limits) and internal markers.
CREATE TABLE mail_settings (
    key         VARCHAR PRIMARY KEY,
    value       JSON NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- Agent replies written before this migration are never mailed: only newer messages are.
INSERT INTO mail_settings
SELECT 'outbox_watermark', to_json(coalesce(max(id), 0)), now()::TIMESTAMP FROM messages;
