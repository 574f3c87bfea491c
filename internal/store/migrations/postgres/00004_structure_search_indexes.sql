-- +goose Up
-- "Structures of the Gironde, by name": the département filter walks the index in name order
-- and stops at the limit instead of sorting every structure of the département.
DROP INDEX structures_department;
CREATE INDEX structures_department ON structures (department, name_folded, id);

-- +goose Down
DROP INDEX structures_department;
CREATE INDEX structures_department ON structures (department, id);
