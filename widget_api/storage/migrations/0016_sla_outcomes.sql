-- Every SLA target of every ticket as the SLA engine (domain/sla/engine.py) judged it, kept by
-- the SLA worker: the one computation the live clock and the reports share. A ticket's rows are
-- replaced whenever it is recomputed; the two *_sent_at columns survive that (matched on
-- ticket, target and started_at) so a target's warning and breach are announced once.
-- The SQL policy table of 0009 goes: the reports read the policy from these rows.

CREATE TABLE sla_outcomes (
    ticket_id        BIGINT NOT NULL,
    target           VARCHAR NOT NULL,    -- first_reply | next_reply | resolution
    started_at       TIMESTAMP NOT NULL,  -- creation, or the unanswered customer message
    policy           VARCHAR NOT NULL,
    hours            VARCHAR NOT NULL,    -- business | calendar: the clock of elapsed_seconds
    target_minutes   INTEGER NOT NULL,
    due_at           TIMESTAMP,           -- NULL while paused
    met_at           TIMESTAMP,           -- the reply or the solve that ended the target
    state            VARCHAR NOT NULL,    -- met | breached | pending | paused
    elapsed_seconds  DOUBLE NOT NULL,     -- clock time taken, pauses out (to met_at or to now)
    computed_at      TIMESTAMP NOT NULL,
    warning_sent_at  TIMESTAMP,
    breach_sent_at   TIMESTAMP
);

DROP TABLE sla_policies;
