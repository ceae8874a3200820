-- Comptoir initial schema. All *_at columns are UTC timestamps. Money is in cents (BIGINT).
-- Ids are assigned by the single writer (see storage/db.py), not by sequences, so that bulk
-- loads (demo seeding, imports) and live writes share one numbering.

CREATE TABLE store_settings (
    key        VARCHAR PRIMARY KEY,
    value      JSON NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE agents (
    id            BIGINT PRIMARY KEY,
    email         VARCHAR NOT NULL UNIQUE,      -- stored lower-case
    name          VARCHAR NOT NULL,
    role          VARCHAR NOT NULL CHECK (role IN ('admin', 'agent')),
    password_hash VARCHAR NOT NULL,             -- argon2id
    language      VARCHAR NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

-- Bearer tokens: agent sign-in sessions and long-lived integration keys. Only a SHA-256 of the
-- token is kept, so a copy of the database does not hand out working credentials.
CREATE TABLE api_tokens (
    id           BIGINT PRIMARY KEY,
    agent_id     BIGINT NOT NULL,
    kind         VARCHAR NOT NULL CHECK (kind IN ('session', 'integration')),
    name         VARCHAR,
    token_hash   VARCHAR NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP,
    revoked_at   TIMESTAMP
);

CREATE TABLE customers (
    id          BIGINT PRIMARY KEY,
    email       VARCHAR NOT NULL UNIQUE,        -- stored lower-case
    name        VARCHAR,
    phone       VARCHAR,
    language    VARCHAR NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
    created_at  TIMESTAMP NOT NULL
);

-- One row per sellable variant (SKU): style, size and colour.
CREATE TABLE products (
    id           BIGINT PRIMARY KEY,
    sku          VARCHAR NOT NULL UNIQUE,
    style        VARCHAR NOT NULL,
    name_fr      VARCHAR NOT NULL,
    name_en      VARCHAR NOT NULL,
    category     VARCHAR NOT NULL,
    size         VARCHAR,
    color_fr     VARCHAR,
    color_en     VARCHAR,
    price_cents  BIGINT NOT NULL CHECK (price_cents >= 0),
    stock        INTEGER NOT NULL DEFAULT 0,
    final_sale   BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE orders (
    id                 BIGINT PRIMARY KEY,
    number             VARCHAR NOT NULL UNIQUE,  -- as the customer sees it, e.g. "BO-104233"
    customer_id        BIGINT NOT NULL,
    placed_at          TIMESTAMP NOT NULL,
    currency           VARCHAR NOT NULL DEFAULT 'CAD',
    subtotal_cents     BIGINT NOT NULL,
    shipping_cents     BIGINT NOT NULL DEFAULT 0,
    discount_cents     BIGINT NOT NULL DEFAULT 0,
    gst_cents          BIGINT NOT NULL DEFAULT 0, -- TPS / GST (or HST outside QC)
    qst_cents          BIGINT NOT NULL DEFAULT 0, -- TVQ / QST, or PST
    total_cents        BIGINT NOT NULL,
    financial_status   VARCHAR NOT NULL DEFAULT 'paid'
        CHECK (financial_status IN ('pending', 'paid', 'partially_refunded', 'refunded', 'voided')),
    fulfillment_status VARCHAR NOT NULL DEFAULT 'unfulfilled'
        CHECK (fulfillment_status IN ('unfulfilled', 'processing', 'shipped', 'in_transit',
                                      'out_for_delivery', 'delivered', 'exception',
                                      'returned_to_sender', 'cancelled')),
    warehouse          VARCHAR,                   -- own stock room or 3PL name
    carrier            VARCHAR,
    tracking_number    VARCHAR,
    tracking_url       VARCHAR,
    shipped_at         TIMESTAMP,
    delivered_at       TIMESTAMP,
    ship_name          VARCHAR,
    ship_address1      VARCHAR,
    ship_address2      VARCHAR,
    ship_city          VARCHAR,
    ship_province      VARCHAR,                   -- two-letter code: QC, ON, ...
    ship_postal_code   VARCHAR,
    ship_country       VARCHAR NOT NULL DEFAULT 'CA',
    ship_phone         VARCHAR,
    channel            VARCHAR NOT NULL DEFAULT 'web'  -- web store, amazon, etsy...
);
CREATE INDEX orders_customer_idx ON orders (customer_id);

CREATE TABLE order_lines (
    id                BIGINT PRIMARY KEY,
    order_id          BIGINT NOT NULL,
    product_id        BIGINT,
    sku               VARCHAR NOT NULL,
    title             VARCHAR NOT NULL,
    size              VARCHAR,
    color             VARCHAR,
    quantity          INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents  BIGINT NOT NULL
);
CREATE INDEX order_lines_order_idx ON order_lines (order_id);

-- Tickets. `status_category` maps the status to open/paused/resolved so logic never lists statuses.
-- `search_text` is the accent-folded, lower-case text of the reference, subject, customer, order
-- number and every message, maintained by the writer; searched with contains().
CREATE TABLE tickets (
    id                        BIGINT PRIMARY KEY,
    ref                       VARCHAR NOT NULL UNIQUE,
    subject                   VARCHAR NOT NULL,
    status                    VARCHAR NOT NULL
        CHECK (status IN ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')),
    priority                  VARCHAR NOT NULL DEFAULT 'normal'
        CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    channel                   VARCHAR NOT NULL,
    language                  VARCHAR NOT NULL CHECK (language IN ('fr', 'en')),
    customer_id               BIGINT NOT NULL,
    assignee_id               BIGINT,
    problem_type              VARCHAR,
    problem_confidence        DOUBLE,
    tags                      VARCHAR[] NOT NULL DEFAULT [],
    order_id                  BIGINT,
    order_number              VARCHAR,            -- as given by the customer, even if unmatched
    conversation_token_hash   VARCHAR,            -- SHA-256 of the customer's secret token
    source                    JSON,               -- channel metadata: page URL, locale, relay...
    message_count             INTEGER NOT NULL DEFAULT 0,
    created_at                TIMESTAMP NOT NULL,
    updated_at                TIMESTAMP NOT NULL,
    first_response_at         TIMESTAMP,
    last_customer_message_at  TIMESTAMP,
    last_agent_message_at     TIMESTAMP,
    snoozed_until             TIMESTAMP,
    solved_at                 TIMESTAMP,
    closed_at                 TIMESTAMP,
    search_text               VARCHAR NOT NULL DEFAULT ''
);
CREATE INDEX tickets_customer_idx ON tickets (customer_id);
CREATE INDEX tickets_token_idx ON tickets (conversation_token_hash);

CREATE TABLE messages (
    id            BIGINT PRIMARY KEY,
    ticket_id     BIGINT NOT NULL,
    kind          VARCHAR NOT NULL CHECK (kind IN ('inbound', 'outbound', 'note')),
    author_type   VARCHAR NOT NULL CHECK (author_type IN ('customer', 'agent', 'system')),
    author_id     BIGINT,
    author_name   VARCHAR,
    channel       VARCHAR NOT NULL,
    body_text     VARCHAR NOT NULL,
    body_html     VARCHAR,                       -- sanitised; NULL when the text is enough
    meta          JSON,                          -- channel metadata (message-id, page URL, ...)
    delivery      VARCHAR NOT NULL DEFAULT 'none'
        CHECK (delivery IN ('none', 'queued', 'sent', 'failed')),
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX messages_ticket_idx ON messages (ticket_id);

-- The append-only log of every change: SLA, response times and analytics are computed from it.
CREATE TABLE events (
    id           BIGINT PRIMARY KEY,
    occurred_at  TIMESTAMP NOT NULL,
    name         VARCHAR NOT NULL,               -- ticket.created, message.created, ...
    actor_type   VARCHAR NOT NULL CHECK (actor_type IN ('customer', 'agent', 'system')),
    actor_id     BIGINT,
    entity_type  VARCHAR NOT NULL,
    entity_id    BIGINT NOT NULL,
    ticket_id    BIGINT,
    before       JSON,
    after        JSON
);
CREATE INDEX events_ticket_idx ON events (ticket_id);
