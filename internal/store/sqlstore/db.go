// Package sqlstore is the one database/sql implementation of store.Store, for SQLite
// (modernc.org/sqlite, no cgo) and PostgreSQL (pgx). The store's methods are written once for
// both engines, with $1 placeholders. What differs between the engines once the database is
// open (placeholders, transactions, locks, words of SQL, query plans, the structure search,
// erasure, bulk writes) is asked of the dialect chosen when it opens: the questions are in
// dialect.go, each engine's answers in dialect_sqlite.go and dialect_postgres.go. Opening and
// connecting (open in db.go, dsn.go), and the schema's migrations and checks (migrate.go,
// role.go), name the engine themselves.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/store/sqlitemutex"
)

// Options tune Open. The zero value is what the command line uses.
type Options struct {
	// Now is the clock; nil means time.Now. Tests inject a fixed one.
	Now func() time.Time
	// NoMigrate opens a SQLite database without upgrading its schema (db status, db check).
	NoMigrate bool
	// MustExist refuses a SQLite file that does not exist (a *MissingError) instead of
	// creating it: only `profil init` and `profil demo` create a database, so that a mistyped
	// --db names the mistake instead of leaving an empty database behind.
	MustExist bool
}

// DB is a store.Store over one database.
type DB struct {
	db      *sql.DB
	target  Target
	dialect dialect
	now     func() time.Time
	// schemaCurrent is set when Migrate has just read the version this binary expects, so
	// that CheckSchema, which Open's caller runs next, does not read it again.
	schemaCurrent atomic.Bool
	// abortCommits is how many of the next commits of Update fail as a transaction the
	// database aborted (see retryError): the conformance suite's way to run a transaction
	// again on both engines. Nothing else sets it.
	abortCommits atomic.Int32
	// checksMayBeOff is set when a bulk insert on SQLite could not turn its table's CHECK
	// constraints back on (see insertSelectSQLite): the connection may have gone back to the
	// pool with them off, so every write transaction turns them on from then on.
	checksMayBeOff atomic.Bool
	// shared holds, on SQLite, the bulk statements prepared for the life of the DB (see
	// tx.sharedStmt).
	shared struct {
		sync.Mutex
		stmts map[string]*sql.Stmt
	}
}

var _ store.Store = (*DB)(nil)

// sqlitePragmas are set on every pooled connection: WAL so readers never block the writer,
// a busy timeout so concurrent processes wait their turn, foreign keys on, and BEGIN
// IMMEDIATE so a writing transaction holds the lock from its first statement (no deadlock
// upgrade from reader to writer).
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(NORMAL)&_txlock=immediate&_time_format=sqlite"

// sqliteReadOnlyPragmas are sqlitePragmas without what writes.
const sqliteReadOnlyPragmas = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_time_format=sqlite"

// SortHelpers is the number of helper threads a sort may use on SQLite (PRAGMA threads, on
// every connection): one for each other processor the process may use, at most 3. A sort
// larger than its memory, such as the ORDER BY of a whole export, is then written to
// temporary files in sorted runs, which the helpers sort and merge while the connection's own
// thread goes on reading rows; a sort that fits in memory starts none. Each helper holds a
// sort buffer of the connection's page cache size: about 2 MB, or 48 MiB on a connection whose
// cache a bulk write enlarged (see sqliteLargeWritePragmas), which only `profil serve`, whose
// connections outlive a use case, may then lend to an export. The helpers touch none of the
// connection's state (SQLite gives them a copy of the sort's key without it), so they need no
// connection mutex, which profil's connections do without (see package sqlitemutex).
func SortHelpers() int { return max(0, min(runtime.GOMAXPROCS(0)-1, 3)) }

// sqliteSortPragma is the part of the DSN that sets SortHelpers.
func sqliteSortPragma() string {
	if n := SortHelpers(); n > 0 {
		return fmt.Sprintf("&_pragma=threads(%d)", n)
	}
	return ""
}

