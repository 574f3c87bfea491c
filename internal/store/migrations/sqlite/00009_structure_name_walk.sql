-- +goose Up
-- A text search reads the substrings of common words by walking the folded names in order and
-- stops at the limit; with the acronym in the index, the walk never reads the table. The same
-- for the structures of one département.
DROP INDEX structures_name_folded;
CREATE INDEX structures_name_folded ON structures (name_folded, id, acronym_folded);
DROP INDEX structures_department;
CREATE INDEX structures_department ON structures (department, name_folded, id, acronym_folded);
-- The few folded texts with a character other than a-z, 0-9 and space (a letter without
-- decomposition, such as "ł"): a two-letter search finds the others through their trigrams.
CREATE INDEX structures_outside_alphabet ON structures (id) WHERE search_text GLOB '*[^ a-z0-9]*';

-- +goose Down
DROP INDEX structures_outside_alphabet;
DROP INDEX structures_department;
CREATE INDEX structures_department ON structures (department, name_folded, id);
DROP INDEX structures_name_folded;
CREATE INDEX structures_name_folded ON structures (name_folded, id);
