package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/testdb"
)

// Usage errors are caught before any database is opened: exit 2, nothing on stdout, a message
// that says what was wrong, and no database file created as a side effect.
func TestExitCodeUsageErrors(t *testing.T) {
	env := clitest.NewEnv(t)
	db := filepath.Join(t.TempDir(), "never.db")
	env.DB = db
	tests := []struct {
		name    string
		args    []string
		wantMsg []string // each must appear in stderr
	}{
		{"unknown flag", []string{"structure", "list", "--bogus"}, []string{"unknown flag", "--bogus"}},
		{"unknown shorthand", []string{"structure", "list", "-Z"}, []string{"unknown shorthand", "-Z"}},
		{"unknown command", []string{"frobnicate"}, []string{"unknown command", "frobnicate", "--help"}},
		// A mistyped verb must fail like a mistyped command: a script running
		// `profil structure serach x` must not see success.
		{"unknown verb of structure", []string{"structure", "serach", "x"}, []string{"serach"}},
		{"unknown verb of db", []string{"db", "migarte"}, []string{"migarte"}},
		{"missing argument of show", []string{"structure", "show"}, []string{"missing", "SIRET, SIREN, id or name"}},
		{"missing query of search", []string{"structure", "search"}, []string{"missing", "search text"}},
		{"too many arguments", []string{"structure", "show", "1", "2"}, []string{"too many arguments"}},
		{"unexpected argument", []string{"whoami", "extra"}, []string{"unexpected argument", "extra"}},
		{"create without --name", []string{"structure", "create", "--siret", domain.MakeSIRET("18330001", "0001")}, []string{"--name"}},
		{"update without a field", []string{"structure", "update", "1"}, []string{"nothing to change"}},
		{"output xml", []string{"--output", "xml", "structure", "list"}, []string{"xml", "table, json, yaml, csv"}},
		{"output xml shorthand", []string{"-o", "xml", "whoami"}, []string{"xml"}},
		{"flag without value", []string{"structure", "list", "--department"}, []string{"needs an argument"}},
		{"negative limit", []string{"structure", "list", "--limit", "-1"}, []string{"--limit"}},
		{"login without --email and no terminal", []string{"login"}, []string{"--email"}},
		{"init --admin-name alone", []string{"init", "--admin-name", "Jeanne Durand"}, []string{"--admin-email"}},
		{"adhesion without --year", []string{"structure", "adhesion", "1"}, []string{"--year"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := clitest.Run(t, env, tt.args...).Want(t, cmdutil.ExitUsage)
			if r.Stdout != "" {
				t.Errorf("a usage error printed on stdout: %q", r.Stdout)
			}
			for _, m := range tt.wantMsg {
				if !strings.Contains(r.Stderr, m) {
					t.Errorf("stderr does not mention %q:\n%s", m, r.Stderr)
				}
			}
			if _, err := os.Stat(db); err == nil {
				t.Errorf("a usage error created the database %s", db)
			}
		})
	}
}

