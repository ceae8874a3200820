-- Customer satisfaction: one rating per ticket (the latest counts), tied to the agent who
-- handled it.
CREATE TABLE csat_ratings (
    id          BIGINT PRIMARY KEY,
    ticket_id   BIGINT NOT NULL UNIQUE,
    agent_id    BIGINT,
    score       SMALLINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment     VARCHAR,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
