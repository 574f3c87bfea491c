package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

const caseColumns = `c.id, c.number, c.last_name, c.first_name, c.birth_date, c.email, c.siret, c.user_id, c.claimed_at,
	c.created_at, c.updated_at`

func scanCase(sc interface{ Scan(...any) error }) (domain.Case, error) {
	var (
		c                domain.Case
		userID           sql.NullInt64
		claimed          nullTime
		created, updated nullTime
	)
	err := sc.Scan(&c.ID, &c.Number, &c.LastName, &c.FirstName, &c.BirthDate, &c.Email, &c.SIRET, &userID, &claimed,
		&created, &updated)
	if err != nil {
		return c, mapErr(err)
	}
	c.UserID, c.ClaimedAt = userID.Int64, claimed.Ptr()
	c.CreatedAt, c.UpdatedAt = created.Time, updated.Time
	return c, nil
}

func (t *tx) cases(ctx context.Context, what, query string, args ...any) ([]domain.Case, error) {
	out := []domain.Case{}
	err := scanAll(ctx, t, query, args, func(rows *sql.Rows) error {
		c, err := scanCase(rows)
		out = append(out, c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, mapErr(err))
	}
	return out, nil
}

func (t *tx) InsertCase(ctx context.Context, c *domain.Case) (bool, error) {
	c.CreatedAt, c.UpdatedAt = t.now, t.now
	id, err := t.insert(ctx, `INSERT INTO cases (number, last_name, first_name, birth_date, email, siret, identity,
		user_id, claimed_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
		ON CONFLICT (number) DO NOTHING`,
		c.Number, c.LastName, c.FirstName, c.BirthDate, c.Email, c.SIRET, c.Identity(), nullInt(c.UserID), timePtr(c.ClaimedAt), t.now)
	if errors.Is(err, domain.ErrNotFound) {
		c.ID = 0
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("create case %s: %w", c.Number, err)
	}
	c.ID = id
	return true, nil
}

func (t *tx) CasesByNumber(ctx context.Context, numbers []string) ([]domain.Case, error) {
	out, err := scanKeys(ctx, t, `SELECT `+caseColumns+` FROM cases c WHERE %s`, "c.number", numbers, scanCase)
	if err != nil {
		return nil, fmt.Errorf("read cases: %w", mapErr(err))
	}
	return out, nil
}

func (t *tx) CaseByNumber(ctx context.Context, number string) (domain.Case, error) {
	c, err := scanCase(t.queryRow(ctx, `SELECT `+caseColumns+` FROM cases c WHERE c.number = $1`, number))
	return c, notFound(err, "notfound.case", number)
}

func (t *tx) CaseOf(ctx context.Context, userID int64) (domain.Case, error) {
	c, err := scanCase(t.queryRow(ctx, `SELECT `+caseColumns+` FROM cases c WHERE c.user_id = $1`, userID))
	return c, notFound(err, "notfound.case_of", userID)
}

func (t *tx) ListCases(ctx context.Context, q store.CaseQuery) ([]domain.Case, error) {
	query := `SELECT ` + caseColumns + ` FROM cases c`
	if q.Unclaimed {
		query += ` WHERE c.user_id IS NULL`
	}
	query += ` ORDER BY c.number`
	if q.Limit > 0 {
		query += fmt.Sprintf(` LIMIT %d`, q.Limit)
	}
	return t.cases(ctx, "list cases", query)
}

func (t *tx) ClaimCase(ctx context.Context, caseID, userID int64) error {
	res, err := t.exec(ctx, `UPDATE cases SET user_id = $1, claimed_at = $2, updated_at = $2
		WHERE id = $3 AND user_id IS NULL`, userID, t.now, caseID)
	if err != nil {
		return fmt.Errorf("claim case %d: %w", caseID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return domain.Errorf(domain.ErrConflict, "case.claimed", caseID)
	}
	return nil
}

func (t *tx) ReleaseCase(ctx context.Context, userID int64) error {
	_, err := t.exec(ctx, `UPDATE cases SET user_id = NULL, claimed_at = NULL, email = '', updated_at = $1
		WHERE user_id = $2`, t.now, userID)
	if err != nil {
		return fmt.Errorf("release the case of %d: %w", userID, err)
	}
	return nil
}

func (t *tx) UnattachedTrainees(ctx context.Context) ([]domain.User, error) {
	out := []domain.User{}
	err := scanAll(ctx, t, `SELECT `+userColumns+` FROM users u WHERE u.trainee = TRUE AND u.status = 'active'
		AND u.erased_at IS NULL AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.user_id = u.id) ORDER BY u.id`, nil,
		func(rows *sql.Rows) error {
			u, err := scanUser(rows)
			out = append(out, u)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("unattached trainees: %w", mapErr(err))
	}
	return out, nil
}

func (t *tx) ListTrainees(ctx context.Context) ([]domain.Trainee, error) {
	out := []domain.Trainee{}
	err := scanAll(ctx, t, `SELECT `+userColumns+`, COALESCE(c.number, ''),
		COALESCE((SELECT a.version FROM terms_acceptances a JOIN terms_versions v ON v.version = a.version
			WHERE a.user_id = u.id ORDER BY v.id DESC LIMIT 1), '')
		FROM users u LEFT JOIN cases c ON c.user_id = u.id
		WHERE u.trainee = TRUE AND u.erased_at IS NULL ORDER BY u.last_name, u.first_name, u.id`, nil,
		func(rows *sql.Rows) error {
			var tr domain.Trainee
			u, err := scanUser(&extraScanner{rows: rows, extra: []any{&tr.CaseNumber, &tr.Terms}})
			tr.User = u
			out = append(out, tr)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("list trainees: %w", mapErr(err))
	}
	return out, nil
}

// extraScanner scans the columns of a user followed by extra ones.
type extraScanner struct {
	rows  *sql.Rows
	extra []any
}

func (e *extraScanner) Scan(dest ...any) error { return e.rows.Scan(append(dest, e.extra...)...) }

func (t *tx) SecretQuestion(ctx context.Context, userID int64) (domain.SecretQuestion, error) {
	q := domain.SecretQuestion{UserID: userID}
	var set nullTime
	err := t.queryRow(ctx, `SELECT question, answer_hash, set_at FROM secret_questions WHERE user_id = $1`, userID).
		Scan(&q.Question, &q.AnswerHash, &set)
	q.SetAt = set.Time
	return q, notFound(mapErr(err), "notfound.secret_question", userID)
}

func (t *tx) SetSecretQuestion(ctx context.Context, q *domain.SecretQuestion) error {
	q.SetAt = t.now
	_, err := t.exec(ctx, `INSERT INTO secret_questions (user_id, question, answer_hash, set_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id) DO UPDATE SET question = excluded.question, answer_hash = excluded.answer_hash, set_at = excluded.set_at`,
		q.UserID, q.Question, q.AnswerHash, t.now)
	if err != nil {
		return fmt.Errorf("set secret question of %d: %w", q.UserID, err)
	}
	return nil
}

func (t *tx) DeleteSecretQuestion(ctx context.Context, userID int64) error {
	_, err := t.exec(ctx, `DELETE FROM secret_questions WHERE user_id = $1`, userID)
	return err
}

func (t *tx) ResetLock(ctx context.Context, email string) (domain.ResetLock, error) {
	l := domain.ResetLock{Email: email}
	var until nullTime
	err := t.queryRow(ctx, `SELECT failed, locked_until FROM password_reset_locks WHERE email = $1`+t.forUpdate(), email).
		Scan(&l.Failed, &until)
	if err := mapErr(err); err != nil && !errors.Is(err, domain.ErrNotFound) {
		return l, fmt.Errorf("read reset count: %w", err)
	}
	l.LockedUntil = until.Ptr()
	return l, nil
}

func (t *tx) SaveResetLock(ctx context.Context, l *domain.ResetLock) error {
	_, err := t.exec(ctx, `INSERT INTO password_reset_locks (email, failed, locked_until) VALUES ($1, $2, $3)
		ON CONFLICT (email) DO UPDATE SET failed = excluded.failed, locked_until = excluded.locked_until`,
		l.Email, l.Failed, timePtr(l.LockedUntil))
	if err != nil {
		return fmt.Errorf("save reset count: %w", err)
	}
	return nil
}

func (t *tx) DeleteResetLock(ctx context.Context, email string) error {
	_, err := t.exec(ctx, `DELETE FROM password_reset_locks WHERE email = $1`, email)
	return err
}

const termsColumns = `id, version, body, sha256, published_at, published_by`

func scanTerms(sc interface{ Scan(...any) error }) (domain.TermsVersion, error) {
	var (
		v   domain.TermsVersion
		at  nullTime
		by  sql.NullInt64
		err = sc.Scan(&v.ID, &v.Version, &v.Body, &v.SHA256, &at, &by)
	)
	v.PublishedAt, v.PublishedBy = at.Time, by.Int64
	return v, mapErr(err)
}

func (t *tx) PublishTerms(ctx context.Context, v *domain.TermsVersion) error {
	v.PublishedAt = t.now
	id, err := t.insert(ctx, `INSERT INTO terms_versions (version, body, sha256, published_at, published_by)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (version) DO NOTHING`, v.Version, v.Body, v.SHA256, t.now, nullInt(v.PublishedBy))
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Errorf(domain.ErrConflict, "terms.version_exists", v.Version)
	}
	if err != nil {
		return fmt.Errorf("publish terms %s: %w", v.Version, err)
	}
	v.ID = id
	return nil
}

func (t *tx) CurrentTerms(ctx context.Context) (domain.TermsVersion, error) {
	v, err := scanTerms(t.queryRow(ctx, `SELECT `+termsColumns+` FROM terms_versions ORDER BY id DESC LIMIT 1`))
	return v, notFound(err, "notfound.terms_none")
}

func (t *tx) TermsByVersion(ctx context.Context, version string) (domain.TermsVersion, error) {
	v, err := scanTerms(t.queryRow(ctx, `SELECT `+termsColumns+` FROM terms_versions WHERE version = $1`, version))
	return v, notFound(err, "notfound.terms", version)
}

func (t *tx) ListTerms(ctx context.Context) ([]domain.TermsVersion, error) {
	out := []domain.TermsVersion{}
	err := scanAll(ctx, t, `SELECT id, version, '', sha256, published_at, published_by FROM terms_versions ORDER BY id`, nil,
		func(rows *sql.Rows) error {
			v, err := scanTerms(rows)
			out = append(out, v)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("list terms: %w", mapErr(err))
	}
	return out, nil
}

func (t *tx) AcceptTerms(ctx context.Context, userID int64, version string) (bool, error) {
	res, err := t.exec(ctx, `INSERT INTO terms_acceptances (user_id, version, accepted_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, version) DO NOTHING`, userID, version, t.now)
	if err != nil {
		return false, fmt.Errorf("accept terms %s: %w", version, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (t *tx) TermsAccepted(ctx context.Context, userID int64, version string) (bool, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM terms_acceptances WHERE user_id = $1 AND version = $2`, userID, version).Scan(&n)
	return n > 0, mapErr(err)
}

func (t *tx) TermsAcceptances(ctx context.Context, userID int64) ([]domain.TermsAcceptance, error) {
	query, args := `SELECT a.user_id, a.version, a.accepted_at FROM terms_acceptances a JOIN terms_versions v ON v.version = a.version`, []any{}
	if userID != 0 {
		query += ` WHERE a.user_id = $1`
		args = append(args, userID)
	}
	query += ` ORDER BY a.accepted_at, v.id, a.user_id`
	out := []domain.TermsAcceptance{}
	err := scanAll(ctx, t, query, args, func(rows *sql.Rows) error {
		var (
			a  domain.TermsAcceptance
			at nullTime
		)
		err := rows.Scan(&a.UserID, &a.Version, &at)
		a.AcceptedAt = at.Time
		out = append(out, a)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("terms acceptances: %w", mapErr(err))
	}
	return out, nil
}

func scanLink(sc interface{ Scan(...any) error }) (domain.FranceConnectLink, error) {
	var (
		l  domain.FranceConnectLink
		at nullTime
	)
	err := sc.Scan(&l.UserID, &l.Issuer, &l.Sub, &at)
	l.LinkedAt = at.Time
	return l, mapErr(err)
}

func (t *tx) FranceConnectOf(ctx context.Context, userID int64) (domain.FranceConnectLink, error) {
	l, err := scanLink(t.queryRow(ctx, `SELECT user_id, issuer, sub, linked_at FROM franceconnect_links WHERE user_id = $1`, userID))
	return l, notFound(err, "notfound.franceconnect", userID)
}

func (t *tx) FranceConnectBySub(ctx context.Context, issuer, sub string) (domain.FranceConnectLink, error) {
	l, err := scanLink(t.queryRow(ctx, `SELECT user_id, issuer, sub, linked_at FROM franceconnect_links
		WHERE issuer = $1 AND sub = $2`, issuer, sub))
	return l, notFound(err, "notfound.franceconnect_sub")
}

func (t *tx) LinkFranceConnect(ctx context.Context, l *domain.FranceConnectLink) error {
	l.LinkedAt = t.now
	res, err := t.exec(ctx, `INSERT INTO franceconnect_links (user_id, issuer, sub, linked_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING`, l.UserID, l.Issuer, l.Sub, t.now)
	if err != nil {
		return fmt.Errorf("link FranceConnect: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return domain.Errorf(domain.ErrConflict, "franceconnect.taken")
	}
	return nil
}

func (t *tx) UnlinkFranceConnect(ctx context.Context, userID int64) (bool, error) {
	res, err := t.exec(ctx, `DELETE FROM franceconnect_links WHERE user_id = $1`, userID)
	if err != nil {
		return false, fmt.Errorf("unlink FranceConnect: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

func (t *tx) EmailChangeOf(ctx context.Context, userID int64) (domain.EmailChange, error) {
	c := domain.EmailChange{UserID: userID}
	var exp, created nullTime
	err := t.queryRow(ctx, `SELECT new_email, code_hash, expires_at, tries, created_at FROM email_changes WHERE user_id = $1`+t.forUpdate(), userID).
		Scan(&c.NewEmail, &c.CodeHash, &exp, &c.Tries, &created)
	c.ExpiresAt, c.CreatedAt = exp.Ptr(), created.Time
	return c, notFound(mapErr(err), "notfound.email_change")
}

func (t *tx) SaveEmailChange(ctx context.Context, c *domain.EmailChange) error {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = t.now
	}
	_, err := t.exec(ctx, `INSERT INTO email_changes (user_id, new_email, code_hash, expires_at, tries, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id) DO UPDATE SET new_email = excluded.new_email,
		code_hash = excluded.code_hash, expires_at = excluded.expires_at, tries = excluded.tries, created_at = excluded.created_at`,
		c.UserID, c.NewEmail, c.CodeHash, timePtr(c.ExpiresAt), c.Tries, c.CreatedAt)
	if err != nil {
		return fmt.Errorf("save e-mail change: %w", err)
	}
	return nil
}

func (t *tx) DeleteEmailChange(ctx context.Context, userID int64) error {
	_, err := t.exec(ctx, `DELETE FROM email_changes WHERE user_id = $1`, userID)
	return err
}