// Open connects to the database named by raw (see ParseTarget). A SQLite file and its folder
// are created on first use (unless opt.MustExist), readable by their owner only (0600 file,
// -wal and -shm alike, in a 0700 folder), and its schema is upgraded at once; a PostgreSQL schema is only
// checked: it must be brought up to date with `profil db migrate`.
func Open(ctx context.Context, raw string, opt Options) (*DB, error) {
	t, err := ParseTarget(raw)
	if err != nil {
		return nil, err
	}
	d, err := open(ctx, t, opt)
	if err != nil {
		return nil, err
	}
	if t.Dialect == SQLite && !opt.NoMigrate {
		if _, err := d.Migrate(ctx); err != nil {
			d.Close()
			return nil, err
		}
	}
	return d, nil
}

func open(ctx context.Context, t Target, opt Options) (*DB, error) {
	var (
		db  *sql.DB
		err error
	)
	switch t.Dialect {
	case SQLite:
		dsn := "file:" + t.Path + "?" + sqlitePragmas + sqliteSortPragma()
		if t.Path != ":memory:" {
			readOnly, err := prepareSQLiteFile(t.Path, opt.MustExist)
			if err != nil {
				return nil, err
			}
			if readOnly {
				// A file this user may not write (a copy for reports, a read-only mount):
				// open it read-only, without asking for WAL, which is a write. Reads work;
				// a write fails with SQLite's "attempt to write a readonly database".
				dsn = "file:" + t.Path + "?mode=ro&" + sqliteReadOnlyPragmas + sqliteSortPragma()
			}
		}
		sqlitemutex.Install()
		db, err = sql.Open("sqlite", dsn)
		if err == nil && t.Path == ":memory:" {
			db.SetMaxOpenConns(1) // every connection would see its own empty database
		}
	case Postgres:
		// PostgreSQL plans a prepared statement for its actual values for its first five runs;
		// a command runs a search once, so a pattern such as "%ab%" never gets a generic plan.
		// (Forcing custom plans for the whole session made PostgreSQL re-plan its foreign-key
		// checks on every inserted row: imports and approvals ran 1.5 to 2 times slower.)
		db, err = sql.Open("pgx", t.DSN)
	default:
		err = fmt.Errorf("unknown database dialect %q", t.Dialect)
	}
	if err != nil {
		return nil, t.scrub(fmt.Errorf("open database %s: %w", t.Redacted(), err))
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		if err := mapErr(err); errors.Is(err, domain.ErrUnavailable) {
			return nil, err // locked by another process past the busy timeout
		}
		return nil, newConnectError(t, err)
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	return &DB{db: db, target: t, dialect: dialectOf(t.Dialect), now: now}, nil
}

// Dialect is "sqlite" or "postgres".
func (d *DB) Dialect() string { return d.target.Dialect }

// Target is where the database is; print it with Redacted.
func (d *DB) Target() Target { return d.target }

// SQL is the underlying pool, for benchmarks and tests that must look under the store.
func (d *DB) SQL() *sql.DB { return d.db }

// Close releases the pool.
func (d *DB) Close() error {
	d.shared.Lock()
	for _, st := range d.shared.stmts {
		st.Close()
	}
	d.shared.stmts = nil
	d.shared.Unlock()
	return d.db.Close()
}

// updateAttempts is how many times Update runs a transaction that PostgreSQL aborted to break
// a deadlock or a serialization conflict: nothing of it was kept, so running it again is safe.
const updateAttempts = 5

// Update runs fn in one read-write transaction. A transaction the database aborted to break a
// deadlock or a serialization conflict, at any statement or at its commit, is rolled back and
// run again from the start, up to updateAttempts times: fn must be safe to run again (see
// store.Store.Update).
func (d *DB) Update(ctx context.Context, fn func(store.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := d.update(ctx, fn)
		if attempt == updateAttempts || !errors.As(err, new(*retryError)) {
			return err
		}
		// Let the other transaction finish before trying again: a random pause, longer at
		// each attempt, so that two retries do not collide again.
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt) * time.Duration(5+rand.IntN(20)) * time.Millisecond):
		}
	}
}

