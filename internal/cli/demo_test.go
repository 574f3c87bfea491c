package cli_test

import (
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/testdb"
)

// The demo publishes its gestionnaire's password: on a PostgreSQL database it needs --force,
// and then prepares a fresh database as it does a SQLite file (no `db migrate` first).
func TestDemoOnPostgresNeedsForceThenMigrates(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.Postgres(t)
	for _, tt := range []struct{ lang, want string }{
		{"C", "is not a SQLite file: the demo creates a gestionnaire whose password is published; run `profil demo --force`"},
		{"fr_FR.UTF-8", "n'est pas un fichier SQLite : la démo crée un gestionnaire dont le mot de passe est publié ; lancez `profil demo --force`"},
	} {
		t.Setenv("LANG", tt.lang)
		r := clitest.Run(t, env, "demo").Want(t, cmdutil.ExitUsage)
		if !strings.Contains(r.Stderr, frenchSpaces.Replace(tt.want)) {
			t.Errorf("%s: want %q:\n%s", tt.lang, tt.want, r)
		}
	}
	t.Setenv("LANG", "C")
	if r := clitest.Run(t, env, "structure", "list"); r.Code == 0 || !strings.Contains(r.Stderr, "schema is behind") {
		t.Errorf("demo without --force touched the database:\n%s", r)
	}
	r := clitest.Must(t, env, "demo", "--force")
	if !strings.Contains(r.Stderr, "✓ demo database ready") || !strings.Contains(r.Stderr, "applied 00001") {
		t.Errorf("demo --force on a fresh PostgreSQL database:\n%s", r)
	}
	if r := clitest.Must(t, env, "request", "list", "-o", "json"); !strings.Contains(r.Stdout, "julien.petit@afpa-demo.fr") {
		t.Errorf("the demo data is not there:\n%s", r)
	}
	// Again: nothing changes, still signed in.
	if r := clitest.Must(t, env, "demo", "--force"); !strings.Contains(r.Stderr, "already there") {
		t.Errorf("second demo --force:\n%s", r)
	}
}

// A SQLite file needs no --force.
func TestDemoOnSQLiteNeedsNoForce(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	r := clitest.Must(t, env, "demo")
	if !strings.Contains(r.Stderr, `profil structure members "824 228 142 01072"`) {
		t.Errorf("the hint should quote a SIRET of the demo:\n%s", r)
	}
}

// --force never turns a shared database that holds other data into a demo.
func TestDemoForceRefusesADatabaseInUse(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.Postgres(t)
	clitest.SignIn(t, env)
	r := clitest.Run(t, env, "demo", "--force").Want(t, cmdutil.ExitConflict)
	if !strings.Contains(r.Stderr, "already holds other data") {
		t.Errorf("demo --force on a database in use:\n%s", r)
	}
	if r := clitest.Must(t, env, "structure", "list", "-o", "json"); strings.TrimSpace(r.Stdout) != "[]" {
		t.Errorf("demo --force wrote into a database in use:\n%s", r)
	}
}
