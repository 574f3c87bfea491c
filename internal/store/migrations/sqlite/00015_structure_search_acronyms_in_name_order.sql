-- +goose Up
-- Nothing on SQLite: its index of acronyms holds the names in order since 00013 (this number
-- changes an index of PostgreSQL).
SELECT 1;

-- +goose Down
SELECT 1;
