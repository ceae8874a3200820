-- Commerce connectors: orders mirrored from Shopify or WooCommerce live in the same orders tables
-- as the built-in store's, keyed by (source, external_id); the platform's own status words are
-- kept beside our mapped vocabulary (the CHECKs stay ours).
ALTER TABLE orders ADD COLUMN source VARCHAR DEFAULT 'local';  -- local|shopify|woocommerce (DuckDB cannot add NOT NULL to an indexed table)
ALTER TABLE orders ADD COLUMN external_id VARCHAR;          -- Shopify GID / WooCommerce id
ALTER TABLE orders ADD COLUMN email VARCHAR;                -- the order's e-mail (lower-case)
ALTER TABLE orders ADD COLUMN platform_financial_status VARCHAR;
ALTER TABLE orders ADD COLUMN platform_fulfillment_status VARCHAR;
ALTER TABLE orders ADD COLUMN payment_method VARCHAR;
ALTER TABLE orders ADD COLUMN cancelled_at TIMESTAMP;
ALTER TABLE orders ADD COLUMN platform_updated_at TIMESTAMP; -- the platform's updated_at
ALTER TABLE orders ADD COLUMN synced_at TIMESTAMP;
UPDATE orders SET source = 'local';
CREATE INDEX orders_external_idx ON orders (source, external_id);

ALTER TABLE order_lines ADD COLUMN external_id VARCHAR;     -- the platform's line item id
ALTER TABLE order_lines ADD COLUMN variant_title VARCHAR;   -- "M / Black" as the platform names it
ALTER TABLE order_lines ADD COLUMN tax_cents BIGINT;

-- A customer's ids at the commerce platform ({"shopify": "gid://…", "woocommerce": "42"}).
ALTER TABLE customers ADD COLUMN external_ids JSON;

-- Webhooks from the commerce platforms: stored before the 200, processed after. One row per
-- (platform, delivery id), so a redelivery is recognised and answered without processing twice.
CREATE TABLE commerce_webhooks (
    id            BIGINT PRIMARY KEY,
    platform      VARCHAR NOT NULL CHECK (platform IN ('shopify', 'woocommerce')),
    delivery_id   VARCHAR NOT NULL,
    topic         VARCHAR NOT NULL,
    body          VARCHAR NOT NULL,               -- the raw JSON body
    received_at   TIMESTAMP NOT NULL,
    status        VARCHAR NOT NULL DEFAULT 'received'
        CHECK (status IN ('received', 'processed', 'failed', 'ignored')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    processed_at  TIMESTAMP,
    error         VARCHAR,
    UNIQUE (platform, delivery_id)
);
CREATE INDEX commerce_webhooks_due_idx ON commerce_webhooks (status, next_attempt_at);

-- Order actions taken from a ticket (refund, cancel, address change, replacement, discount code).
-- The idempotency key is unique: a retry answers the stored outcome and never acts twice.
CREATE TABLE order_actions (
    id               BIGINT PRIMARY KEY,
    idempotency_key  VARCHAR NOT NULL UNIQUE,
    ticket_id        BIGINT,
    order_id         BIGINT NOT NULL,
    platform         VARCHAR NOT NULL,
    action           VARCHAR NOT NULL
        CHECK (action IN ('refund', 'cancel', 'update_shipping_address', 'replacement',
                          'discount_code')),
    request          JSON NOT NULL,
    state            VARCHAR NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'done', 'failed', 'unknown')),
    outcome          JSON,                          -- the platform's ids, amounts, code...
    error_code       VARCHAR,                       -- i18n key of the reason shown to the agent
    error_params     JSON,
    agent_id         BIGINT,
    created_at       TIMESTAMP NOT NULL,
    finished_at      TIMESTAMP
);
CREATE INDEX order_actions_order_idx ON order_actions (order_id);
