package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/store/storetest"
	"github.com/profil-cli/profil/internal/testdb"
)

// The permit to rewrite or prune audit events lasts one transaction: once it is over, the
// triggers refuse every change again, from any connection.
func TestAuditPermitEndsWithItsTransaction(t *testing.T) {
	for _, e := range testdb.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := openMigrated(t, e.DSN(t))
			var id int64
			if err := db.Update(ctx, func(tx store.Tx) error {
				ev := &domain.AuditEvent{Actor: "zoe@horizons.fr", Action: "test.event", Target: "zoe@horizons.fr"}
				if err := tx.AppendAudit(ctx, ev); err != nil {
					return err
				}
				id = ev.ID
				return tx.RewriteText(ctx, []store.TextField{{Table: "audit_events", Column: "actor", ID: id, Value: "erased-1"}})
			}); err != nil {
				t.Fatal(err)
			}
			if err := db.Update(ctx, func(tx store.Tx) error {
				if n, err := tx.PruneAudit(ctx, storetest.Clock.Add(time.Hour), false); err != nil || n != 1 {
					t.Errorf("prune: %d, %v", n, err)
				}
				// Written once the permit is over, with the same time: the triggers guard it.
				return tx.AppendAudit(ctx, &domain.AuditEvent{Actor: "gestion@x.fr", Action: "audit.prune"})
			}); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 3; i++ { // every pooled connection
				for _, q := range []string{`UPDATE audit_events SET target = 'x'`, `DELETE FROM audit_events`} {
					if _, err := db.SQL().ExecContext(ctx, q); err == nil {
						t.Errorf("%s accepted after the permit's transaction", q)
					}
				}
			}
			if e.Name == "sqlite" {
				var n int
				if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_rewrite_permits`).Scan(&n); err != nil || n != 0 {
					t.Errorf("permits left: %d, %v", n, err)
				}
			}
		})
	}
}