func (d *DB) update(ctx context.Context, fn func(store.Tx) error) error {
	t := &tx{d: d, now: d.clock()}
	sqlTx, err := d.dialect.begin(ctx, t)
	if err != nil {
		if err := mapErr(err); errors.Is(err, domain.ErrUnavailable) {
			return err
		}
		return d.target.scrub(fmt.Errorf("begin transaction: %w", err))
	}
	if t.conn != nil {
		defer t.conn.Close()
	}
	defer d.prepareShared(ctx, t)
	if err := fn(t); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if d.abortCommits.Load() > 0 && d.abortCommits.Add(-1) >= 0 {
		_ = sqlTx.Rollback()
		return &retryError{err: errAbortedCommit}
	}
	if err := sqlTx.Commit(); err != nil {
		if err := mapErr(err); errors.Is(err, domain.ErrUnavailable) {
			return err
		}
		return d.target.scrub(fmt.Errorf("commit: %w", mapErr(err)))
	}
	return nil
}

// TryUpdate runs fn in one read-write transaction only if the database lets it start at once:
// on SQLite it does not wait for another process's write lock (busy timeout 0), on
// PostgreSQL it waits at most 100 ms for a row lock. It is for writes a command may skip,
// such as a token's last use: a command must not fail, nor wait 10 s, because of them.
// A busy database returns a *BusyError (ErrUnavailable) at once.
func (d *DB) TryUpdate(ctx context.Context, fn func(store.Tx) error) error {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return mapErr(err)
	}
	defer conn.Close()
	sqlTx, restore, err := d.dialect.beginTry(ctx, conn)
	if err != nil {
		return mapErr(err)
	}
	if restore != nil {
		defer restore()
	}
	if d.target.Dialect == SQLite && d.checksMayBeOff.Load() {
		if _, err := sqlTx.ExecContext(ctx, `PRAGMA ignore_check_constraints = OFF`); err != nil {
			_ = sqlTx.Rollback()
			return mapErr(err)
		}
	}
	if err := fn(&tx{d: d, q: sqlTx, now: d.clock()}); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	return mapErr(sqlTx.Commit())
}

