-- +goose Up
-- Entity requests (guide 004), documents, e-mail activation and change requests.
-- SQLite cannot change a CHECK constraint in place: the requests table is rebuilt with the new
-- kind (change) and status (unverified), and the columns of e-mail activation. Nothing refers
-- to requests yet, so the rebuild moves no foreign key. The rows wait in a copy rather than the
-- new table being renamed: ALTER TABLE RENAME opens the temporary database of the connection,
-- after which SQLite refuses to change temp_store (bulk imports set it).
CREATE TABLE requests_copy AS SELECT id, kind, status, user_id, requester_email, structure_id, payload,
    created_at, decided_at, decided_by, reason FROM requests;
DROP TABLE requests;
CREATE TABLE requests (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('structure', 'account', 'affiliation', 'change')),
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('unverified', 'pending', 'approved', 'rejected')),
    user_id         INTEGER REFERENCES users (id),
    requester_email TEXT NOT NULL DEFAULT '',
    structure_id    INTEGER REFERENCES structures (id),
    payload         TEXT NOT NULL DEFAULT '{}',      -- JSON: the structure asked for, profiles asked, changes
    created_at      TIMESTAMP NOT NULL,
    decided_at      TIMESTAMP,
    decided_by      INTEGER REFERENCES users (id),
    reason          TEXT NOT NULL DEFAULT '',
    -- E-mail activation: the SHA-256 of the code mailed (empty: none live), until when it
    -- activates, the wrong tries against it, and when the last code mail was queued.
    activation_hash       TEXT NOT NULL DEFAULT '',
    activation_expires_at TIMESTAMP,
    activation_tries      INTEGER NOT NULL DEFAULT 0,
    activation_mail_at    TIMESTAMP
);
INSERT INTO requests (id, kind, status, user_id, requester_email, structure_id, payload, created_at, decided_at, decided_by, reason)
    SELECT id, kind, status, user_id, requester_email, structure_id, payload, created_at, decided_at, decided_by, reason FROM requests_copy;
DROP TABLE requests_copy;
CREATE INDEX requests_status ON requests (status, kind, id);
CREATE INDEX requests_structure ON requests (structure_id, status, id);
CREATE INDEX requests_user ON requests (user_id, id);
CREATE INDEX requests_decided_by ON requests (decided_by, id);
CREATE INDEX requests_requester ON requests (requester_email, status);
CREATE UNIQUE INDEX requests_one_pending ON requests (user_id, structure_id)
    WHERE status IN ('unverified', 'pending') AND kind IN ('account', 'affiliation');

-- The files joined to a request (proof of legal existence, mandate). Kept as bytes, never
-- opened: their type is recognised from their first bytes, their SHA-256 kept with them.
CREATE TABLE request_documents (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('proof', 'mandate')),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (request_id, kind)
);

-- The request whose activation code a message carries. The code is generated, and only its
-- hash stored, when the message is sent.
ALTER TABLE mail_outbox ADD COLUMN activation_request_id INTEGER;  -- requests.id (no foreign key, as secret_user_id)

-- +goose Down
ALTER TABLE mail_outbox DROP COLUMN activation_request_id;
DROP TABLE request_documents;
DELETE FROM requests WHERE kind = 'change' OR status = 'unverified';
CREATE TABLE requests_copy AS SELECT id, kind, status, user_id, requester_email, structure_id, payload,
    created_at, decided_at, decided_by, reason FROM requests;
DROP TABLE requests;
CREATE TABLE requests (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('structure', 'account', 'affiliation')),
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    user_id         INTEGER REFERENCES users (id),
    requester_email TEXT NOT NULL DEFAULT '',
    structure_id    INTEGER REFERENCES structures (id),
    payload         TEXT NOT NULL DEFAULT '{}',
    created_at      TIMESTAMP NOT NULL,
    decided_at      TIMESTAMP,
    decided_by      INTEGER REFERENCES users (id),
    reason          TEXT NOT NULL DEFAULT ''
);
INSERT INTO requests SELECT id, kind, status, user_id, requester_email, structure_id, payload, created_at, decided_at, decided_by, reason FROM requests_copy;
DROP TABLE requests_copy;
CREATE INDEX requests_status ON requests (status, kind, id);
CREATE INDEX requests_structure ON requests (structure_id, status, id);
CREATE INDEX requests_user ON requests (user_id, id);
CREATE INDEX requests_decided_by ON requests (decided_by, id);
CREATE UNIQUE INDEX requests_one_pending ON requests (user_id, structure_id) WHERE status = 'pending' AND kind <> 'structure';
