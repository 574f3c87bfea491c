package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

const mailColumns = `id, created_at, to_addr, subject, body, status, attempts, next_attempt_at, claimed_until,
	last_error, sent_at, sensitive, secret_user_id, activation_request_id, email_change_user_id`

func scanMail(sc interface{ Scan(...any) error }) (domain.Mail, error) {
	var (
		m                    domain.Mail
		status               string
		created, next        nullTime
		claimedUntil, sentAt nullTime
		secretFor            sql.NullInt64
		activationFor        sql.NullInt64
		emailChangeFor       sql.NullInt64
	)
	err := sc.Scan(&m.ID, &created, &m.To, &m.Subject, &m.Body, &status, &m.Attempts, &next, &claimedUntil,
		&m.LastError, &sentAt, &m.Sensitive, &secretFor, &activationFor, &emailChangeFor)
	if err != nil {
		return m, mapErr(err)
	}
	m.Status = domain.MailStatus(status)
	m.CreatedAt, m.NextAttemptAt = created.Time, next.Time
	m.ClaimedUntil, m.SentAt = claimedUntil.Ptr(), sentAt.Ptr()
	m.SecretFor, m.ActivationFor, m.EmailChangeFor = secretFor.Int64, activationFor.Int64, emailChangeFor.Int64
	return m, nil
}

func (t *tx) EnqueueMail(ctx context.Context, m *domain.Mail) error {
	if domain.IsPseudonym(m.To) {
		// An erased account: its pseudonym is no address, and nothing is ever sent to it.
		m.ID = 0
		return nil
	}
	m.CreatedAt, m.NextAttemptAt = t.now, t.now
	m.Status, m.Attempts, m.LastError, m.ClaimedUntil, m.SentAt = domain.MailPending, 0, "", nil, nil
	id, err := t.insert(ctx, `INSERT INTO mail_outbox (created_at, to_addr, subject, body, status, attempts,
		next_attempt_at, last_error, sensitive, secret_user_id, activation_request_id, email_change_user_id)
		VALUES ($1, $2, $3, $4, $5, 0, $6, '', $7, $8, $9, $10)`,
		t.now, m.To, m.Subject, m.Body, string(domain.MailPending), t.now, m.Sensitive || m.SecretFor != 0 || m.ActivationFor != 0 || m.EmailChangeFor != 0,
		nullInt(m.SecretFor), nullInt(m.ActivationFor), nullInt(m.EmailChangeFor))
	if err != nil {
		return fmt.Errorf("queue mail to %s: %w", m.To, err)
	}
	m.ID = id
	return nil
}

func (t *tx) ListMail(ctx context.Context, q store.MailQuery) ([]domain.Mail, error) {
	query := `SELECT ` + mailColumns + ` FROM mail_outbox`
	var (
		args  []any
		where []string
	)
	if q.PendingOnly {
		where = append(where, `status <> 'sent'`)
	}
	if q.SecretFor != 0 {
		args = append(args, q.SecretFor)
		where = append(where, fmt.Sprintf(`secret_user_id = $%d`, len(args)))
	}
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY id`
	if q.Limit > 0 {
		args = append(args, q.Limit)
		query += fmt.Sprintf(` LIMIT $%d`, len(args))
	}
	return t.mails(ctx, "list mail", query, args...)
}

// ClaimMail takes the due messages (pending and due, or still "sending" under a lease that has
// run out: their sender died) in one statement. On PostgreSQL the candidate rows are locked
// with SKIP LOCKED, so concurrent senders each take different messages without waiting for
// one another; SQLite write transactions are serial already (BEGIN IMMEDIATE).
func (t *tx) ClaimMail(ctx context.Context, limit int, leaseUntil time.Time) ([]domain.Mail, error) {
	if t.readOnly {
		return nil, errors.New("claim mail: needs a read-write transaction")
	}
	if limit <= 0 {
		return []domain.Mail{}, nil
	}
	query := `UPDATE mail_outbox SET status = 'sending', claimed_until = $1
		WHERE id IN (SELECT id FROM mail_outbox
			WHERE (status = 'pending' AND next_attempt_at <= $2) OR (status = 'sending' AND claimed_until < $2)
			ORDER BY next_attempt_at, id LIMIT $3` + t.d.dialect.skipLocked() + `)
		RETURNING ` + mailColumns
	out, err := t.mails(ctx, "claim mail", query, leaseUntil.UTC(), t.now, limit)
	if err != nil {
		return nil, err
	}
	// RETURNING comes in no promised order.
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// MarkMailSent records a delivery. Only a message being sent can become sent: a message some
// other sender has already marked keeps its first sent_at. A sensitive message's body becomes
// wiped.
func (t *tx) MarkMailSent(ctx context.Context, id int64, wiped string) error {
	// A delivered temporary password does not stay readable in the database.
	res, err := t.exec(ctx, `UPDATE mail_outbox SET status = 'sent', sent_at = $1, claimed_until = NULL,
		last_error = '', body = CASE WHEN sensitive THEN $3 ELSE body END
		WHERE id = $2 AND status = 'sending'`, t.now, id, wiped)
	if err != nil {
		return fmt.Errorf("mark mail #%d sent: %w", id, err)
	}
	return t.mailMarked(ctx, res, id)
}

// MarkMailFailed records a failed attempt and schedules the next one at next. Like
// MarkMailSent it only changes a message being sent, so a late failure report never puts a
// delivered message back in the queue.
func (t *tx) MarkMailFailed(ctx context.Context, id int64, errText string, next time.Time) error {
	res, err := t.exec(ctx, `UPDATE mail_outbox SET status = 'pending', attempts = attempts + 1, last_error = $1,
		next_attempt_at = $2, claimed_until = NULL WHERE id = $3 AND status = 'sending'`, errText, next.UTC(), id)
	if err != nil {
		return fmt.Errorf("mark mail #%d failed: %w", id, err)
	}
	return t.mailMarked(ctx, res, id)
}

// mailMarked explains an update that changed nothing: no such message (ErrNotFound), or one
// that is not being sent (ErrConflict).
func (t *tx) mailMarked(ctx context.Context, res interface{ RowsAffected() (int64, error) }, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	var status string
	if err := t.queryRow(ctx, `SELECT status FROM mail_outbox WHERE id = $1`, id).Scan(&status); err != nil {
		return notFound(mapErr(err), "notfound.mail", id)
	}
	return domain.Errorf(domain.ErrConflict, "mail.not_sending", id, status)
}

func (t *tx) mails(ctx context.Context, what, query string, args ...any) ([]domain.Mail, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := []domain.Mail{}
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, mapErr(err))
	}
	return out, nil
}
