-- +goose Up
-- Organisations users are attached to. siret is NULL for a structure without one.
CREATE TABLE structures (
    id             INTEGER PRIMARY KEY,
    siret          TEXT UNIQUE CHECK (siret IS NULL OR (length(siret) = 14 AND siret NOT GLOB '*[^0-9]*')),
    name           TEXT NOT NULL,
    acronym        TEXT NOT NULL DEFAULT '',
    ape            TEXT NOT NULL DEFAULT '',
    address        TEXT NOT NULL DEFAULT '',
    postal_code    TEXT NOT NULL DEFAULT '',
    city           TEXT NOT NULL DEFAULT '',
    department     TEXT NOT NULL DEFAULT '',
    kinds          TEXT NOT NULL DEFAULT '',          -- e.g. 'training-org|employer'
    ministry       INTEGER NOT NULL DEFAULT 0 CHECK (ministry IN (0, 1)),
    adhesion_year  INTEGER,
    name_folded    TEXT NOT NULL DEFAULT '',          -- name without accents, case or punctuation
    acronym_folded TEXT NOT NULL DEFAULT '',
    search_text    TEXT NOT NULL DEFAULT '',          -- name_folded || ' ' || acronym_folded
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX structures_name_folded ON structures (name_folded, id);
CREATE INDEX structures_acronym_folded ON structures (acronym_folded, id);
CREATE INDEX structures_department ON structures (department, id);

-- Substring search on the folded text: trigram tokens, accents already folded in Go, so the
-- file opens in any sqlite3 >= 3.34.
CREATE VIRTUAL TABLE structures_fts USING fts5(
    search_text, content='structures', content_rowid='id', tokenize='trigram'
);
-- +goose StatementBegin
CREATE TRIGGER structures_fts_insert AFTER INSERT ON structures BEGIN
    INSERT INTO structures_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER structures_fts_delete AFTER DELETE ON structures BEGIN
    INSERT INTO structures_fts (structures_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER structures_fts_update AFTER UPDATE OF search_text ON structures BEGIN
    INSERT INTO structures_fts (structures_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO structures_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
-- +goose StatementEnd

-- People. email is stored lower-cased: it is the login, unique whatever its case.
CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    email                TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
    last_name            TEXT NOT NULL DEFAULT '',
    first_name           TEXT NOT NULL DEFAULT '',
    function             TEXT NOT NULL DEFAULT '',
    phone                TEXT NOT NULL DEFAULT '',    -- E.164
    status               TEXT NOT NULL CHECK (status IN ('pending', 'active', 'refused', 'disabled')),
    manager              INTEGER NOT NULL DEFAULT 0 CHECK (manager IN (0, 1)),
    password_hash        TEXT,                        -- argon2id PHC string; NULL: no usable password
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    source               TEXT NOT NULL DEFAULT '',    -- legacy base: 'synapse', 'prisme'
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    last_login_at        TIMESTAMP
);
CREATE INDEX users_last_name ON users (last_name, id);

-- A user attached to a structure. Ended memberships stay for history.
CREATE TABLE memberships (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    structure_id INTEGER NOT NULL REFERENCES structures (id),
    referent     INTEGER NOT NULL DEFAULT 0 CHECK (referent IN (0, 1)),
    created_at   TIMESTAMP NOT NULL,
    ended_at     TIMESTAMP
);
CREATE UNIQUE INDEX memberships_active ON memberships (user_id, structure_id) WHERE ended_at IS NULL;
-- Exactly one référent per structure at any moment: the database refuses a second one.
CREATE UNIQUE INDEX memberships_one_referent ON memberships (structure_id) WHERE referent = 1 AND ended_at IS NULL;
CREATE INDEX memberships_structure ON memberships (structure_id, user_id);

-- Per-application rights held on a membership.
CREATE TABLE grants (
    id            INTEGER PRIMARY KEY,
    membership_id INTEGER NOT NULL REFERENCES memberships (id),
    profile_code  TEXT NOT NULL,
    granted_at    TIMESTAMP NOT NULL,
    granted_by    INTEGER REFERENCES users (id),
    revoked_at    TIMESTAMP,
    revoked_by    INTEGER REFERENCES users (id)
);
CREATE UNIQUE INDEX grants_active ON grants (membership_id, profile_code) WHERE revoked_at IS NULL;

-- Requests to reference a structure, to create an account, to join one more structure.
CREATE TABLE requests (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('structure', 'account', 'affiliation')),
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    user_id         INTEGER REFERENCES users (id),
    requester_email TEXT NOT NULL DEFAULT '',
    structure_id    INTEGER REFERENCES structures (id),
    payload         TEXT NOT NULL DEFAULT '{}',      -- JSON: the structure asked for, profiles asked
    created_at      TIMESTAMP NOT NULL,
    decided_at      TIMESTAMP,
    decided_by      INTEGER REFERENCES users (id),
    reason          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX requests_status ON requests (status, kind, id);
CREATE INDEX requests_structure ON requests (structure_id, status, id);
CREATE INDEX requests_user ON requests (user_id, id);
CREATE INDEX requests_decided_by ON requests (decided_by, id);
CREATE UNIQUE INDEX requests_one_pending ON requests (user_id, structure_id) WHERE status = 'pending' AND kind <> 'structure';

-- Append-only trail of every decision and change.
CREATE TABLE audit_events (
    id           INTEGER PRIMARY KEY,
    at           TIMESTAMP NOT NULL,
    actor_id     INTEGER REFERENCES users (id),
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    structure_id INTEGER REFERENCES structures (id),
    target       TEXT NOT NULL DEFAULT '',
    details      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_at ON audit_events (at, id);
CREATE INDEX audit_events_actor ON audit_events (actor_id, id);
CREATE INDEX audit_events_structure ON audit_events (structure_id, id);
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
-- +goose StatementEnd

-- Mail written in the same transaction as the decision it announces, delivered later over SMTP.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    created_at      TIMESTAMP NOT NULL,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until   TIMESTAMP,
    last_error      TEXT NOT NULL DEFAULT '',
    sent_at         TIMESTAMP
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at, id);

-- Sessions and API tokens. Only the SHA-256 of a token is stored.
CREATE TABLE tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    kind         TEXT NOT NULL CHECK (kind IN ('session', 'api')),
    name         TEXT NOT NULL DEFAULT '',
    token_hash   TEXT NOT NULL UNIQUE,
    scope        TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX tokens_user ON tokens (user_id, kind, id);

-- +goose Down
DROP TABLE tokens;
DROP TABLE mail_outbox;
DROP TABLE audit_events;
DROP TABLE requests;
DROP TABLE grants;
DROP TABLE memberships;
DROP TABLE users;
DROP TABLE structures_fts;
DROP TABLE structures;
