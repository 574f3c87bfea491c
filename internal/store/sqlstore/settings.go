package sqlstore

import (
	"context"
	"fmt"
)

func (t *tx) Settings(ctx context.Context) (map[string]string, error) {
	rows, err := t.query(ctx, `SELECT key, value FROM settings ORDER BY key`)
	if err != nil {
		return nil, fmt.Errorf("read settings: %w", mapErr(err))
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("read settings: %w", mapErr(err))
		}
		out[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read settings: %w", mapErr(err))
	}
	return out, nil
}

func (t *tx) SettingsForUpdate(ctx context.Context) (map[string]string, error) {
	// Writers queue on the table; plain reads go on. A key not set yet has no row to lock.
	if err := t.lockTables(ctx, "settings"); err != nil {
		return nil, fmt.Errorf("lock settings: %w", mapErr(err))
	}
	return t.Settings(ctx)
}

func (t *tx) SetSetting(ctx context.Context, key, value string, by int64) error {
	_, err := t.exec(ctx, `INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		key, value, t.now, nullInt(by))
	if err != nil {
		return fmt.Errorf("set setting %s: %w", key, mapErr(err))
	}
	return nil
}
