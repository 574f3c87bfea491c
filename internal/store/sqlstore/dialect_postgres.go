package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/profil-cli/profil/internal/domain"
)

// postgresDialect is PostgreSQL's way: concurrent writers, kept apart by row, table and
// advisory locks; a collation that may not sort byte by byte, so that prefixes are compared
// with the operators of the text_pattern_ops indexes; the trigram index is pg_trgm's; and
// bulk writes go in one INSERT … SELECT of arrays (unnest), or of a staging table filled by
// COPY from pgCopyMin rows on, learning the ids of the rows written through RETURNING.
type postgresDialect struct{}

// rebind: the queries are written in PostgreSQL's placeholders.
func (postgresDialect) rebind(query string) string { return query }

// begin takes a connection of its own, which bulk writes reach under database/sql for COPY;
// pgx caches prepared statements on its own.
func (postgresDialect) begin(ctx context.Context, t *tx) (*sql.Tx, error) {
	conn, err := t.d.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		conn.Close()
		return nil, err
	}
	t.q, t.conn = sqlTx, conn
	return sqlTx, nil
}

// beginTry waits at most 100 ms for a row lock.
func (postgresDialect) beginTry(ctx context.Context, conn *sql.Conn) (*sql.Tx, func(), error) {
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	if _, err := sqlTx.ExecContext(ctx, `SET LOCAL lock_timeout = '100ms'`); err != nil {
		_ = sqlTx.Rollback()
		return nil, nil, err
	}
	return sqlTx, nil, nil
}

func (postgresDialect) firstSavepoint(context.Context, *tx) {}

func (postgresDialect) forUpdate() string  { return " FOR UPDATE" }
func (postgresDialect) skipLocked() string { return " FOR UPDATE SKIP LOCKED" }

// lockTables: writers queue on the tables; plain reads go on.
func (postgresDialect) lockTables(ctx context.Context, t *tx, tables string) error {
	_, err := t.exec(ctx, `LOCK TABLE `+tables+` IN SHARE ROW EXCLUSIVE MODE`)
	return err
}

