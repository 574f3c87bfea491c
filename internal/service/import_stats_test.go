package service_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/testdb"
)

// An import that writes many lines leaves PostgreSQL's statistics up to date, so that the
// commands after it are planned for the tables as they now are; a small one does not pay for
// an ANALYZE.
func TestLargeImportRefreshesStatistics(t *testing.T) {
	e := newEnv(t, testdb.Postgres(t))
	// How many of the tables the import fills were analyzed (each on a connection of its own).
	analyzed := func() int {
		t.Helper()
		n := 0
		for _, table := range []string{"users", "memberships", "grants", "audit_events"} {
			var at *time.Time
			if err := e.db.SQL().QueryRowContext(e.ctx, `SELECT last_analyze FROM pg_stat_user_tables WHERE relname = $1 AND schemaname = current_schema()`, table).Scan(&at); err != nil {
				t.Fatal(err)
			}
			if at != nil {
				n++
			}
		}
		return n
	}
	sCSV, uCSV := importFiles(100, service.StatisticsAfter+10)
	if _, err := e.svc.ImportStructures(e.ctx, e.manager, bytes.NewReader(sCSV), service.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(uCSV, []byte("\n"))
	small := bytes.Join(lines[:11], nil) // the header and 10 accounts
	if _, err := e.svc.ImportUsers(e.ctx, e.manager, bytes.NewReader(small), service.ImportOptions{Source: "synapse"}); err != nil {
		t.Fatal(err)
	}
	if n := analyzed(); n != 0 {
		t.Fatalf("an import of 10 lines analyzed %d tables", n)
	}
	sum, err := e.svc.ImportUsers(e.ctx, e.manager, bytes.NewReader(uCSV), service.ImportOptions{Source: "synapse"})
	if err != nil || sum.Counts[service.ResultCreated] != service.StatisticsAfter {
		t.Fatalf("import: %v, %v", sum.Counts, err)
	}
	if n := analyzed(); n != 4 {
		t.Errorf("an import of more than StatisticsAfter lines analyzed %d of its 4 tables", n)
	}
}
