package service

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

// setRunLen makes the sorters of imports write a run every n records for the test.
func setRunLen(t *testing.T, n int) {
	old := importRunLen
	importRunLen = n
	t.Cleanup(func() { importRunLen = old })
}

// The sorter gives back every record in order, whether they stayed in memory or were written
// in runs, and leaves nothing in the temporary folder.
func TestSorterMergesItsRuns(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, tc := range []struct{ records, runLen int }{{0, 8}, {5, 8}, {8, 8}, {9, 8}, {1000, 7}, {1000, 1 << 20}, {4096, 64}} {
		t.Run(fmt.Sprintf("%d records, runs of %d", tc.records, tc.runLen), func(t *testing.T) {
			setRunLen(t, tc.runLen)
			rng := rand.New(rand.NewPCG(1, uint64(tc.records)))
			s := newSorter(seenCodec, bySeenHash)
			defer s.close()
			var want []seenLine
			for i := range tc.records {
				x := seenLine{hash: [2]uint64{rng.Uint64N(50), rng.Uint64()}, line: int32(i + 2), ref: rng.Int32N(100) - 1}
				if err := s.add(x); err != nil {
					t.Fatal(err)
				}
				want = append(want, x)
			}
			if s.len() != tc.records {
				t.Errorf("len %d, want %d", s.len(), tc.records)
			}
			slices.SortFunc(want, bySeenHash)
			m, err := s.sorted()
			if err != nil {
				t.Fatal(err)
			}
			var got []seenLine
			for x, ok := m.next(); ok; x, ok = m.next() {
				got = append(got, x)
			}
			if m.err != nil {
				t.Fatal(m.err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("merged %d records, want %d in order", len(got), len(want))
			}
			s.close()
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("the sorter left %v in the temporary folder", left)
			}
		})
	}
}

