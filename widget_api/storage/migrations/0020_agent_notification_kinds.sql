-- Notifications an agent gets without a rule: a ticket assigned to them, a customer answering
-- one of their tickets, an @mention. `kind` says which ('rule' for the rules' notify action);
-- `event_id` is the event that caused it, so a replayed listener does not notify twice;
-- `params` holds what the text needs (said in the reader's language when read).
ALTER TABLE agent_notifications ADD COLUMN kind VARCHAR DEFAULT 'rule';
ALTER TABLE agent_notifications ADD COLUMN event_id BIGINT;
ALTER TABLE agent_notifications ADD COLUMN params JSON;
