package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

// The SQLite file holds password hashes: it is created for its owner only, its folder too,
// and the -wal and -shm files SQLite makes beside it follow the file's mode.
func TestSQLiteFileModes(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "new", "profil")
	path := filepath.Join(dir, "profil.db")
	db, err := sqlstore.Open(ctx, path, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A write, so that the -wal and -shm files exist while the database is open.
	err = db.Update(ctx, func(tx store.Tx) error {
		return tx.CreateStructure(ctx, &domain.Structure{Name: "Cap Métiers", Address: "1 rue X"})
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{
		dir: 0o700, filepath.Dir(dir): 0o700, path: 0o600, path + "-wal": 0o600, path + "-shm": 0o600,
	} {
		st, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if got := st.Mode().Perm(); got != want {
			t.Errorf("%s has mode %04o, want %04o", p, got, want)
		}
	}
	if perm := sqlstore.ReadableByOthers(path); perm != 0 {
		t.Errorf("ReadableByOthers(new file) = %04o, want 0", perm)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if perm := sqlstore.ReadableByOthers(path); perm != 0o644 {
		t.Errorf("ReadableByOthers(0644 file) = %04o, want 0644", perm)
	}
}

// A command that does not create databases names the missing file and creates nothing, not
// even its folder.
func TestSQLiteMustExist(t *testing.T) {
	path := filepath.Join(t.TempDir(), "typo", "profil.db")
	_, err := sqlstore.Open(context.Background(), path, sqlstore.Options{MustExist: true})
	var missing *sqlstore.MissingError
	if !errors.As(err, &missing) || missing.Path != path {
		t.Fatalf("Open(missing, MustExist) = %v, want a MissingError naming %s", err, path)
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the folder of a missing database was created (%v)", err)
	}
}

// TryUpdate does not wait for another process's write lock: it says at once that the database
// is busy (ErrUnavailable), where Update would wait for the busy timeout.
func TestTryUpdateDoesNotWait(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "profil.db")
	db := openMigrated(t, path)
	other, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = db.TryUpdate(ctx, func(tx store.Tx) error {
		return tx.CreateStructure(ctx, &domain.Structure{Name: "Cap Métiers", Address: "1 rue X"})
	})
	if !errors.Is(err, domain.ErrUnavailable) {
		t.Errorf("TryUpdate on a locked database = %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("TryUpdate waited %v for the lock", d)
	}
	if _, err := conn.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	// The lock gone, the same connection pool writes again, and waits its turn as before.
	err = db.TryUpdate(ctx, func(tx store.Tx) error {
		return tx.CreateStructure(ctx, &domain.Structure{Name: "Cap Métiers", Address: "1 rue X"})
	})
	if err != nil {
		t.Errorf("TryUpdate on a free database: %v", err)
	}
	var timeout int
	if err := db.SQL().QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&timeout); err != nil || timeout != 10000 {
		t.Errorf("busy_timeout after TryUpdate = %d (%v), want 10000", timeout, err)
	}
}

// On PostgreSQL, TryUpdate waits at most a moment for a row another transaction holds, then
// gives up, where Update would wait for that transaction to end.
func TestTryUpdateDoesNotWaitOnPostgres(t *testing.T) {
	ctx := context.Background()
	db := openMigrated(t, testdb.Postgres(t))
	var st domain.Structure
	err := db.Update(ctx, func(tx store.Tx) error {
		st = domain.Structure{Name: "Cap Métiers", Address: "1 rue X"}
		return tx.CreateStructure(ctx, &st)
	})
	if err != nil {
		t.Fatal(err)
	}
	holder, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback()
	if _, err := holder.ExecContext(ctx, `SELECT id FROM structures WHERE id = $1 FOR UPDATE`, st.ID); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = db.TryUpdate(ctx, func(tx store.Tx) error {
		_, err := tx.LockStructure(ctx, st.ID)
		return err
	})
	if err == nil {
		t.Error("TryUpdate took a row another transaction holds")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("TryUpdate waited %v for the row", d)
	}
}
