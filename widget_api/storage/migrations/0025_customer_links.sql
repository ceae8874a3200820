-- Identities linked by agents (issue 16): each link an agent made, with what it moved, so that
-- unlinking a wrongly linked identity gives the other profile back exactly as it was.
-- A merge (other_customer_id set) moves the other customer's identities, tickets, orders,
-- returns and store credits over and removes the other customer row (counts stay right); its
-- row is kept here (`other_customer`) to be restored on unlink. An attach (other_customer_id
-- NULL) adds one identity to the customer.
CREATE TABLE customer_links (
    id                 BIGINT PRIMARY KEY,
    customer_id        BIGINT NOT NULL,   -- the customer kept
    other_customer_id  BIGINT,            -- the customer merged into it (NULL: one identity)
    other_customer     JSON,              -- that customer's row as it was
    moved              JSON NOT NULL,     -- {identities: [{id, linked}], created_identities,
                                          --  tickets, orders, returns, store_credits, filled}
    linked_by          BIGINT NOT NULL,   -- the agent
    linked_at          TIMESTAMP NOT NULL,
    unlinked_by        BIGINT,
    unlinked_at        TIMESTAMP
);
CREATE INDEX customer_links_customer_idx ON customer_links (customer_id);