// Every documented exit code, through the real command tree, on every engine.
func TestExitCodes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		env := clitest.NewEnv(t)
		env.DB = dsn

		// A database nobody is signed in to: reading is refused with 4 and a way out (finding a
		// structure is public: see TestAnonymousStructureSearchShowsPublicFields).
		clitest.Must(t, env, "init")
		for _, args := range [][]string{
			{"user", "list"},
			{"request", "list"},
			{"whoami"},
			{"structure", "create", "--name", "Anonyme", "--address", "1 rue de la Paix"},
			// A bulk decision stopped before its first request: the error alone, no list of
			// every request as untouched.
			{"request", "approve", "1", "2", "3"},
			{"request", "reject", "1", "2", "--reason", "doublon", "-o", "json"},
		} {
			r := clitest.Run(t, env, args...).Want(t, cmdutil.ExitForbidden)
			if !strings.Contains(r.Stderr, "not signed in") || !strings.Contains(r.Stderr, "profil login") {
				t.Errorf("%v: the message should say you are not signed in and how to sign in:\n%s", args, r.Stderr)
			}
			if r.Stdout != "" {
				t.Errorf("%v: printed on stdout: %q", args, r.Stdout)
			}
		}

		clitest.SignIn(t, env)

		// Success: 0, and the structure comes back.
		siret := domain.MakeSIRET("19640001", "0026")
		r := clitest.Must(t, env, "-q", "structure", "create", "--name", "GRETA Sud Aquitaine", "--siret", siret,
			"--ape", "85.59A", "--address", "2 rue Lormand", "--postal-code", "64100", "--city", "Bayonne", "--kind", "training-org")
		id := strings.TrimSpace(r.Stdout)
		if id == "" {
			t.Fatalf("-q structure create printed no id:\n%s", r)
		}
		var shown map[string]any
		r = clitest.Must(t, env, "structure", "show", id, "-o", "json")
		if err := json.Unmarshal([]byte(r.Stdout), &shown); err != nil {
			t.Fatalf("show -o json: %v\n%s", err, r)
		}
		if shown["siret"] != siret || shown["department"] != "64" {
			t.Errorf("created structure reads back as %v", shown)
		}

		// Not found: 3, naming what was looked for (by id and by SIRET).
		r = clitest.Run(t, env, "structure", "show", "999").Want(t, cmdutil.ExitNotFound)
		if !strings.Contains(r.Stderr, "#999") || !strings.Contains(r.Stderr, "not found") {
			t.Errorf("not-found message should name structure #999:\n%s", r.Stderr)
		}
		unknown := domain.MakeSIRET("42831502", "0014")
		r = clitest.Run(t, env, "structure", "show", unknown).Want(t, cmdutil.ExitNotFound)
		if !strings.Contains(r.Stderr, unknown) || !strings.Contains(r.Stderr, "not found") {
			t.Errorf("not-found message should name SIRET %s:\n%s", unknown, r.Stderr)
		}
		clitest.Run(t, env, "structure", "update", "999", "--city", "Pau").Want(t, cmdutil.ExitNotFound)

		// Conflict: 5, naming the structure that already has the SIRET, even typed with spaces.
		spaced := siret[:3] + " " + siret[3:6] + " " + siret[6:9] + " " + siret[9:]
		r = clitest.Run(t, env, "structure", "create", "--name", "Doublon", "--siret", spaced,
			"--address", "1 rue du Double").Want(t, cmdutil.ExitConflict)
		if !strings.Contains(r.Stderr, "GRETA Sud Aquitaine") || !strings.Contains(r.Stderr, "#"+id) {
			t.Errorf("conflict message should name the existing structure #%s GRETA Sud Aquitaine:\n%s", id, r.Stderr)
		}

		// Invalid input: 6, naming the field.
		for _, tt := range []struct {
			name  string
			args  []string
			field []string // one of these must appear
		}{
			{"bad SIRET checksum", []string{"--name", "X", "--siret", "12345678901234"}, []string{"siret"}},
			{"SIRET too short", []string{"--name", "X", "--siret", "1234"}, []string{"siret"}},
			{"bad APE", []string{"--name", "X", "--siret", domain.MakeSIRET("77567891", "0021"), "--ape", "ZZ99"}, []string{"ape"}},
			{"bad postal code", []string{"--name", "X", "--siret", domain.MakeSIRET("77567891", "0021"), "--postal-code", "1234"}, []string{"postal_code", "postal-code"}},
			{"no SIRET, no address", []string{"--name", "Sans Adresse"}, []string{"address"}},
			{"empty name", []string{"--name", "  ", "--address", "1 rue"}, []string{"name"}},
			{"bad kind", []string{"--name", "X", "--address", "1 rue", "--kind", "bakery"}, []string{"kind"}},
		} {
			r := clitest.Run(t, env, append([]string{"structure", "create"}, tt.args...)...)
			if r.Code != cmdutil.ExitInvalid {
				t.Errorf("%s: want exit %d, got\n%s", tt.name, cmdutil.ExitInvalid, r)
				continue
			}
			named := false
			for _, f := range tt.field {
				named = named || strings.Contains(r.Stderr, f)
			}
			if !named {
				t.Errorf("%s: the message should name the field %v:\n%s", tt.name, tt.field, r.Stderr)
			}
		}
		// A structure reference that is neither an id, a SIRET, a SIREN nor a name is invalid
		// input too; a name no structure has is not found.
		clitest.Run(t, env, "structure", "show", "12-34").Want(t, cmdutil.ExitInvalid)
		clitest.Run(t, env, "structure", "show", "abc").Want(t, cmdutil.ExitNotFound)

		// Nothing of the failed commands was written.
		r = clitest.Must(t, env, "structure", "list", "-o", "json")
		var all []map[string]any
		if err := json.Unmarshal([]byte(r.Stdout), &all); err != nil {
			t.Fatalf("list -o json: %v\n%s", err, r)
		}
		if len(all) != 1 {
			t.Errorf("failed creates left structures behind: %d structures\n%s", len(all), r.Stdout)
		}
	})
}

// A wrong password and an unknown e-mail get the same answer (exit 4, same message), so the
// command does not tell which accounts exist.
func TestExitCodeLoginDoesNotRevealAccounts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		env := clitest.NewEnv(t)
		env.DB = dsn
		clitest.SignIn(t, env)

		login := func(email, password string) clitest.Result {
			e := env
			e.Stdin = password + "\n"
			return clitest.Run(t, e, "login", "--email", email, "--password-stdin")
		}
		wrongPassword := login(clitest.AdminEmail, "not the right password").Want(t, cmdutil.ExitForbidden)
		unknownEmail := login("personne@nulle-part.fr", "not the right password").Want(t, cmdutil.ExitForbidden)
		if wrongPassword.Stderr == "" {
			t.Fatal("a refused login printed nothing")
		}
		if wrongPassword.Stderr != unknownEmail.Stderr {
			t.Errorf("the answers differ, which tells whether the account exists:\nwrong password: %q\nunknown e-mail: %q",
				wrongPassword.Stderr, unknownEmail.Stderr)
		}
		for _, leak := range []string{"not found", "unknown user", "no such", "does not exist"} {
			if strings.Contains(strings.ToLower(unknownEmail.Stderr), leak) {
				t.Errorf("the unknown e-mail answer says %q: %s", leak, unknownEmail.Stderr)
			}
		}
		if strings.Contains(wrongPassword.Output(), "not the right password") {
			t.Error("the refused password was echoed")
		}
		// The right password still works afterwards.
		login(clitest.AdminEmail, clitest.AdminPassword).Want(t, cmdutil.ExitOK)
	})
}
