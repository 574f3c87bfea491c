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
