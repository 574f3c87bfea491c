-- +goose Up
-- Two API tokens of one person may not share a name while active, even created at once.
CREATE UNIQUE INDEX tokens_api_name ON tokens (user_id, lower(name)) WHERE kind = 'api' AND revoked_at IS NULL;
-- A message carrying a temporary password: its body is wiped once delivered.
ALTER TABLE mail_outbox ADD COLUMN sensitive BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
DROP INDEX tokens_api_name;
ALTER TABLE mail_outbox DROP COLUMN sensitive;
