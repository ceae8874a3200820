-- The widget's bot answers (issue 15 §2): each question it answered or handed off, whether the
-- customer found it helpful, and the ticket it led to (the agent sees the whole transcript).
CREATE TABLE assist_answers (
    id           BIGINT PRIMARY KEY,
    query        VARCHAR NOT NULL,
    lang         VARCHAR NOT NULL,
    answer       VARCHAR NOT NULL,
    citations    JSON NOT NULL,
    handoff      BOOLEAN NOT NULL,
    confidence   DOUBLE NOT NULL,
    helpful      BOOLEAN,                 -- NULL: the customer did not say
    ticket_id    BIGINT,                  -- set when the conversation was handed to a person
    handoff_reason VARCHAR,
    created_at   TIMESTAMP NOT NULL
);
