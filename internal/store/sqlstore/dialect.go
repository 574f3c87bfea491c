package sqlstore

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/profil-cli/profil/internal/domain"
)

// dialect is what differs between SQLite and PostgreSQL once the database is open: it is
// chosen then (sqliteDialect in dialect_sqlite.go, postgresDialect in dialect_postgres.go),
// and the store's methods, written once for both engines, ask it for each difference. A
// method answers for one real difference, however many queries it serves; where the
// difference is only words of SQL, the method returns the fragment.
//
// Opening and connecting name the engine themselves (open in db.go, dsn.go): the DSN and the
// pragmas of every connection, a read-only SQLite file, the connection errors are set up
// before the dialect is chosen, and each engine connects its own way. So do the schema's
// upgrades and checks (migrate.go, role.go): goose and each engine's catalogue, for the
// administrator's commands (db migrate, status, check, role) rather than the store's methods.
type dialect interface {
	// Statements and transactions.

	// rebind turns a query's $1 placeholders into the engine's.
	rebind(query string) string
	// begin begins the read-write transaction of Update, setting t's querier (and its
	// connection or statement cache), and returns it for the commit.
	begin(ctx context.Context, t *tx) (*sql.Tx, error)
	// beginTry begins the transaction of TryUpdate on conn, so that it waits for no other
	// process's lock; restore, when not nil, is called once the transaction has ended.
	beginTry(ctx context.Context, conn *sql.Conn) (sqlTx *sql.Tx, restore func(), err error)
	// firstSavepoint prepares t before its first savepoint.
	firstSavepoint(ctx context.Context, t *tx)

	// Locks, held until the transaction ends. A SQLite write transaction is the only writer
	// from its first statement (BEGIN IMMEDIATE) and needs none: there these are empty or do
	// nothing.

	// forUpdate is the clause that locks the rows a SELECT reads; skipLocked the same,
	// leaving out the rows another transaction holds.
	forUpdate() string
	skipLocked() string
	// lockTables keeps other writers out of tables (a list of names), plain reads going on.
	lockTables(ctx context.Context, t *tx, tables string) error
	// lockName takes the lock called name.
	lockName(ctx context.Context, t *tx, name string) error

	// Words of SQL.

	// likeFold is the LIKE that ignores case (ASCII only on SQLite, whose LIKE folds nothing
	// else).
	likeFold() string
	// textAgg is the aggregate that joins texts with a separator, ORDER BY within.
	textAgg() string
	// aggOrderBy is the ORDER BY within textAgg of profilesAggregate, "" when the caller sorts
	// the texts itself, byte by byte.
	aggOrderBy(column string) string
	// byteOrder are the operators >= and < comparing texts byte by byte, as the indexes on
	// folded names are ordered.
	byteOrder() (ge, lt string)
	// timeText is the timestamp column read for nullTime at the least cost a row: on SQLite
	// its stored text, which nullTime reads at once (from a column declared TIMESTAMP the
	// driver tries several layouts with time.Parse on each row), elsewhere the column.
	timeText(column string) string

	// Plans: what keeps the planner on the index a query was written for.

	// unindexed is column as a term no index serves, so that another index is chosen.
	unindexed(column string) string
	// departmentIndex follows "structures s" to read them through their département's index.
	departmentIndex() string
	// trigramOrder is the ORDER BY term (and its comma) put before the name when the trigram
	// index finds the structures, "" when none is needed.
	trigramOrder() string

	// Search of structures (see SearchStructures).

	// siretPrefix is the condition that s.siret starts with digits.
	siretPrefix(a *searchArgs, digits string) string
	// trigrams reports whether the trigram index finds some of words, and on SQLite the FTS5
	// query that does ("" elsewhere).
	trigrams(words []string) (indexed bool, match string)
	// inNames is the condition that word is in the folded name or acronym of alias.
	inNames(a *searchArgs, alias, word string) string
	// letterQueries are the queries of the ids of the structures whose folded text holds the
	// letter c (see tx.letterQueries).
	letterQueries(c string) []string
	// candidates is the set of ids, as the right-hand side of IN, that a search found
	// through its trigram or letter index.
	candidates(a *searchArgs, ids []int64) string
	// letterMatch is the condition, on an index, that the folded text of alias holds the
	// letter c, where searchPlan.lettersReadInFull ("" elsewhere).
	letterMatch(alias, c string) string
	// searchPlan is how the engine's indexes serve the steps of a search.
	searchPlan() searchPlan

	// Personal data.

	// permitAuditRewrite opens, for this transaction only, the one exception to the
	// append-only audit trail that the triggers know (see tx.permitAuditRewrite);
	// endAuditPermit closes it.
	permitAuditRewrite(ctx context.Context, t *tx, purpose string, cutoff time.Time) error
	endAuditPermit(ctx context.Context, t *tx) error
	// secureDelete makes what t deletes or overwrites from now on unreadable in the files.
	secureDelete(ctx context.Context, t *tx) error
	// scrub makes what was deleted unreadable in the database files (see DB.Scrub).
	scrub(ctx context.Context, d *DB) error
	// refreshStatistics brings the planner's statistics of tables up to date (see
	// DB.RefreshStatistics); tables are names of statisticsTables.
	refreshStatistics(ctx context.Context, d *DB, tables []string) error

	// Bulk reads and writes of the imports and of the set-based decisions.

	// keyArrays reports whether a lookup by a list of keys takes the whole list as one array
	// ("= ANY($1)") rather than IN lists of lookupChunk keys.
	keyArrays() bool
	// orFail is the conflict clause of a set-based write of many rows, which fails with its
	// transaction: " OR FAIL" on SQLite (see sqliteDialect.orFail), nothing on PostgreSQL.
	orFail() string
	// newIDs reserves n ids of table.
	newIDs(ctx context.Context, t *tx, table string, n int) ([]int64, error)
	// insertStructures writes ss with the ids given, leaving out those in conflict, and
	// returns how many it wrote.
	insertStructures(ctx context.Context, t *tx, ss []domain.Structure, ids []int64) (int64, error)
	// insertUsers, insertMemberships write their rows, leaving out those in conflict, and set
	// the ID of each row written.
	insertUsers(ctx context.Context, t *tx, us []domain.User) error
	insertMemberships(ctx context.Context, t *tx, ms []domain.Membership) error
	// insertGrants grants codes[i] on membershipIDs[i], leaving out what is held.
	insertGrants(ctx context.Context, t *tx, membershipIDs []int64, codes []string, by int64) error
	// insertNewUsers, insertNewMemberships, insertNewGrants write rows none of which may
	// exist already, setting the ID of each account and membership: one that exists fails them
	// with a uniqueError (see store.Tx.InsertNewUsers).
	insertNewUsers(ctx context.Context, t *tx, us []domain.User) error
	insertNewMemberships(ctx context.Context, t *tx, ms []domain.Membership) error
	insertNewGrants(ctx context.Context, t *tx, membershipIDs []int64, codes []string, by int64) error
	// appendAudits writes events, their times and details set, in the order given.
	appendAudits(ctx context.Context, t *tx, es []domain.AuditEvent) error
	// enqueueMails writes mails, their times and states set, in the order given.
	enqueueMails(ctx context.Context, t *tx, ms []domain.Mail) error
}

