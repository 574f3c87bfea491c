-- +goose Up
-- Every membership of a person, active or ended: imports look them up by user so that a
-- re-run never re-attaches someone a référent detached, and `user show` lists them.
CREATE INDEX memberships_user ON memberships (user_id);

-- +goose Down
DROP INDEX memberships_user;
