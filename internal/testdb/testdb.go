// Package testdb gives tests a fresh database on every engine profil supports: a new SQLite
// file, and a new PostgreSQL schema when a server is reachable. PostgreSQL is found through
// PROFIL_TEST_POSTGRES (a DSN) or on 127.0.0.1:5432; when CI is set it is required, and a run
// without it fails instead of skipping.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver
)

// Engine is one database engine under test.
type Engine struct {
	Name string // "sqlite" or "postgres"
	// DSN returns the --db value of a new, empty database for t, dropped when t ends.
	DSN func(t testing.TB) string
}

// Engines returns SQLite, and PostgreSQL when it is reachable (or required).
func Engines(t testing.TB) []Engine {
	engines := []Engine{{Name: "sqlite", DSN: SQLite}}
	if _, err := postgresAdmin(); err == nil || Required() {
		engines = append(engines, Engine{Name: "postgres", DSN: Postgres})
	} else {
		warnSkipped(t, err)
	}
	return engines
}

// Each runs fn as a subtest once per engine.
func Each(t *testing.T, fn func(t *testing.T, dsn string)) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) { fn(t, e.DSN(t)) })
	}
}

// SQLite returns the path of a new SQLite file in t's temporary folder.
func SQLite(t testing.TB) string {
	return filepath.Join(t.TempDir(), "profil.db")
}

// Required reports whether PostgreSQL must be there: in CI, or when PROFIL_TEST_POSTGRES_REQUIRED
// is set.
func Required() bool {
	ci := os.Getenv("CI")
	return (ci != "" && ci != "false" && ci != "0") || os.Getenv("PROFIL_TEST_POSTGRES_REQUIRED") != ""
}

var (
	adminOnce sync.Once
	adminDSN  string
	adminErr  error
	warnOnce  sync.Once
)

func warnSkipped(t testing.TB, err error) {
	warnOnce.Do(func() {
		fmt.Fprintf(os.Stderr, "\n*** PostgreSQL tests SKIPPED: %v\n*** set PROFIL_TEST_POSTGRES or start a server on 127.0.0.1:5432 to run them\n\n", err)
	})
	t.Logf("PostgreSQL SKIPPED: %v", err)
}

// postgresAdmin finds a server and prepares the profil_test database with pg_trgm installed,
// once per test binary.
func postgresAdmin() (string, error) {
	adminOnce.Do(func() {
		base := os.Getenv("PROFIL_TEST_POSTGRES")
		if base == "" {
			conn, err := net.DialTimeout("tcp", "127.0.0.1:5432", time.Second)
			if err != nil {
				adminErr = fmt.Errorf("no server on 127.0.0.1:5432 and PROFIL_TEST_POSTGRES unset")
				return
			}
			conn.Close()
			base = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
		}
		adminDSN, adminErr = prepare(base)
	})
	return adminDSN, adminErr
}

func prepare(base string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Test packages run in parallel processes: an advisory lock makes the one-time set-up
	// (database, extension) happen once instead of racing on the catalogue's unique keys.
	db, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return "", fmt.Errorf("reach PostgreSQL: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7215001)`); err != nil {
		return "", fmt.Errorf("reach PostgreSQL: %w", err)
	}
	defer func() { _, _ = conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(7215001)`) }()
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'profil_test')`).Scan(&exists); err != nil {
		return "", fmt.Errorf("reach PostgreSQL: %w", err)
	}
	if !exists {
		if _, err := conn.ExecContext(ctx, `CREATE DATABASE profil_test`); err != nil && !strings.Contains(err.Error(), "already exists") {
			return "", fmt.Errorf("create database profil_test: %w", err)
		}
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/profil_test"
	testDB, err := sql.Open("pgx", u.String())
	if err != nil {
		return "", err
	}
	defer testDB.Close()
	// In public, once: every test schema finds it through its search_path. The lock taken
	// above is held in the other database, which is enough: only this function installs it.
	if _, err := testDB.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public`); err != nil {
		return "", fmt.Errorf("install pg_trgm: %w", err)
	}
	return u.String(), nil
}

// Postgres returns the DSN of a new schema in the profil_test database, dropped when t ends.
// It fails t when PostgreSQL is required but missing, and skips t (loudly) otherwise.
func Postgres(t testing.TB) string {
	admin, err := postgresAdmin()
	if err != nil {
		if Required() {
			t.Fatalf("PostgreSQL is required here (CI) but unreachable: %v", err)
		}
		warnSkipped(t, err)
		t.SkipNow()
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	u, _ := url.Parse(admin)
	q := u.Query()
	q.Set("search_path", schema+",public")
	// Tests do not need their commits on disk before the next statement: much faster DDL.
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}