// searchPlan is how an engine's indexes serve the steps of a structure search, where the
// two engines' planners are best helped in different ways.
type searchPlan struct {
	// prefixesFromIndexes: the exact and prefix matches of a word are sorted from the indexes
	// of the folded name and acronym alone (prefixMatches), and in one département read on
	// the département's index (departmentPrefixMatch). Otherwise they are read from the
	// table, filtered by prefixMatch: PostgreSQL's planner runs the union of both indexes
	// with parallel workers, 100 times slower for the few hundred rows of an acronym.
	prefixesFromIndexes bool
	// rareWordsInOneQuery: a rare word's matches are read, counted and sorted by one capped
	// query through the trigram index (otherwise the index is probed for ids first).
	rareWordsInOneQuery bool
	// walkInOneQuery: the walk of the first names reads them and their matches in one query
	// (otherwise the last name of the walk is found first, by an index-only skip).
	walkInOneQuery bool
	// prefixesInOrder: with a limit, the exact and prefix matches are read in name order from
	// one index per stream (exact names, exact acronyms, names starting with the text, each
	// acronym that does), merged, and stop at the page (orderedPrefixMatches): PostgreSQL
	// otherwise reads every prefix match from the table to sort them (7,860 structures whose
	// name starts with "formation" at 1,000,000).
	prefixesInOrder bool
	// lettersReadInFull: when neither a capped read of the structures holding a letter nor
	// the walk of the first names has filled the page, the structures holding the letter are
	// read through its index and sorted, instead of every name walked: PostgreSQL reads the
	// table for each name of a walk that the visibility map does not cover.
	lettersReadInFull bool
	// candidatesInNameOrder: when the trigram or letter index hands over candidateWalk
	// candidates or more, the names are walked in order on their index (which holds the
	// acronym and the id) keeping the candidates, instead of each candidate's row read and
	// sorted (on SQLite, 470 rows of "angouleme" did not fit in the page cache of 2 MB).
	candidatesInNameOrder bool
}

// dialectOf is the dialect of an engine ("sqlite" or "postgres").
func dialectOf(engine string) dialect {
	if engine == Postgres {
		return postgresDialect{}
	}
	return sqliteDialect{rebinds: new(sync.Map)}
}
