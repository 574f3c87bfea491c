-- +goose Up
-- The foreign keys of memberships, grants and audit_events are checked when the transaction
-- commits rather than after each statement. A transaction that breaks one still fails as a
-- whole; what changes is that a multi-row INSERT … SELECT into these tables no longer makes
-- SQLite copy every page it changes to a statement journal first (an immediate foreign key
-- may abort the statement half-way, a deferred one cannot): a third of what an import wrote.
-- SQLite cannot alter a constraint: the declarations are rewritten in sqlite_schema, which
-- changes nothing stored (https://sqlite.org/lang_altertable.html#otheralter); a table created
-- and dropped changes the schema's version, so that other connections read it again, and
-- RESET has this one read it again.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(replace(replace(sql,
        'REFERENCES users (id)', 'REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED'),
        'REFERENCES structures (id)', 'REFERENCES structures (id) DEFERRABLE INITIALLY DEFERRED'),
        'REFERENCES memberships (id)', 'REFERENCES memberships (id) DEFERRABLE INITIALLY DEFERRED')
WHERE type = 'table' AND name IN ('memberships', 'grants', 'audit_events');
CREATE TABLE profil_schema_reload (x);
DROP TABLE profil_schema_reload;
PRAGMA writable_schema = RESET;

-- +goose Down
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(sql, ' DEFERRABLE INITIALLY DEFERRED', '')
WHERE type = 'table' AND name IN ('memberships', 'grants', 'audit_events');
CREATE TABLE profil_schema_reload (x);
DROP TABLE profil_schema_reload;
PRAGMA writable_schema = RESET;
