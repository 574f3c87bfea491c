-- +goose Up
-- A text search reads the substrings of common words by walking the folded names in the
-- order of ORDER BY name_folded (which the text_pattern_ops index does not give) and stops at
-- the limit; with the acronym in the index, the walk reads no table page.
CREATE INDEX structures_name_order ON structures (name_folded, id) INCLUDE (acronym_folded);

-- +goose Down
DROP INDEX structures_name_order;
