package service

import (
	"context"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/store"
)

// The messages people receive, in the portal's language (setting mail.language, read in the
// transaction that queues them), never in the locale of the command that writes them: a cron
// job or a gestionnaire with LANG=C mails French users in French. Each is written to the
// outbox in the transaction of the event it announces.

// mailer writes the mails of one use case in the portal's language.
type mailer struct {
	ctx  context.Context
	tx   store.Tx
	lang i18n.Lang
}

func newMailer(ctx context.Context, tx store.Tx) (*mailer, error) {
	l, err := mailLanguage(ctx, tx)
	if err != nil {
		return nil, err
	}
	return &mailer{ctx: ctx, tx: tx, lang: l}, nil
}

func (m *mailer) enqueue(to, subject string, sensitive bool, lines ...string) error {
	return m.tx.EnqueueMail(m.ctx, &domain.Mail{To: to, Subject: subject, Sensitive: sensitive, Body: m.body(lines)})
}

func (m *mailer) body(lines []string) string {
	return strings.Join(lines, "\n") + "\n\n-- \n" + i18n.In(m.lang, "mail.footer") + "\n"
}

func (m *mailer) greeting(u domain.User) string {
	if n := u.FullName(); n != "" {
		return i18n.In(m.lang, "mail.hello_name", n)
	}
	return i18n.In(m.lang, "mail.hello")
}

// withMailer runs fn with a mailer in the portal's language.
func withMailer(ctx context.Context, tx store.Tx, fn func(m *mailer) error) error {
	m, err := newMailer(ctx, tx)
	if err != nil {
		return err
	}
	return fn(m)
}

func mailStructureRequestReceived(ctx context.Context, tx store.Tx, to string, s domain.Structure) error {
	return withMailer(ctx, tx, func(m *mailer) error {
		return m.enqueue(to, i18n.In(m.lang, "mail.structure_request_received.subject", s.Name), false,
			i18n.In(m.lang, "mail.hello"), "",
			i18n.In(m.lang, "mail.structure_request_received.body", s.Name))
	})
}

func mailStructureRequestDecided(ctx context.Context, tx store.Tx, to string, s domain.Structure, approved bool, reason string) error {
	return withMailer(ctx, tx, func(m *mailer) error {
		if approved {
			return m.enqueue(to, i18n.In(m.lang, "mail.structure_request_approved.subject", s.Name), false,
				i18n.In(m.lang, "mail.hello"), "",
				i18n.In(m.lang, "mail.structure_request_approved.body", s.Name, s.Label()))
		}
		return m.enqueue(to, i18n.In(m.lang, "mail.structure_request_rejected.subject", s.Name), false,
			i18n.In(m.lang, "mail.hello"), "",
			i18n.In(m.lang, "mail.structure_request_rejected.body", s.Name),
			i18n.In(m.lang, "mail.reason", reason))
	})
}

func mailRequestReceived(ctx context.Context, tx store.Tx, u domain.User, s domain.Structure, kind domain.RequestKind) error {
	return withMailer(ctx, tx, func(m *mailer) error {
		text := i18n.In(m.lang, "mail.account_request_received.body", s.Name)
		if kind == domain.RequestAffiliation {
			text = i18n.In(m.lang, "mail.affiliation_request_received.body", s.Name)
		}
		return m.enqueue(u.Email, i18n.In(m.lang, "mail.request_received.subject", s.Name), false,
			m.greeting(u), "", text,
			i18n.In(m.lang, "mail.request_received.next"))
	})
}

func mailRequestWaiting(ctx context.Context, tx store.Tx, to string, r domain.Request, u domain.User, s domain.Structure) error {
	return withMailer(ctx, tx, func(m *mailer) error {
		subject := i18n.In(m.lang, "mail.account_request_waiting.subject", s.Name)
		if r.Kind == domain.RequestAffiliation {
			subject = i18n.In(m.lang, "mail.affiliation_request_waiting.subject", s.Name)
		}
		return m.enqueue(to, subject, false,
			i18n.In(m.lang, "mail.hello"), "",
			i18n.In(m.lang, "mail.request_waiting.body", u.FullName(), u.Email, s.Name, r.ID),
			i18n.In(m.lang, "mail.request_waiting.how", r.ID, r.ID))
	})
}

