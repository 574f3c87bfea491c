-- +goose Up
-- Every membership of a person, active or ended: imports look them up by user so that a
-- re-run never re-attaches someone a référent detached, and `user show` lists them.
CREATE INDEX memberships_user ON memberships (user_id);

-- The one-référent index, with the predicate the queries write ("referent = TRUE"): SQLite
-- uses a partial index only for a query whose condition matches its own, and "referent = 1"
-- made every référent lookup scan the members of the structure.
DROP INDEX memberships_one_referent;
CREATE UNIQUE INDEX memberships_one_referent ON memberships (structure_id) WHERE referent = TRUE AND ended_at IS NULL;

-- +goose Down
DROP INDEX memberships_one_referent;
CREATE UNIQUE INDEX memberships_one_referent ON memberships (structure_id) WHERE referent = 1 AND ended_at IS NULL;
DROP INDEX memberships_user;
