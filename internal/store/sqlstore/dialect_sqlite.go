package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/profil-cli/profil/internal/domain"
)

// sqliteDialect is SQLite's way: a write transaction is the only writer (BEGIN IMMEDIATE),
// so it takes no lock; the planner never has statistics (profil runs no ANALYZE), so a few
// queries tell it which index to use; the trigram index is an FTS5 table; and bulk writes
// go in multi-row INSERTs (through a staging table beyond one statement: see insertSQLite),
// giving rows the ids after the largest.
type sqliteDialect struct {
	rebinds *sync.Map // SQL text → SQLite form
}

// sqliteMaxParams is SQLite's limit on the parameters of one statement.
const sqliteMaxParams = 32766

// sqliteBulkPragmas are set on the connection of a bulk insert. The write-ahead log is copied
// back into the database every 20,000 pages rather than 1,000: an import commits a batch every
// few thousand lines, and each copy rewrote the same index pages (about 10 % of the CPU time);
// a bulk decision of 500 requests writes over a thousand pages at a million accounts, and
// copying them back at every commit cost it about a quarter more CPU time.
//
// sqliteLargeWritePragmas are set too before an insert of more than sqliteLargeWrite rows, the size
// of an import's batch. The log is copied back every 50,000 pages: a batch of 5,000 accounts at a
// million changes some 12,000 pages of the same indexes, and a copy every four such batches rather
// than every one or two writes each page once for more of them (at 1,000,000 accounts, 1.7 GB fewer
// bytes written and as many fewer read, about 7 % less CPU time; measured with batches of 5,000);
// the log file grows to about 250 MB during the import (120 MB at 20,000 pages), and the last
// connection to close empties and removes it. And a page cache of 48 MiB, so that inserting in
// random key order reads back fewer of the pages it evicted. The driver's allocator gives each page
// of 4 KiB and its header a block of 8 KiB: the cache takes 96 MiB of memory when full, and an
// import of 1,000,000 accounts peaks at 160 MB in batches of 5,000 lines, 213–223 MB in batches of
// 20,000 (a cache of 64 MiB took it to 240 MB in batches of 5,000). A bulk decision, an ordinary
// command held to 64 MB, keeps the default cache of 2 MiB: it writes at most two rows a request to
// a table, 1,000 a batch, and with the large cache 10,000 approvals at a million accounts took
// 109 MB, and more CPU time (allocating the pages, and handing each back to the system at the
// end), for no fewer reads that mattered.
//
// Temporary storage is left as the connection has it: temporary files by default (which
// SQLite removes as soon as it opens them, and keeps in memory up to 64 KiB each), or memory
// once a savepoint asked for it (see firstSavepoint; SQLite refuses the change once the staging
// tables are open). Statement journals, where SQLite still needs them (see
// insertSelectSQLite), are far cheaper in files: in memory SQLite keeps a journal in chunks of 1 KiB, which the
// driver's allocator maps and unmaps from the system one by one, and once the indexes in
// random key order outgrow the cache a batch's journals hold tens of MiB. With temp_store
// MEMORY here, they took half the CPU time of an import of 1,000,000 accounts, most of it in
// the kernel.
var (
	sqliteBulkPragmas       = []string{`PRAGMA wal_autocheckpoint = 20000`}
	sqliteLargeWritePragmas = []string{`PRAGMA wal_autocheckpoint = 50000`, `PRAGMA cache_size = -49152`}
)

// sqliteLargeWrite is the number of rows of an insert beyond which the page cache grows to
// 48 MiB (see sqliteLargeWritePragmas): more than a bulk decision writes to a table in a
// batch (two rows a request, service.DecideBatchSize requests), fewer than an import's batch.
const sqliteLargeWrite = 2000

// sqliteRowsPerInsert bounds the rows of one multi-row INSERT on SQLite: beyond a few hundred,
// longer statements save nothing measurable.
const sqliteRowsPerInsert = 500

// rebind turns $1 placeholders into SQLite's ?1, which binds by number exactly as PostgreSQL
// does (SQLite would number "$1" by order of appearance). Quoted text is left alone.
func (d sqliteDialect) rebind(query string) string {
	if v, ok := d.rebinds.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	b.Grow(len(query))
	inQuote := false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
		case c == '$' && !inQuote && i+1 < len(query) && query[i+1] >= '0' && query[i+1] <= '9':
			c = '?'
		}
		b.WriteByte(c)
	}
	out := b.String()
	d.rebinds.Store(query, out)
	return out
}

