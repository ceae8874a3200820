-- The event spine: a rule may be an event's actor, each ticket event keeps a snapshot of the
-- ticket's matchable attributes, and each durable listener remembers the last event it handled.
-- DuckDB cannot drop a CHECK constraint, so the log is rebuilt with the wider one.
CREATE TABLE events_spine (
    id           BIGINT PRIMARY KEY,
    occurred_at  TIMESTAMP NOT NULL,
    name         VARCHAR NOT NULL,
    actor_type   VARCHAR NOT NULL CHECK (actor_type IN ('customer', 'agent', 'system', 'rule')),
    actor_id     BIGINT,
    entity_type  VARCHAR NOT NULL,
    entity_id    BIGINT NOT NULL,
    ticket_id    BIGINT,
    before       JSON,
    after        JSON,
    snapshot     JSON
);
INSERT INTO events_spine (id, occurred_at, name, actor_type, actor_id, entity_type, entity_id,
                          ticket_id, before, after)
    SELECT id, occurred_at, name, actor_type, actor_id, entity_type, entity_id, ticket_id,
           before, after
    FROM events;
DROP INDEX events_ticket_idx;
DROP TABLE events;
ALTER TABLE events_spine RENAME TO events;
CREATE INDEX events_ticket_idx ON events (ticket_id);

CREATE TABLE listener_cursors (
    name        VARCHAR PRIMARY KEY,
    last_event  BIGINT NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
