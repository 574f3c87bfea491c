package service_test

import (
	"errors"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
)

// A gestionnaire changing their own e-mail gives their password too: no password is asked
// again, not counted; a wrong one is counted and changes nothing; and before the password is
// checked nothing is said of the new address (whether it has an account).
func TestOwnEmailChangeNeedsThePassword(t *testing.T) {
	testEach(t, func(t *testing.T, e *env) {
		const password = "un mot de passe solide"
		ref, _ := e.register("Horizons Emploi", domain.KindTrainingOrg, 0)
		if _, _, err := e.svc.Register(e.ctx, domain.Anonymous, service.RegisterInput{Email: "paul@x.fr", LastName: "Leroy", FirstName: "Paul",
			Structure: ref}); err != nil {
			t.Fatal(err)
		}
		failed := func() int {
			t.Helper()
			d, err := e.svc.User(e.ctx, e.manager, "")
			if err != nil {
				t.Fatal(err)
			}
			return d.User.FailedLogins
		}
		for _, tc := range []struct {
			what     string
			password string
			to       string
			want     error
			counted  int // in all, so far
		}{
			{"no password", "", "camille@ailleurs.fr", domain.ErrInvalid, 0},
			{"no password, an address taken", "", "paul@x.fr", domain.ErrInvalid, 0},
			{"a wrong password, an address taken", "devine", "paul@x.fr", domain.ErrForbidden, 1},
		} {
			what := tc.what
			_, err := e.svc.UpdateUser(e.ctx, e.manager, "", service.UserUpdate{Email: &tc.to, Password: tc.password})
			if !errors.Is(err, tc.want) {
				t.Errorf("%s: %v, want %v", what, err, tc.want)
			}
			if n := failed(); n != tc.counted {
				t.Errorf("%s: %d failed sign-ins counted, want %d", what, n, tc.counted)
			}
		}
		to := "camille@ailleurs.fr"
		u, err := e.svc.UpdateUser(e.ctx, e.manager, "", service.UserUpdate{Email: &to, Password: password})
		if err != nil || u.Email != to {
			t.Fatalf("with the password: %+v, %v", u.Email, err)
		}
	})
}
