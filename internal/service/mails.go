package service

import (
	"context"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/store"
)

// The messages people receive, in the language of the command that writes them (package
// i18n): they are the portal's users. Each is written to the outbox in the transaction of the
// event it announces.

func enqueue(ctx context.Context, tx store.Tx, to, subject string, lines ...string) error {
	return tx.EnqueueMail(ctx, &domain.Mail{To: to, Subject: subject, Body: body(lines)})
}

func body(lines []string) string {
	return strings.Join(lines, "\n") + "\n\n-- \n" + i18n.T("mail.footer") + "\n"
}

func greeting(u domain.User) string {
	if n := u.FullName(); n != "" {
		return i18n.T("mail.hello_name", n)
	}
	return i18n.T("mail.hello")
}

func mailStructureRequestReceived(ctx context.Context, tx store.Tx, to string, s domain.Structure) error {
	return enqueue(ctx, tx, to, i18n.T("mail.structure_request_received.subject", s.Name),
		i18n.T("mail.hello"), "",
		i18n.T("mail.structure_request_received.body", s.Name))
}

func mailStructureRequestDecided(ctx context.Context, tx store.Tx, to string, s domain.Structure, approved bool, reason string) error {
	if approved {
		return enqueue(ctx, tx, to, i18n.T("mail.structure_request_approved.subject", s.Name),
			i18n.T("mail.hello"), "",
			i18n.T("mail.structure_request_approved.body", s.Name, s.Label()))
	}
	return enqueue(ctx, tx, to, i18n.T("mail.structure_request_rejected.subject", s.Name),
		i18n.T("mail.hello"), "",
		i18n.T("mail.structure_request_rejected.body", s.Name),
		i18n.T("mail.reason", reason))
}

func mailRequestReceived(ctx context.Context, tx store.Tx, u domain.User, s domain.Structure, kind domain.RequestKind) error {
	text := i18n.T("mail.account_request_received.body", s.Name)
	if kind == domain.RequestAffiliation {
		text = i18n.T("mail.affiliation_request_received.body", s.Name)
	}
	return enqueue(ctx, tx, u.Email, i18n.T("mail.request_received.subject", s.Name),
		greeting(u), "", text,
		i18n.T("mail.request_received.next"))
}

func mailRequestWaiting(ctx context.Context, tx store.Tx, to string, r domain.Request, u domain.User, s domain.Structure) error {
	subject := i18n.T("mail.account_request_waiting.subject", s.Name)
	if r.Kind == domain.RequestAffiliation {
		subject = i18n.T("mail.affiliation_request_waiting.subject", s.Name)
	}
	return enqueue(ctx, tx, to, subject,
		i18n.T("mail.hello"), "",
		i18n.T("mail.request_waiting.body", u.FullName(), u.Email, s.Name, r.ID),
		i18n.T("mail.request_waiting.how", r.ID, r.ID))
}

func mailRequestDecided(ctx context.Context, tx store.Tx, u domain.User, s domain.Structure, r domain.Request, referent bool) error {
	if r.Status == domain.StatusRejected {
		return enqueue(ctx, tx, u.Email, i18n.T("mail.request_rejected.subject", s.Name),
			greeting(u), "",
			i18n.T("mail.request_rejected.body", s.Name),
			i18n.T("mail.reason", r.Reason))
	}
	lines := []string{greeting(u), "",
		i18n.T("mail.request_approved.body", s.Name),
		i18n.T("mail.request_approved.login", u.Email)}
	if u.PasswordHash == "" {
		lines = append(lines, i18n.T("mail.request_approved.no_password"))
	}
	if referent {
		lines = append(lines, "", i18n.T("mail.request_approved.referent"))
	}
	return enqueue(ctx, tx, u.Email, i18n.T("mail.request_approved.subject", s.Name), lines...)
}

func mailReferentReceived(ctx context.Context, tx store.Tx, u domain.User, s domain.Structure) error {
	return enqueue(ctx, tx, u.Email, i18n.T("mail.referent.subject", s.Name),
		greeting(u), "",
		i18n.T("mail.referent.body", s.Name))
}

func mailDetached(ctx context.Context, tx store.Tx, u domain.User, s domain.Structure) error {
	return enqueue(ctx, tx, u.Email, i18n.T("mail.detached.subject", s.Name),
		greeting(u), "",
		i18n.T("mail.detached.body", s.Name))
}

// mailTemporaryPassword queues the message that carries a temporary password for u. The body
// holds domain.TemporaryPasswordPlaceholder: the password itself is generated when the message
// is sent, and never stored readable.
func mailTemporaryPassword(ctx context.Context, tx store.Tx, u domain.User, ttl time.Duration) error {
	return tx.EnqueueMail(ctx, &domain.Mail{To: u.Email, Subject: i18n.T("mail.password_reset.subject"), Sensitive: true, SecretFor: u.ID,
		Body: body([]string{greeting(u), "",
			i18n.T("mail.temporary_password.body", domain.TemporaryPasswordPlaceholder, int(ttl.Hours()))})})
}

func mailPasswordChanged(ctx context.Context, tx store.Tx, u domain.User) error {
	return enqueue(ctx, tx, u.Email, i18n.T("mail.password_changed.subject"),
		greeting(u), "",
		i18n.T("mail.password_changed.body"))
}

func mailAccountLocked(ctx context.Context, tx store.Tx, u domain.User) error {
	return enqueue(ctx, tx, u.Email, i18n.T("mail.account_locked.subject"),
		greeting(u), "",
		i18n.T("mail.account_locked.body", domain.MaxFailedSignIns, u.LockedUntil.UTC().Format("2006-01-02 15:04 UTC")))
}
