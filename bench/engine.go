package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver: create and drop the databases
)

// engine is a database engine with its reference client: sqlite3 or psql doing the same
// work as profil, as a person would type it.
type engine interface {
	name() string
	// newDatabase returns the DSN (a file path on SQLite) of a new empty database.
	newDatabase(ctx context.Context, label string) (string, error)
	// refImport loads the accounts file into a table with the indexes of profil's users
	// table, and returns the number of rows loaded.
	refImport(ctx context.Context, dsn, csvPath string) (measurement, int, error)
	// snapshot copies the database dsn, which no process uses, and returns the copy's DSN.
	snapshot(ctx context.Context, dsn, label string) (string, error)
	// drop removes a database made by snapshot.
	drop(ctx context.Context, dsn string) error
	// refImportRows writes into the database dsn the rows `profil user import` writes for
	// the accounts file (accounts, memberships, profiles) with SQL, in one transaction; with
	// audit, also the audit event of each person that profil writes (one row and its three
	// indexes a line).
	refImportRows(ctx context.Context, dsn, csvPath string, audit bool) (measurement, error)
	// refExport runs the query of `profil export users --all` into a CSV file.
	refExport(ctx context.Context, dsn, outPath string) (measurement, error)
	// refShow is the lookup of `profil user show EMAIL`: the account, its structures and its
	// profiles.
	refShow(dsn, email string) job
	// refConnect is the client opening the database and running one trivial query (SELECT 1;
	// on SQLite, counting the schema's entries, so that the file is read): the least any
	// command costs with this client, on this machine.
	refConnect(dsn string) job
	// count runs a query of one number with the client.
	count(ctx context.Context, dsn, query string) (int, error)
	// clientVersion names the reference client and its version.
	clientVersion(ctx context.Context) string
	// close removes what newDatabase created, unless keep.
	close(ctx context.Context, keep bool)
	// goClient is the same engine with, in place of its client, a Go program running the
	// same scripts and queries on the SQLite engine profil is built on (bench/sqlitego): it
	// tells the engine's share of a ratio to the client from profil's. nil on PostgreSQL,
	// where the server does the work for any client.
	goClient() engine
}

// oneLine folds a query on one line: psql's \copy takes the rest of its line, and sqlite3 -header
// names a column by its text.
func oneLine(q string) string { return strings.Join(strings.Fields(q), " ") }

// quote writes s as an SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// membersQuery is the query of `profil export users --all` (sqlstore EachMember), with the
// same columns and the engine's aggregate of the profiles; since is the membership's date as
// profil's export reads it (on SQLite "+m.created_at", the text as stored: a column declared
// TIMESTAMP would reach a Go program as a time the driver parsed, which the export does not
// ask for).
func membersQuery(profiles, since string) string {
	return oneLine(`SELECT m.id, m.structure_id, COALESCE(s.siret, '') AS siret, s.name, m.referent, ` + since + ` AS since,
		` + profiles + ` AS profiles,
		u.id, u.email, u.last_name, u.first_name, u.function, u.phone, u.status, u.manager,
		u.must_change_password, u.source
		FROM memberships m JOIN users u ON u.id = m.user_id JOIN structures s ON s.id = m.structure_id
		WHERE m.ended_at IS NULL ORDER BY s.name_folded, s.id, u.last_name, u.first_name, u.id`)
}

// showQuery is what `profil user show EMAIL` reads: the account, and each active membership
// with its structure and profiles, in the order the command prints them; since as in
// membersQuery.
func showQuery(profiles, since, email string) string {
	return oneLine(`SELECT u.id, u.email, u.last_name, u.first_name, u.function, u.phone, u.status, u.manager,
		u.must_change_password, m.id, m.structure_id, COALESCE(s.siret, '') AS siret, s.name, m.referent, ` + since + ` AS since,
		` + profiles + ` AS profiles
		FROM users u LEFT JOIN memberships m ON m.user_id = u.id AND m.ended_at IS NULL
		LEFT JOIN structures s ON s.id = m.structure_id
		WHERE u.email = ` + quote(email) + ` ORDER BY s.name_folded, s.id`)
}

