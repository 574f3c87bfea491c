-- +goose Up
-- A search for a single letter, which no trigram is, reads the structures holding it: those
-- with a trigram starting with the letter, from the vocabulary of the trigram index, and
-- those whose last two characters hold it, from an index of them.
CREATE VIRTUAL TABLE structures_fts_terms USING fts5vocab(structures_fts, instance);
CREATE INDEX structures_text_end ON structures (substr(search_text, -2));
-- The prefix matches of a search are sorted by name from the indexes alone: the index of the
-- acronym holds the name too (that of the name holds the acronym since 00009).
DROP INDEX structures_acronym_folded;
CREATE INDEX structures_acronym_folded ON structures (acronym_folded, name_folded, id);

-- +goose Down
DROP INDEX structures_acronym_folded;
CREATE INDEX structures_acronym_folded ON structures (acronym_folded, id);
DROP INDEX structures_text_end;
DROP TABLE structures_fts_terms;