// lockName takes a transaction-level advisory lock. The schema is part of the key, so that
// databases side by side in one PostgreSQL database (a schema each) do not wait on each
// other; hashtext may give two names one key, which only makes them wait in turn.
func (postgresDialect) lockName(ctx context.Context, t *tx, name string) error {
	_, err := t.exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(current_schema() || ' ' || $1))`, name)
	return err
}

func (postgresDialect) likeFold() string { return "ILIKE" }

func (postgresDialect) textAgg() string { return "string_agg" }

// aggOrderBy: in the column's collation, which a sort in Go would not follow.
func (postgresDialect) aggOrderBy(column string) string { return " ORDER BY " + column }

// timeText: pgx reads timestamptz as time.Time, already cheap.
func (postgresDialect) timeText(column string) string { return column }

// byteOrder: the operators of the text_pattern_ops indexes, which a prepared statement's
// generic plan can use too (a LIKE with a bound pattern cannot).
func (postgresDialect) byteOrder() (ge, lt string) { return "~>=~", "~<~" }

func (postgresDialect) unindexed(column string) string { return column }

func (postgresDialect) departmentIndex() string { return "" }

// trigramOrder sorts what the trigram index finds: with the limit, PostgreSQL would rather
// walk the names in order, through every structure when the words are rare. The term keeps
// every row in its place, but is not the indexed column.
func (postgresDialect) trigramOrder() string { return "s.name_folded || '', " }

// siretPrefix is a LIKE on the text_pattern_ops index: PostgreSQL's collation may sort ':'
// before digits, so a range would not do.
func (postgresDialect) siretPrefix(a *searchArgs, digits string) string {
	return "s.siret LIKE " + a.arg(digits+"%")
}

// trigrams: pg_trgm finds words of three letters or more; the LIKEs on search_text ask it.
func (postgresDialect) trigrams(words []string) (bool, string) {
	for _, w := range words {
		if len([]rune(w)) >= 3 {
			return true, ""
		}
	}
	return false, ""
}

// letterQueries: a GIN index of the characters of the text.
func (d postgresDialect) letterQueries(c string) []string {
	return []string{"SELECT id FROM structures s WHERE " + d.letterMatch("s", c)}
}

// candidates: a list of literals, with which the plan is made for the ids.
func (postgresDialect) candidates(_ *searchArgs, ids []int64) string {
	list := make([]string, len(ids))
	for i, id := range ids {
		list[i] = strconv.FormatInt(id, 10)
	}
	return "(" + strings.Join(list, ", ") + ")"
}

// letterMatch: the expression of the GIN index structures_text_letters.
func (postgresDialect) letterMatch(alias, c string) string {
	return "string_to_array(" + alias + ".search_text, NULL) @> ARRAY['" + c + "']"
}

// searchPlan: exact and prefix matches read in name order, stream by stream; a capped query
// through pg_trgm reads a rare word's matches; the first names and their matches come in one
// query; a letter the first names do not fill a page with is read through its index.
func (postgresDialect) searchPlan() searchPlan {
	return searchPlan{rareWordsInOneQuery: true, walkInOneQuery: true, prefixesInOrder: true, lettersReadInFull: true}
}

func (postgresDialect) inNames(a *searchArgs, alias, word string) string {
	pat := a.arg("%" + word + "%")
	return "(" + alias + ".name_folded LIKE " + pat + " OR " + alias + ".acronym_folded LIKE " + pat + ")"
}

// permitAuditRewrite sets profil.audit_rewrite, local to the transaction.
func (postgresDialect) permitAuditRewrite(ctx context.Context, t *tx, purpose string, cutoff time.Time) error {
	v := purpose
	if purpose == "prune" {
		v += ":" + cutoff.UTC().Format(time.RFC3339Nano)
	}
	_, err := t.exec(ctx, `SELECT set_config('profil.audit_rewrite', $1, true)`, v)
	return err
}

func (postgresDialect) endAuditPermit(ctx context.Context, t *tx) error {
	_, err := t.exec(ctx, `SELECT set_config('profil.audit_rewrite', '', true)`)
	return err
}

// secureDelete: nothing to do; what VACUUM frees is the administrator's (see DB.Scrub).
func (postgresDialect) secureDelete(context.Context, *tx) error { return nil }

// scrub does nothing: a dump holds only live rows; VACUUM and backups are the
// administrator's (see the README).
func (postgresDialect) scrub(context.Context, *DB) error { return nil }

func (postgresDialect) keyArrays() bool { return true }

// orFail: a failed statement aborts a PostgreSQL transaction whatever its clauses.
func (postgresDialect) orFail() string { return "" }

// newIDs draws the ids from the table's sequence in one array: the sequence is looked up once
// (a sub-query), not for each id, which took most of the time, and the ids come back in one
// value rather than a row each.
func (postgresDialect) newIDs(ctx context.Context, t *tx, table string, n int) ([]int64, error) {
	var ids []int64
	err := t.pgx(func(c *pgx.Conn) error {
		return c.QueryRow(ctx, `SELECT array(SELECT nextval((SELECT pg_get_serial_sequence($1, 'id'))) FROM generate_series(1, $2))`,
			table, n).Scan(&ids)
	})
	if err != nil {
		return nil, fmt.Errorf("reserve ids of %s: %w", table, err)
	}
	if len(ids) != n {
		return nil, fmt.Errorf("reserve ids of %s: got %d of %d", table, len(ids), n)
	}
	return ids, nil
}

func (postgresDialect) insertStructures(ctx context.Context, t *tx, ss []domain.Structure, ids []int64) (int64, error) {
	if len(ss) >= pgCopyMin {
		err := t.copyStaging(ctx, "profil_stage_structures", []stagingColumn{{"id", "bigint"}, {"siret", "text"}, {"name", "text"},
			{"acronym", "text"}, {"ape", "text"}, {"address", "text"}, {"postal_code", "text"}, {"city", "text"},
			{"department", "text"}, {"kinds", "text"}, {"ministry", "boolean"}, {"adhesion_year", "integer"},
			{"name_folded", "text"}, {"acronym_folded", "text"}, {"search_text", "text"}}, len(ss),
			func(i int, vals []any) []any {
				s := ss[i]
				var adhesion any
				if s.AdhesionYear != 0 {
					adhesion = int32(s.AdhesionYear)
				}
				return append(vals, ids[i], nullText(s.SIRET), s.Name, s.Acronym, s.APE, s.Address, s.PostalCode, s.City,
					s.Department, joinKinds(s.Kinds), s.Ministry, adhesion, domain.Fold(s.Name), domain.Fold(s.Acronym), s.SearchText())
			})
		if err != nil {
			return 0, err
		}
		return t.execCount(ctx, `INSERT INTO structures (id, siret, name, acronym, ape, address, postal_code, city,
				department, kinds, ministry, adhesion_year, name_folded, acronym_folded, search_text, created_at, updated_at)
			SELECT r.id, r.siret, r.name, r.acronym, r.ape, r.address, r.postal_code, r.city, r.department, r.kinds,
				r.ministry, r.adhesion_year, r.name_folded, r.acronym_folded, r.search_text, $1::timestamptz, $1::timestamptz
			FROM profil_stage_structures r ORDER BY r.n
			ON CONFLICT DO NOTHING`, t.now)
	}
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
	return t.execCount(ctx, `INSERT INTO structures (id, siret, name, acronym, ape, address, postal_code, city,
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
}