// sqliteProfiles is profil's aggregate of the active profiles of membership m, written for the
// sqlite3 3.40 client, which has no ORDER BY inside group_concat (3.44): over an ordered
// subquery instead.
const sqliteProfiles = `COALESCE((SELECT group_concat(p, '|') FROM (SELECT g.profile_code AS p FROM grants g
	WHERE g.membership_id = m.id AND g.revoked_at IS NULL ORDER BY g.profile_code)), '')`

// postgresProfiles is profil's aggregate on PostgreSQL.
const postgresProfiles = `COALESCE((SELECT string_agg(g.profile_code, '|' ORDER BY g.profile_code) FROM grants g
	WHERE g.membership_id = m.id AND g.revoked_at IS NULL), '')`

// sqliteRefTable is a table with the indexes of profil's users table for the columns of the
// accounts file: the rowid (users.id), a unique e-mail under the same check, and the index
// on last_name, which SQLite ends with the rowid as users (last_name, id) does. It has the
// file's columns only: sqlite3 .import fills a longer table with NULLs, warning on every line.
const sqliteRefTable = `
PRAGMA journal_mode = WAL;
CREATE TABLE users_ref (
    email      TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
    last_name  TEXT NOT NULL DEFAULT '',
    first_name TEXT NOT NULL DEFAULT '',
    function   TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    siret      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX users_ref_last_name ON users_ref (last_name);
`

// sqliteBulkSettings are the settings of profil's connection during an import (sqlstore:
// sqlitePragmas, sqliteBulkPragmas and sqliteLargeWritePragmas), given to sqlite3 so that both
// do the same work: WAL with synchronous NORMAL, a page cache of 48 MiB, temporary data in
// memory.
const sqliteBulkSettings = `PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -49152;
PRAGMA temp_store = MEMORY;
`

type sqliteEngine struct {
	client string // the sqlite3 binary
	goBin  string // bench/sqlitego, built; "" for none
	dir    string
}

func (e *sqliteEngine) name() string { return "SQLite" }

func (e *sqliteEngine) newDatabase(_ context.Context, label string) (string, error) {
	dir := filepath.Join(e.dir, "sqlite-"+label)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return filepath.Join(dir, "profil.db"), nil
}

func (e *sqliteEngine) refImport(ctx context.Context, dsn, csvPath string) (measurement, int, error) {
	ref := filepath.Join(filepath.Dir(dsn), "reference-import.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(ref + suffix)
	}
	if _, err := (job{name: e.client, args: []string{ref}, stdin: strings.NewReader(sqliteRefTable)}).output(ctx); err != nil {
		return measurement{}, 0, err
	}
	script := sqliteBulkSettings + ".import --csv --skip 1 " + strconv.Quote(csvPath) + " users_ref\n"
	m, err := job{name: e.client, args: []string{ref}, stdin: strings.NewReader(script)}.withRSS().run(ctx)
	if err != nil {
		return m, 0, err
	}
	n, err := e.count(ctx, ref, "SELECT count(*) FROM users_ref")
	return m, n, err
}

func (e *sqliteEngine) count(ctx context.Context, dsn, query string) (int, error) {
	out, err := job{name: e.client, args: []string{dsn, query}}.output(ctx)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(out))
}

