package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// RunMail runs the conformance tests of the mail outbox against the stores newStore makes.
// wipedBody is what a sender puts in place of a delivered secret.
const wipedBody = "(removed once delivered)"

func RunMail(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"EnqueueList", testMailEnqueueList},
		{"EnqueueRollsBack", testMailEnqueueRollsBack},
		{"ClaimDueOnlyOnce", testMailClaimDueOnlyOnce},
		{"ClaimExpiredLease", testMailClaimExpiredLease},
		{"FailureSchedulesRetry", testMailFailureSchedulesRetry},
		{"SentNeverClaimed", testMailSentNeverClaimed},
		{"PendingFilter", testMailPendingFilter},
		{"SensitiveBodyWipedWhenSent", testMailSensitiveWiped},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t)
			tc.fn(t, st)
		})
	}
}

// mailNow is the suite clock as the store keeps it.
func mailNow() time.Time { return Clock.Truncate(time.Microsecond) }

func mailEnqueue(t *testing.T, st store.Store, to, subject, body string) domain.Mail {
	t.Helper()
	m := domain.Mail{To: to, Subject: subject, Body: body}
	update(t, st, func(tx store.Tx) error { return tx.EnqueueMail(context.Background(), &m) })
	return m
}

func mailList(t *testing.T, st store.Store, q store.MailQuery) []domain.Mail {
	t.Helper()
	var out []domain.Mail
	view(t, st, func(tx store.Tx) error {
		var err error
		out, err = tx.ListMail(context.Background(), q)
		return err
	})
	return out
}

func mailClaim(t *testing.T, st store.Store, limit int, leaseUntil time.Time) []domain.Mail {
	t.Helper()
	var out []domain.Mail
	update(t, st, func(tx store.Tx) error {
		var err error
		out, err = tx.ClaimMail(context.Background(), limit, leaseUntil)
		return err
	})
	return out
}

func mailByID(t *testing.T, st store.Store, id int64) domain.Mail {
	t.Helper()
	for _, m := range mailList(t, st, store.MailQuery{}) {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("mail #%d not in the outbox", id)
	return domain.Mail{}
}

func mailIDs(ms []domain.Mail) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

func mailSameIDs(got []domain.Mail, want ...domain.Mail) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i].ID != want[i].ID {
			return false
		}
	}
	return true
}

func testMailEnqueueList(t *testing.T, st store.Store) {
	a := mailEnqueue(t, st, "élodie.durand@example.fr", "Compte validé : Cap Métiers",
		"Bonjour Élodie,\n\nVotre compte est rattaché à la structure « Cap Métiers ».\n")
	b := mailEnqueue(t, st, "jean@example.fr", "Demande reçue", "Bonjour,\n")
	if a.ID == 0 || b.ID == 0 || a.ID == b.ID {
		t.Fatalf("ids after EnqueueMail: %d, %d", a.ID, b.ID)
	}
	if a.Status != domain.MailPending || !a.CreatedAt.Equal(mailNow()) || !a.NextAttemptAt.Equal(mailNow()) {
		t.Errorf("EnqueueMail left %+v, want pending, created and due at the transaction time", a)
	}
	all := mailList(t, st, store.MailQuery{})
	if !mailSameIDs(all, a, b) {
		t.Fatalf("ListMail = ids %v, want [%d %d] in id order", mailIDs(all), a.ID, b.ID)
	}
	got := all[0]
	if got.To != a.To || got.Subject != a.Subject || got.Body != a.Body {
		t.Errorf("read back %q / %q / %q, want the text as written (accents included)", got.To, got.Subject, got.Body)
	}
	if got.Status != domain.MailPending || got.Attempts != 0 || got.LastError != "" ||
		got.ClaimedUntil != nil || got.SentAt != nil {
		t.Errorf("new message read back as %+v", got)
	}
	if !got.CreatedAt.Equal(mailNow()) || got.CreatedAt.Location() != time.UTC || !got.NextAttemptAt.Equal(mailNow()) {
		t.Errorf("times read back as created %v, next %v; want %v in UTC", got.CreatedAt, got.NextAttemptAt, mailNow())
	}
	if first := mailList(t, st, store.MailQuery{Limit: 1}); !mailSameIDs(first, a) {
		t.Errorf("ListMail with Limit 1 = ids %v, want [%d]", mailIDs(first), a.ID)
	}
}

