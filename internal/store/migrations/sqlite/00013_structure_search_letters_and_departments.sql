-- +goose Up
-- A search for a single letter, which no trigram is, reads the structures holding it: those
-- with a trigram starting with the letter, from the vocabulary of the trigram index, and
-- those whose last two characters hold it, from an index of them. (The index of the
-- département holds the acronym since 00009.)
CREATE VIRTUAL TABLE structures_fts_terms USING fts5vocab(structures_fts, instance);
CREATE INDEX structures_text_end ON structures (substr(search_text, -2));

-- +goose Down
DROP INDEX structures_text_end;
DROP TABLE structures_fts_terms;
