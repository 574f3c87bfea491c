package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/profil-cli/profil/internal/store/migrations"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

// Before migration 00006 temporary passwords waited in clear in the outbox. Upgrading drops
// those messages, takes such passwords away and ends the sessions opened with them; other
// accounts and messages are untouched.
func TestMigrationDropsTemporaryPasswordsKeptInClear(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{NoMigrate: true})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		dialect, dir := goose.DialectSQLite3, "sqlite"
		if db.Dialect() == sqlstore.Postgres {
			dialect, dir = goose.DialectPostgres, "postgres"
		}
		p, err := goose.NewProvider(dialect, db.SQL(), migrations.FS(dir), goose.WithDisableGlobalRegistry(true))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.UpTo(ctx, 5); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.SQL().ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		exec(`INSERT INTO users (id, email, status, manager, password_hash, must_change_password, created_at, updated_at)
			VALUES (1, 'temp@x.fr', 'active', FALSE, '$argon2id$temp', TRUE, $1, $1),
			       (2, 'kept@x.fr', 'active', FALSE, '$argon2id$kept', FALSE, $1, $1)`, now)
		exec(`INSERT INTO mail_outbox (created_at, to_addr, subject, body, status, next_attempt_at, sensitive)
			VALUES ($1, 'temp@x.fr', 'Votre nouveau mot de passe', 'mot de passe : abcd-efgh-jkmn-pqrs', 'pending', $1, TRUE),
			       ($1, 'kept@x.fr', 'Bienvenue', 'bonjour', 'pending', $1, FALSE)`, now)
		exec(`INSERT INTO tokens (user_id, kind, token_hash, created_at) VALUES (1, 'session', 'h1', $1), (2, 'session', 'h2', $1)`, now)

		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM mail_outbox WHERE body LIKE '%abcd-efgh%'`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d messages still hold a temporary password (%v)", n, err)
		}
		if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM mail_outbox`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d messages left, want the one without a secret (%v)", n, err)
		}
		if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE password_hash IS NULL`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d accounts without a password, want the one that had a temporary password (%v)", n, err)
		}
		if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM tokens WHERE revoked_at IS NOT NULL AND user_id = 1`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("the session opened with a temporary password was not ended (%d, %v)", n, err)
		}
		if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM tokens WHERE revoked_at IS NULL AND user_id = 2`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("another account's session was ended (%d, %v)", n, err)
		}
		// The revocation time reads back as a time on both engines.
		var revoked time.Time
		if err := db.SQL().QueryRowContext(ctx, `SELECT revoked_at FROM tokens WHERE user_id = 1`).Scan(&revoked); err != nil || revoked.IsZero() {
			t.Fatalf("revoked_at: %v, %v", revoked, err)
		}
	})
}