// begin takes any connection of the pool, and prepares the statements the transaction runs
// once each (see tx.stmts).
func (sqliteDialect) begin(ctx context.Context, t *tx) (*sql.Tx, error) {
	sqlTx, err := t.d.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	if t.d.checksMayBeOff.Load() {
		if _, err := sqlTx.ExecContext(ctx, `PRAGMA ignore_check_constraints = OFF`); err != nil {
			_ = sqlTx.Rollback()
			return nil, err
		}
	}
	t.q, t.stmts = sqlTx, map[string]*sql.Stmt{}
	return sqlTx, nil
}

// beginTry does not wait for another process's write lock: a busy timeout of 0, put back
// when the transaction has ended, as the connection goes back to the pool and waits its turn
// again for what follows.
func (sqliteDialect) beginTry(ctx context.Context, conn *sql.Conn) (*sql.Tx, func(), error) {
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 0`); err != nil {
		return nil, nil, err
	}
	restore := func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA busy_timeout = 10000`) }
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		restore()
		return nil, nil, err
	}
	return sqlTx, restore, nil
}

// firstSavepoint keeps temporary storage in memory: the undo journal of each savepoint is a
// temporary file otherwise, and a bulk decision opens hundreds. Not in the DSN, for every
// command: a large export would then sort in memory. It stays set on this connection for the
// rest of the process, which runs one use case. SQLite refuses the change once the temporary
// database is open, which only costs the speed-up.
func (sqliteDialect) firstSavepoint(ctx context.Context, t *tx) {
	_, _ = t.q.ExecContext(ctx, `PRAGMA temp_store = MEMORY`)
}

func (sqliteDialect) forUpdate() string                             { return "" }
func (sqliteDialect) skipLocked() string                            { return "" }
func (sqliteDialect) lockTables(context.Context, *tx, string) error { return nil }
func (sqliteDialect) lockName(context.Context, *tx, string) error   { return nil }

// likeFold: SQLite's LIKE ignores the case of ASCII letters.
func (sqliteDialect) likeFold() string { return "LIKE" }

// textAgg: group_concat orders within since SQLite 3.44 (the driver embeds a newer one).
func (sqliteDialect) textAgg() string { return "group_concat" }

// timeText: an expression has no declared type, so the driver hands over the text as stored
// (unary + changes no value).
func (sqliteDialect) timeText(column string) string { return "+" + column }

// aggOrderBy: none. SQLite sorts the texts of each group given an ORDER BY in a temporary
// b-tree of its own, opened for each membership: 1.85 s of CPU time for the profiles of
// 1,000,000 memberships, 1.28 s without, when the rows come by the index grants_active anyway.
// EachMember sorts the few texts of a membership byte by byte, as SQLite's binary collation
// would.
func (sqliteDialect) aggOrderBy(string) string { return "" }

// byteOrder: SQLite's binary collation.
func (sqliteDialect) byteOrder() (ge, lt string) { return ">=", "<" }

// unindexed: a unary + keeps SQLite from using an index on column, which without statistics
// it would often prefer to a more selective one.
func (sqliteDialect) unindexed(column string) string { return "+" + column }

// departmentIndex: the structures of a département are walked on its index, which holds the
// name and acronym too; SQLite would otherwise walk every name and read each structure's
// département.
func (sqliteDialect) departmentIndex() string { return " INDEXED BY structures_department" }

// trigramOrder: SQLite reads what FTS5 finds, then sorts it.
func (sqliteDialect) trigramOrder() string { return "" }

// siretPrefix is a range, which SQLite's binary collation keeps on the index.
func (sqliteDialect) siretPrefix(a *searchArgs, digits string) string {
	return "s.siret >= " + a.arg(digits) + " AND s.siret < " + a.arg(digits+":")
}

// trigrams: the FTS5 trigram index finds words of three letters or more, and two-letter ones
// through the trigrams around them (see ftsMatch).
func (sqliteDialect) trigrams(words []string) (bool, string) {
	match := ftsMatch(words)
	return match != "", match
}

