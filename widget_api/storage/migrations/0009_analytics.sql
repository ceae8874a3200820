-- Analytics support: business time as spans with a running total (business minutes between two
-- instants = total(b) - total(a), found with an ASOF join), and the SLA policies as rows so SQL
-- can match each ticket to its policy. Both are rebuilt from the SLA settings.

CREATE TABLE business_spans (
    start_at    TIMESTAMP NOT NULL,
    end_at      TIMESTAMP NOT NULL,
    minutes     DOUBLE NOT NULL,
    cum_before  DOUBLE NOT NULL
);

CREATE TABLE sla_policies (
    rank                 INTEGER NOT NULL,
    name                 VARCHAR NOT NULL,
    channels             VARCHAR[] NOT NULL,
    priorities           VARCHAR[] NOT NULL,
    hours                VARCHAR NOT NULL,
    first_reply_minutes  INTEGER,
    next_reply_minutes   INTEGER,
    resolution_minutes   INTEGER
);
