package service

import (
	"context"
	"errors"
	"strings"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/secret"
	"github.com/profil-cli/profil/internal/store"
)

// Token prefixes tell at a glance what a leaked string is.
const (
	SessionPrefix  = "prf_s"
	APITokenPrefix = "prf_t"
)

// BootstrapInput names the first gestionnaire.
type BootstrapInput struct {
	Email     string
	LastName  string
	FirstName string
	Password  string
}

// Bootstrap creates the first gestionnaire of an empty system. It refuses when one exists: from
// then on gestionnaires are made by gestionnaires.
func (s *Service) Bootstrap(ctx context.Context, in BootstrapInput) (domain.User, error) {
	email, err := domain.NormalizeEmail(in.Email)
	if err != nil {
		return domain.User{}, err
	}
	if err := domain.CheckNames("admin-name", in.FirstName, "admin-name", in.LastName); err != nil {
		return domain.User{}, err
	}
	if strings.TrimSpace(in.LastName) == "" && strings.TrimSpace(in.FirstName) == "" {
		return domain.User{}, domain.Invalid("admin-name", "", "field.required")
	}
	if err := secret.ValidatePasswordStrength(in.Password); err != nil {
		return domain.User{}, domain.Invalid("password", "", err.Error())
	}
	hash, err := secret.HashPassword(in.Password)
	if err != nil {
		return domain.User{}, err
	}
	u := domain.User{
		Email: email, LastName: strings.TrimSpace(in.LastName), FirstName: strings.TrimSpace(in.FirstName),
		Status: domain.UserActive, Manager: true, PasswordHash: hash,
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		// Two `profil init` at once: the second waits here, then sees the first's gestionnaire.
		if err := tx.LockName(ctx, "first gestionnaire"); err != nil {
			return err
		}
		n, err := tx.CountManagers(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return domain.Errorf(domain.ErrConflict, "auth.already_bootstrapped")
		}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		actor := domain.Actor{UserID: u.ID, Email: u.Email, Manager: true}
		return audit(ctx, tx, actor, domain.ActionUserCreate, 0, u.Email, map[string]any{"manager": true, "bootstrap": true})
	})
	return u, err
}

// accountCanSignIn explains why a known account may not act.
func accountCanSignIn(u domain.User) error {
	switch u.Status {
	case domain.UserActive:
		return nil
	case domain.UserPending:
		return domain.Errorf(domain.ErrForbidden, "auth.account_pending", u.Email)
	case domain.UserRefused:
		return domain.Errorf(domain.ErrForbidden, "auth.account_refused", u.Email)
	}
	return domain.Errorf(domain.ErrForbidden, "auth.account_disabled", u.Email)
}

// Authenticate turns a session or API token into the actor it stands for.
func (s *Service) Authenticate(ctx context.Context, token string) (domain.Actor, error) {
	var (
		t domain.Token
		u domain.User
		a domain.Actor
	)
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		t, err = tx.TokenByHash(ctx, secret.HashToken(strings.TrimSpace(token)))
		if errors.Is(err, domain.ErrNotFound) {
			return domain.Errorf(domain.ErrForbidden, "auth.unknown_token")
		}
		if err != nil {
			return err
		}
		if err := t.Usable(tx.Now()); err != nil {
			return err
		}
		u, err = tx.UserByID(ctx, t.UserID)
		if err != nil {
			return err
		}
		if err := accountCanSignIn(u); err != nil {
			return err
		}
		a = actorOf(u, t)
		return firstSignIn(ctx, tx, &a, u, t)
	})
	if err != nil {
		return domain.Anonymous, err
	}
	if t.Kind == domain.TokenAPI {
		s.touchToken(ctx, t.ID)
	}
	return a, nil
}

// Logout revokes the session token, and records the sign-out in the audit trail.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.store.Update(ctx, func(tx store.Tx) error {
		t, err := tx.TokenByHash(ctx, secret.HashToken(strings.TrimSpace(token)))
		if errors.Is(err, domain.ErrNotFound) {
			return nil // already gone: signing out twice is not an error
		}
		if err != nil || t.RevokedAt != nil {
			return err
		}
		if err := tx.RevokeToken(ctx, t.ID); errors.Is(err, domain.ErrNotFound) {
			return nil // revoked by a concurrent sign-out since it was read
		} else if err != nil {
			return err
		}
		u, err := tx.UserByID(ctx, t.UserID)
		if err != nil {
			return err
		}
		if t.Kind == domain.TokenAPI {
			// An API token given to logout (--token, PROFIL_TOKEN) ends as a revoked token.
			return audit(ctx, tx, actorOf(u, t), ActionTokenRevoke, 0, tokenTarget(t), map[string]any{"id": t.ID, "name": t.Name, "by": "logout"})
		}
		return audit(ctx, tx, actorOf(u, t), domain.ActionSessionEnd, 0, u.Email, map[string]any{"session": t.ID})
	})
}

// Me returns the signed-in user.
func (s *Service) Me(ctx context.Context, actor domain.Actor) (domain.User, error) {
	if err := domain.RequireSignedIn(actor); err != nil {
		return domain.User{}, err
	}
	var u domain.User
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		u, err = tx.UserByID(ctx, actor.UserID)
		return err
	})
	return u, err
}

func actorOf(u domain.User, t domain.Token) domain.Actor {
	a := domain.Actor{UserID: u.ID, Email: u.Email, Manager: u.Manager, MustChangePassword: u.MustChangePassword}
	switch t.Kind {
	case domain.TokenAPI:
		a.TokenID, a.TokenName, a.Scope = t.ID, t.Name, t.Scope
	case domain.TokenSession:
		a.SessionID = t.ID
	}
	return a
}

// tryUpdater is a store that can run a transaction without waiting for a lock (sqlstore.DB).
type tryUpdater interface {
	TryUpdate(ctx context.Context, fn func(store.Tx) error) error
}

// touchToken records the use of an API token, for "token list". It never fails nor delays the
// command: a database busy with another process's write, or read-only, skips it (the next use
// records it).
func (s *Service) touchToken(ctx context.Context, id int64) {
	touch := func(tx store.Tx) error { return tx.TouchToken(ctx, id) }
	if t, ok := s.store.(tryUpdater); ok {
		_ = t.TryUpdate(ctx, touch)
		return
	}
	_ = s.store.Update(ctx, touch)
}
