-- Live SLA state of each ticket, kept by the SLA worker (see domain/sla/worker.py).
ALTER TABLE tickets ADD COLUMN sla_policy VARCHAR;
ALTER TABLE tickets ADD COLUMN sla_metric VARCHAR;
ALTER TABLE tickets ADD COLUMN sla_warn_at TIMESTAMP;
