-- Automation rules (widget_api/domain/rules/): rules as data, every run recorded, the episodes
-- a schedule rule fired in, and in-app notifications for agents.

-- Since when the ticket has its current status: the schedule pass filters on it in SQL. Filled
-- from the event log (the last status change, else the creation). No NOT NULL: DuckDB cannot
-- add a constrained column to an indexed table; the writer keeps it set.
ALTER TABLE tickets ADD COLUMN status_changed_at TIMESTAMP;

-- A rule: a trigger (an event name, or a schedule: "in status S for N hours"), conditions
-- ({"all": [...], "any": [...]}) and actions (a list, run in order). Webhook secrets inside
-- `actions` are sealed (domain/secret_box.py) and never returned.
CREATE TABLE rules (
    id          BIGINT PRIMARY KEY,
    name        VARCHAR NOT NULL,
    trigger     JSON NOT NULL,
    position    INTEGER NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT FALSE,
    conditions  JSON NOT NULL,
    actions     JSON NOT NULL,
    starter     VARCHAR,                         -- key of a bundled starter rule
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- One row per rule considered for an event or a schedule episode. `run_key` makes a run
-- happen once: "rule:{id}:event:{event id}" or "rule:{id}:ticket:{id}:episode:{key}".
CREATE TABLE rule_runs (
    id          BIGINT PRIMARY KEY,
    rule_id     BIGINT NOT NULL,
    ticket_id   BIGINT,
    event_id    BIGINT,
    run_key     VARCHAR NOT NULL UNIQUE,
    ran_at      TIMESTAMP NOT NULL,
    outcome     VARCHAR NOT NULL CHECK (outcome IN ('matched', 'not_matched', 'skipped', 'error')),
    matched     BOOLEAN NOT NULL,
    actions     JSON,                            -- [{kind, ok, detail, error}]
    error       VARCHAR
);
CREATE INDEX rule_runs_rule_idx ON rule_runs (rule_id);
CREATE INDEX rule_runs_ticket_idx ON rule_runs (ticket_id);

-- In-app notifications ("e-mail an agent": the outbox only sends ticket mail to customers).
CREATE TABLE agent_notifications (
    id          BIGINT PRIMARY KEY,
    agent_id    BIGINT NOT NULL,
    ticket_id   BIGINT,
    rule_id     BIGINT,
    body        VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    read_at     TIMESTAMP
);
CREATE INDEX agent_notifications_agent_idx ON agent_notifications (agent_id);

-- Data changes come after every ALTER (DuckDB refuses to alter a table changed in the same
-- transaction).
UPDATE tickets SET status_changed_at = coalesce(s.changed, tickets.created_at)
FROM (SELECT t.id, max(e.occurred_at) AS changed FROM tickets t
      LEFT JOIN events e ON e.ticket_id = t.id AND e.entity_id = t.id
                        AND e.name = 'ticket.status_changed'
      GROUP BY t.id) s
WHERE s.id = tickets.id;