// letterQueries: each character of a text but its last two starts one of its trigrams: the
// first query reads the trigrams that start with c, a range of the FTS5 vocabulary
// (structures_fts_terms); the second, the texts whose last two characters (the whole text
// when shorter) hold c, on the index structures_text_end, and those with a character outside
// ftsAlphabet, which the list does not name, on a partial index.
func (sqliteDialect) letterQueries(c string) []string {
	ends := []string{"'" + c + "'"}
	for _, x := range ftsAlphabet {
		ends = append(ends, "'"+c+string(x)+"'", "'"+string(x)+c+"'")
	}
	return []string{
		"SELECT DISTINCT doc FROM structures_fts_terms WHERE term >= '" + c + "' AND term < '" + string(rune(c[0]+1)) + "'",
		"SELECT id FROM structures WHERE substr(search_text, -2) IN (" + strings.Join(ends, ", ") + ")" +
			" UNION ALL SELECT id FROM structures WHERE " + outsideFTSAlphabet,
	}
}

// candidates: one argument, a JSON array read by json_each, rather than a list of literals:
// SQLite parses each literal of a query every time it runs (hundreds of them took half of a
// rare word's search).
func (sqliteDialect) candidates(a *searchArgs, ids []int64) string {
	b := make([]byte, 0, 8*len(ids)+2)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	b = append(b, ']')
	return "(SELECT value FROM json_each(" + a.arg(string(b)) + "))"
}

// letterMatch: the letters are read by letterQueries only.
func (sqliteDialect) letterMatch(string, string) string { return "" }

// searchPlan: prefix matches sorted from the indexes, in one département read on its index;
// the FTS5 index is probed for the ids of a rare word, many of which are kept walking the
// names in order; the walk finds its last name first.
func (sqliteDialect) searchPlan() searchPlan {
	return searchPlan{prefixesFromIndexes: true, candidatesInNameOrder: true}
}

// inNames tests with instr, quicker than LIKE: both are folded, in lower case, and a word
// holds neither '%' nor '_'.
func (sqliteDialect) inNames(a *searchArgs, alias, word string) string {
	v := a.arg(word)
	return "(instr(" + alias + ".name_folded, " + v + ") > 0 OR instr(" + alias + ".acronym_folded, " + v + ") > 0)"
}

// permitAuditRewrite writes the one row of audit_rewrite_permits, which endAuditPermit
// deletes before the transaction ends, so that no other transaction ever sees it.
func (sqliteDialect) permitAuditRewrite(ctx context.Context, t *tx, purpose string, cutoff time.Time) error {
	var c any
	if purpose == "prune" {
		c = cutoff.UTC()
	}
	_, err := t.exec(ctx, `INSERT INTO audit_rewrite_permits (id, purpose, cutoff) VALUES (1, $1, $2)`, purpose, c)
	return err
}

func (sqliteDialect) endAuditPermit(ctx context.Context, t *tx) error {
	_, err := t.exec(ctx, `DELETE FROM audit_rewrite_permits`)
	return err
}

// secureDelete: deleted and rewritten content is overwritten with zeros instead of left in
// free space.
func (sqliteDialect) secureDelete(ctx context.Context, t *tx) error {
	_, err := t.exec(ctx, `PRAGMA secure_delete = ON`)
	return err
}

// scrub rebuilds the file (VACUUM, with secure_delete on) and empties the write-ahead log into
// it (wal_checkpoint(TRUNCATE)), so that neither free pages nor the -wal file keep old rows.
func (sqliteDialect) scrub(ctx context.Context, d *DB) error {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return mapErr(err)
	}
	defer conn.Close()
	for _, q := range []string{`PRAGMA secure_delete = ON`, `VACUUM`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("scrub the database (%s): %w", q, mapErr(err))
		}
	}
	// A reader of an older snapshot (another process) keeps the log from being emptied: the
	// checkpoint waits for it up to the busy timeout, then says it could not finish.
	var busy, logFrames, done int
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done); err != nil {
		return fmt.Errorf("scrub the database (checkpoint): %w", mapErr(err))
	}
	if busy != 0 {
		return fmt.Errorf("scrub the database: %w", &BusyError{err: errors.New("wal_checkpoint(TRUNCATE) could not finish")})
	}
	return nil
}

func (sqliteDialect) keyArrays() bool { return false }

