package service

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// MailLease is how long a sender owns the messages it claimed. It must outlast the delivery of
// a whole batch: past it, another sender takes the messages again (and may send them twice).
const MailLease = 10 * time.Minute

// DefaultMailBatch is how many messages DeliverMail claims at a time when not told.
const DefaultMailBatch = 10

// mailErrorMax bounds the SMTP answer kept in last_error.
const mailErrorMax = 1000

// MailResult is what became of one message in a DeliverMail run.
type MailResult struct {
	ID      int64
	To      string
	Subject string
	Sent    bool
	// Skipped: a temporary-password message for an account that is gone, no longer active or
	// no longer at the message's address;
	// no password was made, nothing was sent, and the message left the queue.
	Skipped  bool
	Error    string    // why the delivery failed, empty when sent
	Attempts int       // failed attempts so far, this one included
	NextTry  time.Time // when a failed message will be tried again
}

// MailReport sums up a DeliverMail run.
type MailReport struct {
	Sent      int
	Failed    int
	Skipped   int
	Remaining int // messages not sent yet after the run: failed ones waiting to be retried, others not due
	Results   []MailResult
	// CloseError is why the SMTP server's goodbye failed after messages were accepted
	// (SendMail); it changes nothing to what was sent.
	CloseError string `json:",omitempty"`
}

// ListMail returns the outbox, oldest first; pendingOnly keeps the messages not sent yet.
// Only gestionnaires read it, and each reading is audited: messages are about people. No
// message holds a secret: a temporary password is generated when its message is sent.
func (s *Service) ListMail(ctx context.Context, actor domain.Actor, pendingOnly bool) ([]domain.Mail, error) {
	if err := domain.Authorize(actor, domain.MailRead, domain.Subject{}); err != nil {
		return nil, err
	}
	var out []domain.Mail
	err := s.store.Update(ctx, func(tx store.Tx) error {
		var err error
		if out, err = tx.ListMail(ctx, store.MailQuery{PendingOnly: pendingOnly}); err != nil {
			return err
		}
		return audit(ctx, tx, actor, ActionMailListRead, 0, "", map[string]any{"pending_only": pendingOnly, "messages": len(out)})
	})
	return out, err
}

// DeliverMail sends the due messages of the outbox with deliver, batch by batch, until none is
// due. Each batch is claimed in one short transaction (a lease of MailLease, so concurrent
// senders, even on other machines, never take the same message), delivered outside any
// transaction, and each outcome is recorded at once in its own short transaction: sent, or
// failed and retried after domain.MailRetryDelay. A delivery error is not an error of the run:
// it is counted in the report. The run stops early, returning an error, when the database
// fails or ctx ends; messages claimed but not tried then wait for their lease to end.
func (s *Service) DeliverMail(ctx context.Context, actor domain.Actor, deliver func(context.Context, domain.Mail) error, batch int) (MailReport, error) {
	report := MailReport{Results: []MailResult{}}
	if err := domain.Authorize(actor, domain.MailSend, domain.Subject{}); err != nil {
		return report, err
	}
	if deliver == nil {
		return report, errors.New("deliver mail: no delivery function")
	}
	if batch <= 0 {
		batch = DefaultMailBatch
	}
	for {
		if err := ctx.Err(); err != nil {
			return report, err
		}
		var claimed []domain.Mail
		err := s.store.Update(ctx, func(tx store.Tx) error {
			var err error
			claimed, err = tx.ClaimMail(ctx, batch, tx.Now().Add(MailLease))
			return err
		})
		if err != nil {
			return report, err
		}
		if len(claimed) == 0 {
			break
		}
		for _, m := range claimed {
			if err := ctx.Err(); err != nil {
				return report, err
			}
			res, err := s.deliverMailOne(ctx, actor, m, deliver)
			if err != nil {
				return report, err
			}
			report.Results = append(report.Results, res)
			switch {
			case res.Sent:
				report.Sent++
			case res.Skipped:
				report.Skipped++
			default:
				report.Failed++
			}
		}
	}
	err := s.store.View(ctx, func(tx store.Tx) error {
		left, err := tx.ListMail(ctx, store.MailQuery{PendingOnly: true})
		report.Remaining = len(left)
		return err
	})
	return report, err
}

// deliverMailOne delivers m (no transaction is open meanwhile) and records the outcome. The record
// is written even if ctx ended during the delivery: a message the server accepted must not
// be sent again.
//
// A message that carries a temporary password gets it here: generated, its hash stored on the
// account (ending the account's sessions and tokens) in a transaction of its own, and put in
// the body in memory only. A failed delivery leaves an unknown password on the account, and
// the next attempt makes a new one.
func (s *Service) deliverMailOne(ctx context.Context, actor domain.Actor, m domain.Mail, deliver func(context.Context, domain.Mail) error) (MailResult, error) {
	res := MailResult{ID: m.ID, To: m.To, Subject: m.Subject, Attempts: m.Attempts}
	// The secrets a message carries, each made now and put in the body in memory only.
	for _, secret := range []struct {
		needed      bool
		placeholder string
		issue       func(context.Context, domain.Actor, domain.Mail) (string, error)
	}{
		{m.SecretFor != 0, domain.TemporaryPasswordPlaceholder, s.issueTemporaryPassword},
		{m.ActivationFor != 0, domain.ActivationCodePlaceholder, s.issueActivationCode},
	} {
		if !secret.needed {
			continue
		}
		value, err := secret.issue(ctx, actor, m)
		if err != nil {
			return res, err
		}
		if value == "" {
			// Nothing to send any more (the account or the request has moved on): the message
			// is dropped, never sent without its secret.
			res.Skipped = true
			record := context.WithoutCancel(ctx)
			err := s.store.Update(record, func(tx store.Tx) error { return tx.MarkMailSent(record, m.ID) })
			if err != nil && !errors.Is(err, domain.ErrConflict) {
				return res, err
			}
			return res, nil
		}
		m.Body = strings.ReplaceAll(m.Body, secret.placeholder, value)
	}
	deliveryErr := deliver(ctx, m)
	record := context.WithoutCancel(ctx)
	err := s.store.Update(record, func(tx store.Tx) error {
		if deliveryErr == nil {
			return tx.MarkMailSent(record, m.ID)
		}
		res.Attempts = m.Attempts + 1
		res.NextTry = tx.Now().Add(domain.MailRetryDelay(res.Attempts))
		res.Error = mailErrorText(deliveryErr)
		return tx.MarkMailFailed(record, m.ID, res.Error, res.NextTry)
	})
	// ErrConflict: our lease ran out and another sender took the message over; what we did
	// with it still happened, and the other sender records its own outcome.
	if err != nil && !errors.Is(err, domain.ErrConflict) {
		return res, err
	}
	res.Sent = deliveryErr == nil
	return res, nil
}

// mailErrorText is a delivery error as last_error keeps it: one line of valid UTF-8 (PostgreSQL
// refuses anything else in TEXT; a server may answer in any bytes), bounded.
func mailErrorText(err error) string {
	s := strings.ToValidUTF8(err.Error(), "?")
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > mailErrorMax {
		cut := mailErrorMax
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	if s == "" {
		s = "delivery failed"
	}
	return s
}
