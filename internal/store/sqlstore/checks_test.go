package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

func TestCheckConstraints(t *testing.T) {
	for _, tc := range []struct {
		decl string
		want []string
	}{
		{"CREATE TABLE t (a INTEGER)", nil},
		{"CREATE TABLE t (a INTEGER CHECK (a IN (0, 1)), b TEXT check(b = lower(b)))", []string{"a IN (0, 1)", "b = lower(b)"}},
		// Quotes and comments hide what looks like a CHECK, and hold parentheses.
		{"CREATE TABLE t (\n  a TEXT DEFAULT 'CHECK (x)', -- CHECK (y) (\n  \"check_me\" INT /* CHECK ( */ CHECK /* c */ (a <> ')' AND a <> 'it''s'),\n" +
			"  CONSTRAINT named CHECK ([a b] > 0 -- )\n  )\n)",
			[]string{"a <> ')' AND a <> 'it''s'", "[a b] > 0 -- )"}},
		{"CREATE TABLE t (rechecked INT, checks INT)", nil},
	} {
		got, err := checkConstraints(tc.decl)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("checkConstraints(%q) = %q, %v; want %q", tc.decl, got, err, tc.want)
		}
	}
	for _, bad := range []string{"CREATE TABLE t (a CHECK (a > (0)", "CREATE TABLE t (a CHECK a > 0)", "CREATE TABLE t (a TEXT DEFAULT 'x)"} {
		if got, err := checkConstraints(bad); err == nil {
			t.Errorf("checkConstraints(%q) = %q, want an error", bad, got)
		}
	}
}

// The CHECK constraints of users, as the migrations leave them, are all found: those of its
// columns and those columns added later.
func TestSQLiteChecksOfUsers(t *testing.T) {
	ctx := context.Background()
	db := openTestFile(t, true)
	got, err := sqliteChecks(ctx, &tx{d: db, q: db.db}, "users")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"email = lower(email)", "status IN ('pending', 'active', 'refused', 'disabled')", "manager IN (0, 1)",
		"must_change_password IN (0, 1)", "trainee IN (0, 1)"}
	if !slices.Equal(got, want) {
		t.Errorf("checks of users = %q, want %q", got, want)
	}
}

// Upgrading a database to version 14 defers the foreign keys of memberships, grants and
// audit_events on every connection, the one that migrated included: a statement that breaks
// one is let through, and the commit refuses it. Down, they are immediate again.
func TestSQLiteForeignKeysDeferredFrom14(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "p.db"), Options{NoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := db.provider()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 13); err != nil {
		t.Fatal(err)
	}
	// Connections that read the schema of version 13 before the upgrade.
	db.db.SetMaxIdleConns(4)
	holdConns(t, db.db, 3, `SELECT count(*) FROM memberships`)
	breaks := func(deferred bool) {
		t.Helper()
		for i := range 3 {
			c, err := db.db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			for _, q := range []string{
				`INSERT INTO memberships (user_id, structure_id, created_at) VALUES (424242, 424242, '2026-01-01')`,
				`INSERT INTO audit_events (at, actor_id, actor, action, structure_id) VALUES ('2026-01-01', 424242, 'x', 'x', 424242)`,
				`INSERT INTO grants (membership_id, profile_code, granted_at) VALUES (424242, 'x', '2026-01-01')`,
			} {
				if _, err := c.ExecContext(ctx, `BEGIN`); err != nil {
					t.Fatal(err)
				}
				_, err := c.ExecContext(ctx, q)
				if (err == nil) != deferred {
					t.Errorf("connection %d, deferred %v: %s = %v", i, deferred, q, err)
				}
				if err == nil {
					if _, err := c.ExecContext(ctx, `COMMIT`); err == nil {
						t.Errorf("connection %d: the commit of %s succeeded", i, q)
					}
				}
				_, _ = c.ExecContext(ctx, `ROLLBACK`)
			}
		}
	}
	breaks(false)
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	breaks(true)
	if _, err := p.DownTo(ctx, 13); err != nil {
		t.Fatal(err)
	}
	breaks(false)
}