// orFail: a statement that writes several rows and may stop half-way with ABORT, the default
// of NOT NULL, CHECK and UNIQUE constraints, makes SQLite copy each page it changes to a
// statement journal first, to undo that statement alone. The set-based writes of a bulk
// decision or an import fail with their transaction, which is rolled back, so they say
// OR FAIL: a failure stops the statement and keeps what it wrote until that rollback. With
// the foreign keys of their tables checked at commit (migration 14), they keep no statement
// journal: 10,000 approvals at a million accounts copied 38,000 pages (160 MB, 77,000 system
// calls) to temporary files before.
func (sqliteDialect) orFail() string { return " OR FAIL" }

func (sqliteDialect) newIDs(ctx context.Context, t *tx, table string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	var last int64
	if err := t.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&last); err != nil {
		return nil, fmt.Errorf("reserve ids of %s: %w", table, mapErr(err))
	}
	for i := range n {
		ids = append(ids, last+1+int64(i))
	}
	return ids, nil
}

func (sqliteDialect) insertStructures(ctx context.Context, t *tx, ss []domain.Structure, ids []int64) (int64, error) {
	return t.insertSQLite(ctx, `INSERT INTO structures (id, siret, name, acronym, ape, address, postal_code, city,
		department, kinds, ministry, adhesion_year, name_folded, acronym_folded, search_text, created_at, updated_at) VALUES `,
		`(#, #, #, #, #, #, #, #, #, #, #, #, #, #, #, #, #)`, ` ON CONFLICT DO NOTHING`, len(ss),
		func(i int, args []any) []any {
			s := ss[i]
			return append(args, ids[i], nullText(s.SIRET), s.Name, s.Acronym, s.APE, s.Address, s.PostalCode, s.City,
				s.Department, joinKinds(s.Kinds), s.Ministry, adhesionArg(s.AdhesionYear),
				domain.Fold(s.Name), domain.Fold(s.Acronym), s.SearchText(), t.now, t.now)
		})
}

func (sqliteDialect) insertUsers(ctx context.Context, t *tx, us []domain.User) error {
	ids, err := t.newIDs(ctx, "users", len(us))
	if err != nil {
		return err
	}
	n, err := t.insertSQLite(ctx, `INSERT INTO users (id, email, last_name, first_name, function, phone, status, manager,
		password_hash, must_change_password, source, created_at, updated_at) VALUES `,
		`(#, #, #, #, #, #, #, #, #, #, #, #, #)`, ` ON CONFLICT DO NOTHING`, len(us),
		func(i int, args []any) []any {
			u := us[i]
			return append(args, ids[i], u.Email, u.LastName, u.FirstName, u.Function, u.Phone, string(u.Status), u.Manager,
				nullText(u.PasswordHash), u.MustChangePassword, u.Source, t.now, t.now)
		})
	if err != nil {
		return err
	}
	return t.setInserted(ctx, "users", ids, n, func(i int, id int64) { us[i].ID = id })
}

func (sqliteDialect) insertMemberships(ctx context.Context, t *tx, ms []domain.Membership) error {
	ids, err := t.newIDs(ctx, "memberships", len(ms))
	if err != nil {
		return err
	}
	n, err := t.insertSQLite(ctx, `INSERT OR FAIL INTO memberships (id, user_id, structure_id, referent, created_at) VALUES `,
		`(#, #, #, #, #)`, ` ON CONFLICT DO NOTHING`, len(ms),
		func(i int, args []any) []any {
			return append(args, ids[i], ms[i].UserID, ms[i].StructureID, ms[i].Referent, t.now)
		})
	if err != nil {
		return err
	}
	return t.setInserted(ctx, "memberships", ids, n, func(i int, id int64) { ms[i].ID = id })
}

func (sqliteDialect) insertGrants(ctx context.Context, t *tx, membershipIDs []int64, codes []string, by int64) error {
	_, err := insertGrantsSQLite(ctx, t, membershipIDs, codes, by)
	return err
}

// insertGrantsSQLite writes the grants, leaving out those held already, and returns how many
// it wrote.
func insertGrantsSQLite(ctx context.Context, t *tx, membershipIDs []int64, codes []string, by int64) (int64, error) {
	return t.insertSQLite(ctx, `INSERT OR FAIL INTO grants (membership_id, profile_code, granted_at, granted_by) VALUES `,
		`(#, #, #, #)`, ` ON CONFLICT DO NOTHING`, len(codes),
		func(i int, args []any) []any { return append(args, membershipIDs[i], codes[i], t.now, nullInt(by)) })
}

