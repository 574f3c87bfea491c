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

// sqliteMaxParams is SQLite's limit on the parameters of one statement.
const sqliteMaxParams = 32766

// sqliteBulkPragmas are set on the connection of a bulk insert: a page cache large enough for
// the indexes of a few million rows, so that inserting in random key order does not read back
// the pages it evicted, and statement journals in memory rather than in temporary files.
var sqliteBulkPragmas = []string{`PRAGMA cache_size = -262144`, `PRAGMA temp_store = MEMORY`}

// sqliteRowsPerInsert bounds the rows of one multi-row INSERT on SQLite: beyond a few hundred,
// longer statements save nothing measurable.
const sqliteRowsPerInsert = 500

func (t *tx) StructuresBySIRET(ctx context.Context, sirets []string) ([]domain.Structure, error) {
	return t.structuresWhere(ctx, `%s`, "s.siret", sirets)
}

func (t *tx) StructuresWithoutSIRET(ctx context.Context, foldedNames []string) ([]domain.Structure, error) {
	return t.structuresWhere(ctx, `s.siret IS NULL AND %s`, "s.name_folded", foldedNames)
}

func (t *tx) structuresWhere(ctx context.Context, where, column string, keys []string) ([]domain.Structure, error) {
	out := []domain.Structure{}
	err := inKeys(ctx, t, `SELECT `+structureColumns+` FROM structures s WHERE `+where, column, keys, func(rows *sql.Rows) error {
		s, err := scanStructure(rows)
		if err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
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
	out := []domain.Membership{}
	err := inKeys(ctx, t, `SELECT `+membershipColumns+` FROM memberships WHERE %s`, "user_id", userIDs,
		func(rows *sql.Rows) error {
			m, err := scanMembership(rows)
			if err != nil {
				return err
			}
			out = append(out, m)
			return nil
		})
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
	var n int64
	if t.d.Dialect() == Postgres {
		var c struct {
			siret, name, acronym, ape, address, postal, city, dept, kinds, nameF, acronymF, search []string
			ministry                                                                               []bool
			adhesion                                                                               []int64
		}
		for _, s := range ss {
			c.siret = append(c.siret, s.SIRET)
			c.name = append(c.name, s.Name)
			c.acronym = append(c.acronym, s.Acronym)
			c.ape = append(c.ape, s.APE)
			c.address = append(c.address, s.Address)
			c.postal = append(c.postal, s.PostalCode)
			c.city = append(c.city, s.City)
			c.dept = append(c.dept, s.Department)
			c.kinds = append(c.kinds, joinKinds(s.Kinds))
			c.ministry = append(c.ministry, s.Ministry)
			c.adhesion = append(c.adhesion, int64(s.AdhesionYear))
			c.nameF = append(c.nameF, domain.Fold(s.Name))
			c.acronymF = append(c.acronymF, domain.Fold(s.Acronym))
			c.search = append(c.search, s.SearchText())
		}
		n, err = t.execCount(ctx, `INSERT INTO structures (id, siret, name, acronym, ape, address, postal_code, city,
			department, kinds, ministry, adhesion_year, name_folded, acronym_folded, search_text, created_at, updated_at)
			SELECT r.id, NULLIF(r.siret, ''), r.name, r.acronym, r.ape, r.address, r.postal_code, r.city,
				r.department, r.kinds, r.ministry, NULLIF(r.adhesion_year, 0), r.name_folded, r.acronym_folded, r.search_text,
				$16::timestamptz, $16::timestamptz
			FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
				$9::text[], $10::text[], $11::boolean[], $12::bigint[], $13::text[], $14::text[], $15::text[])
				AS r(id, siret, name, acronym, ape, address, postal_code, city, department, kinds, ministry, adhesion_year,
				     name_folded, acronym_folded, search_text)
			ON CONFLICT DO NOTHING`,
			ids, c.siret, c.name, c.acronym, c.ape, c.address, c.postal, c.city, c.dept, c.kinds, c.ministry, c.adhesion,
			c.nameF, c.acronymF, c.search, t.now)
	} else {
		n, err = t.insertSQLite(ctx, `INSERT INTO structures (id, siret, name, acronym, ape, address, postal_code, city,
			department, kinds, ministry, adhesion_year, name_folded, acronym_folded, search_text, created_at, updated_at) VALUES `,
			`(#, #, #, #, #, #, #, #, #, #, #, #, #, #, #, #, #)`, ` ON CONFLICT DO NOTHING`, len(ss),
			func(i int, args []any) []any {
				s := ss[i]
				return append(args, ids[i], nullText(s.SIRET), s.Name, s.Acronym, s.APE, s.Address, s.PostalCode, s.City,
					s.Department, joinKinds(s.Kinds), s.Ministry, adhesionArg(s.AdhesionYear),
					domain.Fold(s.Name), domain.Fold(s.Acronym), s.SearchText(), t.now, t.now)
			})
	}
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
	if t.d.Dialect() != Postgres {
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
			return fmt.Errorf("create accounts: %w", err)
		}
		return t.setInserted(ctx, "users", ids, n, func(i int, id int64) { us[i].ID = id })
	}
	created := make(map[string]int64, len(us))
	scan := func(rows *sql.Rows) error {
		var (
			id    int64
			email string
		)
		err := rows.Scan(&id, &email)
		created[email] = id
		return err
	}
	var err error
	if len(us) >= pgCopyMin {
		err = t.copyStaging(ctx, "profil_stage_users", []stagingColumn{{"email", "text"}, {"last_name", "text"},
			{"first_name", "text"}, {"function", "text"}, {"phone", "text"}, {"status", "text"}, {"manager", "boolean"},
			{"password_hash", "text"}, {"must_change_password", "boolean"}, {"source", "text"}}, len(us),
			func(i int, vals []any) []any {
				u := us[i]
				return append(vals, u.Email, u.LastName, u.FirstName, u.Function, u.Phone, string(u.Status), u.Manager,
					nullText(u.PasswordHash), u.MustChangePassword, u.Source)
			})
		if err == nil {
			err = scanAll(ctx, t, `INSERT INTO users (email, last_name, first_name, function, phone, status, manager,
					password_hash, must_change_password, source, created_at, updated_at)
				SELECT r.email, r.last_name, r.first_name, r.function, r.phone, r.status, r.manager,
					r.password_hash, r.must_change_password, r.source, $1::timestamptz, $1::timestamptz
				FROM profil_stage_users r ORDER BY r.n
				ON CONFLICT DO NOTHING
				RETURNING id, email`, []any{t.now}, scan)
		}
	} else {
		var c struct {
			email, last, first, function, phone, status, hash, source []string
			manager, mustChange                                       []bool
		}
		for _, u := range us {
			c.email = append(c.email, u.Email)
			c.last = append(c.last, u.LastName)
			c.first = append(c.first, u.FirstName)
			c.function = append(c.function, u.Function)
			c.phone = append(c.phone, u.Phone)
			c.status = append(c.status, string(u.Status))
			c.manager = append(c.manager, u.Manager)
			c.hash = append(c.hash, u.PasswordHash)
			c.mustChange = append(c.mustChange, u.MustChangePassword)
			c.source = append(c.source, u.Source)
		}
		err = scanAll(ctx, t, `INSERT INTO users (email, last_name, first_name, function, phone, status, manager,
				password_hash, must_change_password, source, created_at, updated_at)
			SELECT r.email, r.last_name, r.first_name, r.function, r.phone, r.status, r.manager,
				NULLIF(r.password_hash, ''), r.must_change_password, r.source, $11::timestamptz, $11::timestamptz
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[],
				$8::text[], $9::boolean[], $10::text[])
				AS r(email, last_name, first_name, function, phone, status, manager, password_hash, must_change_password, source)
			ON CONFLICT DO NOTHING
			RETURNING id, email`,
			[]any{c.email, c.last, c.first, c.function, c.phone, c.status, c.manager, c.hash, c.mustChange, c.source, t.now}, scan)
	}
	if err != nil {
		return fmt.Errorf("create accounts: %w", err)
	}
	for i := range us {
		if id, ok := created[us[i].Email]; ok {
			us[i].ID = id
			delete(created, us[i].Email) // the same e-mail twice: the first one was created
		}
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
	if t.d.Dialect() != Postgres {
		ids, err := t.newIDs(ctx, "memberships", len(ms))
		if err != nil {
			return err
		}
		n, err := t.insertSQLite(ctx, `INSERT INTO memberships (id, user_id, structure_id, referent, created_at) VALUES `,
			`(#, #, #, #, #)`, ` ON CONFLICT DO NOTHING`, len(ms),
			func(i int, args []any) []any {
				return append(args, ids[i], ms[i].UserID, ms[i].StructureID, ms[i].Referent, t.now)
			})
		if err != nil {
			return fmt.Errorf("attach users: %w", err)
		}
		return t.setInserted(ctx, "memberships", ids, n, func(i int, id int64) { ms[i].ID = id })
	}
	created := make(map[[2]int64]int64, len(ms))
	scan := func(rows *sql.Rows) error {
		var id, user, structure int64
		err := rows.Scan(&id, &user, &structure)
		created[[2]int64{user, structure}] = id
		return err
	}
	var err error
	if len(ms) >= pgCopyMin {
		err = t.copyStaging(ctx, "profil_stage_memberships", []stagingColumn{{"user_id", "bigint"}, {"structure_id", "bigint"},
			{"referent", "boolean"}}, len(ms),
			func(i int, vals []any) []any { return append(vals, ms[i].UserID, ms[i].StructureID, ms[i].Referent) })
		if err == nil {
			err = scanAll(ctx, t, `INSERT INTO memberships (user_id, structure_id, referent, created_at)
				SELECT r.user_id, r.structure_id, r.referent, $1::timestamptz FROM profil_stage_memberships r ORDER BY r.n
				ON CONFLICT DO NOTHING
				RETURNING id, user_id, structure_id`, []any{t.now}, scan)
		}
	} else {
		users, structures, referents := make([]int64, len(ms)), make([]int64, len(ms)), make([]bool, len(ms))
		for i, m := range ms {
			users[i], structures[i], referents[i] = m.UserID, m.StructureID, m.Referent
		}
		err = scanAll(ctx, t, `INSERT INTO memberships (user_id, structure_id, referent, created_at)
			SELECT r.user_id, r.structure_id, r.referent, $4::timestamptz
			FROM unnest($1::bigint[], $2::bigint[], $3::boolean[]) AS r(user_id, structure_id, referent)
			ON CONFLICT DO NOTHING
			RETURNING id, user_id, structure_id`, []any{users, structures, referents, t.now}, scan)
	}
	if err != nil {
		return fmt.Errorf("attach users: %w", err)
	}
	for i, m := range ms {
		key := [2]int64{m.UserID, m.StructureID}
		if id, ok := created[key]; ok {
			ms[i].ID = id
			delete(created, key)
		}
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
	var err error
	switch {
	case t.d.Dialect() == Postgres && len(codes) >= pgCopyMin:
		err = t.copyStaging(ctx, "profil_stage_grants", []stagingColumn{{"membership_id", "bigint"}, {"profile_code", "text"}}, len(codes),
			func(i int, vals []any) []any { return append(vals, membershipIDs[i], codes[i]) })
		if err == nil {
			_, err = t.exec(ctx, `INSERT INTO grants (membership_id, profile_code, granted_at, granted_by)
				SELECT r.membership_id, r.profile_code, $1::timestamptz, $2::bigint FROM profil_stage_grants r ORDER BY r.n
				ON CONFLICT DO NOTHING`, t.now, nullInt(by))
		}
	case t.d.Dialect() == Postgres:
		_, err = t.exec(ctx, `INSERT INTO grants (membership_id, profile_code, granted_at, granted_by)
			SELECT r.membership_id, r.profile_code, $3::timestamptz, $4::bigint
			FROM unnest($1::bigint[], $2::text[]) AS r(membership_id, profile_code)
			ON CONFLICT DO NOTHING`, membershipIDs, codes, t.now, nullInt(by))
	default:
		_, err = t.insertSQLite(ctx, `INSERT INTO grants (membership_id, profile_code, granted_at, granted_by) VALUES `,
			`(#, #, #, #)`, ` ON CONFLICT DO NOTHING`, len(codes),
			func(i int, args []any) []any { return append(args, membershipIDs[i], codes[i], t.now, nullInt(by)) })
	}
	if err != nil {
		return fmt.Errorf("grant profiles: %w", err)
	}
	return nil
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
	ids := make([]int64, 0, n)
	if t.d.Dialect() != Postgres {
		var last int64
		if err := t.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&last); err != nil {
			return nil, fmt.Errorf("reserve ids of %s: %w", table, mapErr(err))
		}
		for i := range n {
			ids = append(ids, last+1+int64(i))
		}
		return ids, nil
	}
	rows, err := t.query(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
	if err != nil {
		return nil, fmt.Errorf("reserve ids of %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, mapErr(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	if len(ids) != n {
		return nil, fmt.Errorf("reserve ids of %s: got %d of %d", table, len(ids), n)
	}
	return ids, nil
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

// insertSQLite writes n rows: head, then rows of rowTmpl joined by commas, then tail. Each '#'
// of rowTmpl is a parameter of the row, filled in order by rowArgs. It returns the number of
// rows written.
//
// Up to sqliteRowsPerInsert rows go in one multi-row INSERT. More are first copied into a
// temporary staging table without constraints, with prepared multi-row INSERTs, then written
// by one INSERT … SELECT: a statement that may fail half-way (a constraint) makes SQLite copy
// each page it changes to a statement journal first, so one statement per table rather than
// one per few hundred rows copies each page once (an import of 1,000,000 accounts is about
// twice as quick).
//
// The parameters are anonymous ("?"): the driver asks SQLite the name of every parameter it
// binds, which SQLite finds by walking the list of named and numbered ones, so that thousands
// of "?NNN" in one statement would cost a quadratic time.
func (t *tx) insertSQLite(ctx context.Context, head, rowTmpl, tail string, n int, rowArgs func(i int, args []any) []any) (int64, error) {
	for _, pragma := range sqliteBulkPragmas {
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
		res, err := t.q.ExecContext(ctx, multiRowSQL(head, rowTmpl, tail, n), args...)
		if err != nil {
			return 0, mapErr(err)
		}
		return res.RowsAffected()
	}
	staging := fmt.Sprintf("temp.profil_bulk_%d", width)
	cols := make([]string, width)
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
	var (
		full *sql.Stmt
		args = make([]any, 0, per*width)
		row  = "(" + strings.Repeat("#, ", width-1) + "#)"
	)
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for start := 0; start < n; start += per {
		rows := min(per, n-start)
		args = args[:0]
		for i := start; i < start+rows; i++ {
			args = rowArgs(i, args)
		}
		var err error
		if rows == per {
			if full == nil {
				if full, err = t.prepare(ctx, multiRowSQL(`INSERT INTO `+staging+` VALUES `, row, ``, rows)); err != nil {
					return 0, err
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = t.q.ExecContext(ctx, multiRowSQL(`INSERT INTO `+staging+` VALUES `, row, ``, rows), args...)
		}
		if err != nil {
			return 0, mapErr(err)
		}
	}
	// The row template with its parameters replaced by the staging columns, in order.
	var sel strings.Builder
	k := 0
	for _, c := range strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(rowTmpl), "("), ")") {
		if c == '#' {
			sel.WriteString(cols[k])
			k++
			continue
		}
		sel.WriteRune(c)
	}
	insert := strings.TrimSuffix(strings.TrimSpace(head), "VALUES")
	res, err := t.q.ExecContext(ctx, insert+` SELECT `+sel.String()+` FROM `+staging+` WHERE true ORDER BY rowid`+tail)
	if err != nil {
		return 0, mapErr(err)
	}
	written, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if _, err := t.q.ExecContext(ctx, `DELETE FROM `+staging); err != nil {
		return written, mapErr(err)
	}
	return written, nil
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
	if t.d.Dialect() == Postgres {
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
		if err := scanAll(ctx, t, fmt.Sprintf(query, column+" IN ("+list+")"), args, scan); err != nil {
			return err
		}
	}
	return nil
}

// scanAll runs a query and hands every row to scan.
func scanAll(ctx context.Context, t *tx, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := t.query(ctx, query, args...)
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
