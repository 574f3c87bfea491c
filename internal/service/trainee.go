package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/secret"
	"github.com/profil-cli/profil/internal/store"
)

// firstSignIn sets on a the first-sign-in steps the account has yet to take: a trainee's
// secret question, and, for a sign-in session, the current terms of use.
func firstSignIn(ctx context.Context, tx store.Tx, a *domain.Actor, u domain.User, t domain.Token) error {
	if u.Trainee {
		_, err := tx.SecretQuestion(ctx, u.ID)
		switch {
		case errors.Is(err, domain.ErrNotFound):
			a.NeedsSecretQuestion = true
		case err != nil:
			return err
		}
	}
	if t.Kind != domain.TokenSession {
		return nil // API tokens keep working after a new version of the terms
	}
	cur, err := tx.CurrentTerms(ctx)
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	ok, err := tx.TermsAccepted(ctx, u.ID, cur.Version)
	if err != nil {
		return err
	}
	if !ok {
		a.TermsPending = cur.Version
	}
	return nil
}

// SetSecretQuestion sets the secret question of the actor's own trainee account, and the
// answer, of which only the argon2id hash of its folded form is kept. Staff accounts have
// none: a forgotten password gets them a temporary one by mail.
func (s *Service) SetSecretQuestion(ctx context.Context, actor domain.Actor, question, answer string) error {
	if err := domain.Authorize(actor, domain.SecretSet, domain.Subject{TargetUser: actor.UserID}); err != nil {
		return err
	}
	q, a, err := domain.CheckSecretQuestion(question, answer)
	if err != nil {
		return err
	}
	hash, err := secret.HashPassword(a)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		u, err := tx.UserForUpdate(ctx, actor.UserID)
		if err != nil {
			return err
		}
		if !u.Trainee {
			return domain.Errorf(domain.ErrForbidden, "secret.trainees_only")
		}
		_, err = tx.SecretQuestion(ctx, u.ID)
		replaced := err == nil
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			return err
		}
		if err := tx.SetSecretQuestion(ctx, &domain.SecretQuestion{UserID: u.ID, Question: q, AnswerHash: hash}); err != nil {
			return err
		}
		return audit(ctx, tx, actor, ActionSecretSet, 0, u.Email, map[string]any{"replaced": replaced})
	})
}

// decoyQuestions are asked for an address that has no secret question (unknown, staff, or
// not set yet), chosen by the address, so that the question shown tells nothing.
var decoyQuestions = []string{"secret.decoy_1", "secret.decoy_2", "secret.decoy_3", "secret.decoy_4"}