func mailRequestDecided(ctx context.Context, tx store.Tx, u domain.User, s domain.Structure, r domain.Request, referent bool) error {
	return withMailer(ctx, tx, func(m *mailer) error {
		if r.Status == domain.StatusRejected {
			return m.enqueue(u.Email, i18n.In(m.lang, "mail.request_rejected.subject", s.Name), false,
				m.greeting(u), "",
				i18n.In(m.lang, "mail.request_rejected.body", s.Name),
				i18n.In(m.lang, "mail.reason", r.Reason))
		}
		lines := []string{m.greeting(u), "",
			i18n.In(m.lang, "mail.request_approved.body", s.Name),
			i18n.In(m.lang, "mail.request_approved.login", u.Email)}
		if u.PasswordHash == "" {
			lines = append(lines, i18n.In(m.lang, "mail.request_approved.no_password"))
		}
		if referent {
			lines = append(lines, "", i18n.In(m.lang, "mail.request_approved.referent"))
		}
		return m.enqueue(u.Email, i18n.In(m.lang, "mail.request_approved.subject", s.Name), false, lines...)
	})
}

func mailReferentReceived(ctx context.Context, tx store.Tx, u domain.User, s domain.Structure) error {
	return withMailer(ctx, tx, func(m *mailer) error {
		return m.enqueue(u.Email, i18n.In(m.lang, "mail.referent.subject", s.Name), false,
			m.greeting(u), "",
			i18n.In(m.lang, "mail.referent.body", s.Name))
	})
}

func mailDetached(ctx context.Context, tx store.Tx, u domain.User, s domain.Structure) error {
	return withMailer(ctx, tx, func(m *mailer) error {
		return m.enqueue(u.Email, i18n.In(m.lang, "mail.detached.subject", s.Name), false,
			m.greeting(u), "",
			i18n.In(m.lang, "mail.detached.body", s.Name))
	})
}

// mailTemporaryPassword queues the message that carries a temporary password for u. The body
// holds domain.TemporaryPasswordPlaceholder: the password itself is generated when the message
// is sent, and never stored readable.
func mailTemporaryPassword(ctx context.Context, tx store.Tx, u domain.User, ttl time.Duration) error {
	return withMailer(ctx, tx, func(m *mailer) error {
		return m.tx.EnqueueMail(m.ctx, &domain.Mail{To: u.Email, Subject: i18n.In(m.lang, "mail.password_reset.subject"),
			Sensitive: true, SecretFor: u.ID,
			Body: m.body([]string{m.greeting(u), "",
				i18n.In(m.lang, "mail.temporary_password.body", domain.TemporaryPasswordPlaceholder, int(ttl.Hours()))})})
	})
}

func mailPasswordChanged(ctx context.Context, tx store.Tx, u domain.User) error {
	return withMailer(ctx, tx, func(m *mailer) error {
		return m.enqueue(u.Email, i18n.In(m.lang, "mail.password_changed.subject"), false,
			m.greeting(u), "",
			i18n.In(m.lang, "mail.password_changed.body"))
	})
}

// mailEmailChanged tells the address an account leaves that the account now uses another
// one: if the change was not the person's, they learn it where they still read their mail.
// The old mailbox may be someone else's now (a typo corrected, a former employer's address):
// the message names neither the person nor the new address.
func mailEmailChanged(ctx context.Context, tx store.Tx, old string) error {
	return withMailer(ctx, tx, func(m *mailer) error {
		return m.enqueue(old, i18n.In(m.lang, "mail.email_changed.subject"), false,
			i18n.In(m.lang, "mail.hello"), "",
			i18n.In(m.lang, "mail.email_changed.body"))
	})
}

func mailAccountLocked(ctx context.Context, tx store.Tx, u domain.User) error {
	return withMailer(ctx, tx, func(m *mailer) error {
		return m.enqueue(u.Email, i18n.In(m.lang, "mail.account_locked.subject"), false,
			m.greeting(u), "",
			i18n.In(m.lang, "mail.account_locked.body", domain.MaxFailedSignIns, m.time(*u.LockedUntil)))
	})
}

// time writes t for the person reading the mail: Paris time, as French portals' users live by.
func (m *mailer) time(t time.Time) string {
	loc := i18n.Paris()
	if m.lang == i18n.French {
		return t.In(loc).Format("02/01/2006 15:04") + " (heure de Paris)"
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}
