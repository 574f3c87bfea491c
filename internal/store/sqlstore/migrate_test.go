package sqlstore_test

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

func TestSchemaBehindIsRefusedWithHint(t *testing.T) {
	ctx := context.Background()
	// PostgreSQL is never migrated by opening it: other commands refuse an empty schema.
	db, err := sqlstore.Open(ctx, testdb.Postgres(t), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.CheckSchema(ctx)
	if !errors.Is(err, sqlstore.ErrSchemaBehind) || !strings.Contains(err.Error(), "profil db migrate") {
		t.Fatalf("CheckSchema on an empty PostgreSQL schema = %v, want ErrSchemaBehind with the command to run", err)
	}
	applied, err := db.Migrate(ctx)
	if err != nil || len(applied) == 0 {
		t.Fatalf("Migrate applied %d migrations, err %v", len(applied), err)
	}
	if err := db.CheckSchema(ctx); err != nil {
		t.Fatalf("after migrate: %v", err)
	}
	again, err := db.Migrate(ctx)
	if err != nil || len(again) != 0 {
		t.Fatalf("a second Migrate applied %d migrations (err %v), want none", len(again), err)
	}
}

func TestSQLiteMigratesOnOpenAndIsIntact(t *testing.T) {
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, testdb.SQLite(t), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		t.Fatalf("a new SQLite file is not migrated on open: %v", err)
	}
	res, err := db.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res {
		if !c.OK {
			t.Errorf("check %s failed: %s", c.Check, c.Detail)
		}
	}
	var mode string
	if err := db.SQL().QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q (%v), want wal", mode, err)
	}
	var fk int
	if err := db.SQL().QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d (%v), want 1 on every connection", fk, err)
	}
}

func TestAuditIsAppendOnly(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db := openMigrated(t, dsn)
		if _, err := db.SQL().ExecContext(ctx, `INSERT INTO audit_events (at, actor, action) VALUES (CURRENT_TIMESTAMP, 'x', 'y')`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SQL().ExecContext(ctx, `UPDATE audit_events SET actor = 'z'`); err == nil {
			t.Error("an audit event was updated")
		}
		if _, err := db.SQL().ExecContext(ctx, `DELETE FROM audit_events`); err == nil {
			t.Error("an audit event was deleted")
		}
		if db.Dialect() == sqlstore.Postgres {
			// Row triggers do not fire on TRUNCATE: a statement trigger refuses it.
			if _, err := db.SQL().ExecContext(ctx, `TRUNCATE audit_events`); err == nil {
				t.Error("TRUNCATE emptied the audit trail")
			}
		}
		var n int
		if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events`).Scan(&n); err != nil || n != 1 {
			t.Errorf("%d audit events left (%v), want the 1 written", n, err)
		}
	})
}

// A SQLite file upgraded by a later release is refused, and opening it does not lower the
// version it records: the next open refuses it too.
func TestSQLiteSchemaAheadIsRefusedAndKept(t *testing.T) {
	ctx := context.Background()
	path := testdb.SQLite(t)
	db, err := sqlstore.Open(ctx, path, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ahead := sqlstore.LatestVersion(sqlstore.SQLite) + 1
	for _, q := range []string{
		`INSERT INTO goose_db_version (version_id, is_applied) VALUES (` + strconv.FormatInt(ahead, 10) + `, 1)`,
		`PRAGMA user_version = ` + strconv.FormatInt(ahead, 10),
	} {
		if _, err := db.SQL().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	for range 2 {
		if _, err := sqlstore.Open(ctx, path, sqlstore.Options{}); !errors.Is(err, domain.ErrConflict) || !strings.Contains(err.Error(), strconv.FormatInt(ahead, 10)) {
			t.Errorf("opening a schema at version %d = %v, want it refused", ahead, err)
		}
		db, err := sqlstore.Open(ctx, path, sqlstore.Options{NoMigrate: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CheckSchema(ctx); err == nil || !strings.Contains(err.Error(), strconv.FormatInt(ahead, 10)) {
			t.Errorf("CheckSchema of a schema at version %d = %v, want it refused", ahead, err)
		}
		if _, err := db.Migrate(ctx); !errors.Is(err, domain.ErrConflict) {
			t.Errorf("Migrate of a schema at version %d = %v, want it refused", ahead, err)
		}
		var v int64
		if err := db.SQL().QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil || v != ahead {
			t.Errorf("user_version after an open = %d (%v), want %d", v, err, ahead)
		}
		db.Close()
	}
}

// The foreign keys of the tables bulk decisions and imports write many rows of at a time are
// checked at commit on SQLite, so that those writes keep no statement journal; the other
// foreign keys of requests stay immediate.
func TestSQLiteBulkForeignKeysAreDeferred(t *testing.T) {
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, testdb.SQLite(t), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	reference := regexp.MustCompile(`(?m)^\s*(\w+)\s.*REFERENCES \w+ \(id\)( DEFERRABLE INITIALLY DEFERRED)?`)
	want := map[string]map[string]bool{ // table → column → deferred
		"memberships":  {"user_id": true, "structure_id": true},
		"grants":       {"membership_id": true, "granted_by": true, "revoked_by": true},
		"audit_events": {"actor_id": true, "structure_id": true},
		"requests":     {"user_id": false, "structure_id": false, "decided_by": true},
	}
	for table, columns := range want {
		var schema string
		if err := db.SQL().QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?`, table).Scan(&schema); err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, m := range reference.FindAllStringSubmatch(schema, -1) {
			got[m[1]] = m[2] != ""
		}
		for column, deferred := range columns {
			if d, ok := got[column]; !ok || d != deferred {
				t.Errorf("%s.%s: a foreign key %v, deferred %v; want deferred %v", table, column, ok, d, deferred)
			}
		}
	}
	// And SQLite reads them so: a row pointing nowhere is written, and the commit refuses it.
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_events (at, actor, action, structure_id) VALUES ('2026-01-01', 'x', 'y', 99999999)`); err != nil {
		t.Fatalf("a foreign key checked at the statement: %v", err)
	}
	if err := tx.Commit(); err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("commit of an audit event on no structure: %v, want a foreign key failure", err)
	}
}
