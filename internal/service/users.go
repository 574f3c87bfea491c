package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/secret"
	"github.com/profil-cli/profil/internal/store"
)

// UserDetail is a user with their active memberships.
type UserDetail struct {
	User        domain.User
	Memberships []domain.Member
	// Case is the case file a trainee account claimed; nil when none.
	Case *domain.Case
	// FranceConnect is the identity linked to the account; nil when none.
	FranceConnect *domain.FranceConnectLink
	// PendingEmail is the new address of a trainee waiting for its code; "" when none.
	PendingEmail string
}

// User shows an account: to themself, to gestionnaires, and to the référent of one of the
// person's structures.
func (s *Service) User(ctx context.Context, actor domain.Actor, email string) (UserDetail, error) {
	if err := domain.RequireSignedIn(actor); err != nil {
		return UserDetail{}, err // "yourself" needs someone signed in
	}
	var d UserDetail
	err := s.store.View(ctx, func(tx store.Tx) error {
		u, err := userOrSelf(ctx, tx, actor, email)
		if err != nil {
			return err
		}
		ms, err := tx.ListMembers(ctx, store.MemberQuery{UserID: u.ID})
		if err != nil {
			return err
		}
		if err := canSeeUser(ctx, tx, actor, u, ms); err != nil {
			return err
		}
		d = UserDetail{User: u, Memberships: ms}
		return traineeDetail(ctx, tx, &d)
	})
	return d, err
}

func canSeeUser(ctx context.Context, tx store.Tx, actor domain.Actor, u domain.User, ms []domain.Member) error {
	subject := domain.Subject{TargetUser: u.ID}
	// Being the référent of one of the person's structures only adds a right: whoever may see
	// the account without it (themself, a gestionnaire) is not asked about each structure.
	if domain.Authorize(actor, domain.UserRead, subject) == nil {
		return nil
	}
	for _, m := range ms {
		role, err := roleOf(ctx, tx, actor, m.StructureID)
		if err != nil {
			return err
		}
		subject.RefOfTarget = subject.RefOfTarget || role.IsReferent(actor)
	}
	return domain.Authorize(actor, domain.UserRead, subject)
}

// UserUpdate holds the fields a person may change on their account; nil leaves a field as is.
type UserUpdate struct {
	Email, Phone, Function, LastName, FirstName *string
	// Password is the person's current password, which changing their own e-mail asks for
	// (but a trainee's, confirmed by a code mailed to the new address): the e-mail is the
	// login and where a forgotten password goes, so a stolen session alone must not be
	// enough to take the account for good.
	Password string `json:",omitempty"`
	// BirthDate (JJ/MM/AAAA or YYYY-MM-DD) is a trainee's, changed by gestionnaires.
	BirthDate *string
}

