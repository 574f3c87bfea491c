package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// Personal data (RGPD): what is held on a person, erasing it, and the retention of the audit
// trail and of decided requests.

// textColumns are the columns where a person's e-mail or name may be written as text, by table,
// and the column that ties a row to an account (empty: none). RewriteText changes no other.
var textColumns = map[string]struct {
	cols  []string
	owner string
}{
	"audit_events": {[]string{"actor", "target", "details"}, "actor_id"},
	"mail_outbox":  {[]string{"to_addr", "subject", "body", "last_error"}, ""},
	"requests":     {[]string{"requester_email", "payload", "reason"}, "user_id"},
}

// textTables is the order FindText reads the tables in.
var textTables = []string{"audit_events", "mail_outbox", "requests"}

// likePattern is needle as a LIKE pattern matching it anywhere, its wildcards escaped.
func likePattern(needle string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(needle) + "%"
}

// mentions is the condition "one of cols contains one of needles", case-insensitive (see
// dialect.likeFold), with its arguments numbered from first.
func (t *tx) mentions(cols, needles []string, first int) (string, []any) {
	op := t.d.dialect.likeFold()
	var (
		or   []string
		args []any
	)
	for _, n := range needles {
		if n == "" {
			continue
		}
		args = append(args, likePattern(n))
		for _, c := range cols {
			or = append(or, fmt.Sprintf(`%s %s $%d ESCAPE '\'`, c, op, first+len(args)-1))
		}
	}
	if len(or) == 0 {
		return "FALSE", nil
	}
	return "(" + strings.Join(or, " OR ") + ")", args
}

func (t *tx) LockPersonalText(ctx context.Context) error {
	if err := t.lockTables(ctx, "audit_events, mail_outbox, requests"); err != nil {
		return fmt.Errorf("lock the tables of personal text: %w", err)
	}
	return nil
}