// importRowsScript writes the rows of `profil user import` with SQL: the file loaded into a
// temporary table, then the accounts (e-mail lower-cased, phone in E.164 as profil stores
// it), their memberships (structure found by SIRET) and the automatic profile, granted by the
// gestionnaire. now is the SQL of the timestamp; load is the client's command that fills
// staging.
func importRowsScript(now, load, yes, no string, audit bool) string {
	var events string
	if audit {
		events = `INSERT INTO audit_events (at, actor_id, actor, action, structure_id, target, details)
	SELECT ` + now + `, g.id, g.email, 'member.import', m.structure_id, u.email,
		'{"source":"synapse","line":' || m.id || ',"created":true}'
	FROM memberships m JOIN users u ON u.id = m.user_id
	CROSS JOIN (SELECT id, email FROM users WHERE manager = ` + yes + ` ORDER BY id LIMIT 1) g
	WHERE m.ended_at IS NULL ORDER BY m.id;
`
	}
	return `CREATE TEMP TABLE staging (email TEXT, last_name TEXT, first_name TEXT, function TEXT, phone TEXT, siret TEXT);
` + load + `
INSERT INTO users (email, last_name, first_name, function, phone, status, manager, must_change_password, source, created_at, updated_at)
	SELECT lower(email), last_name, first_name, function,
		CASE WHEN phone = '' THEN '' ELSE '+33' || substr(replace(phone, ' ', ''), 2) END,
		'active', ` + no + `, ` + no + `, 'synapse', ` + now + `, ` + now + ` FROM staging;
INSERT INTO memberships (user_id, structure_id, referent, created_at)
	SELECT u.id, s.id, ` + no + `, ` + now + ` FROM staging t JOIN users u ON u.email = lower(t.email) JOIN structures s ON s.siret = t.siret;
INSERT INTO grants (membership_id, profile_code, granted_at, granted_by)
	SELECT m.id, 'parcourspro.beneficiary', ` + now + `, (SELECT id FROM users WHERE manager = ` + yes + ` ORDER BY id LIMIT 1)
	FROM memberships m WHERE m.ended_at IS NULL;
` + events
}

func (e *sqliteEngine) snapshot(_ context.Context, dsn, label string) (string, error) {
	to := filepath.Join(filepath.Dir(dsn), label+".db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(to + suffix)
		if err := copyFile(dsn+suffix, to+suffix); err != nil && !os.IsNotExist(err) {
			return "", err
		}
	}
	return to, nil
}