// insertNewUsers: the statements of insertUsers, which cost the same here, and a conflict if
// one of the accounts was left out.
func (d sqliteDialect) insertNewUsers(ctx context.Context, t *tx, us []domain.User) error {
	if err := d.insertUsers(ctx, t, us); err != nil {
		return err
	}
	return allWritten("users", us, func(u domain.User) int64 { return u.ID })
}

func (d sqliteDialect) insertNewMemberships(ctx context.Context, t *tx, ms []domain.Membership) error {
	if err := d.insertMemberships(ctx, t, ms); err != nil {
		return err
	}
	return allWritten("memberships", ms, func(m domain.Membership) int64 { return m.ID })
}

// allWritten is a conflict when one of rows got no id: the insert left it out.
func allWritten[T any](table string, rows []T, id func(T) int64) error {
	for _, r := range rows {
		if id(r) == 0 {
			return errLeftOut(table)
		}
	}
	return nil
}

func (sqliteDialect) insertNewGrants(ctx context.Context, t *tx, membershipIDs []int64, codes []string, by int64) error {
	n, err := insertGrantsSQLite(ctx, t, membershipIDs, codes, by)
	if err == nil && n != int64(len(codes)) {
		err = errLeftOut("grants")
	}
	return err
}

func (sqliteDialect) appendAudits(ctx context.Context, t *tx, es []domain.AuditEvent) error {
	_, err := t.insertSQLite(ctx, `INSERT OR FAIL INTO audit_events (at, actor_id, actor, action, structure_id, target, details) VALUES `,
		`(#, #, #, #, #, #, #)`, ``, len(es),
		func(i int, args []any) []any {
			e := es[i]
			return append(args, t.now, nullInt(e.ActorID), e.Actor, e.Action, nullInt(e.StructureID), e.Target, e.Details)
		})
	return err
}

func (sqliteDialect) enqueueMails(ctx context.Context, t *tx, ms []domain.Mail) error {
	_, err := t.insertSQLite(ctx, `INSERT OR FAIL INTO mail_outbox (created_at, to_addr, subject, body, status, attempts,
		next_attempt_at, last_error, sensitive, secret_user_id) VALUES `, `(#, #, #, #, 'pending', 0, #, '', #, #)`, ``, len(ms),
		func(i int, args []any) []any {
			m := ms[i]
			return append(args, t.now, m.To, m.Subject, m.Body, t.now, m.Sensitive || m.SecretFor != 0, nullInt(m.SecretFor))
		})
	return err
}

