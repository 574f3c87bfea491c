package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/profil-cli/profil/internal/domain"
)

// Bulk reads and writes for the imports, which move hundreds of thousands of rows: lookups by
// lists of keys (one "= ANY($1)" on PostgreSQL, IN lists on SQLite), and inserts of many rows
// per statement (unnest of arrays on PostgreSQL, multi-row VALUES on SQLite). Every insert is
// `ON CONFLICT DO NOTHING`: a row that a concurrent writer created first is left out, and the
// caller learns it from an ID left at 0. On SQLite, whose write transactions are serial, rows
// get the ids after the largest before they are inserted; on PostgreSQL the ids of the rows
// inserted come back through RETURNING, except for structures, which take theirs from the
// table's sequence first (a structure without SIRET has no other key to be recognised by).

// lookupChunk is how many keys one IN list carries.
const lookupChunk = 500

func (t *tx) StructuresBySIRET(ctx context.Context, sirets []string) ([]domain.Structure, error) {
	return t.structuresWhere(ctx, `%s`, "s.siret", sirets)
}

func (t *tx) StructuresWithoutSIRET(ctx context.Context, foldedNames []string) ([]domain.Structure, error) {
	return t.structuresWhere(ctx, `s.siret IS NULL AND %s`, "s.name_folded", foldedNames)
}

func (t *tx) structuresWhere(ctx context.Context, where, column string, keys []string) ([]domain.Structure, error) {
	out, err := scanKeys(ctx, t, `SELECT `+structureColumns+` FROM structures s WHERE `+where, column, keys, scanStructure)
	if err != nil {
		return nil, fmt.Errorf("look up structures: %w", err)
	}
	return out, nil
}