func (e *sqliteEngine) drop(_ context.Context, dsn string) error {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(dsn + suffix); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

func (e *sqliteEngine) refImportRows(ctx context.Context, dsn, csvPath string, audit bool) (measurement, error) {
	now := quote(time.Now().UTC().Format("2006-01-02 15:04:05.999999-07:00"))
	script := sqliteBulkSettings + "PRAGMA foreign_keys = ON;\n" +
		strings.Replace(importRowsScript(now, ".import --csv --skip 1 "+strconv.Quote(csvPath)+" staging", "1", "0", audit),
			"INSERT INTO users", "BEGIN;\nINSERT INTO users", 1) + "COMMIT;\n"
	return job{name: e.client, args: []string{dsn}, stdin: strings.NewReader(script)}.run(ctx)
}

func (e *sqliteEngine) refExport(ctx context.Context, dsn, outPath string) (measurement, error) {
	return job{name: e.client, args: []string{"-csv", "-header", dsn, membersQuery(sqliteProfiles, "+m.created_at")}, stdout: outPath}.withRSS().run(ctx)
}

// refExportHelped is refExport with the client's sort helped by threads, as profil's is (see
// sqlstore.SortHelpers): the same work in the same way.
func (e *sqliteEngine) refExportHelped(ctx context.Context, dsn, outPath string, threads int) (measurement, error) {
	return job{name: e.client, args: []string{"-csv", "-header",
		"-cmd", ".output /dev/null", "-cmd", fmt.Sprintf("PRAGMA threads = %d", threads), "-cmd", ".output stdout", // the pragma answers with a row
		dsn, membersQuery(sqliteProfiles, "+m.created_at")}, stdout: outPath}.withRSS().run(ctx)
}

func (e *sqliteEngine) refShow(dsn, email string) job {
	return job{name: e.client, args: []string{dsn, showQuery(sqliteProfiles, "+m.created_at", email)}}
}

func (e *sqliteEngine) refConnect(dsn string) job {
	// SQLite opens a file lazily: reading the schema's size makes it read the header.
	return job{name: e.client, args: []string{dsn, "SELECT count(*) FROM sqlite_schema"}}
}

func (e *sqliteEngine) clientVersion(ctx context.Context) string {
	out, err := job{name: e.client, args: []string{"--version"}}.output(ctx)
	if err != nil {
		return "sqlite3 ?"
	}
	return "sqlite3 " + strings.Fields(out)[0]
}

func (e *sqliteEngine) close(context.Context, bool) {}

func (e *sqliteEngine) goClient() engine {
	if e.goBin == "" {
		return nil
	}
	c := *e
	c.client, c.goBin = e.goBin, ""
	return &c
}

// postgresRefTable is a table with the indexes of profil's users table (identity key, unique
// e-mail under the same check, (last_name, id)) for the columns of the accounts file.
const postgresRefTable = `CREATE TABLE users_ref (
    id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    email      TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
    last_name  TEXT NOT NULL DEFAULT '',
    first_name TEXT NOT NULL DEFAULT '',
    function   TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    siret      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX users_ref_last_name ON users_ref (last_name, id);`

type postgresEngine struct {
	client  string // the psql binary
	admin   string // DSN of the server's maintenance database
	prefix  string // of the databases created
	created []string
}

var safeName = regexp.MustCompile(`^[a-z0-9_]+$`)

func (e *postgresEngine) name() string { return "PostgreSQL" }

// dsnOf returns the admin DSN with its database changed to db.
func (e *postgresEngine) dsnOf(db string) (string, error) {
	u, err := url.Parse(e.admin)
	if err != nil {
		return "", fmt.Errorf("-pg: %w", err)
	}
	u.Path = "/" + db
	q := u.Query()
	if !q.Has("sslmode") {
		q.Set("sslmode", "disable")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func (e *postgresEngine) exec(ctx context.Context, stmt string) error {
	db, err := sql.Open("pgx", e.admin)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, stmt)
	return err
}

func (e *postgresEngine) newDatabase(ctx context.Context, label string) (string, error) {
	name := e.prefix + "_" + label
	if !safeName.MatchString(name) {
		return "", fmt.Errorf("database name %q", name)
	}
	if err := e.exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
		return "", err
	}
	if err := e.exec(ctx, `CREATE DATABASE `+name); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	e.created = append(e.created, name)
	return e.dsnOf(name)
}

// psql runs the client on dsn. The connection goes in libpq's environment variables, not
// on the command line, where any user of the machine would read the password (ps).
func (e *postgresEngine) psql(dsn string, args ...string) job {
	return job{name: e.client, args: append([]string{"-X", "-q", "-v", "ON_ERROR_STOP=1"}, args...), env: append(os.Environ(), pgEnv(dsn)...)}
}

// pgEnv is the connection of a postgres:// URL as libpq's environment variables.
func pgEnv(dsn string) []string {
	u, err := url.Parse(dsn)
	if err != nil {
		return []string{"PGDATABASE=invalid-dsn"} // psql then fails to connect, saying so
	}
	env := []string{"PGDATABASE=" + strings.TrimPrefix(u.Path, "/")}
	if h := u.Hostname(); h != "" {
		env = append(env, "PGHOST="+h)
	}
	if p := u.Port(); p != "" {
		env = append(env, "PGPORT="+p)
	}
	if u.User != nil {
		env = append(env, "PGUSER="+u.User.Username())
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
		}
	}
	for param, name := range map[string]string{"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD",
		"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY"} {
		if v := u.Query().Get(param); v != "" {
			env = append(env, name+"="+v)
		}
	}
	return env
}

