package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/secret"
	"github.com/profil-cli/profil/internal/store"
)

// Audit actions of e-mail activation.
const (
	ActionActivate         = "request.activate"
	ActionActivationIssued = "request.activation_code"
	ActionActivationResend = "request.resend_activation"
	ActionPurgeUnverified  = "request.purge"
)

// startActivation is called in the transaction that created r, unverified: it queues the mail
// that will carry the code. The code itself is made when the mail is sent.
func startActivation(ctx context.Context, tx store.Tx, r *domain.Request, settings domain.RegistrationSettings) error {
	now := tx.Now()
	r.ActivationHash, r.ActivationExpiresAt, r.ActivationTries, r.ActivationMailAt = "", nil, 0, &now
	if err := tx.SaveActivation(ctx, r); err != nil {
		return err
	}
	return mailActivation(ctx, tx, *r, settings)
}

func mailActivation(ctx context.Context, tx store.Tx, r domain.Request, settings domain.RegistrationSettings) error {
	hours := int(settings.ActivationTTL.Hours())
	return withMailer(ctx, tx, func(m *mailer) error {
		return tx.EnqueueMail(ctx, &domain.Mail{To: r.RequesterEmail, Subject: i18n.In(m.lang, "mail.activation.subject", r.ID), Sensitive: true,
			ActivationFor: r.ID, Body: m.body([]string{i18n.In(m.lang, "mail.hello"), "",
				i18n.In(m.lang, "mail.activation.body", r.ID, domain.ActivationCodePlaceholder, hours), "",
				fmt.Sprintf("    profil request activate %d --code %s", r.ID, domain.ActivationCodePlaceholder), "",
				i18n.In(m.lang, "mail.activation.ignore")})})
	})
}

// issueActivationCode makes the code a message carries, when it is sent: only its hash is
// stored on the request, with its end; the code is in the body in memory only. It returns ""
// when no code is due (the request is gone, decided, activated, or its address changed).
func (s *Service) issueActivationCode(ctx context.Context, actor domain.Actor, m domain.Mail) (string, error) {
	return s.issueCode(ctx, func(tx store.Tx, hash string) (bool, error) {
		r, err := tx.RequestForUpdate(ctx, m.ActivationFor)
		if errors.Is(err, domain.ErrNotFound) {
			return false, nil
		} else if err != nil {
			return false, err
		}
		if r.Status != domain.StatusUnverified || !strings.EqualFold(r.RequesterEmail, m.To) {
			return false, audit(ctx, tx, actor, ActionActivationIssued, r.StructureID, fmt.Sprintf("request %d", r.ID),
				map[string]any{"mail": m.ID, "issued": false, "status": r.Status})
		}
		settings, err := s.registration(ctx, tx)
		if err != nil {
			return false, err
		}
		exp := tx.Now().Add(settings.ActivationTTL)
		r.ActivationHash, r.ActivationExpiresAt, r.ActivationTries = hash, &exp, 0
		if err := tx.SaveActivation(ctx, &r); err != nil {
			return false, err
		}
		return true, audit(ctx, tx, actor, ActionActivationIssued, r.StructureID, fmt.Sprintf("request %d", r.ID),
			map[string]any{"mail": m.ID, "issued": true, "expires_at": exp.UTC()})
	})
}

// issueCode makes the one-time code of a message being sent, and runs save in a transaction
// with the code's hash, the only form stored; save reports whether it stored it. It returns
// the code, for the body in memory only, or "" when save stored none.
func (s *Service) issueCode(ctx context.Context, save func(tx store.Tx, hash string) (bool, error)) (string, error) {
	code, err := secret.NewActivationCode()
	if err != nil {
		return "", err
	}
	hash := secret.HashToken(secret.NormalizeActivationCode(code))
	var issued bool
	err = s.store.Update(ctx, func(tx store.Tx) (err error) {
		issued, err = save(tx, hash) // set afresh by each attempt
		return err
	})
	if err != nil || !issued {
		return "", err
	}
	return code, nil
}

// Activate confirms the e-mail address of an unverified request with the code mailed: the
// request becomes pending and enters the deciders' queue, who are told. Any failure (no such
// request, not unverified, wrong, expired or voided code) reads the same; each wrong code
// counts, and the fifth voids the code.
func (s *Service) Activate(ctx context.Context, actor domain.Actor, id int64, code string) (domain.Request, error) {
	if err := domain.Authorize(actor, domain.RequestActivate, domain.Subject{}); err != nil {
		return domain.Request{}, err
	}
	hash := secret.HashToken(secret.NormalizeActivationCode(code))
	var (
		r       domain.Request
		refused bool
	)
	err := s.store.Update(ctx, func(tx store.Tx) error {
		refused = false
		var err error
		r, err = tx.RequestForUpdate(ctx, id)
		if errors.Is(err, domain.ErrNotFound) {
			refused = true
			return nil
		} else if err != nil {
			return err
		}
		target := fmt.Sprintf("request %d", r.ID)
		if !r.CheckActivation(hash, tx.Now()) {
			refused = true
			if r.Status != domain.StatusUnverified {
				return nil
			}
			if r.ActivationHash != "" {
				r.FailActivation()
				if err := tx.SaveActivation(ctx, &r); err != nil {
					return err
				}
			}
			return audit(ctx, tx, actor, ActionActivate, r.StructureID, target,
				map[string]any{"activated": false, "tries": r.ActivationTries, "voided": r.ActivationHash == ""})
		}
		if r, err = r.Verified(); err != nil {
			return err
		}
		if err := tx.SaveActivation(ctx, &r); err != nil {
			return err
		}
		if err := notifyActivated(ctx, tx, r); err != nil {
			return err
		}
		return audit(ctx, tx, actorOr(actor, r.UserID, r.RequesterEmail), ActionActivate, r.StructureID, target, map[string]any{"activated": true})
	})
	if err != nil {
		return domain.Request{}, err
	}
	if refused {
		return domain.Request{}, domain.Errorf(domain.ErrForbidden, "activation.refused")
	}
	return r, nil
}

