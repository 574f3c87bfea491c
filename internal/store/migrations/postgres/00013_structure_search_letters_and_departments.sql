-- +goose Up
-- A search for a single letter, which pg_trgm finds no trigram in, reads the structures
-- holding it on an index of the characters of their folded text.
CREATE INDEX structures_text_letters ON structures USING gin (string_to_array(search_text, NULL));
-- A search in one département walks its structures in name order on its index: with the
-- acronym in the index, the walk reads no table page.
DROP INDEX structures_department;
CREATE INDEX structures_department ON structures (department, name_folded, id) INCLUDE (acronym_folded);

-- +goose Down
DROP INDEX structures_department;
CREATE INDEX structures_department ON structures (department, name_folded, id);
DROP INDEX structures_text_letters;