// UpdateUser changes an account: oneself (e-mail, phone, function) or anyone for a
// gestionnaire (names too).
func (s *Service) UpdateUser(ctx context.Context, actor domain.Actor, email string, in UserUpdate) (domain.User, error) {
	var (
		u       domain.User
		refusal error
	)
	err := s.store.Update(ctx, func(tx store.Tx) error {
		refusal = nil
		if err := domain.RequireSignedIn(actor); err != nil {
			return err // "yourself" needs someone signed in
		}
		var err error
		if u, err = userOrSelf(ctx, tx, actor, email); err != nil {
			return err
		}
		if err := domain.CanEditUser(actor, u.ID); err != nil {
			return err
		}
		// Locked, and read again: a password change running meanwhile is not overwritten.
		if u, err = tx.UserForUpdate(ctx, u.ID); err != nil {
			return err
		}
		before := u
		if in.Email != nil {
			e, err := domain.NormalizeEmail(*in.Email)
			if err != nil {
				return err
			}
			if e != u.Email {
				self := actor.UserID == u.ID
				if self && !u.Trainee {
					// Checked before anything is said of the new address. A password not
					// given is no try; a wrong one is, and a refusal commits only that try
					// (nothing of the account is changed yet).
					if in.Password == "" {
						return domain.Invalid("password", "", "user_update.password_missing")
					}
					if refusal, err = checkCurrentPassword(ctx, tx, actor, &u, in.Password, "email"); err != nil || refusal != nil {
						return err
					}
				}
				if _, err := tx.UserByEmail(ctx, e); err == nil {
					return domain.Errorf(domain.ErrConflict, "user.email_taken", e)
				}
				if self && u.Trainee {
					// A trainee's own new address is theirs once they give back the code
					// mailed to it.
					if err := askEmailChange(ctx, tx, actor, u, e); err != nil {
						return err
					}
					e = u.Email
				}
			}
			u.Email = e
		}
		if in.Phone != nil {
			if u.Phone, err = domain.NormalizePhone(*in.Phone); err != nil {
				return err
			}
		}
		for _, f := range []struct {
			field string
			value *string
			max   int
		}{{"function", in.Function, domain.MaxFunctionLength}, {"last-name", in.LastName, domain.MaxNameLength}, {"first-name", in.FirstName, domain.MaxNameLength}} {
			if f.value != nil {
				if err := domain.CheckText(f.field, *f.value); err != nil {
					return err
				}
				if err := domain.CheckLength(f.field, clean(*f.value), f.max); err != nil {
					return err
				}
			}
		}
		if in.Function != nil {
			u.Function = clean(*in.Function)
		}
		if in.LastName != nil || in.FirstName != nil || in.BirthDate != nil {
			if !actor.Manager {
				return domain.Errorf(domain.ErrForbidden, "user.name_managers_only")
			}
			_, err := tx.FranceConnectOf(ctx, u.ID)
			if err != nil && !errors.Is(err, domain.ErrNotFound) {
				return err
			}
			if err := domain.CheckIdentityFrozen(u, err == nil, true); err != nil {
				return err
			}
			if in.BirthDate != nil {
				if !u.Trainee {
					return domain.Invalid("birth-date", "", "user.birth_date_trainees")
				}
				if u.BirthDate, err = domain.ParseBirthDate("birth-date", *in.BirthDate, tx.Now()); err != nil {
					return err
				}
			}
			if in.LastName != nil {
				u.LastName = clean(*in.LastName)
			}
			if in.FirstName != nil {
				u.FirstName = clean(*in.FirstName)
			}
		}
		if err := tx.UpdateUser(ctx, &u); err != nil {
			return err
		}
		if u.Email != before.Email {
			if err := mailEmailChanged(ctx, tx, before.Email); err != nil {
				return err
			}
		}
		changes := map[string]any{}
		for k, pair := range map[string][2]string{"email": {before.Email, u.Email}, "phone": {before.Phone, u.Phone},
			"function": {before.Function, u.Function}, "last_name": {before.LastName, u.LastName}, "first_name": {before.FirstName, u.FirstName},
			"birth_date": {before.BirthDate, u.BirthDate}} {
			if pair[0] != pair[1] {
				changes[k] = pair
			}
		}
		return audit(ctx, tx, actor, "user.update", 0, before.Email, changes)
	})
	if err == nil && refusal != nil {
		return domain.User{}, refusal
	}
	return u, err
}

// ChangePassword sets the actor's own password after checking the old one (or the temporary
// one the session was opened with), and ends every other session of the account.
func (s *Service) ChangePassword(ctx context.Context, actor domain.Actor, old, new string) error {
	if err := domain.Authorize(actor, domain.UserPassword, domain.Subject{TargetUser: actor.UserID}); err != nil {
		return err
	}
	if err := secret.ValidatePasswordStrength(new); err != nil {
		return domain.Invalid("password", "", err.Error())
	}
	hash, err := secret.HashPassword(new)
	if err != nil {
		return err
	}
	// A wrong current password counts as a failed sign-in: a stolen session must not be a way
	// to guess the password without ever locking the account. The count is committed, and
	// the refusal returned after.
	var refusal error
	err = s.store.Update(ctx, func(tx store.Tx) error {
		refusal = nil
		u, err := tx.UserForUpdate(ctx, actor.UserID)
		if err != nil {
			return err
		}
		if refusal, err = checkCurrentPassword(ctx, tx, actor, &u, old, "passwd"); err != nil || refusal != nil {
			return err
		}
		wasTemporary := u.MustChangePassword
		u.PasswordHash, u.MustChangePassword, u.PasswordExpiresAt = hash, false, nil
		u.FailedLogins = 0
		if err := tx.UpdateUser(ctx, &u); err != nil {
			return err
		}
		ended, err := tx.RevokeTokensOf(ctx, u.ID, domain.TokenSession, actor.SessionID)
		if err != nil {
			return err
		}
		// The person hears of it, so that a change they did not make does not go unseen.
		if err := mailPasswordChanged(ctx, tx, u); err != nil {
			return err
		}
		return audit(ctx, tx, actor, ActionPasswordChange, 0, u.Email,
			map[string]any{"was_temporary": wasTemporary, "sessions_ended": ended})
	})
	if err != nil {
		return err
	}
	return refusal
}