// A bulk insert of an import's size copies the log back into the database every 50,000
// pages, a smaller one (a bulk decision) every 20,000.
func TestSQLiteCheckpointOfBulkInserts(t *testing.T) {
	ctx := context.Background()
	db := openTestFile(t, false)
	for _, tc := range []struct{ rows, want int }{{sqliteLargeWrite / 2, 20000}, {sqliteLargeWrite + 1, 50000}} {
		us := make([]domain.User, tc.rows)
		for i := range us {
			us[i] = domain.User{Email: fmt.Sprintf("u%d-%d@x.fr", tc.rows, i), Status: domain.UserActive}
		}
		err := db.Update(ctx, func(stx store.Tx) error {
			if err := stx.InsertUsers(ctx, us); err != nil {
				return err
			}
			var pages int
			if err := stx.(*tx).q.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&pages); err != nil {
				return err
			}
			if pages != tc.want {
				t.Errorf("after inserting %d rows: wal_autocheckpoint = %d, want %d", tc.rows, pages, tc.want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestInsertTable(t *testing.T) {
	for in, want := range map[string]string{
		"INSERT INTO users (id, email) ":                          "users",
		" INSERT OR FAIL INTO audit_events (at, actor_id) ":       "audit_events",
		"INSERT OR FAIL INTO grants(membership_id, profile_code)": "grants",
	} {
		if got, ok := insertTable(in); !ok || got != want {
			t.Errorf("insertTable(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if got, ok := insertTable("UPDATE users SET x = 1"); ok {
		t.Errorf("insertTable of an UPDATE = %q, want none", got)
	}
}

// Once a bulk insert could not turn CHECK constraints back on, a connection may be in the
// pool with them off: every later write transaction turns them on.
func TestSQLiteChecksTurnedBackOn(t *testing.T) {
	ctx := context.Background()
	db := openTestFile(t, false)
	db.db.SetMaxOpenConns(1) // the one connection, left with its checks off
	if _, err := db.db.ExecContext(ctx, `PRAGMA ignore_check_constraints = ON`); err != nil {
		t.Fatal(err)
	}
	db.checksMayBeOff.Store(true)
	for _, run := range []func(func(*tx) error) error{
		func(fn func(*tx) error) error {
			return db.update(ctx, func(st store.Tx) error { return fn(st.(*tx)) })
		},
		func(fn func(*tx) error) error {
			return db.TryUpdate(ctx, func(st store.Tx) error { return fn(st.(*tx)) })
		},
	} {
		err := run(func(t *tx) error {
			_, err := t.q.ExecContext(ctx, `INSERT INTO users (email, last_name, first_name, status, created_at, updated_at)
				VALUES ('Upper@Example.fr', 'Durand', 'Jeanne', 'active', '2026-01-01', '2026-01-01')`)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "CHECK") {
			t.Errorf("an upper-case e-mail written with the checks possibly off: %v, want a CHECK failure", err)
		}
	}
}

// A bulk insert binds once the values every row shares: a column that differs in one row
// only, whatever its type, keeps each row's own value.
func TestSQLiteBulkInsertSharedValues(t *testing.T) {
	ctx := context.Background()
	db := openTestFile(t, true)
	const n = sqliteRowsPerInsert*2 + 7
	for _, odd := range []int{0, n / 2, n - 1} {
		us := make([]domain.User, n)
		for i := range us {
			us[i] = domain.User{Email: fmt.Sprintf("u%d-%d@x.fr", odd, i), LastName: "Durand", FirstName: "Jeanne",
				Status: domain.UserActive, Source: "synapse"}
			if i == odd {
				us[i].LastName, us[i].Status, us[i].Manager, us[i].Source = "Martin", domain.UserPending, true, ""
				us[i].PasswordHash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"
			}
		}
		if err := db.Update(ctx, func(stx store.Tx) error { return stx.InsertUsers(ctx, us) }); err != nil {
			t.Fatal(err)
		}
		rows, err := db.db.QueryContext(ctx, `SELECT id, email, last_name, status, manager, source, coalesce(password_hash, ''), created_at
			FROM users WHERE email LIKE ? ORDER BY id`, fmt.Sprintf("u%d-%%", odd))
		if err != nil {
			t.Fatal(err)
		}
		i := 0
		var created string
		for rows.Next() {
			var (
				id                                int64
				email, last, status, source, hash string
				manager                           bool
				at                                string
			)
			if err := rows.Scan(&id, &email, &last, &status, &manager, &source, &hash, &at); err != nil {
				t.Fatal(err)
			}
			u := us[i]
			if id != u.ID || email != u.Email || last != u.LastName || status != string(u.Status) || manager != u.Manager ||
				source != u.Source || hash != u.PasswordHash {
				t.Errorf("row %d (odd %d): %d %s %s %s %v %q %q, want %d %s %s %s %v %q %q", i, odd, id, email, last, status, manager,
					source, hash, u.ID, u.Email, u.LastName, u.Status, u.Manager, u.Source, u.PasswordHash)
			}
			if i > 0 && at != created {
				t.Errorf("row %d (odd %d) created at %q, row 0 at %q", i, odd, at, created)
			}
			created = at
			i++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if i != n {
			t.Errorf("odd %d: %d rows written, want %d", odd, i, n)
		}
	}
}

// openTestFile opens a new SQLite file, migrated if migrate, closed at the end of the test.
// holdConns takes n connections of the pool at once, so that it must open new ones, runs query
// on each, then gives them all back.
func holdConns(t *testing.T, db *sql.DB, n int, query string) {
	t.Helper()
	ctx := context.Background()
	var conns []*sql.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		if _, err := c.ExecContext(ctx, query); err != nil {
			t.Fatal(err)
		}
	}
}

func openTestFile(t *testing.T, migrate bool) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "p.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if migrate {
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return db
}
