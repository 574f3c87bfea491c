package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/store/storetest"
	"github.com/profil-cli/profil/internal/testdb"
)

// openMigrated opens a fresh database of the engine at dsn, migrated, with the suite's clock.
func openMigrated(t *testing.T, dsn string) *sqlstore.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{Now: func() time.Time { return storetest.Clock }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestConformance(t *testing.T) {
	for _, e := range testdb.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) store.Store { return openMigrated(t, e.DSN(t)) })
			storetest.RunCatalogue(t, func(t *testing.T) store.Store { return openMigrated(t, e.DSN(t)) })
			storetest.RunMail(t, func(t *testing.T) store.Store { return openMigrated(t, e.DSN(t)) })
			storetest.RunTokens(t, func(t *testing.T) store.Store { return openMigrated(t, e.DSN(t)) })
			storetest.RunSignIn(t, func(t *testing.T) store.Store { return openMigrated(t, e.DSN(t)) })
			storetest.RunImports(t, func(t *testing.T) store.Store { return openMigrated(t, e.DSN(t)) })
			storetest.RunExport(t, func(t *testing.T) store.Store { return openMigrated(t, e.DSN(t)) })
			storetest.RunLocks(t, func(t *testing.T) store.Store { return openMigrated(t, e.DSN(t)) })
			storetest.RunPersonal(t, func(t *testing.T) store.Store { return openMigrated(t, e.DSN(t)) })
			storetest.RunSettings(t, func(t *testing.T) store.Store { return openMigrated(t, e.DSN(t)) })
			storetest.RunDecisions(t, func(t *testing.T) store.Store { return openMigrated(t, e.DSN(t)) })
			storetest.RunEntity(t, func(t *testing.T) store.Store { return openMigrated(t, e.DSN(t)) })
			storetest.RunRequests(t, func(t *testing.T) store.Store { return openMigrated(t, e.DSN(t)) }, sqlstore.AbortNextCommit)
			storetest.RunTrainee(t, func(t *testing.T) store.Store { return openMigrated(t, e.DSN(t)) })
		})
	}
}

// RefreshStatistics takes the tables bulk writes fill, and refuses any other name: the names
// go into the SQL.
func TestRefreshStatistics(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		db := openMigrated(t, dsn)
		ctx := context.Background()
		if err := db.RefreshStatistics(ctx, "users", "memberships", "grants", "audit_events", "structures", "cases"); err != nil {
			t.Fatalf("refresh: %v", err)
		}
		if err := db.RefreshStatistics(ctx, "users; DROP TABLE users"); err == nil {
			t.Error("an unknown table name was taken")
		}
		if db.Dialect() == sqlstore.Postgres {
			var n int
			if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_user_tables
				WHERE schemaname = current_schema() AND relname = 'users' AND last_analyze IS NOT NULL`).Scan(&n); err != nil || n != 1 {
				t.Errorf("users analyzed: %d, %v", n, err)
			}
			if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_user_tables
				WHERE schemaname = current_schema() AND relname = 'structures' AND last_vacuum IS NOT NULL
				AND last_analyze IS NOT NULL`).Scan(&n); err != nil || n != 1 {
				t.Errorf("structures vacuumed and analyzed: %d, %v", n, err)
			}
		}
	})
}