// notifyActivated tells the requester their request is received and, for an account request,
// the deciders that it waits: what a request made without activation does at once.
func notifyActivated(ctx context.Context, tx store.Tx, r domain.Request) error {
	if r.Kind == domain.RequestStructure {
		return mailStructureRequestReceived(ctx, tx, r.RequesterEmail, r.Structure)
	}
	u, err := tx.UserByID(ctx, r.UserID)
	if err != nil {
		return err
	}
	st, err := tx.StructureByID(ctx, r.StructureID)
	if err != nil {
		return err
	}
	return notifyNewRequest(ctx, tx, r, u, st)
}

// ResendActivation mails a new code for each unverified request made from email, voiding the
// old one, at most once per address per 15 minutes. It answers the same whether or not the
// address has a request: nothing tells who asked for what.
func (s *Service) ResendActivation(ctx context.Context, actor domain.Actor, email string) error {
	if err := domain.Authorize(actor, domain.RequestActivate, domain.Subject{}); err != nil {
		return err
	}
	e, err := domain.NormalizeEmail(email)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		rs, err := tx.ListRequests(ctx, store.RequestQuery{RequesterEmail: e, Status: domain.StatusUnverified})
		if err != nil {
			return err
		}
		// One code mail per address per 15 minutes, whatever the number of its requests.
		for _, listed := range rs {
			if !listed.CanMailActivation(tx.Now()) {
				return nil
			}
		}
		for _, listed := range rs {
			if _, err := resendActivation(ctx, s, tx, actor, listed.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

// resendActivation voids the code of request id and queues a mail with a new one, unless a
// code mail was queued less than 15 minutes ago. It returns whether a mail was queued.
func resendActivation(ctx context.Context, s *Service, tx store.Tx, actor domain.Actor, id int64) (bool, error) {
	r, err := tx.RequestForUpdate(ctx, id)
	if err != nil {
		return false, err
	}
	if r.Status != domain.StatusUnverified || !r.CanMailActivation(tx.Now()) {
		return false, nil
	}
	settings, err := s.registration(ctx, tx)
	if err != nil {
		return false, err
	}
	if err := startActivation(ctx, tx, &r, settings); err != nil {
		return false, err
	}
	return true, audit(ctx, tx, actor, ActionActivationResend, r.StructureID, fmt.Sprintf("request %d", r.ID), map[string]any{"to": r.RequesterEmail})
}

// PurgeUnverified removes the unverified requests made more than olderThan ago, and their
// documents (gestionnaires); the accounts they carried, never activated, are refused. It
// returns how many requests it removed.
func (s *Service) PurgeUnverified(ctx context.Context, actor domain.Actor, olderThan time.Duration) (int, error) {
	if err := domain.Authorize(actor, domain.RequestPurge, domain.Subject{}); err != nil {
		return 0, err
	}
	if olderThan < 24*time.Hour {
		return 0, domain.Invalid("older-than", durationText(olderThan), "activation.purge_min")
	}
	n := 0
	err := s.store.Update(ctx, func(tx store.Tx) error {
		n = 0
		rs, err := tx.ListRequests(ctx, store.RequestQuery{Status: domain.StatusUnverified, CreatedBefore: tx.Now().Add(-olderThan)})
		if err != nil || len(rs) == 0 {
			return err
		}
		ids := make([]int64, len(rs))
		for i, r := range rs {
			ids[i] = r.ID
		}
		if err := tx.LockRequests(ctx, ids); err != nil {
			return err
		}
		if n, err = tx.DeleteRequests(ctx, ids); err != nil {
			return err
		}
		for _, r := range rs {
			if r.UserID == 0 || (r.Kind == domain.RequestStructure && !r.Account) || r.Kind != domain.RequestStructure && r.Kind != domain.RequestAccount {
				continue
			}
			if err := refuseEntityAccount(ctx, tx, r); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, ActionPurgeUnverified, 0, "", map[string]any{"requests": ids, "older_than": olderThan.String()})
	})
	return n, err
}

// durationText writes d as people type it for --older-than: "30d", "72h", else as Go does.
func durationText(d time.Duration) string {
	switch {
	case d > 0 && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return d.String()
}