// Savepoint runs fn inside a savepoint of the transaction: if fn fails, its writes are undone
// and the transaction can go on, unless the failure aborted the whole transaction.
func (t *tx) Savepoint(ctx context.Context, fn func() error) error {
	if t.readOnly {
		return fn()
	}
	if !t.savepoints {
		t.savepoints = true
		t.d.dialect.firstSavepoint(ctx, t)
	}
	if _, err := t.exec(ctx, `SAVEPOINT item`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	ferr := fn()
	if ferr != nil {
		if errors.As(ferr, new(*retryError)) {
			return ferr
		}
		if _, err := t.exec(ctx, `ROLLBACK TO SAVEPOINT item`); err != nil {
			return fmt.Errorf("roll back to savepoint: %w (after %w)", err, ferr)
		}
	}
	if _, err := t.exec(ctx, `RELEASE SAVEPOINT item`); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return ferr
}

// View runs fn outside any write lock: reads go straight to the pool, which WAL (SQLite) and
// MVCC (PostgreSQL) keep consistent per statement.
func (d *DB) View(ctx context.Context, fn func(store.Tx) error) error {
	return fn(&tx{d: d, q: d.db, now: d.clock(), readOnly: true})
}

// clock returns the transaction time: UTC, to the microsecond (PostgreSQL's precision), so
// a value reads back equal on both engines.
func (d *DB) clock() time.Time { return d.now().UTC().Truncate(time.Microsecond) }

// querier is satisfied by *sql.DB and *sql.Tx, so the same query code runs in and out of a
// transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// tx implements store.Tx.
type tx struct {
	d        *DB
	q        querier
	conn     *sql.Conn // the connection of a PostgreSQL write transaction
	now      time.Time
	readOnly bool
	// catalogue is read once per transaction: only migrations change it.
	catalogue domain.Catalogue
	// stmts holds the statements prepared in this SQLite transaction, by text: a bulk use
	// case runs the same few statements thousands of times, and parsing them again each
	// time would be most of its cost. Commit and rollback close them.
	stmts map[string]*sql.Stmt
	// savepoints is set once the transaction has used a savepoint.
	savepoints bool
	// wanted lists the statements to prepare for the life of the DB once the transaction has
	// ended (see tx.sharedStmt).
	wanted []string
}

// stmt returns query prepared in the transaction, nil when statements are not cached here or
// the preparation failed (the caller then runs the query text, and gets the error from it).
func (t *tx) stmt(ctx context.Context, query string) *sql.Stmt {
	if t.stmts == nil {
		return nil
	}
	if st, ok := t.stmts[query]; ok {
		return st
	}
	st, err := t.prepare(ctx, query)
	if err != nil {
		return nil
	}
	t.stmts[query] = st
	return st
}

// sharedStmts bounds the statements a DB keeps prepared (see tx.sharedStmt).
const sharedStmts = 32

// sharedStmt returns query prepared on the transaction's connection for the life of the DB:
// for the statements a bulk use case runs in each of its transactions (IN lists of
// lookupChunk keys, multi-row INSERTs), which are long to parse (at every batch, the parsing
// of a bulk decision's statements took about 6 % of its CPU time). The first transaction that
// runs it prepares it for itself (tx.stmt), and the pool prepares it once that transaction
// has ended (prepareShared); the next ones reuse it through their connection's copy
// (database/sql keeps one per connection), closed with the transaction. Beyond sharedStmts
// statements, each transaction prepares its own. It returns nil where tx.stmt does.
func (t *tx) sharedStmt(ctx context.Context, query string) *sql.Stmt {
	sqlTx, ok := t.q.(*sql.Tx)
	if t.stmts == nil || !ok || t.d.target.Path == ":memory:" { // one connection: the pool cannot prepare
		return t.stmt(ctx, query)
	}
	if st, ok := t.stmts[query]; ok {
		return st
	}
	d := t.d
	d.shared.Lock()
	st := d.shared.stmts[query]
	if st == nil && len(d.shared.stmts)+len(t.wanted) < sharedStmts {
		t.wanted = append(t.wanted, query)
	}
	d.shared.Unlock()
	if st == nil {
		return t.stmt(ctx, query)
	}
	txSt := sqlTx.StmtContext(ctx, st)
	t.stmts[query] = txSt
	return txSt
}

// prepareShared prepares on the pool the statements the transaction t, now ended, wanted
// shared (see tx.sharedStmt): once it is over, the connection it gave back is the one the pool
// hands out first, so that no other is opened for them.
func (d *DB) prepareShared(ctx context.Context, t *tx) {
	if len(t.wanted) == 0 || ctx.Err() != nil {
		return
	}
	d.shared.Lock()
	defer d.shared.Unlock()
	for _, query := range t.wanted {
		if _, ok := d.shared.stmts[query]; ok || len(d.shared.stmts) >= sharedStmts {
			continue
		}
		st, err := d.db.PrepareContext(ctx, query)
		if err != nil {
			continue // the next transaction prepares it for itself
		}
		if d.shared.stmts == nil {
			d.shared.stmts = map[string]*sql.Stmt{}
		}
		d.shared.stmts[query] = st
	}
}

func (t *tx) Now() time.Time { return t.now }

// LockName takes the lock called name until the transaction ends: an advisory lock on
// PostgreSQL (see postgresDialect.lockName), nothing on SQLite or in a read-only view.
func (t *tx) LockName(ctx context.Context, name string) error {
	if t.readOnly {
		return nil
	}
	if err := t.d.dialect.lockName(ctx, t, name); err != nil {
		return fmt.Errorf("lock %s: %w", name, err)
	}
	return nil
}

// forUpdate is the clause that locks the rows a SELECT reads until the transaction ends: on
// PostgreSQL, and not in a read-only view; SQLite write transactions are serial already.
func (t *tx) forUpdate() string {
	if t.readOnly {
		return ""
	}
	return t.d.dialect.forUpdate()
}

// lockRows locks the rows query, a SELECT, reads, when the engine needs it (forUpdate): the
// query runs on PostgreSQL only, and may be written in its SQL.
func (t *tx) lockRows(ctx context.Context, query string, args ...any) error {
	lock := t.forUpdate()
	if lock == "" {
		return nil
	}
	_, err := t.exec(ctx, query+lock, args...)
	return err
}

// lockTables keeps other writers out of tables (see dialect.lockTables) until the
// transaction ends; a read-only view locks nothing.
func (t *tx) lockTables(ctx context.Context, tables string) error {
	if t.readOnly {
		return nil
	}
	return t.d.dialect.lockTables(ctx, t, tables)
}

func (t *tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	query = t.d.rebind(query)
	if st := t.stmt(ctx, query); st != nil {
		res, err := st.ExecContext(ctx, args...)
		return res, mapErr(err)
	}
	res, err := t.q.ExecContext(ctx, query, args...)
	return res, mapErr(err)
}

func (t *tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query = t.d.rebind(query)
	if st := t.stmt(ctx, query); st != nil {
		rows, err := st.QueryContext(ctx, args...)
		return rows, mapErr(err)
	}
	rows, err := t.q.QueryContext(ctx, query, args...)
	return rows, mapErr(err)
}

func (t *tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	query = t.d.rebind(query)
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.q.QueryRowContext(ctx, query, args...)
}

// insert runs an INSERT … RETURNING id and returns the id.
func (t *tx) insert(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	if err := t.queryRow(ctx, query+" RETURNING id", args...).Scan(&id); err != nil {
		return 0, mapErr(err)
	}
	return id, nil
}

// rebind turns query's $1 placeholders into the engine's (see sqliteDialect.rebind).
func (d *DB) rebind(query string) string { return d.dialect.rebind(query) }

// mapErr turns driver errors into domain sentinels by error code, never by message text:
// unique violations become ErrConflict, no rows ErrNotFound.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return domain.ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return &uniqueError{constraint: pgErr.ConstraintName, err: err}
		case "40P01", "40001": // deadlock_detected, serialization_failure
			return &retryError{err: err}
		case "42501": // insufficient_privilege: a runtime role asked for what the owner does
			return &privilegeError{err: err}
		}
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		switch code := sqErr.Code(); {
		case code == sqlite3.SQLITE_CONSTRAINT_UNIQUE, code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &uniqueError{err: err}
		case code&0xff == sqlite3.SQLITE_BUSY:
			return &BusyError{err: err}
		case code&0xff == sqlite3.SQLITE_READONLY:
			return &readOnlyError{err: err}
		case code&0xff == sqlite3.SQLITE_FULL:
			return &DiskFullError{TempDir: sqliteTempDir(), err: err}
		}
	}
	return err
}