// insertSQLite writes n rows: head, then rows of rowTmpl joined by commas, then tail. Each '#'
// of rowTmpl is a parameter of the row, filled in order by rowArgs. It returns the number of
// rows written.
//
// Up to sqliteRowsPerInsert rows go in one multi-row INSERT. More are first copied into a
// temporary staging table without constraints, with prepared multi-row INSERTs, then written
// by one INSERT … SELECT (see insertSelectSQLite), which SQLite writes without a statement
// journal: one statement per table rather than one per few hundred rows (each of which copied
// the pages it changed to a statement journal) made an import of 1,000,000 accounts about twice
// as quick, and doing without the journal a fifth quicker again. The columns whose value is
// the same in every row (an import's time, actor, status, source…: half the parameters of an
// import's rows) are not staged but bound once to the INSERT … SELECT: binding and staging
// them took about a tenth of an import's CPU time.
//
// The parameters are anonymous ("?"): the driver asks SQLite the name of every parameter it
// binds, which SQLite finds by walking the list of named and numbered ones, so that thousands
// of "?NNN" in one statement would cost a quadratic time.
func (t *tx) insertSQLite(ctx context.Context, head, rowTmpl, tail string, n int, rowArgs func(i int, args []any) []any) (int64, error) {
	pragmas := sqliteBulkPragmas
	if n > sqliteLargeWrite {
		pragmas = append(slices.Clip(pragmas), sqliteLargeWritePragmas...)
	}
	for _, pragma := range pragmas {
		if _, err := t.q.ExecContext(ctx, pragma); err != nil {
			return 0, err
		}
	}
	width := strings.Count(rowTmpl, "#")
	per := min(sqliteRowsPerInsert, sqliteMaxParams/width)
	if n <= per {
		args := make([]any, 0, n*width)
		for i := range n {
			args = rowArgs(i, args)
		}
		res, err := t.execShared(ctx, multiRowSQL(head, rowTmpl, tail, n), args...)
		if err != nil {
			return 0, mapErr(err)
		}
		return res.RowsAffected()
	}
	// Every row's parameters, to find the columns that hold the same value in every row (the
	// time of the transaction, the actor, a status): those are bound once, to the INSERT …
	// SELECT, instead of copied into each staged row.
	all := make([]any, 0, n*width)
	for i := range n {
		all = rowArgs(i, all)
	}
	if len(all) != n*width {
		return 0, fmt.Errorf("insert: %d parameters for %d rows of %d", len(all), n, width)
	}
	constant := make([]bool, width)
	staged := 0 // the columns of the staging table
	for j := range width {
		constant[j] = true
		for i := 1; i < n && constant[j]; i++ {
			constant[j] = sameArg(all[j], all[i*width+j])
		}
		if !constant[j] {
			staged++
		}
	}
	if staged == 0 { // a staging table has one column at least
		constant[0], staged = false, 1
	}
	staging := fmt.Sprintf("temp.profil_bulk_%d", staged)
	cols := make([]string, staged)
	for i := range cols {
		cols[i] = fmt.Sprintf("c%d", i+1)
	}
	if _, err := t.q.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS `+strings.TrimPrefix(staging, "temp.")+
		` (`+strings.Join(cols, ", ")+`)`); err != nil {
		return 0, mapErr(err)
	}
	if _, err := t.q.ExecContext(ctx, `DELETE FROM `+staging); err != nil {
		return 0, mapErr(err)
	}
	per = min(sqliteRowsPerInsert, sqliteMaxParams/staged)
	var (
		args = make([]any, 0, per*staged)
		row  = "(" + strings.Repeat("#, ", staged-1) + "#)"
		full string
	)
	for start := 0; start < n; start += per {
		rows := min(per, n-start)
		args = args[:0]
		for i := start; i < start+rows; i++ {
			for j, v := range all[i*width : (i+1)*width] {
				if !constant[j] {
					args = append(args, v)
				}
			}
		}
		var err error
		if rows == per {
			if full == "" {
				full = multiRowSQL(`INSERT INTO `+staging+` VALUES `, row, ``, rows)
			}
			// The staging table is the connection's own: prepared in the transaction.
			if st := t.stmt(ctx, full); st != nil {
				_, err = st.ExecContext(ctx, args...)
			} else {
				_, err = t.q.ExecContext(ctx, full, args...)
			}
		} else {
			_, err = t.q.ExecContext(ctx, multiRowSQL(`INSERT INTO `+staging+` VALUES `, row, ``, rows), args...)
		}
		if err != nil {
			return 0, mapErr(err)
		}
	}
	// The row template with its parameters replaced by the staging columns, in order, or by
	// the value of a constant column.
	var (
		sel       strings.Builder
		constArgs []any
	)
	j, k := 0, 0
	for _, c := range strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(rowTmpl), "("), ")") {
		if c != '#' {
			sel.WriteRune(c)
			continue
		}
		if constant[j] {
			sel.WriteByte('?')
			constArgs = append(constArgs, all[j])
		} else {
			sel.WriteString(cols[k])
			k++
		}
		j++
	}
	insert := strings.TrimSuffix(strings.TrimSpace(head), "VALUES")
	written, err := t.insertSelectSQLite(ctx, insert, ` SELECT `+sel.String()+` FROM `+staging+` WHERE true ORDER BY rowid`+tail, constArgs...)
	if err != nil {
		return 0, err
	}
	if _, err := t.q.ExecContext(ctx, `DELETE FROM `+staging); err != nil {
		return written, mapErr(err)
	}
	return written, nil
}

// insertSelectSQLite runs insert (`INSERT INTO table (columns)`) followed by sel (its SELECT
// and conflict clause), and returns the number of rows written.
//
// It is written so that SQLite needs no statement journal: inside a transaction, a statement
// that writes several rows and may abort half-way (SQLite's "mayAbort": a NOT NULL or CHECK
// constraint or a unique index whose conflict resolution is ABORT, an immediate foreign key, a
// function call, which may fail) first copies every page it changes to a temporary file, so
// that the rows it wrote before failing can be taken back while the transaction goes on. An
// import inserting in random key order changes some 12,000 pages a batch of 5,000 lines at a
// million accounts: the copies were a third of the bytes it wrote. Here nothing may abort:
//
//   - OR FAIL: a failing constraint stops the statement and keeps the rows it wrote. Callers
//     never go on with a transaction after a failed insert (Update rolls it back), so none of
//     them is ever committed;
//   - the foreign keys of the tables written in bulk are deferred (migration 00014): checked
//     at commit, where a violation fails the transaction;
//   - CHECK constraints are not evaluated by the statement (users' calls lower()), but checked
//     right after it, by a query over the rows it wrote, from the table's own declarations
//     (see sqliteChecks): a violation is an error as it was.
func (t *tx) insertSelectSQLite(ctx context.Context, insert, sel string, args ...any) (int64, error) {
	table, ok := insertTable(insert)
	if !ok {
		return 0, fmt.Errorf("insert: no table in %q", insert)
	}
	checks, err := sqliteChecks(ctx, t, table)
	if err != nil {
		return 0, err
	}
	var last int64 // the largest rowid before the statement: the rows it writes come after
	if len(checks) > 0 {
		if err := t.q.QueryRowContext(ctx, `SELECT coalesce(max(rowid), 0) FROM `+table).Scan(&last); err != nil {
			return 0, mapErr(err)
		}
		if _, err := t.q.ExecContext(ctx, `PRAGMA ignore_check_constraints = ON`); err != nil {
			return 0, mapErr(err)
		}
	}
	if !strings.HasPrefix(strings.TrimSpace(insert), "INSERT OR FAIL INTO ") {
		insert = strings.Replace(insert, "INSERT INTO", "INSERT OR FAIL INTO", 1)
	}
	res, err := t.q.ExecContext(ctx, insert+sel, args...)
	if len(checks) > 0 {
		// Whatever happened: the connection goes back to the pool after the transaction. A
		// transaction rolled back meanwhile (its context cancelled) gives its connection back
		// with the constraints off: every later write transaction turns them on.
		if _, rerr := t.q.ExecContext(context.WithoutCancel(ctx), `PRAGMA ignore_check_constraints = OFF`); rerr != nil {
			t.d.checksMayBeOff.Store(true)
			if err == nil {
				err = rerr
			}
		}
	}
	if err != nil {
		return 0, mapErr(err)
	}
	written, err := res.RowsAffected()
	if err != nil || written == 0 || len(checks) == 0 {
		return written, err
	}
	var failed []string
	for _, c := range checks {
		failed = append(failed, "NOT coalesce(("+c+"), 1)")
	}
	var rowid int64
	err = t.q.QueryRowContext(ctx, `SELECT rowid FROM `+table+` WHERE rowid > ? AND (`+strings.Join(failed, " OR ")+`) LIMIT 1`, last).Scan(&rowid)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return written, nil
	case err != nil:
		return 0, fmt.Errorf("check the rows written into %s: %w", table, mapErr(err))
	}
	return 0, fmt.Errorf("CHECK constraint failed: %s, row %d", table, rowid)
}

// sameArg reports whether two parameters of a bulk insert are the same value, of the same
// type: false for types it does not know.
func sameArg(a, b any) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case string:
		return sameAs(a, b)
	case int64:
		return sameAs(a, b)
	case int:
		return sameAs(a, b)
	case bool:
		return sameAs(a, b)
	case time.Time:
		return sameAs(a, b)
	}
	return false
}

// sameAs reports whether b is a T equal to a.
func sameAs[T comparable](a T, b any) bool {
	v, ok := b.(T)
	return ok && a == v
}

// insertTable is the table of `INSERT [OR FAIL] INTO table (…)`.
func insertTable(insert string) (string, bool) {
	insert = strings.TrimSpace(insert)
	rest, ok := strings.CutPrefix(insert, "INSERT INTO ")
	if !ok {
		if rest, ok = strings.CutPrefix(insert, "INSERT OR FAIL INTO "); !ok {
			return "", false
		}
	}
	name, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
	name, _, _ = strings.Cut(name, "(")
	return name, name != ""
}

// sqliteCheckCache holds the CHECK constraints of a table by the text that declares it.
var sqliteCheckCache sync.Map // CREATE TABLE text → []string

// sqliteChecks returns the expressions of the CHECK constraints of table, as the schema
// declares them (columns' and the table's).
func sqliteChecks(ctx context.Context, t *tx, table string) ([]string, error) {
	var decl string
	err := t.q.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?`, table).Scan(&decl)
	if err != nil {
		return nil, fmt.Errorf("read the declaration of %s: %w", table, mapErr(err))
	}
	if v, ok := sqliteCheckCache.Load(decl); ok {
		return v.([]string), nil
	}
	checks, err := checkConstraints(decl)
	if err != nil {
		return nil, fmt.Errorf("the CHECK constraints of %s: %w", table, err)
	}
	sqliteCheckCache.Store(decl, checks)
	return checks, nil
}

