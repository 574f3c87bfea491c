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
	if err := domain.CheckText("admin-name", in.FirstName+" "+in.LastName); err != nil {
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

// errBadCredentials is the same for an unknown e-mail and a wrong password, so the answer does
// not tell which accounts exist.
func errBadCredentials() error { return domain.Errorf(domain.ErrForbidden, "auth.bad_credentials") }

// Login checks an e-mail and password and opens a session. It returns the session token, to be
// kept by the caller (only its hash is stored).
func (s *Service) Login(ctx context.Context, email, password string) (string, domain.User, error) {
	email, err := domain.NormalizeEmail(email)
	if err != nil {
		return "", domain.User{}, err
	}
	var u domain.User
	err = s.store.View(ctx, func(tx store.Tx) error {
		u, err = tx.UserByEmail(ctx, email)
		return err
	})
	if errors.Is(err, domain.ErrNotFound) {
		secret.DummyVerify(password)
		return "", domain.User{}, errBadCredentials()
	}
	if err != nil {
		return "", domain.User{}, err
	}
	if u.PasswordHash == "" {
		return "", domain.User{}, s.firstSignIn(ctx, u)
	}
	ok, err := secret.VerifyPassword(u.PasswordHash, password)
	if err != nil {
		return "", domain.User{}, fmt.Errorf("check password of %s: %w", u.Email, err)
	}
	if !ok {
		return "", domain.User{}, errBadCredentials()
	}
	if err := accountCanSignIn(u); err != nil {
		return "", domain.User{}, err
	}
	token, err := secret.NewToken(SessionPrefix)
	if err != nil {
		return "", domain.User{}, err
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		exp := tx.Now().Add(s.SessionTTL)
		t := domain.Token{UserID: u.ID, Kind: domain.TokenSession, Hash: secret.HashToken(token), ExpiresAt: &exp}
		if err := tx.CreateToken(ctx, &t); err != nil {
			return err
		}
		return audit(ctx, tx, actorOf(u, domain.Token{}), domain.ActionSessionCreate, 0, u.Email, nil)
	})
	if err != nil {
		return "", domain.User{}, err
	}
	return token, u, nil
}

// firstSignIn answers the first sign-in of an account that has no password yet (imported from
// a legacy base, or approved without one): a temporary password is mailed, as the guides say.
func (s *Service) firstSignIn(ctx context.Context, u domain.User) error {
	if err := accountCanSignIn(u); err != nil {
		return err
	}
	temp, err := secret.NewTemporaryPassword()
	if err != nil {
		return err
	}
	hash, err := secret.HashPassword(temp)
	if err != nil {
		return err
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		cur, err := tx.UserByID(ctx, u.ID)
		if err != nil {
			return err
		}
		if cur.PasswordHash != "" {
			return nil // a concurrent first sign-in already did it
		}
		cur.PasswordHash, cur.MustChangePassword = hash, true
		if err := tx.UpdateUser(ctx, &cur); err != nil {
			return err
		}
		if err := mailPasswordReset(ctx, tx, cur, temp); err != nil {
			return err
		}
		return audit(ctx, tx, actorOf(cur, domain.Token{}), "user.first-sign-in", 0, cur.Email, nil)
	})
	if err != nil {
		return err
	}
	return domain.Errorf(domain.ErrForbidden, "auth.temporary_sent", u.Email)
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
		return accountCanSignIn(u)
	})
	if err != nil {
		return domain.Anonymous, err
	}
	if t.Kind == domain.TokenAPI {
		s.touchToken(ctx, t.ID)
	}
	return actorOf(u, t), nil
}

// Logout revokes the session token.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.store.Update(ctx, func(tx store.Tx) error {
		t, err := tx.TokenByHash(ctx, secret.HashToken(strings.TrimSpace(token)))
		if errors.Is(err, domain.ErrNotFound) {
			return nil // already gone: signing out twice is not an error
		}
		if err != nil || t.RevokedAt != nil {
			return err
		}
		return tx.RevokeToken(ctx, t.ID)
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
	if t.Kind == domain.TokenAPI {
		a.TokenID, a.TokenName, a.Scope = t.ID, t.Name, t.Scope
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
