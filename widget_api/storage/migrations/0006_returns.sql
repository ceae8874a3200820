-- Returns (RMA): requests, their lines and inspections, labels, refunds, store credits and the
-- keys a 3PL warehouse uses. Every state change is also an event (`return.*`, entity "return")
-- in the event log, which the returns KPIs are computed from; the *_at columns here are copies
-- kept for filtering and overdue flags.

CREATE TABLE returns (
    id                    BIGINT PRIMARY KEY,
    rma                   VARCHAR NOT NULL UNIQUE,      -- "RMA-" + 6 digits
    order_id              BIGINT NOT NULL,
    customer_id           BIGINT NOT NULL,
    ticket_id             BIGINT NOT NULL,              -- the conversation agents follow it in
    state                 VARCHAR NOT NULL CHECK (state IN (
        'requested', 'approved', 'rejected', 'label_issued', 'in_transit', 'received',
        'inspected', 'refunded', 'exchanged', 'credited', 'closed', 'cancelled')),
    reason                VARCHAR NOT NULL CHECK (reason IN (
        'wrong_size', 'wrong_item', 'defective', 'not_as_described', 'changed_mind',
        'arrived_damaged')),
    outcome               VARCHAR NOT NULL CHECK (outcome IN ('refund', 'exchange', 'store_credit')),
    language              VARCHAR NOT NULL CHECK (language IN ('fr', 'en')),
    comment               VARCHAR,
    created_by            VARCHAR NOT NULL CHECK (created_by IN ('customer', 'agent', 'system')),
    shipping_payer        VARCHAR NOT NULL CHECK (shipping_payer IN ('store', 'customer')),
    shipping_fee_cents    BIGINT NOT NULL DEFAULT 0,    -- deducted when the customer pays it
    estimate_cents        BIGINT NOT NULL DEFAULT 0,    -- refund if every unit is accepted
    refund_cents          BIGINT,                       -- what was finally refunded or credited
    resolution_ref        VARCHAR,                      -- refund id, exchange order, credit code
    auto_approved         BOOLEAN NOT NULL DEFAULT FALSE,
    policy_override       BOOLEAN NOT NULL DEFAULT FALSE,
    rejection_reason      VARCHAR,
    token_hash            VARCHAR NOT NULL,             -- SHA-256 of the customer's return token
    photo_ids             BIGINT[] NOT NULL DEFAULT [], -- attachments of the linked ticket
    requested_at          TIMESTAMP NOT NULL,
    state_changed_at      TIMESTAMP NOT NULL,
    received_at           TIMESTAMP,
    inspected_at          TIMESTAMP,
    resolved_at           TIMESTAMP,
    closed_at             TIMESTAMP
);
CREATE INDEX returns_order_idx ON returns (order_id);
CREATE INDEX returns_customer_idx ON returns (customer_id);
CREATE INDEX returns_ticket_idx ON returns (ticket_id);

CREATE TABLE return_lines (
    id                BIGINT PRIMARY KEY,
    return_id         BIGINT NOT NULL,
    order_line_id     BIGINT NOT NULL,
    sku               VARCHAR NOT NULL,
    title             VARCHAR NOT NULL,
    quantity          INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents  BIGINT NOT NULL,
    exchange_sku      VARCHAR,                           -- the variant wanted instead
    restocked         INTEGER NOT NULL DEFAULT 0         -- units put back in stock as new
);
CREATE INDEX return_lines_return_idx ON return_lines (return_id);

-- What the warehouse found, per line; a line's units may be split between outcomes.
CREATE TABLE return_inspections (
    id              BIGINT PRIMARY KEY,
    return_line_id  BIGINT NOT NULL,
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    outcome         VARCHAR NOT NULL
        CHECK (outcome IN ('restock', 'second_quality', 'refurbish', 'write_off')),
    accepted        BOOLEAN NOT NULL,                    -- counts towards the refund
    notes           VARCHAR,
    inspected_at    TIMESTAMP NOT NULL
);
CREATE INDEX return_inspections_line_idx ON return_inspections (return_line_id);

CREATE TABLE return_labels (
    id               BIGINT PRIMARY KEY,
    return_id        BIGINT NOT NULL,
    carrier          VARCHAR NOT NULL,
    tracking_number  VARCHAR,
    content_type     VARCHAR NOT NULL,
    data             BLOB NOT NULL,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX return_labels_return_idx ON return_labels (return_id);

-- Money given back by the local store backend (other backends keep theirs at the platform).
CREATE TABLE refunds (
    id            BIGINT PRIMARY KEY,
    order_id      BIGINT NOT NULL,
    return_id     BIGINT,
    method        VARCHAR NOT NULL CHECK (method IN ('original_payment', 'store_credit')),
    amount_cents  BIGINT NOT NULL CHECK (amount_cents >= 0),
    lines         JSON,
    reference     VARCHAR NOT NULL UNIQUE,               -- idempotency key (the RMA)
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX refunds_order_idx ON refunds (order_id);

CREATE TABLE store_credits (
    id            BIGINT PRIMARY KEY,
    customer_id   BIGINT NOT NULL,
    code          VARCHAR NOT NULL UNIQUE,
    amount_cents  BIGINT NOT NULL CHECK (amount_cents >= 0),
    reference     VARCHAR NOT NULL UNIQUE,
    created_at    TIMESTAMP NOT NULL
);

-- Keys of the 3PL warehouse API; only a SHA-256 is kept. Rotating revokes the previous key.
CREATE TABLE tpl_keys (
    id          BIGINT PRIMARY KEY,
    key_hash    VARCHAR NOT NULL UNIQUE,
    prefix      VARCHAR NOT NULL,                        -- first characters, to recognise it
    created_by  BIGINT,
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
