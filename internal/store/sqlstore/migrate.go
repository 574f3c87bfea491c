package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/store/migrations"
)

// ErrSchemaBehind means the database was made by an older profil and must be migrated first.
var ErrSchemaBehind = errors.New("database schema is behind")

var latestVersions sync.Map // dialect → int64

// LatestVersion is the highest migration this binary carries for the dialect.
func LatestVersion(dialect string) int64 {
	if v, ok := latestVersions.Load(dialect); ok {
		return v.(int64)
	}
	var latest int64
	entries, _ := fs.ReadDir(migrations.FS(dialect), ".")
	for _, e := range entries {
		num, _, _ := strings.Cut(e.Name(), "_")
		if v, err := strconv.ParseInt(num, 10, 64); err == nil && path.Ext(e.Name()) == ".sql" && v > latest {
			latest = v
		}
	}
	latestVersions.Store(dialect, latest)
	return latest
}

func (d *DB) provider() (*goose.Provider, error) {
	var (
		dialect goose.Dialect
		opts    = []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	)
	switch d.target.Dialect {
	case SQLite:
		dialect = goose.DialectSQLite3
	case Postgres:
		dialect = goose.DialectPostgres
		// Several administrators may upgrade a shared database at once: one waits for the other.
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, d.db, migrations.FS(d.target.Dialect), opts...)
}

// SchemaVersion reads the version of the schema without touching it (0: empty database).
func (d *DB) SchemaVersion(ctx context.Context) (int64, error) {
	if d.target.Dialect == SQLite {
		var v int64
		if err := d.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
			return 0, err
		}
		if v > 0 {
			return v, nil
		}
	}
	var v *int64
	err := d.db.QueryRowContext(ctx, `SELECT MAX(version_id) FROM goose_db_version WHERE is_applied`).Scan(&v)
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == "42P01", err != nil && strings.Contains(err.Error(), "no such table"):
		return 0, nil // undefined table: nothing was ever migrated
	case err != nil:
		return 0, d.target.scrub(err)
	case v == nil:
		return 0, nil
	}
	return *v, nil
}

// CheckSchema refuses a schema other than the one this binary was built for, with the way out.
func (d *DB) CheckSchema(ctx context.Context) error {
	latest := LatestVersion(d.target.Dialect)
	v := latest
	if !d.schemaCurrent.Load() {
		var err error
		if v, err = d.SchemaVersion(ctx); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
	}
	switch {
	case v < latest:
		return &schemaBehindError{version: v, latest: latest, dialect: d.target.Dialect}
	case v > latest:
		return domain.Errorf(domain.ErrConflict, "schema.ahead", v, latest)
	}
	if d.target.Dialect == Postgres {
		return d.checkGrants(ctx)
	}
	return nil
}

// schemaBehindError is ErrSchemaBehind with the versions and the way out.
type schemaBehindError struct {
	version, latest int64
	dialect         string
}

func (e *schemaBehindError) Error() string {
	if e.dialect == Postgres {
		// A server runs with a runtime role, which cannot migrate: the owner does.
		return i18n.T("schema.behind_postgres", e.version, e.latest)
	}
	return i18n.T("schema.behind", e.version, e.latest)
}

func (e *schemaBehindError) Is(target error) bool { return target == ErrSchemaBehind }

// MigrationResult is one migration applied.
type MigrationResult struct {
	Version  int64
	Name     string
	Duration time.Duration
}