// checkCurrentPassword checks the password a signed-in person typed to confirm a change of
// their own account (during names the change in the audit trail). A wrong one counts as a
// failed sign-in, written in tx (a stolen session must not be a way to guess the password
// without ever locking the account): the caller commits tx and returns refusal, having
// changed nothing else.
func checkCurrentPassword(ctx context.Context, tx store.Tx, actor domain.Actor, u *domain.User, password, during string) (refusal, err error) {
	now := tx.Now()
	if u.PasswordHash == "" || u.LockedAt(now) {
		return domain.Errorf(domain.ErrForbidden, "user.wrong_password"), nil
	}
	if ok, err := secret.VerifyPassword(u.PasswordHash, password); err == nil && ok {
		return nil, nil
	}
	refusal = domain.Errorf(domain.ErrForbidden, "user.wrong_password")
	details := map[string]any{"during": during}
	if u.RecordFailedSignIn(now) {
		details["locked_until"] = u.LockedUntil.UTC()
		if err := audit(ctx, tx, actor, ActionUserLocked, 0, u.Email,
			map[string]any{"until": u.LockedUntil.UTC(), "lock": u.LockCount}); err != nil {
			return nil, err
		}
		if err := mailAccountLocked(ctx, tx, *u); err != nil {
			return nil, err
		}
	}
	details["failed_in_a_row"] = u.FailedLogins
	if err := tx.UpdateUser(ctx, u); err != nil {
		return nil, err
	}
	return refusal, signInFailed(ctx, tx, u.Email, domain.SignInWrongPassword, details)
}

// ResetResult is what ResetPassword did.
type ResetResult struct {
	User          domain.User
	Mailed        bool // a temporary-password mail was queued (false: one still waits to be sent, or the account is not active)
	TokensRevoked int
}

// ResetPassword takes an account's password away (gestionnaires): it stops working at once,
// every session and API token of the account ends, and a temporary password will be mailed
// to the person, generated when the message is sent, so that nobody else ever reads it.
func (s *Service) ResetPassword(ctx context.Context, actor domain.Actor, email string) (ResetResult, error) {
	var res ResetResult
	if err := domain.Authorize(actor, domain.UserResetPassword, domain.Subject{}); err != nil {
		return res, err
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		res = ResetResult{}
		u, err := userOrSelf(ctx, tx, actor, email)
		if err != nil {
			return err
		}
		if u, err = tx.UserForUpdate(ctx, u.ID); err != nil {
			return err
		}
		u.PasswordHash, u.MustChangePassword, u.PasswordExpiresAt = "", true, nil
		u.Unlock() // the gestionnaire vouches for the person
		if u.Status == domain.UserActive {
			if res.Mailed, err = s.queueTemporaryPassword(ctx, tx, actor, &u, false); err != nil {
				return err
			}
		}
		if err := tx.UpdateUser(ctx, &u); err != nil {
			return err
		}
		if res.TokensRevoked, err = tx.RevokeTokensOf(ctx, u.ID, "", 0); err != nil {
			return err
		}
		res.User = u
		return audit(ctx, tx, actor, ActionPasswordReset, 0, u.Email,
			map[string]any{"mailed": res.Mailed, "tokens_revoked": res.TokensRevoked})
	})
	return res, err
}

// ListMembersOf lists active memberships: of one structure (its members and gestionnaires may),
// or of every structure (gestionnaires).
func (s *Service) ListMembersOf(ctx context.Context, actor domain.Actor, ref *domain.StructureRef, withoutProfiles bool) ([]domain.Member, error) {
	if ref != nil {
		out, _, err := s.Members(ctx, actor, *ref, withoutProfiles)
		return out, err
	}
	if err := domain.Authorize(actor, domain.UserList, domain.Subject{}); err != nil {
		return nil, err
	}
	var out []domain.Member
	err := s.store.View(ctx, func(tx store.Tx) error {
		cat, err := tx.Catalogue(ctx)
		if err != nil {
			return err
		}
		out, err = tx.ListMembers(ctx, store.MemberQuery{WithoutProfiles: withoutProfiles, IgnoreProfiles: cat.Automatic()})
		return err
	})
	return out, err
}