// checkConstraints reads the expressions of the CHECK constraints of a CREATE TABLE
// statement: the parenthesised text after each CHECK keyword, outside quotes and comments.
func checkConstraints(decl string) ([]string, error) {
	plain, err := maskQuotesAndComments(decl)
	if err != nil {
		return nil, err
	}
	isWord := func(c byte) bool {
		return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
	}
	var checks []string
	for i := 0; i < len(plain); {
		if !isWord(plain[i]) {
			i++
			continue
		}
		w := i
		for i < len(plain) && isWord(plain[i]) {
			i++
		}
		if !strings.EqualFold(plain[w:i], "CHECK") {
			continue
		}
		for i < len(plain) && strings.IndexByte(" \t\n\r", plain[i]) >= 0 {
			i++
		}
		if i == len(plain) || plain[i] != '(' {
			return nil, fmt.Errorf("CHECK without its expression at %d", w)
		}
		open, depth := i, 0
		for ; i < len(plain) && (i == open || depth > 0); i++ {
			switch plain[i] {
			case '(':
				depth++
			case ')':
				depth--
			}
		}
		if depth != 0 {
			return nil, fmt.Errorf("unbalanced CHECK at %d", w)
		}
		checks = append(checks, strings.TrimSpace(decl[open+1:i-1]))
	}
	return checks, nil
}