// BusyError is a SQLite database that stayed locked by another process past the busy timeout
// (10 s): another profil is writing. It is ErrUnavailable (exit 7): trying again later
// succeeds, so cron jobs may retry on it.
type BusyError struct{ err error }

func (e *BusyError) Error() string        { return i18n.T("db.busy") }
func (e *BusyError) Is(target error) bool { return target == domain.ErrUnavailable }
func (e *BusyError) Unwrap() error        { return e.err }

// readOnlyError is a write to a SQLite file this user may only read.
type readOnlyError struct{ err error }

func (e *readOnlyError) Error() string { return i18n.T("db.read_only") }
func (e *readOnlyError) Unwrap() error { return e.err }

// DiskFullError is SQLite finding no room on a disk: the database's, or that of TempDir, where
// a sort larger than its memory (a whole export) writes its temporary files (exit 1).
type DiskFullError struct {
	TempDir string
	err     error
}

func (e *DiskFullError) Error() string { return i18n.T("db.full", e.TempDir) }
func (e *DiskFullError) Unwrap() error { return e.err }

// MissingError is a SQLite file that does not exist, opened by a command that does not create
// databases (exit 1).
type MissingError struct{ Path string }

func (e *MissingError) Error() string { return i18n.T("db.missing", e.Path) }

