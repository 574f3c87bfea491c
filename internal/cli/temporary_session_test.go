package cli_test

import (
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/secret"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/testdb"
)

// A gestionnaire signed in with a temporary password runs every command of the authorization
// matrix: each is refused (exit 4, nothing changed) but `user passwd`; whoami and logout run too.
func TestTemporarySessionOnlyChangesThePassword(t *testing.T) {
	matrixHashOnce.Do(func() {
		var err error
		if matrixHash, err = secret.HashPassword(matrixPassword); err != nil {
			t.Fatal(err)
		}
	})
	tree := leafCommands()
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newAuthzWorld(t, dsn, matrixHash)
		u := domain.User{Email: "temporaire@cap-metiers.fr", FirstName: "Tom", LastName: "Poraire", Status: domain.UserActive,
			Manager: true, PasswordHash: matrixHash, MustChangePassword: true}
		w.update(func(tx store.Tx) error {
			exp := tx.Now().Add(72 * time.Hour)
			u.PasswordExpiresAt = &exp
			return tx.CreateUser(w.ctx, &u)
		})
		w.passwords[u.ID] = matrixPassword
		a := &matrixActor{key: "temporary", title: "temporary password", user: u, token: w.session(u), now: clitest.FixedNow}

		env := w.env
		env.Now = a.now
		r := clitest.Run(t, env, "--token", a.token, "whoami").Want(t, cmdutil.ExitOK)
		if r.Stdout == "" {
			t.Errorf("whoami printed nothing:\n%s", r)
		}
		for _, row := range matrixRows() {
			if !tree[row.path] {
				continue
			}
			row.allow = matrixWho()
			if row.path == "user passwd" {
				row.allow = matrixWho(a.key)
			}
			t.Run(row.name, func(t *testing.T) { runCell(t, w, row, a) })
		}
		// The password changed, the same session now runs everything.
		clitest.Run(t, env, "--token", a.token, "user", "list").Want(t, cmdutil.ExitOK)
	})
}
