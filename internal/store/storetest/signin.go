package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// RunSignIn runs the conformance tests of what signing in keeps: the lockout and temporary
// password columns of an account, the revocation of all of an account's tokens, and the
// messages whose temporary password is made when they are sent.
func RunSignIn(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"UserSignInColumns", testUserSignInColumns},
		{"RevokeTokensOf", testRevokeTokensOf},
		{"MailSecretFor", testMailSecretFor},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t)
			tc.fn(t, st)
		})
	}
}

func readUser(t *testing.T, st store.Store, id int64) domain.User {
	t.Helper()
	var u domain.User
	view(t, st, func(tx store.Tx) error {
		var err error
		u, err = tx.UserByID(context.Background(), id)
		return err
	})
	return u
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func testUserSignInColumns(t *testing.T, st store.Store) {
	ctx := context.Background()
	locked, login := Clock.Add(15*time.Minute), Clock.Add(-time.Hour)
	expires, mailed := Clock.Add(72*time.Hour), Clock.Add(-time.Minute)
	u := domain.User{Email: "lucie.moreau@horizons.example", Status: domain.UserActive, PasswordHash: "$argon2id$x",
		MustChangePassword: true, FailedLogins: 3, LockCount: 2, LockedUntil: &locked, LastLoginAt: &login,
		PasswordExpiresAt: &expires, TemporaryMailAt: &mailed}
	update(t, st, func(tx store.Tx) error { return tx.CreateUser(ctx, &u) })
	got := readUser(t, st, u.ID)
	if got.FailedLogins != 3 || got.LockCount != 2 || !sameTime(got.LockedUntil, &locked) || !sameTime(got.LastLoginAt, &login) ||
		!sameTime(got.PasswordExpiresAt, &expires) || !sameTime(got.TemporaryMailAt, &mailed) {
		t.Fatalf("created %+v, read back %+v", u, got)
	}
	got.FailedLogins, got.LockCount, got.LockedUntil, got.PasswordExpiresAt, got.TemporaryMailAt = 0, 0, nil, nil, nil
	update(t, st, func(tx store.Tx) error { return tx.UpdateUser(ctx, &got) })
	again := readUser(t, st, u.ID)
	if again.FailedLogins != 0 || again.LockCount != 0 || again.LockedUntil != nil || again.PasswordExpiresAt != nil ||
		again.TemporaryMailAt != nil || !sameTime(again.LastLoginAt, &login) {
		t.Fatalf("after clearing: %+v", again)
	}
	// An account created without them has none, and a fresh count.
	fresh := domain.User{Email: "paul.leroy@horizons.example", Status: domain.UserActive}
	update(t, st, func(tx store.Tx) error { return tx.CreateUser(ctx, &fresh) })
	if f := readUser(t, st, fresh.ID); f.LockedUntil != nil || f.LastLoginAt != nil || f.FailedLogins != 0 {
		t.Fatalf("a new account: %+v", f)
	}
}

func testRevokeTokensOf(t *testing.T, st store.Store) {
	ctx := context.Background()
	us := tokenUsers(t, st, "lucie.moreau@horizons.example", "paul.leroy@horizons.example")
	s1 := createToken(t, st, domain.Token{UserID: us[0].ID, Kind: domain.TokenSession, Hash: "h-s1"})
	s2 := createToken(t, st, domain.Token{UserID: us[0].ID, Kind: domain.TokenSession, Hash: "h-s2"})
	api := createToken(t, st, domain.Token{UserID: us[0].ID, Kind: domain.TokenAPI, Name: "cron", Hash: "h-api"})
	other := createToken(t, st, domain.Token{UserID: us[1].ID, Kind: domain.TokenSession, Hash: "h-other"})
	revoked := func() map[int64]bool {
		out := map[int64]bool{}
		view(t, st, func(tx store.Tx) error {
			for _, id := range []int64{s1.ID, s2.ID, api.ID, other.ID} {
				tok, err := tx.TokenByID(ctx, id)
				if err != nil {
					return err
				}
				out[id] = tok.RevokedAt != nil
			}
			return nil
		})
		return out
	}
	var n int
	update(t, st, func(tx store.Tx) (err error) {
		n, err = tx.RevokeTokensOf(ctx, us[0].ID, domain.TokenSession, s1.ID)
		return err
	})
	if r := revoked(); n != 1 || r[s1.ID] || !r[s2.ID] || r[api.ID] || r[other.ID] {
		t.Fatalf("sessions but s1: revoked %d, %v", n, r)
	}
	update(t, st, func(tx store.Tx) (err error) {
		n, err = tx.RevokeTokensOf(ctx, us[0].ID, "", 0)
		return err
	})
	if r := revoked(); n != 2 || !r[s1.ID] || !r[api.ID] || r[other.ID] {
		t.Fatalf("every token: revoked %d, %v", n, r)
	}
}

func testMailSecretFor(t *testing.T, st store.Store) {
	ctx := context.Background()
	us := tokenUsers(t, st, "lucie.moreau@horizons.example")
	m := domain.Mail{To: us[0].Email, Subject: "Votre mot de passe", Body: "mot de passe : " + domain.TemporaryPasswordPlaceholder, SecretFor: us[0].ID}
	plain := domain.Mail{To: us[0].Email, Subject: "Bienvenue", Body: "bonjour"}
	update(t, st, func(tx store.Tx) error {
		if err := tx.EnqueueMail(ctx, &m); err != nil {
			return err
		}
		return tx.EnqueueMail(ctx, &plain)
	})
	// The messages that will carry an account's temporary password, asked by the account.
	for _, q := range []struct {
		query store.MailQuery
		want  int
	}{
		{store.MailQuery{PendingOnly: true, SecretFor: us[0].ID}, 1},
		{store.MailQuery{PendingOnly: true, SecretFor: us[0].ID, Limit: 1}, 1},
		{store.MailQuery{SecretFor: us[0].ID + 1000}, 0},
	} {
		var got []domain.Mail
		view(t, st, func(tx store.Tx) (err error) {
			got, err = tx.ListMail(ctx, q.query)
			return err
		})
		if len(got) != q.want || (q.want == 1 && got[0].ID != m.ID) {
			t.Errorf("ListMail(%+v) = %+v, want %d message(s)", q.query, got, q.want)
		}
	}
	var claimed []domain.Mail
	update(t, st, func(tx store.Tx) (err error) {
		claimed, err = tx.ClaimMail(ctx, 10, Clock.Add(time.Minute))
		return err
	})
	if len(claimed) != 2 || claimed[0].SecretFor != us[0].ID || !claimed[0].Sensitive || claimed[1].SecretFor != 0 || claimed[1].Sensitive {
		t.Fatalf("claimed %+v", claimed)
	}
	update(t, st, func(tx store.Tx) error { return tx.MarkMailSent(ctx, m.ID, wipedBody) })
	var all []domain.Mail
	view(t, st, func(tx store.Tx) (err error) {
		all, err = tx.ListMail(ctx, store.MailQuery{})
		return err
	})
	if len(all) != 2 || all[0].Body != wipedBody || all[0].SecretFor != us[0].ID {
		t.Fatalf("after delivery: %+v", all)
	}
}
