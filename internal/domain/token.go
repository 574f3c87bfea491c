package domain

import "time"

// TokenKind tells a sign-in session from an API token made for a script.
type TokenKind string

// Token kinds.
const (
	TokenSession TokenKind = "session"
	TokenAPI     TokenKind = "api"
)

// Token is a session or API token. Only the SHA-256 of the secret is kept.
type Token struct {
	ID         int64
	UserID     int64
	Kind       TokenKind
	Name       string
	Hash       string
	Scope      string
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Usable reports whether the token may act at now: not revoked, not expired.
func (t Token) Usable(now time.Time) error {
	if t.RevokedAt != nil {
		return Errorf(ErrForbidden, "this %s was revoked: sign in again", t.describe())
	}
	if t.ExpiresAt != nil && !now.Before(*t.ExpiresAt) {
		return Errorf(ErrForbidden, "this %s expired on %s: sign in again", t.describe(), t.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return nil
}

func (t Token) describe() string {
	if t.Kind == TokenAPI {
		return "API token"
	}
	return "session"
}
