package cli_test

import (
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/testdb"
)

// Signing in again on the same machine ends the session it replaces: no token stays valid that
// nothing keeps.
func TestLoginEndsTheSessionItReplaces(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	clitest.SignIn(t, env)
	creds, err := cmdutil.LoadCredentials()
	if err != nil {
		t.Fatal(err)
	}
	var old string
	for _, key := range []string{env.DB} {
		if s, ok := creds.Get(key); ok {
			old = s.Token
		}
	}
	if old == "" {
		t.Fatalf("no session kept after init in %s", creds.Path())
	}
	clitest.Must(t, env, "--token", old, "whoami")
	e := env
	e.Stdin = clitest.AdminPassword + "\n"
	clitest.Must(t, e, "login", "--email", clitest.AdminEmail, "--password-stdin")
	r := clitest.Run(t, env, "--token", old, "whoami").Want(t, cmdutil.ExitForbidden)
	if !strings.Contains(r.Stderr, "revoked") {
		t.Errorf("the replaced session:\n%s", r)
	}
	clitest.Must(t, env, "whoami")
}
