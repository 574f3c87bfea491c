package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/secret"
	"github.com/profil-cli/profil/internal/store"
)

// Audit actions of signing in.
const (
	ActionSignInFailed    = "auth.sign-in-failed"
	ActionUserLocked      = "user.lock"
	ActionTemporaryQueued = "user.temporary-password-queued"
	ActionTemporaryIssued = "user.temporary-password-issued"
	ActionUserDisable     = "user.disable"
	ActionUserEnable      = "user.enable"
	ActionUserUnlock      = "user.unlock"
	ActionPasswordChange  = "user.password"
	ActionPasswordReset   = "user.reset-password"
	ActionMailListRead    = "mail.list"
)

// errSignInRefused is the one answer to every failed sign-in: unknown e-mail, wrong password,
// account locked, without a usable password, pending, refused or disabled. It tells nobody
// which accounts exist or what state they are in.
func errSignInRefused() error { return domain.Errorf(domain.ErrForbidden, "auth.sign_in_refused") }

// Login checks an e-mail and password and opens a session. It returns the session token, to be
// kept by the caller (only its hash is stored).
//
// Every attempt is recorded in its own transaction: a failure is audited (with the e-mail
// typed, never the password) and counted even though the sign-in fails; MaxFailedSignIns
// wrong passwords in a row lock the account. An active account without a usable password
// (imported, reset, or whose temporary password was used or expired) gets a temporary password
// by mail, at most one per domain.TemporaryMailInterval. Whatever went wrong, the answer is
// the same, except to someone who typed the right password of a pending, refused or disabled
// account.
func (s *Service) Login(ctx context.Context, email, password string) (string, domain.User, error) {
	email, err := domain.NormalizeEmail(email)
	if err != nil {
		// Audited too, without what was typed: it may be a password typed in the wrong field.
		if aerr := s.store.Update(ctx, func(tx store.Tx) error {
			return signInFailed(ctx, tx, "", domain.SignInInvalidEmail, nil)
		}); aerr != nil {
			return "", domain.User{}, aerr
		}
		return "", domain.User{}, err
	}
	var u domain.User
	err = s.store.View(ctx, func(tx store.Tx) error {
		u, err = tx.UserByEmail(ctx, email)
		return err
	})
	known := err == nil
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		return "", domain.User{}, err
	}
	// The password is checked outside any transaction (it takes a while), and always, so that
	// an unknown account answers as slowly as a known one.
	passwordOK := false
	if known && u.PasswordHash != "" {
		if passwordOK, err = secret.VerifyPassword(u.PasswordHash, password); err != nil {
			return "", domain.User{}, fmt.Errorf("check password of %s: %w", u.Email, err)
		}
	} else {
		secret.DummyVerify(password)
	}
	token, err := secret.NewToken(SessionPrefix)
	if err != nil {
		return "", domain.User{}, err
	}
	var refusal error
	err = s.store.Update(ctx, func(tx store.Tx) error {
		refusal = nil
		if !known {
			refusal = errSignInRefused()
			return signInFailed(ctx, tx, email, domain.SignInUnknown, nil)
		}
		cur, err := tx.UserForUpdate(ctx, u.ID)
		if errors.Is(err, domain.ErrNotFound) {
			refusal = errSignInRefused()
			return signInFailed(ctx, tx, email, domain.SignInUnknown, nil)
		} else if err != nil {
			return err
		}
		// The password checked is the one still stored: not one changed meanwhile.
		ok := passwordOK && cur.PasswordHash == u.PasswordHash
		now := tx.Now()
		outcome := domain.SignIn(cur, ok, now)
		details := map[string]any{}
		switch outcome {
		case domain.SignInOK:
			exp := now.Add(s.SessionTTL)
			// A session opened with a temporary password lasts no longer than the password.
			if cur.MustChangePassword && cur.PasswordExpiresAt != nil && cur.PasswordExpiresAt.Before(exp) {
				exp = *cur.PasswordExpiresAt
			}
			cur.RecordSignIn(now)
			if err := tx.UpdateUser(ctx, &cur); err != nil {
				return err
			}
			t := domain.Token{UserID: cur.ID, Kind: domain.TokenSession, Hash: secret.HashToken(token), ExpiresAt: &exp}
			if err := tx.CreateToken(ctx, &t); err != nil {
				return err
			}
			u = cur
			return audit(ctx, tx, actorOf(cur, t), domain.ActionSessionCreate, 0, cur.Email,
				map[string]any{"temporary_password": cur.MustChangePassword})
		case domain.SignInWrongPassword:
			refusal = errSignInRefused()
			if cur.RecordFailedSignIn(now) {
				details["locked_until"] = cur.LockedUntil.UTC()
				if err := audit(ctx, tx, domain.Anonymous, ActionUserLocked, 0, cur.Email,
					map[string]any{"until": cur.LockedUntil.UTC(), "lock": cur.LockCount}); err != nil {
					return err
				}
				// The person hears of it: the guesses may not be theirs.
				if cur.Status == domain.UserActive {
					if err := mailAccountLocked(ctx, tx, cur); err != nil {
						return err
					}
				}
			}
			details["failed_in_a_row"] = cur.FailedLogins
			if err := tx.UpdateUser(ctx, &cur); err != nil {
				return err
			}
		case domain.SignInNoPassword:
			refusal = errSignInRefused()
			if cur.Status == domain.UserActive {
				queued, err := s.queueTemporaryPassword(ctx, tx, domain.Anonymous, &cur, true)
				if err != nil {
					return err
				}
				details["temporary_password_mailed"] = queued
			}
		case domain.SignInInactive:
			refusal = accountCanSignIn(cur)
		default:
			refusal = errSignInRefused()
		}
		return signInFailed(ctx, tx, email, outcome, details)
	})
	if err != nil {
		return "", domain.User{}, err
	}
	if refusal != nil {
		return "", domain.User{}, refusal
	}
	return token, u, nil
}