// A message belongs to the transaction of the decision it announces: if that fails, no mail.
func testMailEnqueueRollsBack(t *testing.T, st store.Store) {
	boom := errors.New("boom")
	err := st.Update(context.Background(), func(tx store.Tx) error {
		if err := tx.EnqueueMail(context.Background(), &domain.Mail{To: "x@example.fr", Subject: "s", Body: "b"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want the error of fn", err)
	}
	if got := mailList(t, st, store.MailQuery{}); len(got) != 0 {
		t.Errorf("outbox after a rolled-back transaction: %+v", got)
	}
}

func testMailClaimDueOnlyOnce(t *testing.T, st store.Store) {
	a := mailEnqueue(t, st, "a@example.fr", "A", "a")
	b := mailEnqueue(t, st, "b@example.fr", "B", "b")
	c := mailEnqueue(t, st, "c@example.fr", "C", "c")
	// d is not due: a failed attempt put it off by an hour.
	d := mailEnqueue(t, st, "d@example.fr", "D", "d")
	lease := mailNow().Add(10 * time.Minute)
	if got := mailClaim(t, st, 0, lease); len(got) != 0 {
		t.Errorf("ClaimMail with limit 0 claimed %v", mailIDs(got))
	}
	// Take d out of the queue for an hour: claim everything, fail d, put the others back
	// through an expired lease.
	update(t, st, func(tx store.Tx) error {
		ctx := context.Background()
		if _, err := tx.ClaimMail(ctx, 10, mailNow().Add(-time.Second)); err != nil {
			return err
		}
		return tx.MarkMailFailed(ctx, d.ID, "451 4.3.0 try again later", mailNow().Add(time.Hour))
	})

	first := mailClaim(t, st, 2, lease)
	if !mailSameIDs(first, a, b) {
		t.Fatalf("first claim (limit 2) = ids %v, want [%d %d]", mailIDs(first), a.ID, b.ID)
	}
	for _, m := range first {
		if m.Status != domain.MailSending || m.ClaimedUntil == nil || !m.ClaimedUntil.Equal(lease) {
			t.Errorf("claimed message %d: status %s, claimed until %v; want sending until %v", m.ID, m.Status, m.ClaimedUntil, lease)
		}
		if m.To == "" || m.Subject == "" || m.Body == "" {
			t.Errorf("claimed message %d came back without its content: %+v", m.ID, m)
		}
	}
	second := mailClaim(t, st, 10, lease)
	if !mailSameIDs(second, c) {
		t.Fatalf("second claim = ids %v, want only [%d] (a and b are leased, d is not due)", mailIDs(second), c.ID)
	}
	if again := mailClaim(t, st, 10, lease); len(again) != 0 {
		t.Fatalf("claim while every lease runs = ids %v, want none", mailIDs(again))
	}
	if got := mailByID(t, st, a.ID); got.Status != domain.MailSending || got.ClaimedUntil == nil || !got.ClaimedUntil.Equal(lease) {
		t.Errorf("claimed message read back as %+v", got)
	}
}

func testMailClaimExpiredLease(t *testing.T, st store.Store) {
	a := mailEnqueue(t, st, "a@example.fr", "A", "a")
	// A sender claimed it and died: its lease ended a second ago.
	expired := mailNow().Add(-time.Second)
	if got := mailClaim(t, st, 10, expired); !mailSameIDs(got, a) {
		t.Fatalf("first claim = ids %v, want [%d]", mailIDs(got), a.ID)
	}
	lease := mailNow().Add(10 * time.Minute)
	got := mailClaim(t, st, 10, lease)
	if !mailSameIDs(got, a) {
		t.Fatalf("claim after the lease ended = ids %v, want [%d] again", mailIDs(got), a.ID)
	}
	if !got[0].ClaimedUntil.Equal(lease) || got[0].Status != domain.MailSending || got[0].Attempts != 0 {
		t.Errorf("reclaimed message: %+v, want sending until %v, attempts untouched", got[0], lease)
	}
	// A lease that ends exactly now has not run out yet.
	b := mailEnqueue(t, st, "b@example.fr", "B", "b")
	if got := mailClaim(t, st, 10, mailNow()); !mailSameIDs(got, b) {
		t.Fatalf("claim = ids %v, want [%d]", mailIDs(got), b.ID)
	}
	if got := mailClaim(t, st, 10, lease); len(got) != 0 {
		t.Errorf("claim while the leases run (one ends now) = ids %v, want none", mailIDs(got))
	}
}

func testMailFailureSchedulesRetry(t *testing.T, st store.Store) {
	ctx := context.Background()
	a := mailEnqueue(t, st, "a@example.fr", "A", "a")
	lease := mailNow().Add(10 * time.Minute)

	// A retry whose time has come (here: scheduled a minute ago) is due again.
	retry := mailNow().Add(-time.Minute)
	mailClaimAndFail(t, st, a.ID, "451 4.7.1 greylisted", retry)
	got := mailByID(t, st, a.ID)
	if got.Status != domain.MailPending || got.Attempts != 1 || got.LastError != "451 4.7.1 greylisted" ||
		!got.NextAttemptAt.Equal(retry) || got.ClaimedUntil != nil || got.SentAt != nil {
		t.Fatalf("after a failure: %+v; want pending, attempts 1, the error kept, next attempt at %v, no lease", got, retry)
	}
	claimed := mailClaim(t, st, 10, lease)
	if !mailSameIDs(claimed, a) || claimed[0].Attempts != 1 || claimed[0].LastError != "451 4.7.1 greylisted" {
		t.Fatalf("claim after the retry time = %+v, want message %d with attempts 1 and its last error", claimed, a.ID)
	}

	// A retry in the future keeps the message out of the claims until then.
	next := mailNow().Add(5 * time.Minute)
	update(t, st, func(tx store.Tx) error {
		return tx.MarkMailFailed(ctx, a.ID, "550 5.1.1 mailbox unavailable", next)
	})
	got = mailByID(t, st, a.ID)
	if got.Status != domain.MailPending || got.Attempts != 2 || got.LastError != "550 5.1.1 mailbox unavailable" ||
		!got.NextAttemptAt.Equal(next) || got.ClaimedUntil != nil {
		t.Fatalf("after a second failure: %+v; want pending, attempts 2, the new error, next attempt at %v", got, next)
	}
	if claimed := mailClaim(t, st, 10, lease); len(claimed) != 0 {
		t.Fatalf("claim before the retry time = ids %v, want none", mailIDs(claimed))
	}
	// Reporting a failure twice does not count two attempts: the message is no longer being sent.
	err := st.Update(ctx, func(tx store.Tx) error { return tx.MarkMailFailed(ctx, a.ID, "again", next) })
	if !errors.Is(err, domain.ErrConflict) {
		t.Errorf("MarkMailFailed on a pending message: err = %v, want ErrConflict", err)
	}
	if got := mailByID(t, st, a.ID); got.Attempts != 2 {
		t.Errorf("attempts = %d after a refused report, want 2", got.Attempts)
	}
}

// mailClaimAndFail claims the due messages (id must be among them) and records a failure of id.
func mailClaimAndFail(t *testing.T, st store.Store, id int64, errText string, next time.Time) {
	t.Helper()
	ctx := context.Background()
	update(t, st, func(tx store.Tx) error {
		claimed, err := tx.ClaimMail(ctx, 100, mailNow().Add(time.Minute))
		if err != nil {
			return err
		}
		for _, m := range claimed {
			if m.ID == id {
				return tx.MarkMailFailed(ctx, id, errText, next)
			}
		}
		return fmt.Errorf("mail #%d is not due (claimed %v)", id, mailIDs(claimed))
	})
}

func testMailSentNeverClaimed(t *testing.T, st store.Store) {
	ctx := context.Background()
	a := mailEnqueue(t, st, "a@example.fr", "A", "a")
	// Claimed under a lease that has already run out, then delivered.
	mailClaim(t, st, 10, mailNow().Add(-time.Second))
	update(t, st, func(tx store.Tx) error { return tx.MarkMailSent(ctx, a.ID, wipedBody) })
	got := mailByID(t, st, a.ID)
	if got.Status != domain.MailSent || got.SentAt == nil || !got.SentAt.Equal(mailNow()) || got.ClaimedUntil != nil {
		t.Fatalf("after MarkMailSent: %+v; want sent at %v", got, mailNow())
	}
	if claimed := mailClaim(t, st, 10, mailNow().Add(time.Minute)); len(claimed) != 0 {
		t.Fatalf("a sent message was claimed again: %v", mailIDs(claimed))
	}
	for name, mark := range map[string]func(tx store.Tx) error{
		"MarkMailSent":   func(tx store.Tx) error { return tx.MarkMailSent(ctx, a.ID, wipedBody) },
		"MarkMailFailed": func(tx store.Tx) error { return tx.MarkMailFailed(ctx, a.ID, "late", mailNow()) },
	} {
		if err := st.Update(ctx, mark); !errors.Is(err, domain.ErrConflict) {
			t.Errorf("%s on a sent message: err = %v, want ErrConflict", name, err)
		}
	}
	if got := mailByID(t, st, a.ID); got.Status != domain.MailSent || got.Attempts != 0 || got.LastError != "" {
		t.Errorf("a late report changed a sent message: %+v", got)
	}
	err := st.Update(ctx, func(tx store.Tx) error { return tx.MarkMailSent(ctx, a.ID+1000, wipedBody) })
	if !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("MarkMailSent of an unknown message: err = %v, want ErrNotFound", err)
	}
}

func testMailPendingFilter(t *testing.T, st store.Store) {
	ctx := context.Background()
	sent := mailEnqueue(t, st, "sent@example.fr", "S", "s")
	failed := mailEnqueue(t, st, "failed@example.fr", "F", "f")
	sending := mailEnqueue(t, st, "sending@example.fr", "G", "g")
	update(t, st, func(tx store.Tx) error {
		if _, err := tx.ClaimMail(ctx, 10, mailNow().Add(time.Minute)); err != nil {
			return err
		}
		if err := tx.MarkMailSent(ctx, sent.ID, wipedBody); err != nil {
			return err
		}
		return tx.MarkMailFailed(ctx, failed.ID, "421 too busy", mailNow().Add(time.Minute))
	})
	if got := mailList(t, st, store.MailQuery{}); !mailSameIDs(got, sent, failed, sending) {
		t.Errorf("ListMail = ids %v, want all three", mailIDs(got))
	}
	pending := mailList(t, st, store.MailQuery{PendingOnly: true})
	if !mailSameIDs(pending, failed, sending) {
		t.Fatalf("ListMail PendingOnly = ids %v, want [%d %d] (not yet sent)", mailIDs(pending), failed.ID, sending.ID)
	}
	if pending[0].Status != domain.MailPending || pending[1].Status != domain.MailSending {
		t.Errorf("statuses %s, %s; want pending, sending", pending[0].Status, pending[1].Status)
	}
	if got := mailList(t, st, store.MailQuery{PendingOnly: true, Limit: 1}); !mailSameIDs(got, failed) {
		t.Errorf("ListMail PendingOnly Limit 1 = ids %v, want [%d]", mailIDs(got), failed.ID)
	}
}

func testMailSensitiveWiped(t *testing.T, st store.Store) {
	ctx := context.Background()
	secret := domain.Mail{To: "a@exemple.fr", Subject: "Votre nouveau mot de passe", Body: "mot de passe : abcd-efgh", Sensitive: true}
	plain := domain.Mail{To: "b@exemple.fr", Subject: "Compte validé", Body: "Bonjour"}
	update(t, st, func(tx store.Tx) error {
		if err := tx.EnqueueMail(ctx, &secret); err != nil {
			return err
		}
		return tx.EnqueueMail(ctx, &plain)
	})
	update(t, st, func(tx store.Tx) error {
		claimed, err := tx.ClaimMail(ctx, 10, mailNow().Add(time.Minute))
		if err != nil {
			return err
		}
		if len(claimed) != 2 || claimed[0].Body != secret.Body {
			t.Errorf("claimed %d messages; the sensitive body must still be there to be sent", len(claimed))
		}
		for _, m := range claimed {
			if err := tx.MarkMailSent(ctx, m.ID, wipedBody); err != nil {
				return err
			}
		}
		return nil
	})
	var all []domain.Mail
	view(t, st, func(tx store.Tx) error {
		var err error
		all, err = tx.ListMail(ctx, store.MailQuery{})
		return err
	})
	for _, m := range all {
		switch m.To {
		case secret.To:
			if strings.Contains(m.Body, "abcd-efgh") || m.Body != wipedBody {
				t.Errorf("a delivered temporary password is still readable: %q", m.Body)
			}
		case plain.To:
			if m.Body != "Bonjour" {
				t.Errorf("an ordinary message lost its body: %q", m.Body)
			}
		}
	}
}