// RequestFilter is what `request list` asks for.
type RequestFilter struct {
	Query store.RequestQuery
	Mine  bool // the actor's own requests instead of those they may decide
}

// ListRequests shows each actor what they may decide (gestionnaires: everything; référents:
// the account and affiliation requests of their structures), or their own with Mine.
func (s *Service) ListRequests(ctx context.Context, actor domain.Actor, f RequestFilter) ([]domain.Request, error) {
	if err := domain.Authorize(actor, domain.RequestRead, domain.Subject{}); err != nil {
		return nil, err
	}
	q := f.Query
	switch {
	case f.Mine:
		q.UserID = actor.UserID
	case !actor.Manager && q.DecidedBy != actor.UserID:
		q.DecidableBy = actor.UserID
	}
	if !f.Mine && q.Status == "" {
		q.Verified = true // unverified requests are in nobody's queue
	}
	var out []domain.Request
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		out, err = tx.ListRequests(ctx, q)
		return err
	})
	return out, err
}

// Request shows one request to whoever may decide it or made it.
func (s *Service) Request(ctx context.Context, actor domain.Actor, id int64) (domain.Request, error) {
	if err := domain.Authorize(actor, domain.RequestRead, domain.Subject{}); err != nil {
		return domain.Request{}, err
	}
	var r domain.Request
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		if r, err = visibleRequest(ctx, tx, actor, id); err != nil {
			return err
		}
		r.Documents, err = tx.RequestDocuments(ctx, r.ID)
		return err
	})
	return r, err
}

// visibleRequest loads a request the actor may see: their own, or one they may decide.
func visibleRequest(ctx context.Context, tx store.Tx, actor domain.Actor, id int64) (domain.Request, error) {
	r, err := tx.RequestByID(ctx, id)
	if err != nil {
		return r, err
	}
	role := domain.StructureRole{}
	if r.StructureID != 0 && r.Kind != domain.RequestStructure && r.UserID != actor.UserID {
		if role, err = roleOf(ctx, tx, actor, r.StructureID); err != nil {
			return r, err
		}
	}
	if domain.MaySee(actor, r, role) {
		return r, nil
	}
	// Refused: the policy says who may.
	return r, domain.Authorize(actor, domain.RequestShow, domain.Subject{Role: role, Request: &r})
}

// Audit lists audit events: gestionnaires see everything, others their own actions.
func (s *Service) Audit(ctx context.Context, actor domain.Actor, q store.AuditQuery, actorEmail string, structure *domain.StructureRef) ([]domain.AuditEvent, error) {
	if err := domain.Authorize(actor, domain.AuditRead, domain.Subject{}); err != nil {
		return nil, err
	}
	var out []domain.AuditEvent
	err := s.store.View(ctx, func(tx store.Tx) error {
		if actorEmail != "" {
			u, err := userOrSelf(ctx, tx, actor, actorEmail)
			if err != nil {
				return err
			}
			q.ActorID = u.ID
		}
		if structure != nil {
			st, err := structureByRef(ctx, tx, *structure)
			if err != nil {
				return err
			}
			q.StructureID = st.ID
		}
		if !actor.Manager {
			if q.ActorID != 0 && q.ActorID != actor.UserID {
				return domain.Errorf(domain.ErrForbidden, "audit.decisions_of_others")
			}
			q.ActorID = actor.UserID
		}
		var err error
		out, err = tx.ListAudit(ctx, q)
		if err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		return nil
	})
	return out, err
}

// traineeDetail adds to d what the trainee portal holds on the account: its case, its
// FranceConnect identity, the new address waiting for its code.
func traineeDetail(ctx context.Context, tx store.Tx, d *UserDetail) error {
	c, err := tx.CaseOf(ctx, d.User.ID)
	switch {
	case err == nil:
		d.Case = &c
	case !errors.Is(err, domain.ErrNotFound):
		return err
	}
	l, err := tx.FranceConnectOf(ctx, d.User.ID)
	switch {
	case err == nil:
		d.FranceConnect = &l
	case !errors.Is(err, domain.ErrNotFound):
		return err
	}
	ch, err := tx.EmailChangeOf(ctx, d.User.ID)
	switch {
	case err == nil:
		d.PendingEmail = ch.NewEmail
	case !errors.Is(err, domain.ErrNotFound):
		return err
	}
	return nil
}
