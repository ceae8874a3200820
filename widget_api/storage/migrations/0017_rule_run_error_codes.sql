-- A rule run's error as a stable code and its parameters, so the API can say it in the reader's
-- language (`error` keeps the English text, for logs). Runs recorded before have no code: their
-- stored text is shown. Each action's code and parameters sit in `actions` (JSON) beside it.
ALTER TABLE rule_runs ADD COLUMN error_code VARCHAR;
ALTER TABLE rule_runs ADD COLUMN error_params JSON;
