package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// RunTokens runs the conformance tests of session and API tokens against the stores newStore
// makes.
func RunTokens(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"TokenListByUserAndKind", testTokensListByUserAndKind},
		{"TokenListEmpty", testTokensListEmpty},
		{"TokenByID", testTokensByID},
		{"TokenRevokedStayListed", testTokensRevokedStayListed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t)
			tc.fn(t, st)
		})
	}
}

// tokenUsers creates n active users and returns them.
func tokenUsers(t *testing.T, st store.Store, emails ...string) []domain.User {
	t.Helper()
	users := make([]domain.User, len(emails))
	update(t, st, func(tx store.Tx) error {
		for i, e := range emails {
			users[i] = domain.User{Email: e, Status: domain.UserActive}
			if err := tx.CreateUser(context.Background(), &users[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return users
}

func createToken(t *testing.T, st store.Store, tok domain.Token) domain.Token {
	t.Helper()
	update(t, st, func(tx store.Tx) error { return tx.CreateToken(context.Background(), &tok) })
	return tok
}

func listTokens(t *testing.T, st store.Store, userID int64, kind domain.TokenKind) []domain.Token {
	t.Helper()
	var out []domain.Token
	view(t, st, func(tx store.Tx) error {
		var err error
		out, err = tx.ListTokens(context.Background(), userID, kind)
		return err
	})
	return out
}

func tokenNames(ts []domain.Token) []string {
	out := make([]string, len(ts))
	for i, tok := range ts {
		out[i] = tok.Name
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func testTokensListByUserAndKind(t *testing.T, st store.Store) {
	us := tokenUsers(t, st, "a@exemple.fr", "b@exemple.fr")
	a, b := us[0], us[1]
	exp := Clock.Add(90 * 24 * time.Hour)
	createToken(t, st, domain.Token{UserID: a.ID, Kind: domain.TokenSession, Hash: "h-session-a", ExpiresAt: &exp})
	cron := createToken(t, st, domain.Token{UserID: a.ID, Kind: domain.TokenAPI, Name: "cron", Hash: "h-cron", ExpiresAt: &exp})
	createToken(t, st, domain.Token{UserID: a.ID, Kind: domain.TokenAPI, Name: "export", Hash: "h-export", Scope: "read"})
	createToken(t, st, domain.Token{UserID: b.ID, Kind: domain.TokenAPI, Name: "other", Hash: "h-other"})

	got := listTokens(t, st, a.ID, domain.TokenAPI)
	if names := tokenNames(got); !equalStrings(names, []string{"cron", "export"}) {
		t.Fatalf("API tokens of a = %q, want [cron export] (oldest first, no session, not b's)", names)
	}
	first := got[0]
	if first.ID != cron.ID || first.UserID != a.ID || first.Kind != domain.TokenAPI || first.Hash != "h-cron" ||
		!first.CreatedAt.Equal(Clock.Truncate(time.Microsecond)) || first.ExpiresAt == nil ||
		!first.ExpiresAt.Equal(exp.Truncate(time.Microsecond)) || first.LastUsedAt != nil || first.RevokedAt != nil {
		t.Errorf("listed token = %+v", first)
	}
	if got[1].Scope != "read" || got[1].ExpiresAt != nil {
		t.Errorf("token without expiry, scope read = %+v", got[1])
	}
	if names := tokenNames(listTokens(t, st, a.ID, "")); !equalStrings(names, []string{"", "cron", "export"}) {
		t.Errorf("every token of a = %q, want the session then cron and export", names)
	}
	if s := listTokens(t, st, a.ID, domain.TokenSession); len(s) != 1 || s[0].Hash != "h-session-a" {
		t.Errorf("sessions of a = %+v", s)
	}
}

func testTokensListEmpty(t *testing.T, st store.Store) {
	us := tokenUsers(t, st, "a@exemple.fr")
	got := listTokens(t, st, us[0].ID, domain.TokenAPI)
	if got == nil || len(got) != 0 {
		t.Errorf("no tokens: got %#v, want an empty, non-nil list", got)
	}
	if got := listTokens(t, st, 999999, ""); len(got) != 0 {
		t.Errorf("unknown user: got %+v", got)
	}
}

func testTokensByID(t *testing.T, st store.Store) {
	ctx := context.Background()
	us := tokenUsers(t, st, "a@exemple.fr")
	tok := createToken(t, st, domain.Token{UserID: us[0].ID, Kind: domain.TokenAPI, Name: "cron", Hash: "h-cron", Scope: "read"})
	update(t, st, func(tx store.Tx) error { return tx.TouchToken(ctx, tok.ID) })
	view(t, st, func(tx store.Tx) error {
		got, err := tx.TokenByID(ctx, tok.ID)
		if err != nil {
			return err
		}
		if got.ID != tok.ID || got.UserID != us[0].ID || got.Name != "cron" || got.Scope != "read" || got.Hash != "h-cron" ||
			got.LastUsedAt == nil || !got.LastUsedAt.Equal(Clock.Truncate(time.Microsecond)) || got.RevokedAt != nil {
			t.Errorf("TokenByID = %+v", got)
		}
		if _, err := tx.TokenByID(ctx, tok.ID+1000); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("unknown id: err = %v, want ErrNotFound", err)
		}
		return nil
	})
}

func testTokensRevokedStayListed(t *testing.T, st store.Store) {
	ctx := context.Background()
	us := tokenUsers(t, st, "a@exemple.fr")
	tok := createToken(t, st, domain.Token{UserID: us[0].ID, Kind: domain.TokenAPI, Name: "cron", Hash: "h-cron"})
	update(t, st, func(tx store.Tx) error { return tx.RevokeToken(ctx, tok.ID) })
	got := listTokens(t, st, us[0].ID, domain.TokenAPI)
	if len(got) != 1 || got[0].RevokedAt == nil || !got[0].RevokedAt.Equal(Clock.Truncate(time.Microsecond)) {
		t.Errorf("revoked token in the list = %+v", got)
	}
	view(t, st, func(tx store.Tx) error {
		got, err := tx.TokenByID(ctx, tok.ID)
		if err == nil && got.RevokedAt == nil {
			t.Error("TokenByID: revoked token has no RevokedAt")
		}
		return err
	})
}