// signInFailed audits a failed sign-in: the e-mail typed and why, never the password.
func signInFailed(ctx context.Context, tx store.Tx, email string, outcome domain.SignInOutcome, details map[string]any) error {
	if details == nil {
		details = map[string]any{}
	}
	details["reason"] = string(outcome)
	return audit(ctx, tx, domain.Anonymous, ActionSignInFailed, 0, email, details)
}

// queueTemporaryPassword queues the mail that will carry a temporary password for u, unless
// one is still waiting to be sent (it will carry the password), or, when asked from a sign-in
// attempt (limited), one was queued less than domain.TemporaryMailInterval ago; it reports
// whether it queued one. A gestionnaire's reset is not limited in time: it is audited, and a
// person may need it right after a mail. The message holds no secret: the password is
// generated when it is sent (DeliverMail). u is updated and saved.
func (s *Service) queueTemporaryPassword(ctx context.Context, tx store.Tx, actor domain.Actor, u *domain.User, limited bool) (bool, error) {
	now := tx.Now()
	if limited && !u.MayMailTemporaryPassword(now) {
		return false, nil
	}
	// One still waiting will carry the password: asked by the account, not by reading the
	// whole outbox, so that the answer takes as long whatever the outbox holds.
	waiting, err := tx.ListMail(ctx, store.MailQuery{PendingOnly: true, SecretFor: u.ID, Limit: 1})
	if err != nil {
		return false, err
	}
	if len(waiting) > 0 {
		return false, nil
	}
	u.TemporaryMailAt = &now
	if err := tx.UpdateUser(ctx, u); err != nil {
		return false, err
	}
	if err := mailTemporaryPassword(ctx, tx, *u, s.TemporaryPasswordTTL); err != nil {
		return false, err
	}
	return true, audit(ctx, tx, actor, ActionTemporaryQueued, 0, u.Email, nil)
}

