-- Per-ticket facts the analytics reports aggregate, kept by the writer instead of recomputed
-- from millions of messages and events on every report: public agent replies (count and who
-- sent the first; `first_response_at` already holds when) and how often the ticket was
-- reopened (a status change from solved or closed back to an unsolved status). No NOT NULL:
-- DuckDB cannot add a constrained column to an indexed table; the default and the writer keep
-- them set.

ALTER TABLE tickets ADD COLUMN agent_replies INTEGER DEFAULT 0;
ALTER TABLE tickets ADD COLUMN first_reply_by BIGINT;
ALTER TABLE tickets ADD COLUMN reopens INTEGER DEFAULT 0;

UPDATE tickets SET agent_replies = r.replies, first_reply_by = r.first_by,
                   first_response_at = r.first_at
FROM (
    SELECT ticket_id, count(*) AS replies, arg_min(author_id, created_at) AS first_by,
           min(created_at) AS first_at
    FROM messages WHERE kind = 'outbound' AND author_type = 'agent' GROUP BY 1
) r
WHERE r.ticket_id = tickets.id;

UPDATE tickets SET reopens = r.reopens
FROM (
    SELECT ticket_id, count(*) AS reopens FROM events
    WHERE name = 'ticket.status_changed'
      AND before ->> 'status' IN ('solved', 'closed')
      AND after ->> 'status' NOT IN ('solved', 'closed')
    GROUP BY 1
) r
WHERE r.ticket_id = tickets.id;
