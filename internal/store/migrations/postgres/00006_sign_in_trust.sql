-- +goose Up
-- Brute-force protection: failed sign-ins in a row, how many times the account was locked in a
-- row (each lock lasts twice the previous one), and until when it is locked.
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN lock_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TIMESTAMPTZ;
-- A temporary password (must_change_password) signs in until this time, once: signing in with
-- it sets the time to that moment.
ALTER TABLE users ADD COLUMN password_expires_at TIMESTAMPTZ;
-- When the last temporary-password mail was queued: one per account per 15 minutes.
ALTER TABLE users ADD COLUMN temporary_mail_at TIMESTAMPTZ;
-- The account whose temporary password a message carries. The password is generated, and only
-- its hash stored, when the message is sent: the body holds no secret, before or after.
ALTER TABLE mail_outbox ADD COLUMN secret_user_id BIGINT REFERENCES users (id);

-- Temporary passwords used to wait in clear in the outbox: none of them is trusted any more.
-- Their accounts get a new one, generated at delivery, at their next sign-in attempt.
DELETE FROM mail_outbox WHERE sensitive AND status <> 'sent';
UPDATE tokens SET revoked_at = now()
    WHERE revoked_at IS NULL AND user_id IN (SELECT id FROM users WHERE must_change_password);
UPDATE users SET password_hash = NULL WHERE must_change_password;

-- +goose Down
ALTER TABLE mail_outbox DROP COLUMN secret_user_id;
ALTER TABLE users DROP COLUMN temporary_mail_at;
ALTER TABLE users DROP COLUMN password_expires_at;
ALTER TABLE users DROP COLUMN locked_until;
ALTER TABLE users DROP COLUMN lock_count;
ALTER TABLE users DROP COLUMN failed_logins;