// issueTemporaryPassword generates the temporary password a message m carries, stores its hash
// with its expiry on the account, ends every session and API token of the account, and
// returns the password, to be put in the body in memory only. It returns "" when the account
// is gone, no longer active, has a password its owner chose since, or is no longer at the
// address the message goes to: the message is then not sent.
func (s *Service) issueTemporaryPassword(ctx context.Context, actor domain.Actor, m domain.Mail) (string, error) {
	temp, err := secret.NewTemporaryPassword()
	if err != nil {
		return "", err
	}
	hash, err := secret.HashPassword(temp)
	if err != nil {
		return "", err
	}
	issued := false
	err = s.store.Update(ctx, func(tx store.Tx) error {
		issued = false
		u, err := tx.UserForUpdate(ctx, m.SecretFor)
		if errors.Is(err, domain.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		switch {
		case u.Status != domain.UserActive:
			return audit(ctx, tx, actor, ActionTemporaryIssued, 0, u.Email,
				map[string]any{"mail": m.ID, "issued": false, "status": string(u.Status)})
		case u.HasUsablePassword(tx.Now()) && !u.MustChangePassword:
			// The person has chosen a password since the message was queued (a sign-in
			// attempt by anyone queues one for an account in between): it stays theirs.
			return audit(ctx, tx, actor, ActionTemporaryIssued, 0, u.Email,
				map[string]any{"mail": m.ID, "issued": false, "password_chosen": true})
		case !strings.EqualFold(u.Email, m.To):
			// The address changed since the message was queued: the old one may be someone
			// else's now. The person gets a new message by signing in again.
			return audit(ctx, tx, actor, ActionTemporaryIssued, 0, u.Email,
				map[string]any{"mail": m.ID, "issued": false, "address_changed": true})
		}
		exp := tx.Now().Add(s.TemporaryPasswordTTL)
		u.PasswordHash, u.MustChangePassword, u.PasswordExpiresAt = hash, true, &exp
		if err := tx.UpdateUser(ctx, &u); err != nil {
			return err
		}
		n, err := tx.RevokeTokensOf(ctx, u.ID, "", 0)
		if err != nil {
			return err
		}
		issued = true
		return audit(ctx, tx, actor, ActionTemporaryIssued, 0, u.Email,
			map[string]any{"mail": m.ID, "issued": true, "expires_at": exp.UTC(), "tokens_revoked": n})
	})
	if err != nil || !issued {
		return "", err
	}
	return temp, nil
}

// userByEmailForAdmin loads the account a gestionnaire names, its row locked until the
// transaction ends.
func userByEmailForAdmin(ctx context.Context, tx store.Tx, email string) (domain.User, error) {
	e, err := domain.NormalizeEmail(email)
	if err != nil {
		return domain.User{}, err
	}
	u, err := tx.UserByEmail(ctx, e)
	if err != nil {
		return u, err
	}
	return tx.UserForUpdate(ctx, u.ID)
}

// DisableInput names the account to disable, why, and what happens to the référent role of the
// structures it holds it for.
type DisableInput struct {
	Email           string
	Reason          string
	NewReferent     string // e-mail of the member who takes over each structure
	LeaveNoReferent bool   // accept that those structures have no référent afterwards
}

// DisableResult is what DisableUser did.
type DisableResult struct {
	User           domain.User
	TokensRevoked  int
	ReferentHanded []domain.Structure // structures whose référent role the account held
}

// DisableUser closes an account (gestionnaires): it cannot sign in any more, and its sessions
// and API tokens end at once. A référent's structures get NewReferent, or none with
// LeaveNoReferent. Nobody disables their own account, nor the last active gestionnaire.
func (s *Service) DisableUser(ctx context.Context, actor domain.Actor, in DisableInput) (DisableResult, error) {
	var res DisableResult
	if err := domain.Authorize(actor, domain.UserDisable, domain.Subject{}); err != nil {
		return res, err
	}
	if err := domain.CheckReason("reason", in.Reason); err != nil {
		return res, err
	}
	reason := clean(in.Reason)
	err := s.store.Update(ctx, func(tx store.Tx) error {
		res = DisableResult{}
		u, err := userByEmailForAdmin(ctx, tx, in.Email)
		if err != nil {
			return err
		}
		managers, err := tx.CountManagers(ctx)
		if err != nil {
			return err
		}
		if err := domain.CanDisable(actor, u, managers); err != nil {
			return err
		}
		ms, err := tx.ListMembers(ctx, store.MemberQuery{UserID: u.ID})
		if err != nil {
			return err
		}
		var next domain.User
		if in.NewReferent != "" {
			if next, err = userByEmailForAdmin(ctx, tx, in.NewReferent); err != nil {
				return err
			}
			if next.ID == u.ID {
				return domain.Invalid("new-referent", in.NewReferent, "detach.new_referent_same")
			}
			if next.Status != domain.UserActive {
				return domain.Errorf(domain.ErrConflict, "referent.account_inactive", next.Email)
			}
		}
		for _, m := range ms {
			if !m.Referent {
				continue
			}
			st, err := tx.LockStructure(ctx, m.StructureID)
			if err != nil {
				return err
			}
			old, err := tx.ActiveMembership(ctx, u.ID, st.ID)
			if err != nil {
				return err
			}
			if !old.Referent {
				continue // handed over meanwhile
			}
			if next.ID == 0 && !in.LeaveNoReferent {
				return domain.Errorf(domain.ErrConflict, "disable.referent", u.Email, st.Name)
			}
			if err := tx.SetReferent(ctx, old.ID, false); err != nil {
				return err
			}
			details := map[string]any{"previous": u.Email}
			if next.ID != 0 {
				nm, err := tx.ActiveMembership(ctx, next.ID, st.ID)
				if errors.Is(err, domain.ErrNotFound) {
					return domain.Errorf(domain.ErrConflict, "referent.not_member", next.Email, st.Name)
				} else if err != nil {
					return err
				}
				if err := tx.SetReferent(ctx, nm.ID, true); err != nil {
					return err
				}
				st.ReferentEmail = next.Email
				if err := mailReferentReceived(ctx, tx, next, st); err != nil {
					return err
				}
				if err := audit(ctx, tx, actor, "referent.set", st.ID, next.Email, details); err != nil {
					return err
				}
			} else {
				st.ReferentEmail = ""
				details["referent_left"] = true
				if err := audit(ctx, tx, actor, "referent.unset", st.ID, u.Email, details); err != nil {
					return err
				}
			}
			res.ReferentHanded = append(res.ReferentHanded, st)
		}
		if next.ID != 0 && len(res.ReferentHanded) == 0 {
			return domain.Invalid("new-referent", in.NewReferent, "disable.new_referent_unneeded", u.Email)
		}
		u.Status = domain.UserDisabled
		if err := tx.UpdateUser(ctx, &u); err != nil {
			return err
		}
		if res.TokensRevoked, err = tx.RevokeTokensOf(ctx, u.ID, "", 0); err != nil {
			return err
		}
		res.User = u
		return audit(ctx, tx, actor, ActionUserDisable, 0, u.Email,
			map[string]any{"reason": reason, "tokens_revoked": res.TokensRevoked})
	})
	return res, err
}

// EnableUser opens a disabled account again (gestionnaires). Its old sessions and API tokens
// stay ended; its password is the one it had.
func (s *Service) EnableUser(ctx context.Context, actor domain.Actor, email string) (domain.User, error) {
	var u domain.User
	if err := domain.Authorize(actor, domain.UserEnable, domain.Subject{}); err != nil {
		return u, err
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		var err error
		if u, err = userByEmailForAdmin(ctx, tx, email); err != nil {
			return err
		}
		if u.ErasedAt != nil {
			return domain.Errorf(domain.ErrConflict, "enable.erased", u.Email)
		}
		if u.Status != domain.UserDisabled {
			return domain.Errorf(domain.ErrConflict, "enable.not_disabled", u.Email, string(u.Status))
		}
		u.Status = domain.UserActive
		u.Unlock()
		if err := tx.UpdateUser(ctx, &u); err != nil {
			return err
		}
		return audit(ctx, tx, actor, ActionUserEnable, 0, u.Email, nil)
	})
	return u, err
}

// UnlockUser lifts the lock that failed sign-ins put on an account (gestionnaires). It reports
// whether the account was locked; unlocking an account that is not changes nothing.
func (s *Service) UnlockUser(ctx context.Context, actor domain.Actor, email string) (domain.User, bool, error) {
	var (
		u       domain.User
		changed bool
	)
	if err := domain.Authorize(actor, domain.UserUnlock, domain.Subject{}); err != nil {
		return u, false, err
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		var err error
		if u, err = userByEmailForAdmin(ctx, tx, email); err != nil {
			return err
		}
		wasLocked := u.LockedAt(tx.Now())
		changed = wasLocked || u.FailedLogins > 0 || u.LockCount > 0
		if !changed {
			return nil
		}
		details := map[string]any{"was_locked": wasLocked, "failed_in_a_row": u.FailedLogins}
		u.Unlock()
		if err := tx.UpdateUser(ctx, &u); err != nil {
			return err
		}
		return audit(ctx, tx, actor, ActionUserUnlock, 0, u.Email, details)
	})
	return u, changed, err
}
