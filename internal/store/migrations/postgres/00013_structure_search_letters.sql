-- +goose Up
-- A search for a single letter, which pg_trgm finds no trigram in, reads the structures
-- holding it on an index of the characters of their folded text.
CREATE INDEX structures_text_letters ON structures USING gin (string_to_array(search_text, NULL));

-- +goose Down
DROP INDEX structures_text_letters;
