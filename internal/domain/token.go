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
	Hash       string `json:"-"` // of the secret; never sent by the server
	Scope      string
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Usable reports whether the token may act at now: not revoked, not expired.
func (t Token) Usable(now time.Time) error {
	if t.RevokedAt != nil {
		if t.Kind == TokenAPI {
			return Errorf(ErrForbidden, "token.revoked")
		}
		return Errorf(ErrForbidden, "session.revoked")
	}
	if t.ExpiresAt != nil && !now.Before(*t.ExpiresAt) {
		at := t.ExpiresAt.UTC() // written as people read a time, in their language
		if t.Kind == TokenAPI {
			return Errorf(ErrForbidden, "token.expired", at)
		}
		return Errorf(ErrForbidden, "session.expired", at)
	}
	return nil
}
