package sqlstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// openWithProcs opens a SQLite file while the process may use procs processors.
func openWithProcs(t *testing.T, path string, procs int) *DB {
	t.Helper()
	runtime.GOMAXPROCS(procs)
	d, err := Open(context.Background(), path, Options{})
	runtime.SetDefaultGOMAXPROCS() // and the runtime follows the machine's limit again
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// poolThreads is PRAGMA threads on n connections of the pool held at once.
func poolThreads(t *testing.T, d *DB, n int) []int {
	t.Helper()
	ctx := context.Background()
	var got []int
	for range n {
		c, err := d.SQL().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var threads int
		if err := c.QueryRowContext(ctx, `SELECT threads FROM pragma_threads`).Scan(&threads); err != nil {
			t.Fatal(err)
		}
		got = append(got, threads)
	}
	return got
}

// Every connection may sort with one helper thread for each other processor, at most three.
func TestSQLiteSortHelpers(t *testing.T) {
	for _, tc := range []struct{ procs, want int }{{1, 0}, {2, 1}, {4, 3}, {16, 3}} {
		d := openWithProcs(t, filepath.Join(t.TempDir(), "p.db"), tc.procs)
		for i, got := range poolThreads(t, d, 3) {
			if got != tc.want {
				t.Errorf("%d processors: connection %d sorts with %d helper threads, want %d", tc.procs, i, got, tc.want)
			}
		}
	}
}

// A whole export whose sort is larger than SQLite's sort memory (2 MB by default: about 8 MB
// of rows here, so several sorted runs on disk, merged by the helpers) comes out complete, in
// order, and as the database was when it began, while another connection writes.
func TestSQLiteLargeExportWithSortHelpers(t *testing.T) {
	ctx := context.Background()
	d := openWithProcs(t, filepath.Join(t.TempDir(), "p.db"), 4) // three helpers, whatever the machine
	const structures, people = 300, 40_000
	now := d.clock()
	for _, q := range []struct {
		n    int
		text string
	}{
		{structures, `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $1 - 1)
		 INSERT INTO structures (name, name_folded, search_text, address, created_at, updated_at)
		 SELECT printf('Structure %05d', i * 7 % $1), printf('structure %05d', i * 7 % $1),
		        printf('structure %05d', i * 7 % $1), 'x', $2, $2 FROM n`},
		{people, `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $1 - 1)
		 INSERT INTO users (email, last_name, first_name, function, status, source, created_at, updated_at)
		 SELECT printf('p%05d@example.fr', i), printf('Nom-%05d', i * 7919 % $1), 'Prénom',
		        'Chargée de mission formation professionnelle continue', 'active', 'synapse', $2, $2 FROM n`},
	} {
		if _, err := d.SQL().ExecContext(ctx, q.text, q.n, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.SQL().ExecContext(ctx, `INSERT INTO memberships (user_id, structure_id, created_at)
		SELECT u.id, (SELECT min(id) FROM structures) + u.id % $1, $2 FROM users u`, structures, now); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SQL().ExecContext(ctx, `INSERT INTO grants (membership_id, profile_code, granted_at)
		SELECT id, $1, $2 FROM memberships`, domain.ProfileBeneficiary, now); err != nil {
		t.Fatal(err)
	}

	// The export sorts every row at once, past its memory: the case of the helpers.
	var plan strings.Builder
	rows, err := d.SQL().QueryContext(ctx, `EXPLAIN QUERY PLAN SELECT m.id FROM memberships m JOIN users u ON u.id = m.user_id
		JOIN structures s ON s.id = m.structure_id WHERE m.ended_at IS NULL ORDER BY s.name_folded, s.id, u.last_name, u.first_name, u.id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(detail + "\n")
	}
	rows.Close()
	if !strings.Contains(plan.String(), "USE TEMP B-TREE FOR ORDER BY") {
		t.Fatalf("the export's plan no longer sorts every row at once, so this test starts no helper:\n%s", plan.String())
	}

	// Another connection adds a member at a time for as long as the export runs, starting a
	// few before it.
	var (
		stop    atomic.Bool
		added   atomic.Int64
		done    = make(chan error, 1)
		started = make(chan struct{})
	)
	go func() {
		var err error
		for i := 0; err == nil && !stop.Load(); i++ {
			err = d.Update(ctx, func(tx store.Tx) error {
				u := domain.User{Email: fmt.Sprintf("late%d@example.fr", i), LastName: "Tard", Status: domain.UserActive}
				if err := tx.CreateUser(ctx, &u); err != nil {
					return err
				}
				return tx.AddMembership(ctx, &domain.Membership{UserID: u.ID, StructureID: 1 + int64(i%structures)})
			})
			if err == nil && added.Add(1) == 5 {
				close(started)
			}
		}
		done <- err
	}()
	select {
	case <-started:
	case err := <-done:
		t.Fatalf("writer: %v", err)
	}
	var got []domain.Member
	err = d.View(ctx, func(tx store.Tx) error {
		return tx.EachMember(ctx, store.MemberQuery{}, func(m domain.Member) error {
			got = append(got, m)
			return nil
		})
	})
	addedBy := added.Load() // by the end of the export
	stop.Store(true)
	if werr := <-done; werr != nil {
		t.Fatalf("writer: %v", werr)
	}
	if err != nil {
		t.Fatal(err)
	}
	// The writer's members come one transaction after another: the export, one snapshot, has
	// the first few of them (written before it began) and none of the others.
	late := 0
	for _, m := range got {
		if strings.HasPrefix(m.User.Email, "late") {
			late++
		}
	}
	for _, m := range got {
		var i int
		if _, err := fmt.Sscanf(m.User.Email, "late%d@", &i); err == nil && i >= late {
			t.Errorf("exported %s but not all the members added before it", m.User.Email)
		}
	}
	if late < 5 || addedBy <= int64(late) {
		t.Fatalf("%d members added before the export began, %d by its end: the test proves nothing", late, addedBy)
	}
	if len(got) != people+late {
		t.Fatalf("exported %d members, want %d (%d written with the database, %d added before the export began)", len(got), people+late, people, late)
	}
	key := func(a, b domain.Member) int {
		return cmp.Or(cmp.Compare(a.StructureName, b.StructureName), cmp.Compare(a.StructureID, b.StructureID),
			cmp.Compare(a.User.LastName, b.User.LastName), cmp.Compare(a.User.FirstName, b.User.FirstName), cmp.Compare(a.User.ID, b.User.ID))
	}
	if !slices.IsSortedFunc(got, key) {
		t.Error("the export is not in order of structure, then name")
	}
	seen := map[int64]bool{}
	for _, m := range got {
		written := !strings.HasPrefix(m.User.Email, "late")
		if seen[m.MembershipID] || written && (len(m.Profiles) != 1 || m.User.Function == "") {
			t.Fatalf("row %+v: repeated, or read wrong", m)
		}
		seen[m.MembershipID] = true
	}
}

// SQLite's temporary files go where SQLite puts them: SQLITE_TMPDIR, else TMPDIR, else
// /var/tmp…, skipping what is not a folder this user may write to.
func TestSQLiteTempDir(t *testing.T) {
	first, second := t.TempDir(), t.TempDir()
	t.Setenv("SQLITE_TMPDIR", first)
	t.Setenv("TMPDIR", second)
	if got := sqliteTempDir(); got != first {
		t.Errorf("with SQLITE_TMPDIR: %q, want %q", got, first)
	}
	t.Setenv("SQLITE_TMPDIR", filepath.Join(first, "missing"))
	if got := sqliteTempDir(); got != second {
		t.Errorf("SQLITE_TMPDIR missing: %q, want TMPDIR %q", got, second)
	}
}

// A disk without room is named for what it is, with the folder of the temporary files, not as
// SQLite's "database or disk is full".
func TestSQLiteDiskFull(t *testing.T) {
	ctx := context.Background()
	d := openTestFile(t, false)
	tmp := t.TempDir()
	t.Setenv("SQLITE_TMPDIR", tmp)
	conn, err := d.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A database that may not grow is full for SQLite, as a full disk is.
	if _, err := conn.ExecContext(ctx, `CREATE TABLE filler (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := conn.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
		t.Fatal(err)
	}
	_, err = conn.ExecContext(ctx, `INSERT INTO filler SELECT randomblob(100000)`)
	err = mapErr(err)
	var full *DiskFullError
	if !errors.As(err, &full) {
		t.Fatalf("a full database gave %v (%T), want a *DiskFullError", err, err)
	}
	if full.TempDir != tmp || !strings.Contains(err.Error(), tmp) || !strings.Contains(err.Error(), "SQLITE_TMPDIR") {
		t.Errorf("message %q, folder %q: want the folder %q and how to choose another", err, full.TempDir, tmp)
	}
}
