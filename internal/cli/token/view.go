package token

import (
	"strconv"
	"time"

	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
)

// Token statuses.
const (
	StatusActive  = "active"
	StatusExpired = "expired"
	StatusRevoked = "revoked"
)

// Token is the JSON shape of an API token. The token itself is never part of it, except in
// the answer to `token create` (Created).
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Scope      string     `json:"scope"` // "all" or "read"
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	Status     string     `json:"status"` // active, expired or revoked
}

// Created is the JSON shape printed by `token create -o json`: the token and its secret.
type Created struct {
	Token
	Secret string `json:"token"`
}

// FromToken converts a domain token, its status judged at now.
func FromToken(t domain.Token, now time.Time) Token {
	v := Token{
		ID: t.ID, Name: t.Name, Scope: scopeName(t.Scope), CreatedAt: t.CreatedAt.UTC(),
		ExpiresAt: utc(t.ExpiresAt), LastUsedAt: utc(t.LastUsedAt), RevokedAt: utc(t.RevokedAt),
		Status: StatusActive,
	}
	switch {
	case t.RevokedAt != nil:
		v.Status = StatusRevoked
	case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
		v.Status = StatusExpired
	}
	return v
}

// Tokens converts a list, never nil.
func Tokens(ts []domain.Token, now time.Time) []Token {
	out := make([]Token, len(ts))
	for i, t := range ts {
		out[i] = FromToken(t, now)
	}
	return out
}

func scopeName(scope string) string {
	if scope == "" {
		return "all"
	}
	return scope
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func cell(t *time.Time, none string) string {
	if t == nil {
		return i18n.Value(none)
	}
	return present.PeopleTime(*t)
}

// Columns is the table of tokens for people.
var Columns = []output.Column[Token]{
	{Header: "ID", Value: func(t Token) string { return strconv.FormatInt(t.ID, 10) }},
	{Header: "NAME", Value: func(t Token) string { return t.Name }},
	{Header: "SCOPE", Value: func(t Token) string { return i18n.Value(t.Scope) }},
	{Header: "CREATED", Value: func(t Token) string { return present.PeopleTime(t.CreatedAt) }},
	{Header: "EXPIRES", Value: func(t Token) string { return cell(t.ExpiresAt, "never") }},
	{Header: "LAST USED", Value: func(t Token) string { return cell(t.LastUsedAt, "never") }},
	{Header: "STATUS", Value: func(t Token) string { return i18n.Value(t.Status) }, Color: statusColor},
}

func statusColor(t Token) text.Colors {
	switch t.Status {
	case StatusActive:
		return text.Colors{text.FgGreen}
	case StatusExpired:
		return text.Colors{text.FgYellow}
	}
	return text.Colors{text.FgRed}
}

// Detail is the vertical view of one token.
var Detail = []output.Column[Token]{
	{Header: "ID", Value: func(t Token) string { return strconv.FormatInt(t.ID, 10) }},
	{Header: "Name", Value: func(t Token) string { return t.Name }},
	{Header: "Scope", Value: func(t Token) string { return i18n.Value(t.Scope) }},
	{Header: "Created", Value: func(t Token) string { return present.PeopleTime(t.CreatedAt) }},
	{Header: "Expires", Value: func(t Token) string { return cell(t.ExpiresAt, "never") }},
	{Header: "Last used", Value: func(t Token) string { return cell(t.LastUsedAt, "never") }},
	{Header: "Revoked", Value: func(t Token) string { return cell(t.RevokedAt, "no") }},
	{Header: "Status", Value: func(t Token) string { return i18n.Value(t.Status) }},
}