func (t *tx) UserIDsByEmail(ctx context.Context, emails []string) (map[string]int64, error) {
	out := make(map[string]int64)
	err := inKeys(ctx, t, `SELECT id, email FROM users WHERE %s`, "email", emails, func(rows *sql.Rows) error {
		var (
			id    int64
			email string
		)
		if err := rows.Scan(&id, &email); err != nil {
			return err
		}
		out[email] = id
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("look up accounts: %w", err)
	}
	return out, nil
}

func (t *tx) MembershipsOf(ctx context.Context, userIDs []int64) ([]domain.Membership, error) {
	out, err := scanKeys(ctx, t, `SELECT `+membershipColumns+` FROM memberships WHERE %s`, "user_id", userIDs, scanMembership)
	if err != nil {
		return nil, fmt.Errorf("look up memberships: %w", err)
	}
	return out, nil
}

func (t *tx) InsertStructures(ctx context.Context, ss []domain.Structure) error {
	if len(ss) == 0 || t.readOnly {
		return t.bulkWritable()
	}
	ids, err := t.newIDs(ctx, "structures", len(ss))
	if err != nil {
		return err
	}
	n, err := t.d.dialect.insertStructures(ctx, t, ss, ids)
	if err != nil {
		return fmt.Errorf("create structures: %w", err)
	}
	for i := range ss {
		ss[i].ID, ss[i].CreatedAt, ss[i].UpdatedAt = 0, t.now, t.now
	}
	return t.setInserted(ctx, "structures", ids, n, func(i int, id int64) { ss[i].ID = id })
}

func (t *tx) InsertUsers(ctx context.Context, us []domain.User) error {
	if len(us) == 0 || t.readOnly {
		return t.bulkWritable()
	}
	for i := range us {
		us[i].ID, us[i].CreatedAt, us[i].UpdatedAt = 0, t.now, t.now
	}
	if err := t.d.dialect.insertUsers(ctx, t, us); err != nil {
		return fmt.Errorf("create accounts: %w", err)
	}
	return nil
}

func (t *tx) InsertMemberships(ctx context.Context, ms []domain.Membership) error {
	if len(ms) == 0 || t.readOnly {
		return t.bulkWritable()
	}
	for i := range ms {
		ms[i].ID, ms[i].CreatedAt, ms[i].EndedAt = 0, t.now, nil
	}
	if err := t.d.dialect.insertMemberships(ctx, t, ms); err != nil {
		return fmt.Errorf("attach users: %w", err)
	}
	return nil
}

func (t *tx) InsertGrants(ctx context.Context, membershipIDs []int64, codes []string, by int64) error {
	if len(membershipIDs) != len(codes) {
		return fmt.Errorf("grant: %d memberships for %d profile codes", len(membershipIDs), len(codes))
	}
	if len(codes) == 0 || t.readOnly {
		return t.bulkWritable()
	}
	if err := t.d.dialect.insertGrants(ctx, t, membershipIDs, codes, by); err != nil {
		return fmt.Errorf("grant profiles: %w", err)
	}
	return nil
}

func (t *tx) InsertNewUsers(ctx context.Context, us []domain.User) error {
	if len(us) == 0 || t.readOnly {
		return t.bulkWritable()
	}
	for i := range us {
		us[i].ID, us[i].CreatedAt, us[i].UpdatedAt = 0, t.now, t.now
	}
	if err := t.d.dialect.insertNewUsers(ctx, t, us); err != nil {
		return fmt.Errorf("create accounts: %w", err)
	}
	return nil
}

func (t *tx) InsertNewMemberships(ctx context.Context, ms []domain.Membership) error {
	if len(ms) == 0 || t.readOnly {
		return t.bulkWritable()
	}
	for i := range ms {
		ms[i].ID, ms[i].CreatedAt, ms[i].EndedAt = 0, t.now, nil
	}
	if err := t.d.dialect.insertNewMemberships(ctx, t, ms); err != nil {
		return fmt.Errorf("attach users: %w", err)
	}
	return nil
}

func (t *tx) InsertNewGrants(ctx context.Context, membershipIDs []int64, codes []string, by int64) error {
	if len(membershipIDs) != len(codes) {
		return fmt.Errorf("grant: %d memberships for %d profile codes", len(membershipIDs), len(codes))
	}
	if len(codes) == 0 || t.readOnly {
		return t.bulkWritable()
	}
	if err := t.d.dialect.insertNewGrants(ctx, t, membershipIDs, codes, by); err != nil {
		return fmt.Errorf("grant profiles: %w", err)
	}
	return nil
}

// errLeftOut is a bulk insert of new rows that found one of them there already.
func errLeftOut(table string) error {
	return &uniqueError{err: fmt.Errorf("a row of %s exists already", table)}
}

// bulkWritable refuses a bulk insert in a read-only view.
func (t *tx) bulkWritable() error {
	if t.readOnly {
		return errors.New("bulk insert outside a write transaction")
	}
	return nil
}

// newIDs reserves n ids of table. On SQLite the write transaction is the only writer, so the
// ids after the largest are free until it ends; on PostgreSQL they come from the table's
// identity sequence, as the default ids do.
func (t *tx) newIDs(ctx context.Context, table string, n int) ([]int64, error) {
	return t.d.dialect.newIDs(ctx, t, table, n)
}

// setInserted calls set for each of the ids given to an insert that wrote n rows and is now in
// table: all of them, without a query, when n says so.
func (t *tx) setInserted(ctx context.Context, table string, ids []int64, n int64, set func(i int, id int64)) error {
	if n == int64(len(ids)) {
		for i, id := range ids {
			set(i, id)
		}
		return nil
	}
	found := make(map[int64]bool, n)
	err := inKeys(ctx, t, `SELECT id FROM `+table+` WHERE %s`, "id", ids, func(rows *sql.Rows) error {
		var id int64
		err := rows.Scan(&id)
		found[id] = true
		return err
	})
	if err != nil {
		return fmt.Errorf("read back %s: %w", table, err)
	}
	for i, id := range ids {
		if found[id] {
			set(i, id)
		}
	}
	return nil
}

// execCount runs a statement and returns the number of rows it wrote.
func (t *tx) execCount(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := t.exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// prepare prepares query, already in the engine's placeholders, in the transaction.
func (t *tx) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	p, ok := t.q.(interface {
		PrepareContext(context.Context, string) (*sql.Stmt, error)
	})
	if !ok {
		return nil, errors.New("this transaction cannot prepare statements")
	}
	stmt, err := p.PrepareContext(ctx, query)
	return stmt, mapErr(err)
}

// inKeys runs query with its "%s" replaced by a condition that column is one of keys, and
// hands every row to scan: once with "= ANY($1)" on PostgreSQL, once per chunk of keys with an
// IN list of anonymous parameters on SQLite.
func inKeys[K any](ctx context.Context, t *tx, query, column string, keys []K, scan func(*sql.Rows) error) error {
	if len(keys) == 0 {
		return nil
	}
	if t.d.dialect.keyArrays() {
		return scanAll(ctx, t, fmt.Sprintf(query, column+" = ANY($1)"), []any{keys}, scan)
	}
	args := make([]any, 0, lookupChunk)
	for start := 0; start < len(keys); start += lookupChunk {
		chunk := keys[start:min(start+lookupChunk, len(keys))]
		args = args[:0]
		for _, k := range chunk {
			args = append(args, k)
		}
		list := strings.Repeat("?, ", len(chunk)-1) + "?"
		q := t.d.rebind(fmt.Sprintf(query, column+" IN ("+list+")"))
		var rows *sql.Rows
		var err error
		if st := t.sharedStmt(ctx, q); st != nil {
			rows, err = st.QueryContext(ctx, args...)
		} else {
			rows, err = t.q.QueryContext(ctx, q, args...)
		}
		if err := scanRows(rows, mapErr(err), scan); err != nil {
			return err
		}
	}
	return nil
}

// scanKeys is inKeys gathering what scan reads from each row: an empty list, not nil, when
// no row matches.
func scanKeys[K, T any](ctx context.Context, t *tx, query, column string, keys []K, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	out := make([]T, 0, len(keys))
	err := inKeys(ctx, t, query, column, keys, func(rows *sql.Rows) error {
		v, err := scan(rows)
		if err == nil {
			out = append(out, v)
		}
		return err
	})
	return out, err
}

// scanAll runs a query and hands every row to scan.
func scanAll(ctx context.Context, t *tx, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := t.query(ctx, query, args...)
	return scanRows(rows, err, scan)
}

// scanRows hands every row of a query that returned rows, err to scan.
func scanRows(rows *sql.Rows, err error, scan func(*sql.Rows) error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return mapErr(err)
		}
	}
	return mapErr(rows.Err())
}