// prepareSQLiteFile checks that the SQLite file exists, or creates it (and its folder) for
// its owner only. SQLite gives the -wal and -shm files it creates the mode of the database
// file. A file that others may read is left as it is: Open's caller warns (ReadableByOthers).
// It reports whether the file exists but this user may not write it.
func prepareSQLiteFile(path string, mustExist bool) (readOnly bool, err error) {
	_, err = os.Stat(path)
	switch {
	case err == nil:
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS), nil
		}
		return false, f.Close()
	case !errors.Is(err, fs.ErrNotExist):
		return false, fmt.Errorf("open the database %s: %w", path, err)
	case mustExist:
		return false, &MissingError{Path: path}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return false, fmt.Errorf("create the database folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return false, nil // another process created it meanwhile
	}
	if err != nil {
		return false, fmt.Errorf("create the database: %w", err)
	}
	return false, f.Close()
}

// ReadableByOthers returns the permissions of a SQLite file that people other than its owner
// may read or write (it holds password hashes), 0 when it is private or not a file.
func ReadableByOthers(path string) fs.FileMode {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() {
		return 0
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return perm
	}
	return 0
}

// errAbortedCommit is the abort abortCommits makes.
var errAbortedCommit = errors.New("commit aborted on purpose")

// retryError is a transaction the database aborted to break a deadlock or a serialization
// conflict; Update runs it again.
type retryError struct{ err error }

func (e *retryError) Error() string { return "the database aborted the transaction: " + e.err.Error() }
func (e *retryError) Unwrap() error { return e.err }

// uniqueError is a unique-constraint violation. It is a conflict (exit 5); the service usually
// checks first and says more, this is the backstop under races.
type uniqueError struct {
	constraint string
	err        error
}

func (e *uniqueError) Error() string {
	return "already exists (a concurrent change may have won): " + e.err.Error()
}
func (e *uniqueError) Is(target error) bool { return target == domain.ErrConflict }
func (e *uniqueError) Unwrap() error        { return e.err }

// DriverError is the driver's own words: for a log, not for a client of a server.
func (e *uniqueError) DriverError() error { return e.err }

// ConnectError is a database that could not be reached, or that refused the connection. Its
// fields let the command line say it in its own words; Err is the driver's error, without the
// password, for --verbose.
type ConnectError struct {
	Dialect string
	Target  string // the database, password masked
	Address string // host:port of a PostgreSQL server
	Server  string // what PostgreSQL said when it refused (no such role or database, password)
	Err     error
}

func (e *ConnectError) Error() string {
	return "connect to database " + e.Target + ": " + e.Err.Error()
}
func (e *ConnectError) Unwrap() error { return e.Err }

func newConnectError(t Target, err error) *ConnectError {
	ce := &ConnectError{Dialect: t.Dialect, Target: t.Redacted(), Err: t.scrub(err)}
	if t.Dialect == Postgres {
		if cfg, perr := pgconn.ParseConfig(t.DSN); perr == nil {
			ce.Address = fmt.Sprintf("%s:%d", cfg.Host, cfg.Port)
		}
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			ce.Server = t.scrub(errors.New(pgErr.Message)).Error()
		}
	}
	return ce
}