func (t *tx) FindText(ctx context.Context, userID int64, needles []string) ([]store.TextField, error) {
	out := []store.TextField{}
	for _, table := range textTables {
		tc := textColumns[table]
		cond, args := t.mentions(tc.cols, needles, 1)
		if tc.owner != "" && userID != 0 {
			args = append(args, userID)
			cond = fmt.Sprintf("(%s OR %s = $%d)", cond, tc.owner, len(args))
		}
		owner := "0"
		if tc.owner != "" {
			owner = "COALESCE(" + tc.owner + ", 0)"
		}
		rows, err := t.query(ctx, `SELECT id, `+owner+`, `+strings.Join(tc.cols, ", ")+` FROM `+table+` WHERE `+cond+` ORDER BY id`, args...)
		if err != nil {
			return nil, fmt.Errorf("find personal data in %s: %w", table, err)
		}
		for rows.Next() {
			var id, ownerID int64
			vals := make([]string, len(tc.cols))
			dest := []any{&id, &ownerID}
			for i := range vals {
				dest = append(dest, &vals[i])
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return nil, mapErr(err)
			}
			for i, c := range tc.cols {
				out = append(out, store.TextField{Table: table, Column: c, ID: id, Value: vals[i], Owner: ownerID})
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, mapErr(err)
		}
	}
	return out, nil
}

func (t *tx) RewriteText(ctx context.Context, fields []store.TextField) error {
	audit := false
	for _, f := range fields {
		tc, ok := textColumns[f.Table]
		if !ok || !containsString(tc.cols, f.Column) {
			return fmt.Errorf("rewrite %s.%s: not a column of personal text", f.Table, f.Column)
		}
		audit = audit || f.Table == "audit_events"
	}
	if audit {
		if err := t.permitAuditRewrite(ctx, "erase", time.Time{}); err != nil {
			return err
		}
	}
	for _, f := range fields {
		res, err := t.exec(ctx, `UPDATE `+f.Table+` SET `+f.Column+` = $1 WHERE id = $2`, f.Value, f.ID)
		if err != nil {
			return fmt.Errorf("rewrite %s %d: %w", f.Table, f.ID, err)
		}
		if n, err := res.RowsAffected(); err == nil && n != 1 {
			return fmt.Errorf("rewrite %s %d: %w", f.Table, f.ID, domain.ErrNotFound)
		}
	}
	if audit {
		return t.endAuditPermit(ctx)
	}
	return nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// permitAuditRewrite opens, for this transaction only, the one exception to the append-only
// audit trail that the triggers know: "erase" lets UPDATE change actor, target and details;
// "prune" lets DELETE remove the events older than cutoff. On PostgreSQL it is the setting
// profil.audit_rewrite, local to the transaction; on SQLite a row of audit_rewrite_permits that
// endAuditPermit deletes before the transaction ends, so no other transaction ever sees it.
func (t *tx) permitAuditRewrite(ctx context.Context, purpose string, cutoff time.Time) error {
	if t.readOnly {
		return errors.New("rewrite the audit trail: needs a read-write transaction")
	}
	if err := t.d.dialect.permitAuditRewrite(ctx, t, purpose, cutoff); err != nil {
		return fmt.Errorf("permit audit %s: %w", purpose, err)
	}
	return nil
}

func (t *tx) endAuditPermit(ctx context.Context) error {
	if err := t.d.dialect.endAuditPermit(ctx, t); err != nil {
		return fmt.Errorf("end audit permit: %w", err)
	}
	return nil
}

func (t *tx) DeleteMailTo(ctx context.Context, addr string) (int, error) {
	res, err := t.exec(ctx, `DELETE FROM mail_outbox WHERE lower(to_addr) = $1`, strings.ToLower(addr))
	if err != nil {
		return 0, fmt.Errorf("delete mail to %s: %w", addr, err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func (t *tx) MailTo(ctx context.Context, addr string) ([]domain.Mail, error) {
	return t.mails(ctx, "list mail to a person", `SELECT `+mailColumns+` FROM mail_outbox WHERE lower(to_addr) = $1 ORDER BY id`,
		strings.ToLower(addr))
}

func (t *tx) AuditAbout(ctx context.Context, userID int64, needles []string) ([]domain.AuditEvent, error) {
	cond, args := t.mentions([]string{"actor", "target", "details"}, needles, 1)
	args = append(args, userID)
	rows, err := t.query(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor, action, COALESCE(structure_id, 0), target, details
		FROM audit_events WHERE `+cond+fmt.Sprintf(` OR actor_id = $%d ORDER BY at, id`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("list audit events about a person: %w", err)
	}
	return scanAuditEvents(rows)
}

func (t *tx) RequestsOf(ctx context.Context, userID int64, email string) ([]domain.Request, error) {
	rows, err := t.query(ctx, requestSelect+` WHERE r.user_id = $1 OR lower(r.requester_email) = $2 ORDER BY r.id`,
		userID, strings.ToLower(email))
	if err != nil {
		return nil, fmt.Errorf("list the requests of a person: %w", err)
	}
	defer rows.Close()
	out := []domain.Request{}
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}

func (t *tx) MembershipHistory(ctx context.Context, userID int64) ([]domain.MembershipRecord, error) {
	rows, err := t.query(ctx, `SELECT m.id, m.user_id, m.structure_id, m.referent, m.created_at, m.ended_at,
		COALESCE(s.siret, ''), s.name
		FROM memberships m JOIN structures s ON s.id = m.structure_id
		WHERE m.user_id = $1 ORDER BY m.created_at, m.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list the memberships of a person: %w", err)
	}
	defer rows.Close()
	out := []domain.MembershipRecord{}
	for rows.Next() {
		var (
			m              domain.MembershipRecord
			created, ended nullTime
		)
		if err := rows.Scan(&m.ID, &m.UserID, &m.StructureID, &m.Referent, &created, &ended, &m.SIRET, &m.StructureName); err != nil {
			return nil, mapErr(err)
		}
		m.CreatedAt, m.EndedAt = created.Time, ended.Ptr()
		out = append(out, m)
	}
	return out, mapErr(rows.Err())
}

func (t *tx) GrantHistory(ctx context.Context, userID int64) ([]domain.GrantRecord, error) {
	rows, err := t.query(ctx, `SELECT g.membership_id, m.structure_id, s.name, g.profile_code, g.granted_at,
		COALESCE(gb.email, ''), g.revoked_at, COALESCE(rb.email, '')
		FROM grants g
		JOIN memberships m ON m.id = g.membership_id
		JOIN structures s ON s.id = m.structure_id
		LEFT JOIN users gb ON gb.id = g.granted_by
		LEFT JOIN users rb ON rb.id = g.revoked_by
		WHERE m.user_id = $1 ORDER BY g.granted_at, g.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list the profiles of a person: %w", err)
	}
	defer rows.Close()
	out := []domain.GrantRecord{}
	for rows.Next() {
		var (
			g                domain.GrantRecord
			granted, revoked nullTime
		)
		if err := rows.Scan(&g.MembershipID, &g.StructureID, &g.StructureName, &g.Profile, &granted, &g.GrantedBy, &revoked, &g.RevokedBy); err != nil {
			return nil, mapErr(err)
		}
		g.GrantedAt, g.RevokedAt = granted.Time, revoked.Ptr()
		out = append(out, g)
	}
	return out, mapErr(rows.Err())
}

// EraseUser replaces the identity of an account by its pseudonym, ends every way of signing in
// with it, and blanks the names of its tokens (people name tokens as they like). The row stays,
// disabled, so that what names the account (memberships, requests, audit) still points at it.
func (t *tx) EraseUser(ctx context.Context, id int64, pseudonym string) error {
	// Deleted and rewritten content is not left readable in free space.
	if err := t.d.dialect.secureDelete(ctx, t); err != nil {
		return fmt.Errorf("erase user %d: %w", id, err)
	}
	res, err := t.exec(ctx, `UPDATE users SET email = $1, last_name = $1, first_name = $1, function = '', phone = '',
		status = 'disabled', manager = FALSE, password_hash = NULL, must_change_password = FALSE, source = '',
		failed_logins = 0, lock_count = 0, locked_until = NULL, password_expires_at = NULL,
		temporary_mail_at = NULL, birth_date = '', erased_at = $2, updated_at = $2 WHERE id = $3`, pseudonym, t.now, id)
	if err != nil {
		return fmt.Errorf("erase user %d: %w", id, err)
	}
	if err := affectedOne(res, "notfound.user_id", id); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `UPDATE tokens SET name = '' WHERE user_id = $1`, id); err != nil {
		return fmt.Errorf("erase the token names of user %d: %w", id, err)
	}
	// The documents joined to the requests the person made (a mandate names them, a proof may):
	// their names and contents go with the person. Those requests are the ones whose requester
	// was the person, whose address the erasure has already replaced by the pseudonym; a
	// request a gestionnaire filed for someone else keeps that person's documents.
	if _, err := t.exec(ctx, `DELETE FROM request_documents WHERE request_id IN (SELECT id FROM requests WHERE requester_email = $1)`, pseudonym); err != nil {
		return fmt.Errorf("erase the documents of user %d: %w", id, err)
	}
	return nil
}

func (t *tx) PruneAudit(ctx context.Context, before time.Time, dryRun bool) (int, error) {
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM audit_events WHERE at < $1`, before.UTC()).Scan(&n); err != nil {
		return 0, fmt.Errorf("count old audit events: %w", mapErr(err))
	}
	if dryRun || n == 0 {
		return n, nil
	}
	if err := t.permitAuditRewrite(ctx, "prune", before); err != nil {
		return 0, err
	}
	if _, err := t.exec(ctx, `DELETE FROM audit_events WHERE at < $1`, before.UTC()); err != nil {
		return 0, fmt.Errorf("prune audit events: %w", err)
	}
	return n, t.endAuditPermit(ctx)
}

func (t *tx) PruneRequests(ctx context.Context, before time.Time, dryRun bool) (int, error) {
	const where = ` FROM requests WHERE status <> 'pending' AND decided_at < $1`
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*)`+where, before.UTC()).Scan(&n); err != nil {
		return 0, fmt.Errorf("count old requests: %w", mapErr(err))
	}
	if dryRun || n == 0 {
		return n, nil
	}
	if _, err := t.exec(ctx, `DELETE`+where, before.UTC()); err != nil {
		return 0, fmt.Errorf("prune requests: %w", err)
	}
	return n, nil
}

// Scrub makes what an erasure removed unreadable in the database files: on SQLite it rebuilds
// the file (VACUUM, with secure_delete on) and empties the write-ahead log into it
// (wal_checkpoint(TRUNCATE)), so that neither free pages nor the -wal file keep old rows. On
// PostgreSQL it does nothing: a dump holds only live rows; VACUUM and backups are the
// administrator's (see the README).
func (d *DB) Scrub(ctx context.Context) error { return d.dialect.scrub(ctx, d) }

// RefreshStatistics implements store.Store.
func (d *DB) RefreshStatistics(ctx context.Context, tables ...string) error {
	for _, t := range tables {
		if !slices.Contains(statisticsTables, t) {
			return fmt.Errorf("refresh statistics: unknown table %q", t)
		}
	}
	if len(tables) == 0 {
		return nil
	}
	return d.dialect.refreshStatistics(ctx, d, tables)
}

// statisticsTables are the tables whose statistics bulk writes may refresh.
var statisticsTables = []string{"structures", "users", "memberships", "grants", "audit_events", "cases"}
