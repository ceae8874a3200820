-- Teams of agents, how each hands out tickets, and who is available to take new ones.
-- An away agent keeps their tickets and signs in as usual; assignment only skips them.
ALTER TABLE agents ADD COLUMN availability VARCHAR NOT NULL DEFAULT 'available';

CREATE TABLE teams (
    id                      BIGINT PRIMARY KEY,
    name                    VARCHAR NOT NULL UNIQUE,
    strategy                VARCHAR NOT NULL DEFAULT 'round_robin'
        CHECK (strategy IN ('round_robin', 'least_loaded')),
    -- Round-robin pointer: the member picked last (the next pick is the next member by id).
    last_assigned_agent_id  BIGINT,
    created_at              TIMESTAMP NOT NULL,
    updated_at              TIMESTAMP NOT NULL
);

-- No key: members are replaced as a set (delete then insert in one transaction); the domain
-- never writes the same pair twice.
CREATE TABLE team_members (
    team_id   BIGINT NOT NULL,
    agent_id  BIGINT NOT NULL,
    added_at  TIMESTAMP NOT NULL
);
CREATE INDEX team_members_team_idx ON team_members (team_id);