func (postgresDialect) insertUsers(ctx context.Context, t *tx, us []domain.User) error {
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
		return err
	}
	for i := range us {
		if id, ok := created[us[i].Email]; ok {
			us[i].ID = id
			delete(created, us[i].Email) // the same e-mail twice: the first one was created
		}
	}
	return nil
}

func (postgresDialect) insertMemberships(ctx context.Context, t *tx, ms []domain.Membership) error {
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
		return err
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

func (postgresDialect) insertGrants(ctx context.Context, t *tx, membershipIDs []int64, codes []string, by int64) error {
	if len(codes) >= pgCopyMin {
		err := t.copyStaging(ctx, "profil_stage_grants", []stagingColumn{{"membership_id", "bigint"}, {"profile_code", "text"}}, len(codes),
			func(i int, vals []any) []any { return append(vals, membershipIDs[i], codes[i]) })
		if err == nil {
			_, err = t.exec(ctx, `INSERT INTO grants (membership_id, profile_code, granted_at, granted_by)
			SELECT r.membership_id, r.profile_code, $1::timestamptz, $2::bigint FROM profil_stage_grants r ORDER BY r.n
			ON CONFLICT DO NOTHING`, t.now, nullInt(by))
		}
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO grants (membership_id, profile_code, granted_at, granted_by)
		SELECT r.membership_id, r.profile_code, $3::timestamptz, $4::bigint
		FROM unnest($1::bigint[], $2::text[]) AS r(membership_id, profile_code)
		ON CONFLICT DO NOTHING`, membershipIDs, codes, t.now, nullInt(by))
	return err
}

// insertNewUsers copies the accounts straight into users, with ids taken from its sequence
// first, in the order given: no staging table, no conflict handling per row; an e-mail that
// has an account fails the COPY with a unique violation. The rows go in the order of their
// e-mails, so that the inserts into its index follow each other through its pages.
func (postgresDialect) insertNewUsers(ctx context.Context, t *tx, us []domain.User) error {
	ids, err := t.newIDs(ctx, "users", len(us))
	if err != nil {
		return err
	}
	order := orderBy(len(us), func(i int) string { return us[i].Email })
	err = t.copyRows(ctx, "users", []string{"id", "email", "last_name", "first_name", "function", "phone", "status", "manager",
		"password_hash", "must_change_password", "source", "created_at", "updated_at"}, len(us),
		func(k int, vals []any) []any {
			i := order[k]
			u := us[i]
			return append(vals, ids[i], u.Email, u.LastName, u.FirstName, u.Function, u.Phone, string(u.Status), u.Manager,
				nullText(u.PasswordHash), u.MustChangePassword, u.Source, t.now, t.now)
		})
	if err != nil {
		return err
	}
	for i := range us {
		us[i].ID = ids[i]
	}
	return nil
}

// insertNewMemberships copies the memberships straight into their table, ids taken in the
// order given, rows sent by structure: the index by structure and the structures that the
// foreign key reads (and locks) are then walked in order, not at random.
func (postgresDialect) insertNewMemberships(ctx context.Context, t *tx, ms []domain.Membership) error {
	ids, err := t.newIDs(ctx, "memberships", len(ms))
	if err != nil {
		return err
	}
	order := orderBy(len(ms), func(i int) int64 { return ms[i].StructureID })
	err = t.copyRows(ctx, "memberships", []string{"id", "user_id", "structure_id", "referent", "created_at"}, len(ms),
		func(k int, vals []any) []any {
			i := order[k]
			return append(vals, ids[i], ms[i].UserID, ms[i].StructureID, ms[i].Referent, t.now)
		})
	if err != nil {
		return err
	}
	for i := range ms {
		ms[i].ID = ids[i]
	}
	return nil
}

func (postgresDialect) insertNewGrants(ctx context.Context, t *tx, membershipIDs []int64, codes []string, by int64) error {
	return t.copyRows(ctx, "grants", []string{"membership_id", "profile_code", "granted_at", "granted_by"}, len(codes),
		func(i int, vals []any) []any { return append(vals, membershipIDs[i], codes[i], t.now, nullInt(by)) })
}

// orderBy is the indexes 0…n-1 in the order of their keys, ties in the order given.
func orderBy[K cmp.Ordered](n int, key func(i int) K) []int {
	type keyed struct {
		k K
		i int
	}
	ks := make([]keyed, n)
	for i := range ks {
		ks[i] = keyed{key(i), i}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return cmp.Or(cmp.Compare(a.k, b.k), cmp.Compare(a.i, b.i)) })
	order := make([]int, n)
	for j, k := range ks {
		order[j] = k.i
	}
	return order
}

func (postgresDialect) appendAudits(ctx context.Context, t *tx, es []domain.AuditEvent) error {
	if len(es) >= pgCopyMin {
		// Nothing to decide per row: the events go straight into their table, with ids taken
		// in the order given, and sent by structure, so that the index by structure and the
		// structures the foreign key reads are walked in order, not at random.
		ids, err := t.newIDs(ctx, "audit_events", len(es))
		if err != nil {
			return err
		}
		order := orderBy(len(es), func(i int) int64 { return es[i].StructureID })
		return t.copyRows(ctx, "audit_events", []string{"id", "at", "actor_id", "actor", "action", "structure_id", "target", "details"}, len(es),
			func(k int, vals []any) []any {
				i := order[k]
				e := es[i]
				return append(vals, ids[i], t.now, nullInt(e.ActorID), e.Actor, e.Action, nullInt(e.StructureID), e.Target, e.Details)
			})
	}
	actorIDs, actors, actions, structures, targets, details := make([]int64, len(es)), make([]string, len(es)),
		make([]string, len(es)), make([]int64, len(es)), make([]string, len(es)), make([]string, len(es))
	for i, e := range es {
		actorIDs[i], actors[i], actions[i], structures[i], targets[i], details[i] = e.ActorID, e.Actor, e.Action, e.StructureID, e.Target, e.Details
	}
	_, err := t.exec(ctx, `INSERT INTO audit_events (at, actor_id, actor, action, structure_id, target, details)
		SELECT $1::timestamptz, NULLIF(r.actor_id, 0), r.actor, r.action, NULLIF(r.structure_id, 0), r.target, r.details
		FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[])
			WITH ORDINALITY AS r(actor_id, actor, action, structure_id, target, details, n)
		ORDER BY r.n`, t.now, actorIDs, actors, actions, structures, targets, details)
	return err
}

func (postgresDialect) enqueueMails(ctx context.Context, t *tx, ms []domain.Mail) error {
	var (
		to, subjects, bodies []string
		sensitive            []bool
		secretFor            []int64
	)
	for _, m := range ms {
		to = append(to, m.To)
		subjects = append(subjects, m.Subject)
		bodies = append(bodies, m.Body)
		sensitive = append(sensitive, m.Sensitive || m.SecretFor != 0)
		secretFor = append(secretFor, m.SecretFor)
	}
	_, err := t.exec(ctx, `INSERT INTO mail_outbox (created_at, to_addr, subject, body, status, attempts,
			next_attempt_at, last_error, sensitive, secret_user_id)
		SELECT $6::timestamptz, r.to_addr, r.subject, r.body, 'pending', 0, $6::timestamptz, '', r.sensitive, NULLIF(r.secret_user_id, 0)
		FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::bigint[])
			WITH ORDINALITY AS r(to_addr, subject, body, sensitive, secret_user_id, n)
		ORDER BY r.n`, to, subjects, bodies, sensitive, secretFor, t.now)
	return err
}

// refreshStatistics runs ANALYZE, which samples each table (a few seconds at 10,000,000
// rows): autovacuum would do it too, but only some time after a bulk load, and until then a
// table of millions of rows is planned as the few rows it held, with plans that read it all.
// A role that does not own the tables gets a warning from the server, not an error.
//
// The structures are vacuumed too (VACUUM (ANALYZE), 3.3 s against 1.3 s for ANALYZE alone
// at 1,000,000 structures): it marks their pages all-visible, without which every
// "index-only" read of a search (the walk of the names in order, the streams of prefix
// matches) reads the table for each entry, and it moves the pending entries of the trigram
// and letter indexes into them, which every search through them reads otherwise (about
// 4 MB after a bulk load). Autovacuum would, after a while; the other tables are larger and
// no command walks them.
//
// Each table is done on a connection of its own, all at once: the import that asks waits for
// the largest rather than for each in turn.
func (postgresDialect) refreshStatistics(ctx context.Context, d *DB, tables []string) error {
	errs := make([]error, len(tables))
	var wg sync.WaitGroup
	for i, table := range tables {
		statement := "ANALYZE " + table
		if table == "structures" {
			statement = "VACUUM (ANALYZE) structures"
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = d.db.ExecContext(ctx, statement)
		}()
	}
	wg.Wait()
	return mapErr(errors.Join(errs...))
}
