-- +goose Up
-- Portal settings (`profil settings`): one row per key a gestionnaire has set; a key without
-- a row has its default, which lives in the code (internal/domain/settings.go) with the list
-- of keys and the values each accepts.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by BIGINT REFERENCES users (id)
);

-- +goose Down
DROP TABLE settings;
