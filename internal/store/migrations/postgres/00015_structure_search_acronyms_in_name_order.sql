-- +goose Up
-- The exact and prefix matches of a search are read in name order and stop at the page: the
-- structures of one acronym come from this index in name order (an acronym such as "afpa" is
-- that of one structure in a hundred), instead of being read and sorted.
DROP INDEX structures_acronym_folded;
CREATE INDEX structures_acronym_folded ON structures (acronym_folded text_pattern_ops, name_folded, id) INCLUDE (department);

-- +goose Down
DROP INDEX structures_acronym_folded;
CREATE INDEX structures_acronym_folded ON structures (acronym_folded text_pattern_ops, id) INCLUDE (name_folded, department);