// A file far larger than what the first pass keeps in memory (here, runs of 64 lines) has its
// duplicates and unknown SIRETs found and reported as with everything in memory: each
// duplicate names the first line of its person and structure, even when that line is in
// another run, and the refusals (more than a run of them) come in file order.
func TestImportFindsDuplicatesAcrossRuns(t *testing.T) {
	setRunLen(t, 64)
	t.Setenv("TMPDIR", t.TempDir())
	ctx := context.Background()
	db, svc, actor := newImportTest(t, testdb.SQLite(t))
	// A structure whose SIRET starts with zeros, and one of a kind that an automatic profile
	// of this catalogue requires: its members get two profiles, the others one.
	if _, err := svc.ImportStructures(ctx, actor, strings.NewReader("siret,name,kinds\n73282932000074,Cap Métiers,\n"+
		"44306184100047,Horizons,employer\n00001235100011,Zéro,\n"), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().ExecContext(ctx, `INSERT INTO profiles (code, application, label, required_kind, automatic, position)
		VALUES ('test.employer', 'TEST', 'Employeur', 'employer', 1, 99)`); err != nil {
		t.Fatal(err)
	}
	const people = 1000
	var (
		b    strings.Builder
		want = map[int]string{} // line → why it is refused
	)
	b.WriteString("email,last_name,first_name,siret\n")
	line := 1
	row := func(format string, args ...any) {
		line++
		fmt.Fprintf(&b, format+"\n", args...)
	}
	firstLine := map[int]int{}
	for i := range people { // everyone, at both structures
		firstLine[i] = line + 1
		row("p%04d@x.fr,P,Q,73282932000074", i)
		row("p%04d@x.fr,P,Q,44306184100047", i)
	}
	for i := range people { // everyone again at the first: duplicates
		row("P%04d@X.fr,P,Q,732 829 320 00074", i)
		want[line] = fmt.Sprintf("first on line %d", firstLine[i])
	}
	for i := range 100 { // a structure the database does not have
		row("q%04d@x.fr,P,Q,55120222900128", i)
		want[line] = "SIRET"
	}
	unknownAt := line
	row("q0099@x.fr,P,Q,551 202 229 00128") // again: a duplicate of a line refused for its SIRET
	want[line] = fmt.Sprintf("first on line %d", unknownAt)
	row("p0007@x.fr,P,Q,73282932000074") // a third time
	want[line] = fmt.Sprintf("first on line %d", firstLine[7])
	for i := range 10 { // the SIRET with leading zeros
		row("z%04d@x.fr,P,Q,00001235100011", i)
	}

	var got []LineResult
	sum, err := svc.ImportUsers(ctx, actor, strings.NewReader(b.String()), ImportOptions{Source: "synapse", SkipInvalid: true, BatchSize: 300,
		OnResult: func(r LineResult) { got = append(got, r) }})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Lines != line-1 || sum.Counts[ResultCreated] != people+10 || sum.Counts[ResultAttached] != people || sum.Counts[ResultError] != len(want) {
		t.Errorf("summary %+v, want %d lines, %d refused", sum, line-1, len(want))
	}
	if left, _ := os.ReadDir(os.Getenv("TMPDIR")); len(left) > 0 {
		t.Errorf("the import left %v in the temporary folder", left)
	}
	// Each member holds the automatic profiles of their structure's kinds.
	grants := map[string]int{}
	rows, err := db.SQL().QueryContext(ctx, `SELECT s.name, count(*) FROM grants g JOIN memberships m ON m.id = g.membership_id
		JOIN structures s ON s.id = m.structure_id GROUP BY s.name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			name string
			n    int
		)
		if err := rows.Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		grants[name] = n
	}
	if want := map[string]int{"Cap Métiers": people, "Horizons": 2 * people, "Zéro": 10}; fmt.Sprint(grants) != fmt.Sprint(want) {
		t.Errorf("profiles granted by structure: %v, want %v", grants, want)
	}
	last := 0
	for _, r := range got {
		if r.Line <= last {
			t.Fatalf("line %d reported after line %d", r.Line, last)
		}
		last = r.Line
		why, bad := want[r.Line]
		switch {
		case bad && r.Result != ResultError:
			t.Errorf("line %d: %s, want refused (%s)", r.Line, r.Result, why)
		case bad && !strings.Contains(r.Err.Error(), why):
			t.Errorf("line %d: %v, want %q", r.Line, r.Err, why)
		case !bad && r.Result == ResultError:
			t.Errorf("line %d refused: %v", r.Line, r.Err)
		}
	}
}

// A file longer than the line numbers the checks keep is refused, naming the limit, and nothing
// of it is written.
func TestImportRefusesFilesBeyondItsLineNumbers(t *testing.T) {
	old := maxImportLine
	maxImportLine = 5
	t.Cleanup(func() { maxImportLine = old })
	ctx := context.Background()
	db, svc, actor := newImportTest(t, testdb.SQLite(t))
	in := "siret,name\n73282932000074,A\n44306184100047,B\n55120222900128,C\n00001235100011,D\n"
	if _, err := svc.ImportStructures(ctx, actor, strings.NewReader(in), ImportOptions{BatchSize: 1}); err != nil {
		t.Fatalf("4 lines: %v", err)
	}
	_, err := svc.ImportStructures(ctx, actor, strings.NewReader(in+"35600000000048,E\n"), ImportOptions{BatchSize: 1})
	if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), "more than 4 lines") {
		t.Fatalf("5 lines: %v, want a refusal naming 4 lines", err)
	}
	var n int
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM structures`).Scan(&n); err != nil || n != 4 {
		t.Errorf("%d structures (%v), want the 4 of the first file", n, err)
	}
}

// newImportTest opens the database dsn, migrated, and returns it with a service and a
// gestionnaire who may import.
func newImportTest(t *testing.T, dsn string) (*sqlstore.DB, *Service, domain.Actor) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var admin domain.User
	err = db.Update(ctx, func(tx store.Tx) error {
		admin = domain.User{Email: "gestion@x.fr", LastName: "G", FirstName: "G", Status: domain.UserActive, Manager: true}
		return tx.CreateUser(ctx, &admin)
	})
	if err != nil {
		t.Fatal(err)
	}
	return db, New(db), domain.Actor{UserID: admin.ID, Email: admin.Email, Manager: true}
}

// TestImportDefaultBatchPerEngine: without a batch size, an import writes 20,000 lines a
// transaction on SQLite and 5,000 on PostgreSQL (a progress report after each); a batch size
// given is kept on both.
func TestImportDefaultBatchPerEngine(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db, svc, actor := newImportTest(t, dsn)
		want := DefaultImportBatch
		if db.Dialect() == sqlstore.SQLite {
			want = DefaultSQLiteImportBatch
		}
		if got := svc.importOptions(ImportOptions{}).BatchSize; got != want {
			t.Errorf("%s: default batch of %d lines, want %d", db.Dialect(), got, want)
		}
		var b strings.Builder
		b.WriteString("name,address,postal_code,city\n")
		const n = DefaultImportBatch + 1
		for i := range n {
			fmt.Fprintf(&b, "Organisme %05d,%d rue des Écoles,33000,Bordeaux\n", i, i)
		}
		wantReports := []int{DefaultImportBatch, n}
		if db.Dialect() == sqlstore.SQLite {
			wantReports = []int{n}
		}
		// The second import is a dry run: the first has created the structures already, and
		// it would only skip them.
		for _, c := range []struct {
			size    int
			reports []int
		}{{0, wantReports}, {3000, []int{3000, n}}} {
			var reports []int
			sum, err := svc.ImportStructures(ctx, actor, strings.NewReader(b.String()), ImportOptions{BatchSize: c.size, DryRun: c.size != 0,
				OnProgress: func(done, _ int) { reports = append(reports, done) }})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Lines != n || !slices.Equal(reports, c.reports) {
				t.Errorf("%s, --batch-size %d: %d lines, progress %v; want %d lines, progress %v", db.Dialect(), c.size, sum.Lines, reports, n, c.reports)
			}
		}
	})
}
