package storetest

import (
	"context"
	"errors"
	"maps"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// RunSettings runs the conformance tests of portal settings against the stores newStore makes.
func RunSettings(t *testing.T, newStore NewStore) {
	t.Run("SettingsRoundTrip", func(t *testing.T) { testSettingsRoundTrip(t, newStore(t)) })
	t.Run("SettingsRollBack", func(t *testing.T) { testSettingsRollBack(t, newStore(t)) })
}

func readSettings(t *testing.T, st store.Store) map[string]string {
	t.Helper()
	var got map[string]string
	view(t, st, func(tx store.Tx) (err error) {
		got, err = tx.Settings(context.Background())
		return err
	})
	return got
}

func testSettingsRoundTrip(t *testing.T, st store.Store) {
	ctx := context.Background()
	if got := readSettings(t, st); len(got) != 0 {
		t.Fatalf("a new database has settings %v, want none (defaults apply)", got)
	}
	u := domain.User{Email: "gestion@example.fr", LastName: "Gestion", Status: domain.UserActive}
	update(t, st, func(tx store.Tx) error { return tx.CreateUser(ctx, &u) })
	update(t, st, func(tx store.Tx) error { return tx.SetSetting(ctx, "mail.language", "en", u.ID) })
	update(t, st, func(tx store.Tx) error { return tx.SetSetting(ctx, "other.key", "x", 0) })
	if got, want := readSettings(t, st), map[string]string{"mail.language": "en", "other.key": "x"}; !maps.Equal(got, want) {
		t.Fatalf("settings = %v, want %v", got, want)
	}
	// Read for a change: the same settings, inside a write transaction.
	update(t, st, func(tx store.Tx) error {
		got, err := tx.SettingsForUpdate(ctx)
		if err == nil && got["mail.language"] != "en" {
			t.Errorf("SettingsForUpdate = %v, want mail.language en", got)
		}
		return err
	})
	// Setting a key again replaces its value.
	update(t, st, func(tx store.Tx) error { return tx.SetSetting(ctx, "mail.language", "fr", u.ID) })
	if got := readSettings(t, st)["mail.language"]; got != "fr" {
		t.Fatalf("mail.language = %q after setting it again, want fr", got)
	}
}

func testSettingsRollBack(t *testing.T, st store.Store) {
	ctx := context.Background()
	boom := errors.New("boom")
	err := st.Update(ctx, func(tx store.Tx) error {
		if err := tx.SetSetting(ctx, "mail.language", "en", 0); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("update = %v, want boom", err)
	}
	if got := readSettings(t, st); len(got) != 0 {
		t.Fatalf("a failed transaction left settings %v", got)
	}
}
