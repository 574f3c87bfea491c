-- +goose Up
-- Trainee accounts (the trainee-pay portal): a trainee has no structure; their names and birth
-- date come from the funder's case file, and a gestionnaire changes them.
ALTER TABLE users ADD COLUMN trainee INTEGER NOT NULL DEFAULT 0 CHECK (trainee IN (0, 1));
ALTER TABLE users ADD COLUMN birth_date TEXT NOT NULL DEFAULT '';  -- YYYY-MM-DD, '' when unknown

-- The funder's case files (dossiers), imported. A case is claimed by at most one account, and an
-- account claims at most one case. identity is the folded last name, first name and birth date
-- a registration or an unattached account is matched on.
CREATE TABLE cases (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    last_name   TEXT NOT NULL,
    first_name  TEXT NOT NULL,
    birth_date  TEXT NOT NULL,
    email       TEXT NOT NULL DEFAULT '',
    siret       TEXT NOT NULL DEFAULT '',
    identity    TEXT NOT NULL,
    user_id     INTEGER UNIQUE REFERENCES users (id),
    claimed_at  TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX cases_identity ON cases (identity);

-- The secret question of an account, and the argon2id hash of its folded answer.
CREATE TABLE secret_questions (
    user_id     INTEGER PRIMARY KEY REFERENCES users (id),
    question    TEXT NOT NULL,
    answer_hash TEXT NOT NULL,
    set_at      TIMESTAMP NOT NULL
);

-- Forgotten-password attempts, by the address typed (known or not): 5 wrong answers in a row
-- lock the reset for that address.
CREATE TABLE password_reset_locks (
    email        TEXT PRIMARY KEY,
    failed       INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP
);

-- Terms of use: a version is never changed once published; the last published is current.
CREATE TABLE terms_versions (
    id           INTEGER PRIMARY KEY,
    version      TEXT NOT NULL UNIQUE,
    body         TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    published_by INTEGER REFERENCES users (id)
);
-- +goose StatementBegin
CREATE TRIGGER terms_versions_no_update BEFORE UPDATE ON terms_versions BEGIN
    SELECT RAISE(ABORT, 'a published version of the terms of use is never changed');
END;
-- +goose StatementEnd
CREATE TABLE terms_acceptances (
    user_id     INTEGER NOT NULL REFERENCES users (id),
    version     TEXT NOT NULL REFERENCES terms_versions (version),
    accepted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, version)
);

-- FranceConnect identities: an (issuer, sub) pair belongs to one account, an account has one.
CREATE TABLE franceconnect_links (
    user_id   INTEGER PRIMARY KEY REFERENCES users (id),
    issuer    TEXT NOT NULL,
    sub       TEXT NOT NULL,
    linked_at TIMESTAMP NOT NULL,
    UNIQUE (issuer, sub)
);

-- A change of e-mail address waiting for the code mailed to the new address. The code is made
-- when the message is sent; only its hash is kept.
CREATE TABLE email_changes (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id),
    new_email  TEXT NOT NULL CHECK (new_email = lower(new_email)),
    code_hash  TEXT NOT NULL DEFAULT '',
    expires_at TIMESTAMP,
    tries      INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
ALTER TABLE mail_outbox ADD COLUMN email_change_user_id INTEGER;  -- users.id (no foreign key: SQLite could not drop the column again)

-- +goose Down
ALTER TABLE mail_outbox DROP COLUMN email_change_user_id;
DROP TABLE email_changes;
DROP TABLE franceconnect_links;
DROP TABLE terms_acceptances;
DROP TRIGGER terms_versions_no_update;
DROP TABLE terms_versions;
DROP TABLE password_reset_locks;
DROP TABLE secret_questions;
DROP INDEX cases_identity;
DROP TABLE cases;
ALTER TABLE users DROP COLUMN birth_date;
ALTER TABLE users DROP COLUMN trainee;
