package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/secret"
	"github.com/profil-cli/profil/internal/store"
)

// API token scopes. ScopeAll acts with every right of the owner; ScopeRead only reads (the
// policy refuses every change to an actor whose Scope is ScopeRead).
const (
	ScopeAll  = ""
	ScopeRead = "read"
)

// Audit actions of API tokens.
const (
	ActionTokenCreate = "token.create"
	ActionTokenRevoke = "token.revoke"
)

// maxTokenNameLen bounds a token name, which is shown in every audit event the token makes.
const maxTokenNameLen = 64

// ParseTokenScope checks a scope as typed: empty or "all" for every right, "read" for
// read-only.
func ParseTokenScope(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "all":
		return ScopeAll, nil
	case ScopeRead:
		return ScopeRead, nil
	}
	return "", domain.Invalid("scope", s, "token.scope_invalid")
}

func validTokenName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", domain.Invalid("name", "", "token.name_required")
	case utf8.RuneCountInString(name) > maxTokenNameLen:
		return "", domain.Invalid("name", name, "token.name_too_long")
	case domain.HasControl(name):
		return "", domain.Invalid("name", "", "token.name_control")
	}
	return name, nil
}

// CreateAPIToken makes an API token for the signed-in user, for scripts and cron jobs. It
// returns the token, shown once: only its SHA-256 is stored. ttl 0 makes a token that never
// expires. Only a person signed in with a password may create one (never a token); the name
// must be unique among the user's tokens not revoked.
func (s *Service) CreateAPIToken(ctx context.Context, actor domain.Actor, name string, ttl time.Duration, scope string) (string, domain.Token, error) {
	if err := domain.Authorize(actor, domain.TokenManage, domain.Subject{}); err != nil {
		return "", domain.Token{}, err
	}
	name, err := validTokenName(name)
	if err != nil {
		return "", domain.Token{}, err
	}
	if ttl < 0 {
		return "", domain.Token{}, domain.Invalid("expires", ttl.String(), "token.ttl_negative")
	}
	if scope, err = ParseTokenScope(scope); err != nil {
		return "", domain.Token{}, err
	}
	token, err := secret.NewToken(APITokenPrefix)
	if err != nil {
		return "", domain.Token{}, err
	}
	t := domain.Token{UserID: actor.UserID, Kind: domain.TokenAPI, Name: name, Hash: secret.HashToken(token), Scope: scope}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		existing, err := tx.ListTokens(ctx, actor.UserID, domain.TokenAPI)
		if err != nil {
			return err
		}
		for _, e := range existing {
			if e.RevokedAt == nil && strings.EqualFold(e.Name, name) {
				return domain.Errorf(domain.ErrConflict, "token.name_taken", e.Name, e.ID, e.ID)
			}
		}
		if ttl > 0 {
			exp := tx.Now().Add(ttl)
			t.ExpiresAt = &exp
		}
		if err := tx.CreateToken(ctx, &t); err != nil {
			return err
		}
		details := map[string]any{"id": t.ID, "name": t.Name, "scope": scopeLabel(t.Scope), "expires_at": t.ExpiresAt}
		return audit(ctx, tx, actor, ActionTokenCreate, 0, tokenTarget(t), details)
	})
	if err != nil {
		return "", domain.Token{}, err
	}
	return token, t, nil
}

// ListTokens lists the API tokens of the signed-in user, oldest first, revoked and expired
// ones included.
func (s *Service) ListTokens(ctx context.Context, actor domain.Actor) ([]domain.Token, error) {
	if err := domain.RequireSignedIn(actor); err != nil {
		return nil, err
	}
	var out []domain.Token
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		out, err = tx.ListTokens(ctx, actor.UserID, domain.TokenAPI)
		return err
	})
	return out, err
}

// APIToken returns one API token the actor may revoke: their own, or anyone's for a
// gestionnaire.
func (s *Service) APIToken(ctx context.Context, actor domain.Actor, id int64) (domain.Token, error) {
	if err := domain.RequireSignedIn(actor); err != nil {
		return domain.Token{}, err
	}
	var t domain.Token
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		t, err = apiTokenFor(ctx, tx, actor, id)
		return err
	})
	return t, err
}

// RevokeAPIToken revokes an API token at once: the scripts that use it stop working. The
// owner or a gestionnaire may revoke it; revoking it twice is a conflict.
func (s *Service) RevokeAPIToken(ctx context.Context, actor domain.Actor, id int64) (domain.Token, error) {
	if err := domain.Authorize(actor, domain.TokenManage, domain.Subject{}); err != nil {
		return domain.Token{}, err
	}
	var t domain.Token
	err := s.store.Update(ctx, func(tx store.Tx) error {
		var err error
		if t, err = apiTokenFor(ctx, tx, actor, id); err != nil {
			return err
		}
		if t.RevokedAt != nil {
			return domain.Errorf(domain.ErrConflict, "token.already_revoked", t.ID, t.Name, t.RevokedAt.UTC())
		}
		if err := tx.RevokeToken(ctx, t.ID); err != nil {
			// Revoked by a concurrent revocation since it was read: the same conflict.
			if cur, rerr := tx.TokenByID(ctx, t.ID); errors.Is(err, domain.ErrNotFound) && rerr == nil && cur.RevokedAt != nil {
				return domain.Errorf(domain.ErrConflict, "token.already_revoked", cur.ID, cur.Name, cur.RevokedAt.UTC())
			}
			return err
		}
		now := tx.Now()
		t.RevokedAt = &now
		details := map[string]any{"id": t.ID, "name": t.Name}
		if t.UserID != actor.UserID {
			owner, err := tx.UserByID(ctx, t.UserID)
			if err != nil {
				return err
			}
			details["owner"] = owner.Email
		}
		return audit(ctx, tx, actor, ActionTokenRevoke, 0, tokenTarget(t), details)
	})
	if err != nil {
		return domain.Token{}, err
	}
	return t, nil
}

// apiTokenFor loads API token id and checks that actor may act on it. Sessions are not API
// tokens: their ids are unknown here.
func apiTokenFor(ctx context.Context, tx store.Tx, actor domain.Actor, id int64) (domain.Token, error) {
	t, err := tx.TokenByID(ctx, id)
	if errors.Is(err, domain.ErrNotFound) || (err == nil && t.Kind != domain.TokenAPI) {
		return domain.Token{}, domain.Errorf(domain.ErrNotFound, "token.not_found", id)
	}
	if err != nil {
		return domain.Token{}, err
	}
	if t.UserID != actor.UserID && !actor.Manager {
		return domain.Token{}, domain.Errorf(domain.ErrForbidden, "token.not_yours", id)
	}
	return t, nil
}

// tokenTarget names a token in the audit log: "token 7 (cron-export)".
func tokenTarget(t domain.Token) string {
	return fmt.Sprintf("token %d (%s)", t.ID, t.Name)
}

func scopeLabel(scope string) string {
	if scope == ScopeAll {
		return "all"
	}
	return scope
}
