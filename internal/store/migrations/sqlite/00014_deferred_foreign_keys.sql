-- +goose Up
-- The foreign keys of the rows a bulk decision or an import writes many at a time are checked
-- at commit (DEFERRABLE INITIALLY DEFERRED) instead of at each statement. A statement that
-- writes several rows and may fail half-way with an immediate foreign key makes SQLite copy
-- every page it changes to a statement journal first, to undo that statement alone; those
-- writes fail with their transaction (INSERT OR FAIL, UPDATE OR FAIL), so nothing needs
-- undoing alone. A transaction that leaves a row pointing nowhere still fails, at its commit,
-- and keeps nothing.
--
-- A foreign key clause is schema text only: it is rewritten in place, as SQLite documents for
-- changes that leave the stored rows as they are ("Making Other Kinds Of Table Schema
-- Changes"), instead of copying tables of a million rows. RESET reloads the schema on this
-- connection; the table created and dropped changes the schema cookie, so that every other
-- connection reloads it too.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(replace(replace(sql,
        'REFERENCES users (id)', 'REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED'),
        'REFERENCES structures (id)', 'REFERENCES structures (id) DEFERRABLE INITIALLY DEFERRED'),
        'REFERENCES memberships (id)', 'REFERENCES memberships (id) DEFERRABLE INITIALLY DEFERRED')
    WHERE type = 'table' AND name IN ('memberships', 'grants', 'audit_events');
UPDATE sqlite_schema SET sql = replace(sql,
        'decided_by      INTEGER REFERENCES users (id)',
        'decided_by      INTEGER REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED')
    WHERE type = 'table' AND name = 'requests';
PRAGMA writable_schema = RESET;
CREATE TABLE profil_schema_changed (x INTEGER);
DROP TABLE profil_schema_changed;

-- +goose Down
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, ' DEFERRABLE INITIALLY DEFERRED', '')
    WHERE type = 'table' AND name IN ('memberships', 'grants', 'audit_events', 'requests');
PRAGMA writable_schema = RESET;
CREATE TABLE profil_schema_changed (x INTEGER);
DROP TABLE profil_schema_changed;
