package cli_test

import (
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/testdb"
)

const dbPassword = "S3cretPassw0rd"

// commandsThatOpenTheDB are run against every unreachable database below.
var commandsThatOpenTheDB = [][]string{
	{"structure", "list"},
	{"db", "status"},
	{"db", "migrate"},
	{"db", "check"},
	{"init"},
	{"whoami"},
}

func assertNoPassword(t *testing.T, r clitest.Result, secrets ...string) {
	t.Helper()
	for _, s := range append(secrets, dbPassword) {
		if strings.Contains(r.Stdout, s) || strings.Contains(r.Stderr, s) {
			t.Errorf("the database password (%q) was printed:\n%s", s, r)
		}
	}
}

// A database that cannot be reached fails every command that needs it, and the message says
// which database (host, user) without its password, whether the DSN came from --db, PROFIL_DB
// or the configuration file.
func TestDSNPasswordNeverPrintedOnFailure(t *testing.T) {
	targets := []struct {
		name, dsn string
		mention   string // what the message should say to help
	}{
		{"nothing listens", "postgres://profil:" + dbPassword + "@127.0.0.1:1/nodb?sslmode=disable", "127.0.0.1"},
		{"password in the query", "postgres://profil@127.0.0.1:1/nodb?sslmode=disable&password=" + dbPassword, "127.0.0.1"},
		{"unknown role on the real server", "postgres://nobody:" + dbPassword + "@127.0.0.1:5432/postgres?sslmode=disable", "nobody"},
	}
	pgUp := len(testdb.Engines(t)) > 1
	for _, tg := range targets {
		if strings.Contains(tg.dsn, ":5432/") && !pgUp {
			t.Logf("%s: no PostgreSQL server, skipped", tg.name)
			continue
		}
		t.Run(tg.name, func(t *testing.T) {
			for _, source := range []string{"flag", "env", "config"} {
				t.Run(source, func(t *testing.T) {
					env := clitest.NewEnv(t)
					switch source {
					case "flag":
						env.DB = tg.dsn
					case "env":
						t.Setenv("PROFIL_DB", tg.dsn)
					case "config":
						env.WriteConfig(t, "db: '"+tg.dsn+"'\n")
					}
					for _, args := range commandsThatOpenTheDB {
						r := clitest.Run(t, env, args...)
						if r.Code == cmdutil.ExitOK {
							t.Errorf("succeeded against an unreachable database:\n%s", r)
						}
						assertNoPassword(t, r)
						if !strings.Contains(r.Stderr, tg.mention) {
							t.Errorf("the message does not say which database failed (%q):\n%s", tg.mention, r)
						}
					}
					// login reads the password from stdin: neither password is echoed.
					e := env
					e.Stdin = "the user password 123\n"
					r := clitest.Run(t, e, "login", "--email", "jeanne@example.org", "--password-stdin")
					if r.Code == cmdutil.ExitOK {
						t.Errorf("login succeeded against an unreachable database:\n%s", r)
					}
					assertNoPassword(t, r, "the user password 123")
					if _, err := os.Stat(env.CredentialsFile()); err == nil {
						b, _ := os.ReadFile(env.CredentialsFile())
						if strings.Contains(string(b), dbPassword) {
							t.Errorf("credentials file holds the database password:\n%s", b)
						}
					}
				})
			}
		})
	}
}

// A --db value profil cannot parse is refused as a usage error, without quoting the password
// the user typed.
func TestDSNPasswordNotQuotedInParseErrors(t *testing.T) {
	env := clitest.NewEnv(t)
	for _, dsn := range []string{
		"postgres://profil:" + dbPassword + "@[::1/profil",
		"postgres://profil:" + dbPassword + "@db:notaport/profil",
		"mysql://profil:" + dbPassword + "@db/profil",
	} {
		e := env
		e.DB = dsn
		r := clitest.Run(t, e, "structure", "list").Want(t, cmdutil.ExitUsage)
		assertNoPassword(t, r)
		if !strings.Contains(r.Stderr, "--db") {
			t.Errorf("the message does not name --db:\n%s", r)
		}
	}
}

// Everything profil prints while working on a PostgreSQL database whose URL carries a password
// (the test server trusts any password) shows the URL with the password masked.
func TestDSNPasswordNeverPrintedOnSuccess(t *testing.T) {
	u, err := url.Parse(testdb.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), dbPassword)
	env := clitest.NewEnv(t)
	env.DB = u.String()

	r := clitest.SignIn(t, env)
	assertNoPassword(t, r)
	if !strings.Contains(r.Stderr, "xxxxx@127.0.0.1") {
		t.Errorf("init should say which database it made, password masked:\n%s", r)
	}
	for _, args := range [][]string{
		{"db", "status"},
		{"db", "migrate"},
		{"db", "check"},
		{"whoami"},
		{"structure", "list"},
		{"demo"}, // refused (another gestionnaire), and says so without the password
		{"logout"},
	} {
		r := clitest.Run(t, env, args...)
		assertNoPassword(t, r)
	}
	b, err := os.ReadFile(env.CredentialsFile())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), dbPassword) {
		t.Errorf("credentials.json holds the database password:\n%s", b)
	}
}

// A libpq key=value connection string is not a supported --db: it must be refused (exit 2)
// instead of being taken for the name of a SQLite file, which would create a file named after
// the connection string and print it, password included.
func TestDSNKeyValueIsRefused(t *testing.T) {
	dsn := "host=127.0.0.1 port=1 user=profil password=" + dbPassword + " dbname=nodb"
	for _, args := range [][]string{{"structure", "list"}, {"db", "status"}, {"init"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			env := clitest.NewEnv(t)
			cwd := t.TempDir()
			t.Chdir(cwd)
			env.DB = dsn
			r := clitest.Run(t, env, args...)
			assertNoPassword(t, r)
			if r.Code != cmdutil.ExitUsage {
				t.Errorf("want exit %d (unsupported --db), got:\n%s", cmdutil.ExitUsage, r)
			}
			entries, _ := os.ReadDir(cwd)
			for _, e := range entries {
				t.Errorf("a file was created in the working folder: %q", e.Name())
			}
		})
	}
}
