package sqlstore

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/profil-cli/profil/internal/store/sqlitemutex"
)

// Connections get no mutex of their own (see package sqlitemutex): opening a database, however
// many connections its pool opens, allocates no recursive mutex.
func TestSQLiteConnectionsHaveNoMutex(t *testing.T) {
	d := openTestFile(t, false)
	if !sqlitemutex.Installed() {
		t.Fatal("SQLite was initialised without profil's mutexes: every connection takes a mutex at each call")
	}
	before := sqlitemutex.RecursiveAllocated()
	holdConns(t, d.SQL(), 3, `SELECT count(*) FROM structures`)
	if got := sqlitemutex.RecursiveAllocated() - before; got != 0 {
		t.Errorf("opening connections allocated %d connection mutexes, want 0", got)
	}
}

// Without connection mutexes, goroutines using one pool at once (what `profil serve` does)
// still never see each other's half-done work: each uses its own connection, and SQLite's
// shared state keeps its real mutexes. Eight goroutines write and read at once; every write
// is there afterwards, every read saw a consistent pair, and the file is sound.
func TestSQLiteConcurrentConnections(t *testing.T) {
	ctx := context.Background()
	db := openTestFile(t, false).SQL()
	if _, err := db.ExecContext(ctx, `CREATE TABLE pairs (k INTEGER PRIMARY KEY, a INTEGER NOT NULL, b INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	const workers, rounds = 8, 300
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					errs <- err
					return
				}
				k := w*rounds + i
				// Two statements, one transaction: a reader must see both or neither.
				if _, err := tx.ExecContext(ctx, `INSERT INTO pairs (k, a, b) VALUES ($1, $2, 0)`, k, k); err != nil {
					tx.Rollback()
					errs <- err
					return
				}
				if _, err := tx.ExecContext(ctx, `UPDATE pairs SET b = a WHERE k = $1`, k); err != nil {
					tx.Rollback()
					errs <- err
					return
				}
				if err := tx.Commit(); err != nil {
					errs <- err
					return
				}
				var n, torn int
				if err := db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE a <> b) FROM pairs`).Scan(&n, &torn); err != nil {
					errs <- err
					return
				}
				if torn != 0 || n == 0 {
					errs <- fmt.Errorf("a reader saw %d rows, %d of them half-written", n, torn)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var n, sum int
	if err := db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(b), 0) FROM pairs`).Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if total := workers * rounds; n != total || sum != total*(total-1)/2 {
		t.Errorf("%d rows summing to %d, want %d rows summing to %d", n, sum, total, total*(total-1)/2)
	}
	var check string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check: %q, %v", check, err)
	}
}
