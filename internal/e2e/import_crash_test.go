package e2e

import (
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // "sqlite" driver, to look into the file as its users would

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/gen"
)

// writeStructuresCSV writes n generated structures that have a SIRET, in the columns of
// `structure import`, and returns their SIRETs.
func writeStructuresCSV(t testing.TB, path string, n int) []string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := csv.NewWriter(f)
	_ = w.Write([]string{"siret", "name", "acronym", "ape", "address", "postal_code", "city", "kinds", "ministry"})
	g := gen.NewStructures(7)
	var sirets []string
	for i := 0; len(sirets) < n; i++ {
		s := g.At(i)
		if s.SIRET == "" {
			continue
		}
		sirets = append(sirets, s.SIRET)
		kinds := make([]string, len(s.Kinds))
		for j, k := range s.Kinds {
			kinds[j] = string(k)
		}
		_ = w.Write([]string{s.SIRET, s.Name, s.Acronym, s.APE, s.Address, s.PostalCode, s.City, strings.Join(kinds, "|"), fmt.Sprint(s.Ministry)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return sirets
}

// writeUsersCSV writes n generated people, in the columns of `user import`, spread over the
// structures of sirets, their phones as people type them.
func writeUsersCSV(t testing.TB, path string, n int, sirets []string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := csv.NewWriter(f)
	_ = w.Write([]string{"email", "last_name", "first_name", "function", "phone", "siret"})
	g := gen.NewPeople(11)
	for i := range n {
		u := g.Next()
		_ = w.Write([]string{u.Email, u.LastName, u.FirstName, u.Function, domain.FormatPhoneNational(u.Phone), sirets[i%len(sirets)]})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
}

// importState is what a look into the database finds of a user import.
type importState struct {
	users, memberships, grants, events int
	orphans                            int // imported accounts without their membership or grant
}

func readImportState(t *testing.T, path string) importState {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
	rows, err := db.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("foreign_key_check reports violations")
	}
	rows.Close()
	var s importState
	for query, dst := range map[string]*int{
		`SELECT COUNT(*) FROM users WHERE source = 'synapse'`: &s.users,
		`SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.source = 'synapse' AND m.ended_at IS NULL AND NOT m.referent`: &s.memberships,
		`SELECT COUNT(*) FROM grants g JOIN memberships m ON m.id = g.membership_id JOIN users u ON u.id = m.user_id
			WHERE u.source = 'synapse' AND g.profile_code = 'parcourspro.beneficiary' AND g.revoked_at IS NULL`: &s.grants,
		`SELECT COUNT(*) FROM audit_events WHERE action = 'user.import'`: &s.events,
		`SELECT COUNT(*) FROM users u WHERE u.source = 'synapse' AND (
			(SELECT COUNT(*) FROM memberships m WHERE m.user_id = u.id AND m.ended_at IS NULL) <> 1 OR
			NOT EXISTS (SELECT 1 FROM memberships m CROSS JOIN grants g ON g.membership_id = m.id
				WHERE m.user_id = u.id AND m.ended_at IS NULL AND g.revoked_at IS NULL))`: &s.orphans,
	} {
		if err := db.QueryRow(query).Scan(dst); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	return s
}

// copyFile copies a closed SQLite database, without its WAL (checkpointed before).
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	for _, suffix := range []string{"-wal", "-shm"} {
		_ = os.Remove(to + suffix)
	}
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// A user import killed with SIGKILL at random moments never leaves half a batch: after each
// kill the file passes integrity_check, the accounts imported are a whole number of batches,
// each with its membership and its profile, one audit event per batch; and a last run
// completes the import with exactly the expected numbers.
func TestImportSurvivesKills(t *testing.T) {
	const (
		total    = 20000
		batch    = 1000
		minKills = 10
	)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "profil.db")
	h := newHome(t, dbPath)
	h.must(adminPassword+"\n", "init", "--admin-email", "gestion@cap-metiers.fr", "--admin-name", "Camille Gestion", "--password-stdin")
	structures := filepath.Join(dir, "structures.csv")
	sirets := writeStructuresCSV(t, structures, 300)
	h.must("", "structure", "import", structures)
	users := filepath.Join(dir, "users.csv")
	writeUsersCSV(t, users, total, sirets)
	// The state after the structures, to start again from when an import runs to its end.
	snapshot := filepath.Join(dir, "snapshot.db")
	checkpoint(t, dbPath)
	copyFile(t, dbPath, snapshot)

	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	longest := 1500 * time.Millisecond // how long a whole run takes, learnt from the runs that end
	kills, progressed, completed := 0, 0, 0
	deadline := time.Now().Add(45 * time.Second)
	for kills < minKills {
		if time.Now().After(deadline) {
			t.Fatalf("only %d kills in the time allowed (%d runs completed first)", kills, completed)
		}
		before := readImportState(t, dbPath)
		c := h.cmd("", "user", "import", "--source", "synapse", users, "--batch-size", fmt.Sprint(batch))
		var errOut strings.Builder
		c.Stderr = &errOut
		start := time.Now()
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- c.Wait() }()
		delay := time.Duration(float64(longest) * (0.05 + 0.95*r.Float64()))
		select {
		case err := <-done:
			// Ran to its end before the kill: note how long that takes, start again.
			if err != nil {
				t.Fatalf("import ended with %v before being killed:\n%s", err, errOut.String())
			}
			completed++
			longest = time.Since(start)
			if s := readImportState(t, dbPath); s.users != total || s.orphans != 0 {
				t.Fatalf("a run to the end left %+v", s)
			}
			copyFile(t, snapshot, dbPath)
			continue
		case <-time.After(delay):
		}
		_ = c.Process.Signal(syscall.SIGKILL) // this test's own child
		<-done
		kills++
		s := readImportState(t, dbPath)
		t.Logf("kill %d after %v: %d accounts imported (%d before)", kills, delay.Round(time.Millisecond), s.users, before.users)
		if s.users%batch != 0 && s.users != total {
			t.Fatalf("after kill %d: %d accounts, not a whole number of batches of %d", kills, s.users, batch)
		}
		if s.memberships != s.users || s.grants != s.users || s.orphans != 0 {
			t.Fatalf("after kill %d: %+v: an account without its membership or its profile", kills, s)
		}
		if s.events != s.users/batch {
			t.Fatalf("after kill %d: %d audit events for %d accounts in batches of %d", kills, s.events, s.users, batch)
		}
		if s.users < before.users {
			t.Fatalf("after kill %d: %d accounts, %d before", kills, s.users, before.users)
		}
		if s.users > before.users && s.users < total {
			progressed++
		}
		if s.users == total {
			copyFile(t, snapshot, dbPath) // nothing left to interrupt
		}
	}
	if progressed < 2 {
		t.Errorf("only %d of %d kills interrupted an import that had written some batches: the delays miss the writes", progressed, kills)
	}

	// A last run completes what the kills left, with nothing twice.
	before := readImportState(t, dbPath)
	out := h.must("", "user", "import", "--source", "synapse", users, "--batch-size", fmt.Sprint(batch), "-o", "json")
	var results []struct {
		Line   int    `json:"line"`
		Result string `json:"result"`
	}
	if err := json.Unmarshal([]byte(out), &results); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, res := range results {
		counts[res.Result]++
	}
	if len(results) != total || counts["created"] != total-before.users || counts["skipped"] != before.users {
		t.Errorf("last run: %v for %d lines, %d accounts there before", counts, len(results), before.users)
	}
	after := readImportState(t, dbPath)
	want := importState{users: total, memberships: total, grants: total, events: total / batch}
	if after != want {
		t.Errorf("after the last run: %+v, want %+v", after, want)
	}
	// And once more: nothing to do, nothing written.
	h.must("", "user", "import", "--source", "synapse", users, "--batch-size", fmt.Sprint(batch))
	if again := readImportState(t, dbPath); again != want {
		t.Errorf("a run with nothing to do changed the database: %+v", again)
	}
	t.Logf("%d kills (%d in the middle of the writes), %d runs to the end", kills, progressed, completed)
}

// checkpoint folds the WAL into the database file, so that the file alone is the database.
func checkpoint(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
}