// maskQuotesAndComments returns decl with its comments as spaces and its quoted texts and
// identifiers as '#', the same length: what is left holds only the statement's own words and
// parentheses, at the offsets of decl.
func maskQuotesAndComments(decl string) (string, error) {
	b := []byte(decl)
	for i := 0; i < len(b); {
		var open, end string
		switch {
		case b[i] == '\'', b[i] == '"', b[i] == '`':
			open, end = decl[i:i+1], decl[i:i+1]
		case b[i] == '[':
			open, end = "[", "]"
		case strings.HasPrefix(decl[i:], "--"):
			open, end = "--", "\n"
		case strings.HasPrefix(decl[i:], "/*"):
			open, end = "/*", "*/"
		default:
			i++
			continue
		}
		stop := len(decl) // an unterminated line comment ends with the text
		if j := strings.Index(decl[i+len(open):], end); j >= 0 {
			stop = i + len(open) + j + len(end)
		} else if end != "\n" {
			return "", fmt.Errorf("unterminated %q", decl[i:min(i+2, len(decl))])
		}
		mask := byte('#')
		if open == "--" || open == "/*" {
			mask = ' '
		}
		for ; i < stop; i++ {
			b[i] = mask
		}
	}
	return string(b), nil
}

// execShared runs query, SQLite's text, as a statement prepared for the life of the DB (see
// tx.sharedStmt).
func (t *tx) execShared(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.sharedStmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.q.ExecContext(ctx, query, args...)
}

// multiRowSQL builds the text of a multi-row INSERT of rows rows, each '#' of rowTmpl an
// anonymous parameter.
func multiRowSQL(head, rowTmpl, tail string, rows int) string {
	row := strings.ReplaceAll(rowTmpl, "#", "?")
	var b strings.Builder
	b.Grow(len(head) + len(tail) + rows*(len(row)+2))
	b.WriteString(head)
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	b.WriteString(tail)
	return b.String()
}

// refreshStatistics: the queries are written for SQLite's planner without statistics (see
// unindexed), which ANALYZE would change: nothing to do.
func (sqliteDialect) refreshStatistics(context.Context, *DB, []string) error { return nil }