// Migrate brings the schema up to date and returns what it applied. On PostgreSQL it holds an
// advisory lock meanwhile; on SQLite several processes opening a new file at once retry until
// one of them has done the work.
func (d *DB) Migrate(ctx context.Context) ([]MigrationResult, error) {
	latest := LatestVersion(d.target.Dialect)
	v, err := d.SchemaVersion(ctx)
	switch {
	case err == nil && v == latest:
		d.schemaCurrent.Store(true)
		return nil, nil // the common case costs one query
	case err == nil && v > latest:
		// A later release's schema: refused, and its version left as it is (goose would find
		// nothing to apply, and this binary would record its own version over it).
		return nil, domain.Errorf(domain.ErrConflict, "schema.ahead", v, latest)
	}
	if d.target.Dialect == Postgres {
		if err := d.checkMigrator(ctx); err != nil {
			return nil, err
		}
	}
	p, err := d.provider()
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	var applied []MigrationResult
	for attempt := 0; ; attempt++ {
		res, err := p.Up(ctx)
		for _, r := range res {
			if r.Error == nil {
				applied = append(applied, MigrationResult{Version: r.Source.Version, Name: path.Base(r.Source.Path), Duration: r.Duration})
			}
		}
		if err == nil || errors.Is(err, goose.ErrNoNextVersion) {
			break
		}
		if d.target.Dialect != SQLite || attempt >= 5 {
			return applied, d.target.scrub(fmt.Errorf("migrate database: %w", err))
		}
		time.Sleep(time.Duration(50*(attempt+1)) * time.Millisecond) // another process is migrating
	}
	if d.target.Dialect == SQLite {
		// user_version lets the next open skip goose entirely.
		if _, err := d.db.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, latest)); err != nil {
			return applied, fmt.Errorf("record schema version: %w", err)
		}
	}
	return applied, nil
}

// MigrationStatus is one migration and whether it is applied.
type MigrationStatus struct {
	Version   int64      `json:"version"`
	Name      string     `json:"name"`
	Applied   bool       `json:"applied"`
	AppliedAt *time.Time `json:"applied_at"`
}

// Status lists every migration this binary carries and its state in the database.
func (d *DB) Status(ctx context.Context) ([]MigrationStatus, error) {
	p, err := d.provider()
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, d.target.scrub(fmt.Errorf("read migration status: %w", err))
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		ms := MigrationStatus{Version: s.Source.Version, Name: path.Base(s.Source.Path), Applied: s.State == goose.StateApplied}
		if ms.Applied && !s.AppliedAt.IsZero() {
			at := s.AppliedAt.UTC()
			ms.AppliedAt = &at
		}
		out = append(out, ms)
	}
	return out, nil
}

// CheckResult is one finding of Check.
type CheckResult struct {
	Check  string `json:"check"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Check verifies the database: schema version, engine integrity (SQLite integrity_check and
// foreign_key_check) and the rules the schema enforces (one référent per structure).
func (d *DB) Check(ctx context.Context) ([]CheckResult, error) {
	var out []CheckResult
	add := func(name string, ok bool, detail string) { out = append(out, CheckResult{name, ok, detail}) }

	v, err := d.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	latest := LatestVersion(d.target.Dialect)
	add("schema version", v == latest, fmt.Sprintf("database at %d, profil expects %d", v, latest))
	if v != latest {
		return out, nil
	}
	if d.target.Dialect == SQLite {
		for _, pragma := range []string{"integrity_check", "foreign_key_check"} {
			lines, err := d.pragmaLines(ctx, pragma)
			if err != nil {
				return nil, err
			}
			ok := pragma == "integrity_check" && len(lines) == 1 && lines[0] == "ok" ||
				pragma == "foreign_key_check" && len(lines) == 0
			detail := strings.Join(lines, "; ")
			if detail == "" {
				detail = "ok"
			}
			add(pragma, ok, detail)
		}
	} else {
		var n int
		if err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM structures`).Scan(&n); err != nil {
			return nil, d.target.scrub(err)
		}
		add("tables readable", true, fmt.Sprintf("%d structures", n))
	}
	var twice int
	err = d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT structure_id FROM memberships
		WHERE referent = TRUE AND ended_at IS NULL GROUP BY structure_id HAVING COUNT(*) > 1) x`).Scan(&twice)
	if err != nil {
		return nil, d.target.scrub(err)
	}
	add("one référent per structure", twice == 0, fmt.Sprintf("%d structures with more than one", twice))
	return out, nil
}

func (d *DB) pragmaLines(ctx context.Context, pragma string) ([]string, error) {
	rows, err := d.db.QueryContext(ctx, "PRAGMA "+pragma)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = fmt.Sprint(v)
		}
		lines = append(lines, strings.Join(parts, " "))
	}
	return lines, rows.Err()
}