// SecretQuestionOf returns the question to ask for a forgotten password of email (anyone):
// the account's own, or, for an address without one, a question that reads like one. It
// reads nothing else and writes nothing.
func (s *Service) SecretQuestionOf(ctx context.Context, actor domain.Actor, email string) (string, error) {
	if err := domain.Authorize(actor, domain.PasswordForgot, domain.Subject{}); err != nil {
		return "", err
	}
	e, err := domain.NormalizeEmail(email)
	if err != nil {
		return "", err
	}
	question := ""
	err = s.store.View(ctx, func(tx store.Tx) error {
		u, err := tx.UserByEmail(ctx, e)
		if errors.Is(err, domain.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		q, err := tx.SecretQuestion(ctx, u.ID)
		if err == nil && u.Trainee && u.Status == domain.UserActive {
			question = q.Question
			return nil
		}
		if errors.Is(err, domain.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil || question != "" {
		return question, err
	}
	sum := sha256.Sum256([]byte(e))
	return i18n.T(decoyQuestions[int(sum[0])%len(decoyQuestions)]), nil
}

// ForgotInput is a forgotten-password attempt: the address, the answer to its secret
// question, and the new password.
type ForgotInput struct {
	Email    string `json:"email"`
	Answer   string `json:"answer"`
	Password string `json:"password"`
}

// ForgotPassword resets a forgotten password with the secret question (anyone). The right
// answer sets the new password, ends every session and API token of the account and tells the
// person by mail. A wrong answer, an unknown address, an account without a secret question or
// not active all read the same (exit 4); MaxResetFailures of them in a row lock resets for the
// address for ResetLockFor. A staff account (no secret question) gets a temporary password by
// mail instead, under the usual rules, and the same answer. Every attempt is audited, with the
// address typed, never the answer or the password.
func (s *Service) ForgotPassword(ctx context.Context, actor domain.Actor, in ForgotInput) error {
	if err := domain.Authorize(actor, domain.PasswordForgot, domain.Subject{}); err != nil {
		return err
	}
	email, err := domain.NormalizeEmail(in.Email)
	if err != nil {
		return err
	}
	if err := secret.ValidatePasswordStrength(in.Password); err != nil {
		return domain.Invalid("password", "", err.Error())
	}
	hash, err := secret.HashPassword(in.Password)
	if err != nil {
		return err
	}
	var (
		u     domain.User
		q     domain.SecretQuestion
		known bool
		hasQ  bool
	)
	err = s.store.View(ctx, func(tx store.Tx) error {
		var err error
		u, err = tx.UserByEmail(ctx, email)
		if errors.Is(err, domain.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		known = true
		q, err = tx.SecretQuestion(ctx, u.ID)
		hasQ = err == nil
		if errors.Is(err, domain.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	// Checked outside any transaction, and always, so that every address answers as slowly.
	answerOK := false
	if hasQ {
		if answerOK, err = secret.VerifyPassword(q.AnswerHash, domain.FoldAnswer(in.Answer)); err != nil {
			return err
		}
	} else {
		secret.DummyVerify(in.Answer)
	}
	var refusal error
	err = s.store.Update(ctx, func(tx store.Tx) error {
		refusal = errForgotRefused()
		lock, err := tx.ResetLock(ctx, email)
		if err != nil {
			return err
		}
		now := tx.Now()
		details := map[string]any{}
		if lock.LockedAt(now) {
			refusal = domain.Errorf(domain.ErrForbidden, "forgot.locked", int(domain.ResetLockFor.Minutes()))
			details["outcome"] = "locked"
			return audit(ctx, tx, domain.Anonymous, ActionForgotPassword, 0, email, details)
		}
		var cur domain.User
		if known {
			if cur, err = tx.UserForUpdate(ctx, u.ID); errors.Is(err, domain.ErrNotFound) {
				known = false
			} else if err != nil {
				return err
			}
		}
		outcome := "unknown_account"
		switch {
		case !known:
		case cur.Status != domain.UserActive:
			outcome = "account_not_active"
		case !cur.Trainee:
			outcome = "staff_temporary_password"
			queued := false
			if cur.MayMailTemporaryPassword(tx.Now()) {
				// The password they forgot must give way to the one mailed: it still signs in
				// until then, to change it only. Choosing one before the mail goes keeps it.
				cur.MustChangePassword = true
				if queued, err = s.queueTemporaryPassword(ctx, tx, domain.Anonymous, &cur, true); err != nil {
					return err
				}
			}
			details["temporary_password_mailed"] = queued
		case !hasQ:
			outcome = "no_secret_question"
		case !answerOK:
			outcome = "wrong_answer"
		default:
			now, err := tx.SecretQuestion(ctx, cur.ID)
			if err != nil || now.AnswerHash != q.AnswerHash {
				outcome = "wrong_answer" // the question changed meanwhile: the answer checked is not it
				break
			}
			outcome = "reset"
		}
		details["outcome"] = outcome
		if outcome == "reset" {
			refusal = nil
			cur.PasswordHash, cur.MustChangePassword, cur.PasswordExpiresAt = hash, false, nil
			cur.Unlock()
			if err := tx.UpdateUser(ctx, &cur); err != nil {
				return err
			}
			n, err := tx.RevokeTokensOf(ctx, cur.ID, "", 0)
			if err != nil {
				return err
			}
			details["tokens_revoked"] = n
			if err := tx.DeleteResetLock(ctx, email); err != nil {
				return err
			}
			if err := mailPasswordChanged(ctx, tx, cur); err != nil {
				return err
			}
			return audit(ctx, tx, actorOrSelf(domain.Anonymous, cur), ActionForgotPassword, 0, email, details)
		}
		if lock.RecordFailure(now) {
			details["locked_until"] = lock.LockedUntil.UTC()
			refusal = domain.Errorf(domain.ErrForbidden, "forgot.locked", int(domain.ResetLockFor.Minutes()))
		}
		details["failed_in_a_row"] = lock.Failed
		if err := tx.SaveResetLock(ctx, &lock); err != nil {
			return err
		}
		return audit(ctx, tx, domain.Anonymous, ActionForgotPassword, 0, email, details)
	})
	if err != nil {
		return err
	}
	return refusal
}

func errForgotRefused() error { return domain.Errorf(domain.ErrForbidden, "forgot.refused") }

// PublishTerms publishes a new version of the terms of use (gestionnaires). It becomes the
// current one at once: every sign-in session of a person who has not accepted it is refused
// until they do (API tokens keep working). A version is never changed once published.
func (s *Service) PublishTerms(ctx context.Context, actor domain.Actor, version, body string) (domain.TermsVersion, error) {
	var v domain.TermsVersion
	if err := domain.Authorize(actor, domain.TermsPublish, domain.Subject{}); err != nil {
		return v, err
	}
	name, err := domain.CheckTermsVersion(version)
	if err != nil {
		return v, err
	}
	body = strings.ReplaceAll(body, "\r\n", "\n")
	if err := domain.CheckTermsBody(body); err != nil {
		return v, err
	}
	sum := sha256.Sum256([]byte(body))
	err = s.store.Update(ctx, func(tx store.Tx) error {
		v = domain.TermsVersion{Version: name, Body: body, SHA256: hex.EncodeToString(sum[:]), PublishedBy: actor.UserID}
		if err := tx.PublishTerms(ctx, &v); err != nil {
			return err
		}
		return audit(ctx, tx, actor, ActionTermsPublish, 0, name, map[string]any{"sha256": v.SHA256, "bytes": len(body)})
	})
	return v, err
}

// Terms returns a version of the terms of use (anyone: they are read before registering), the
// current one when version is "".
func (s *Service) Terms(ctx context.Context, actor domain.Actor, version string) (domain.TermsVersion, error) {
	var v domain.TermsVersion
	if err := domain.Authorize(actor, domain.TermsRead, domain.Subject{}); err != nil {
		return v, err
	}
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		v, err = termsVersion(ctx, tx, version)
		return err
	})
	return v, err
}

func termsVersion(ctx context.Context, tx store.Tx, version string) (domain.TermsVersion, error) {
	if strings.TrimSpace(version) == "" {
		return tx.CurrentTerms(ctx)
	}
	name, err := domain.CheckTermsVersion(version)
	if err != nil {
		return domain.TermsVersion{}, err
	}
	return tx.TermsByVersion(ctx, name)
}

// TermsAccepted is what `terms accept` did.
type TermsAccepted struct {
	Version string `json:"version"`
	Already bool   `json:"already"` // accepted before: nothing changed
}

// AcceptTerms records that the actor accepts a version of the terms (the current one when
// version is ""). Accepting a version accepted already changes nothing.
func (s *Service) AcceptTerms(ctx context.Context, actor domain.Actor, version string) (TermsAccepted, error) {
	var res TermsAccepted
	if err := domain.Authorize(actor, domain.TermsAccept, domain.Subject{TargetUser: actor.UserID}); err != nil {
		return res, err
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		v, err := termsVersion(ctx, tx, version)
		if err != nil {
			return err
		}
		added, err := tx.AcceptTerms(ctx, actor.UserID, v.Version)
		if err != nil {
			return err
		}
		res = TermsAccepted{Version: v.Version, Already: !added}
		if !added {
			return nil
		}
		return audit(ctx, tx, actor, ActionTermsAccept, 0, v.Version, map[string]any{"sha256": v.SHA256})
	})
	return res, err
}

// TermsPerson is one active account in `terms status`.
type TermsPerson struct {
	Email      string     `json:"email"`
	Name       string     `json:"name"`
	Trainee    bool       `json:"trainee"`
	Accepted   bool       `json:"accepted"` // the current version
	Last       string     `json:"last_version"`
	AcceptedAt *time.Time `json:"accepted_at"`
}

// TermsReport is who accepted which version.
type TermsReport struct {
	Current  string                `json:"current"`
	Versions []domain.TermsVersion `json:"-"`
	People   []TermsPerson         `json:"people"`
	Accepted int                   `json:"accepted"`
	Pending  int                   `json:"pending"`
}

// TermsStatus says, for every active account, whether its person accepted the current terms
// and which version they accepted last (gestionnaires). The owners of API tokens who never
// signed in since are listed as not having accepted: their tokens keep working.
func (s *Service) TermsStatus(ctx context.Context, actor domain.Actor) (TermsReport, error) {
	var r TermsReport
	if err := domain.Authorize(actor, domain.TermsStatus, domain.Subject{}); err != nil {
		return r, err
	}
	err := s.store.View(ctx, func(tx store.Tx) error {
		r = TermsReport{People: []TermsPerson{}}
		var err error
		if r.Versions, err = tx.ListTerms(ctx); err != nil {
			return err
		}
		if n := len(r.Versions); n > 0 {
			r.Current = r.Versions[n-1].Version
		}
		order := map[string]int{}
		for i, v := range r.Versions {
			order[v.Version] = i
		}
		acc, err := tx.TermsAcceptances(ctx, 0)
		if err != nil {
			return err
		}
		type last struct {
			version string
			at      time.Time
			current bool
		}
		lasts := map[int64]last{}
		for _, a := range acc {
			l, ok := lasts[a.UserID]
			if !ok || order[a.Version] > order[l.version] {
				l.version, l.at = a.Version, a.AcceptedAt
			}
			l.current = l.current || a.Version == r.Current
			lasts[a.UserID] = l
		}
		users, err := tx.ListUsers(ctx, store.UserQuery{Status: domain.UserActive})
		if err != nil {
			return err
		}
		for _, u := range users {
			l, ok := lasts[u.ID]
			p := TermsPerson{Email: u.Email, Name: u.FullName(), Trainee: u.Trainee, Accepted: r.Current != "" && l.current, Last: l.version}
			if ok {
				at := l.at
				p.AcceptedAt = &at
			}
			if p.Accepted {
				r.Accepted++
			} else {
				r.Pending++
			}
			r.People = append(r.People, p)
		}
		return nil
	})
	return r, err
}

// TraineeFilter is what `trainee list` keeps.
type TraineeFilter struct {
	WithoutCase  bool `json:"without_case"`
	TermsPending bool `json:"terms_pending"` // not accepted the current terms
}

// Trainees lists the trainee accounts (gestionnaires).
func (s *Service) Trainees(ctx context.Context, actor domain.Actor, f TraineeFilter) ([]domain.Trainee, error) {
	if err := domain.Authorize(actor, domain.TraineeList, domain.Subject{}); err != nil {
		return nil, err
	}
	var out []domain.Trainee
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		out, err = traineesOf(ctx, tx, f)
		return err
	})
	return out, err
}

// traineesOf reads the trainee accounts that f keeps, by last name, first name and id.
func traineesOf(ctx context.Context, tx store.Tx, f TraineeFilter) ([]domain.Trainee, error) {
	all, err := tx.ListTrainees(ctx)
	if err != nil {
		return nil, err
	}
	current := ""
	if cur, err := tx.CurrentTerms(ctx); err == nil {
		current = cur.Version
	} else if !errors.Is(err, domain.ErrNotFound) {
		return nil, err
	}
	out := all[:0]
	for _, t := range all {
		if f.WithoutCase && t.CaseNumber != "" {
			continue
		}
		if f.TermsPending && (current == "" || t.Terms == current) {
			continue
		}
		out = append(out, t)
	}
	return out, nil
}

// LinkFranceConnect links a FranceConnect identity (issuer and sub) to an account: a
// gestionnaire's doing, or the person's for their own. A pair belongs to one account, and an
// account has one (exit 5); nothing is ever linked by e-mail. Linking the same pair again
// changes nothing. Once linked, the names and birth date are FranceConnect's: read-only.
func (s *Service) LinkFranceConnect(ctx context.Context, actor domain.Actor, email, issuer, sub string) (domain.FranceConnectLink, bool, error) {
	var (
		l       domain.FranceConnectLink
		changed bool
	)
	if err := domain.RequireSignedIn(actor); err != nil {
		return l, false, err
	}
	iss, sb, err := domain.CheckFranceConnect(issuer, sub)
	if err != nil {
		return l, false, err
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		changed = false
		u, err := userOrSelf(ctx, tx, actor, email)
		if err != nil {
			return err
		}
		if err := domain.Authorize(actor, domain.FranceConnectManage, domain.Subject{TargetUser: u.ID}); err != nil {
			return err
		}
		if u, err = tx.UserForUpdate(ctx, u.ID); err != nil {
			return err
		}
		if other, err := tx.FranceConnectBySub(ctx, iss, sb); err == nil {
			if other.UserID == u.ID {
				l = other
				return nil
			}
			return domain.Errorf(domain.ErrConflict, "franceconnect.taken")
		} else if !errors.Is(err, domain.ErrNotFound) {
			return err
		}
		if _, err := tx.FranceConnectOf(ctx, u.ID); err == nil {
			return domain.Errorf(domain.ErrConflict, "franceconnect.linked_other", u.Email, u.Email)
		} else if !errors.Is(err, domain.ErrNotFound) {
			return err
		}
		l = domain.FranceConnectLink{UserID: u.ID, Issuer: iss, Sub: sb}
		if err := tx.LinkFranceConnect(ctx, &l); err != nil {
			return err
		}
		changed = true
		return audit(ctx, tx, actor, ActionFranceConnect, 0, u.Email, map[string]any{"issuer": iss, "sub": sb})
	})
	return l, changed, err
}

// UnlinkFranceConnect removes the FranceConnect identity of an account (a gestionnaire, or the
// person); it reports false when there was none.
func (s *Service) UnlinkFranceConnect(ctx context.Context, actor domain.Actor, email string) (bool, error) {
	if err := domain.RequireSignedIn(actor); err != nil {
		return false, err
	}
	removed := false
	err := s.store.Update(ctx, func(tx store.Tx) error {
		u, err := userOrSelf(ctx, tx, actor, email)
		if err != nil {
			return err
		}
		if err := domain.Authorize(actor, domain.FranceConnectManage, domain.Subject{TargetUser: u.ID}); err != nil {
			return err
		}
		l, err := tx.FranceConnectOf(ctx, u.ID)
		if errors.Is(err, domain.ErrNotFound) {
			removed = false
			return nil
		} else if err != nil {
			return err
		}
		if removed, err = tx.UnlinkFranceConnect(ctx, u.ID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, ActionFranceConnectOff, 0, u.Email, map[string]any{"issuer": l.Issuer, "sub": l.Sub})
	})
	return removed, err
}

// askEmailChange records a trainee's new address, waiting for the code mailed to it: the
// address changes once `user confirm-email` gives the code back.
func askEmailChange(ctx context.Context, tx store.Tx, actor domain.Actor, u domain.User, email string) error {
	c := domain.EmailChange{UserID: u.ID, NewEmail: email}
	if err := tx.SaveEmailChange(ctx, &c); err != nil {
		return err
	}
	err := withMailer(ctx, tx, func(m *mailer) error {
		return tx.EnqueueMail(ctx, &domain.Mail{To: email, Subject: i18n.In(m.lang, "mail.email_change.subject"), Sensitive: true,
			EmailChangeFor: u.ID, Body: m.body([]string{m.greeting(u), "",
				i18n.In(m.lang, "mail.email_change.body", domain.EmailChangeCodePlaceholder, int(domain.EmailChangeTTL.Hours())), "",
				"    profil user confirm-email --code " + domain.EmailChangeCodePlaceholder, "",
				i18n.In(m.lang, "mail.email_change.ignore")})})
	})
	if err != nil {
		return err
	}
	return audit(ctx, tx, actor, ActionEmailChangeAsked, 0, u.Email, map[string]any{"new_email": email})
}

// issueEmailChangeCode makes the code a message carries when it is sent: only its hash is
// kept, with its end. It returns "" when no change waits for that address any more.
func (s *Service) issueEmailChangeCode(ctx context.Context, actor domain.Actor, m domain.Mail) (string, error) {
	return s.issueCode(ctx, func(tx store.Tx, hash string) (bool, error) {
		c, err := tx.EmailChangeOf(ctx, m.EmailChangeFor)
		if errors.Is(err, domain.ErrNotFound) {
			return false, nil
		} else if err != nil {
			return false, err
		}
		if !strings.EqualFold(c.NewEmail, m.To) {
			return false, nil
		}
		exp := tx.Now().Add(domain.EmailChangeTTL)
		c.CodeHash, c.ExpiresAt, c.Tries = hash, &exp, 0
		if err := tx.SaveEmailChange(ctx, &c); err != nil {
			return false, err
		}
		return true, audit(ctx, tx, actor, ActionEmailChangeCode, 0, c.NewEmail, map[string]any{"mail": m.ID, "expires_at": exp.UTC()})
	})
}

// ConfirmEmail changes the actor's address to the new one waiting, given the code mailed to
// it. Any failure reads the same (exit 4); MaxEmailChangeTries wrong codes void the change.
func (s *Service) ConfirmEmail(ctx context.Context, actor domain.Actor, code string) (domain.User, error) {
	var u domain.User
	if err := domain.Authorize(actor, domain.EmailConfirm, domain.Subject{TargetUser: actor.UserID}); err != nil {
		return u, err
	}
	hash := secret.HashToken(secret.NormalizeActivationCode(code))
	refused := false
	err := s.store.Update(ctx, func(tx store.Tx) error {
		refused = false
		var err error
		if u, err = tx.UserForUpdate(ctx, actor.UserID); err != nil {
			return err
		}
		c, err := tx.EmailChangeOf(ctx, u.ID)
		if errors.Is(err, domain.ErrNotFound) {
			refused = true
			return nil
		} else if err != nil {
			return err
		}
		if !c.Check(hash, tx.Now()) {
			refused = true
			if c.CodeHash == "" {
				return nil
			}
			c.Tries++
			if c.Tries >= domain.MaxEmailChangeTries {
				c.CodeHash, c.ExpiresAt = "", nil
			}
			if err := tx.SaveEmailChange(ctx, &c); err != nil {
				return err
			}
			return audit(ctx, tx, actor, ActionEmailConfirm, 0, u.Email, map[string]any{"confirmed": false, "tries": c.Tries})
		}
		if other, err := tx.UserByEmail(ctx, c.NewEmail); err == nil && other.ID != u.ID {
			return domain.Errorf(domain.ErrConflict, "user.email_taken", c.NewEmail)
		} else if err != nil && !errors.Is(err, domain.ErrNotFound) {
			return err
		}
		old := u.Email
		u.Email = c.NewEmail
		if err := tx.UpdateUser(ctx, &u); err != nil {
			return err
		}
		if err := tx.DeleteEmailChange(ctx, u.ID); err != nil {
			return err
		}
		if err := mailEmailChanged(ctx, tx, old); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "user.update", 0, old, map[string]any{"email": [2]string{old, u.Email}, "confirmed": true})
	})
	if err != nil {
		return domain.User{}, err
	}
	if refused {
		return domain.User{}, domain.Errorf(domain.ErrForbidden, "email_change.refused")
	}
	return u, nil
}
