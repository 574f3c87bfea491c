-- +goose Up
-- A search for a single letter, which pg_trgm finds no trigram in, reads the structures
-- holding it on an index of the characters of their folded text.
CREATE INDEX structures_text_letters ON structures USING gin (string_to_array(search_text, NULL));
-- The prefix matches of a search, in one département or all, are sorted by name from the
-- indexes alone, and a search in one département walks its structures in name order without
-- reading them: each index holds the folded name and acronym (and the département).
DROP INDEX structures_name_folded;
CREATE INDEX structures_name_folded ON structures (name_folded text_pattern_ops, id) INCLUDE (acronym_folded, department);
DROP INDEX structures_acronym_folded;
CREATE INDEX structures_acronym_folded ON structures (acronym_folded text_pattern_ops, id) INCLUDE (name_folded, department);
DROP INDEX structures_department;
CREATE INDEX structures_department ON structures (department, name_folded, id) INCLUDE (acronym_folded);

-- +goose Down
DROP INDEX structures_department;
CREATE INDEX structures_department ON structures (department, name_folded, id);
DROP INDEX structures_acronym_folded;
CREATE INDEX structures_acronym_folded ON structures (acronym_folded text_pattern_ops, id);
DROP INDEX structures_name_folded;
CREATE INDEX structures_name_folded ON structures (name_folded text_pattern_ops, id);
DROP INDEX structures_text_letters;