func (e *postgresEngine) refImport(ctx context.Context, dsn, csvPath string) (measurement, int, error) {
	if _, err := e.psql(dsn, "-c", "DROP TABLE IF EXISTS users_ref", "-c", postgresRefTable).output(ctx); err != nil {
		return measurement{}, 0, err
	}
	m, err := e.psql(dsn, "-c", `\copy users_ref (email, last_name, first_name, function, phone, siret) from `+
		quote(csvPath)+` with (format csv, header true, force_not_null (last_name, first_name, function, phone, siret))`).withRSS().run(ctx)
	if err != nil {
		return m, 0, err
	}
	n, err := e.count(ctx, dsn, "SELECT count(*) FROM users_ref")
	return m, n, err
}

func (e *postgresEngine) count(ctx context.Context, dsn, query string) (int, error) {
	out, err := e.psql(dsn, "-A", "-t", "-c", query).output(ctx)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(out))
}

func (e *postgresEngine) snapshot(ctx context.Context, dsn, label string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	from := strings.TrimPrefix(u.Path, "/")
	name := from + "_" + label
	if !safeName.MatchString(name) || !safeName.MatchString(from) {
		return "", fmt.Errorf("database name %q", name)
	}
	if err := e.exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
		return "", err
	}
	if err := e.exec(ctx, `CREATE DATABASE `+name+` TEMPLATE `+from); err != nil {
		return "", fmt.Errorf("copy database %s: %w", from, err)
	}
	e.created = append(e.created, name)
	return e.dsnOf(name)
}

func (e *postgresEngine) drop(ctx context.Context, dsn string) error {
	u, err := url.Parse(dsn)
	if err != nil {
		return err
	}
	name := strings.TrimPrefix(u.Path, "/")
	if !safeName.MatchString(name) {
		return fmt.Errorf("database name %q", name)
	}
	if err := e.exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
		return err
	}
	e.created = slices.DeleteFunc(e.created, func(n string) bool { return n == name })
	return nil
}

func (e *postgresEngine) refImportRows(ctx context.Context, dsn, csvPath string, audit bool) (measurement, error) {
	load := `\copy staging from ` + quote(csvPath) +
		` with (format csv, header true, force_not_null (last_name, first_name, function, phone, siret))` + "\nANALYZE staging;"
	j := e.psql(dsn, "--single-transaction", "-f", "-")
	j.stdin = strings.NewReader(importRowsScript("now()", load, "true", "false", audit))
	return j.run(ctx)
}

func (e *postgresEngine) refExport(ctx context.Context, dsn, outPath string) (measurement, error) {
	return e.psql(dsn, "-c", `\copy (`+membersQuery(postgresProfiles, "m.created_at")+`) to `+quote(outPath)+
		` with (format csv, header true)`).withRSS().run(ctx)
}

func (e *postgresEngine) refShow(dsn, email string) job {
	return e.psql(dsn, "-A", "-t", "-c", showQuery(postgresProfiles, "m.created_at", email))
}

func (e *postgresEngine) refConnect(dsn string) job {
	return e.psql(dsn, "-A", "-t", "-c", "SELECT 1")
}

func (e *postgresEngine) clientVersion(ctx context.Context) string {
	out, err := job{name: e.client, args: []string{"--version"}}.output(ctx)
	if err != nil {
		return "psql ?"
	}
	v := strings.TrimSpace(out)
	if f := strings.Fields(v); len(f) >= 3 {
		v = "psql " + f[2]
	}
	db, err := sql.Open("pgx", e.admin)
	if err != nil {
		return v
	}
	defer db.Close()
	var server string
	if db.QueryRowContext(ctx, `SHOW server_version`).Scan(&server) == nil {
		v += ", server " + strings.Fields(server)[0]
	}
	return v
}

func (e *postgresEngine) close(ctx context.Context, keep bool) {
	if keep {
		return
	}
	for _, name := range e.created {
		if err := e.exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			fmt.Fprintf(os.Stderr, "drop database %s: %v\n", name, err)
		}
	}
	e.created = nil
}

func (e *postgresEngine) goClient() engine { return nil }
