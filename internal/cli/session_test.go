package cli_test

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // "sqlite" driver, to look into the file as its users would

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/testdb"
)

type credentialsJSON struct {
	Sessions map[string]struct {
		Email string `json:"email"`
		Token string `json:"token"`
	} `json:"sessions"`
}

func readCredentials(t *testing.T, env clitest.Env) credentialsJSON {
	t.Helper()
	b, err := os.ReadFile(env.CredentialsFile())
	if err != nil {
		t.Fatal(err)
	}
	var c credentialsJSON
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("credentials.json: %v\n%s", err, b)
	}
	return c
}

// After init, the session is in $XDG_CONFIG_HOME/profil/credentials.json, readable by its
// owner only, and the database holds the SHA-256 of the token, never the token.
func TestSessionStorage(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = filepath.Join(t.TempDir(), "profil.db")
	clitest.SignIn(t, env)

	for path, want := range map[string]os.FileMode{env.ConfigDir(): 0o700, env.CredentialsFile(): 0o600} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != want {
			t.Errorf("%s has mode %o, want %o", path, got, want)
		}
	}
	creds := readCredentials(t, env)
	s, ok := creds.Sessions[env.DB]
	if !ok || len(creds.Sessions) != 1 {
		t.Fatalf("credentials.json should hold one session, keyed by the database path %s: %+v", env.DB, creds)
	}
	if s.Email != clitest.AdminEmail || !strings.HasPrefix(s.Token, "prf_s_") || len(s.Token) < 40 {
		t.Errorf("stored session = %+v", s)
	}
	sum := sha256.Sum256([]byte(s.Token))
	hash := hex.EncodeToString(sum[:])

	db, err := sql.Open("sqlite", "file:"+env.DB+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stored []string
	rows, err := db.Query(`SELECT token_hash FROM tokens WHERE kind = 'session'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			t.Fatal(err)
		}
		stored = append(stored, h)
	}
	rows.Close()
	if len(stored) != 1 || stored[0] != hash {
		t.Errorf("tokens table holds %v, want only the SHA-256 of the session token %s", stored, hash)
	}
	// No cell of any table holds the token itself.
	assertNoCellHolds(t, db, s.Token)
	db.Close()
	// Nor any byte of the files (the write-ahead log included).
	for _, p := range []string{env.DB, env.DB + "-wal"} {
		if b, err := os.ReadFile(p); err == nil && bytes.Contains(b, []byte(s.Token)) {
			t.Errorf("%s contains the session token in clear", p)
		}
	}
	// The admin password is not in the credentials file either.
	b, _ := os.ReadFile(env.CredentialsFile())
	if strings.Contains(string(b), clitest.AdminPassword) {
		t.Error("credentials.json holds the password")
	}
}

func assertNoCellHolds(t *testing.T, db *sql.DB, needle string) {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) == 0 {
		t.Fatal("no tables in the database")
	}
	for _, table := range tables {
		rows, err := db.Query(fmt.Sprintf(`SELECT * FROM "%s"`, table))
		if err != nil {
			continue // virtual tables of a module the driver lacks
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				cell := fmt.Sprint(v)
				if b, ok := v.([]byte); ok {
					cell = string(b)
				}
				if strings.Contains(cell, needle) {
					t.Errorf("table %s, column %s holds the token in clear", table, cols[i])
				}
			}
		}
		rows.Close()
	}
}

// login, whoami, logout on every engine: logout revokes the token in the database, not only
// in the file, and a stored session that no longer works says how to sign in again.
func TestSessionLifecycle(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		env := clitest.NewEnv(t)
		env.DB = dsn
		clitest.SignIn(t, env)

		r := clitest.Must(t, env, "whoami")
		if !strings.Contains(r.Stdout, clitest.AdminEmail) || !strings.Contains(r.Stdout, "Jeanne Durand") || !strings.Contains(r.Stdout, "gestionnaire") {
			t.Errorf("whoami should name the gestionnaire:\n%s", r)
		}
		var me map[string]any
		r = clitest.Must(t, env, "whoami", "-o", "json")
		if err := json.Unmarshal([]byte(r.Stdout), &me); err != nil || me["email"] != clitest.AdminEmail || me["first_name"] != "Jeanne" || me["last_name"] != "Durand" {
			t.Errorf("whoami -o json = %v (%v)", me, err)
		}

		creds := readCredentials(t, env)
		if len(creds.Sessions) != 1 {
			t.Fatalf("want one session, got %+v", creds)
		}
		var token string
		for _, s := range creds.Sessions {
			token = s.Token
		}
		saved, err := os.ReadFile(env.CredentialsFile())
		if err != nil {
			t.Fatal(err)
		}

		// The session token works with --token too, as long as it is not revoked.
		clitest.Must(t, env, "--token", token, "whoami")
		// A token given explicitly replaces the stored session, it is not a fallback; the
		// flag wins over PROFIL_TOKEN.
		t.Setenv("PROFIL_TOKEN", "prf_s_notavalidtoken")
		clitest.Run(t, env, "whoami").Want(t, cmdutil.ExitForbidden)
		clitest.Must(t, env, "--token", token, "whoami")
		t.Setenv("PROFIL_TOKEN", token)
		clitest.Must(t, env, "whoami")
		t.Setenv("PROFIL_TOKEN", "")

		r = clitest.Must(t, env, "logout")
		if !strings.Contains(r.Stderr, clitest.AdminEmail) {
			t.Errorf("logout should say who was signed out:\n%s", r)
		}
		if c := readCredentials(t, env); len(c.Sessions) != 0 {
			t.Errorf("logout left the session in credentials.json: %+v", c)
		}
		r = clitest.Run(t, env, "whoami").Want(t, cmdutil.ExitForbidden)
		if !strings.Contains(r.Stderr, "profil login") {
			t.Errorf("the message should say how to sign in:\n%s", r)
		}
		// Logging out twice is fine.
		clitest.Must(t, env, "logout")

		// The token is revoked in the database: a copy of it no longer works.
		clitest.Run(t, env, "--token", token, "whoami").Want(t, cmdutil.ExitForbidden)
		if err := os.WriteFile(env.CredentialsFile(), saved, 0o600); err != nil {
			t.Fatal(err)
		}
		r = clitest.Run(t, env, "whoami").Want(t, cmdutil.ExitForbidden)
		if !strings.Contains(r.Stderr, "profil login") {
			t.Errorf("a stale stored session should say how to sign in again:\n%s", r)
		}

		// Signing in again replaces the stale session.
		e := env
		e.Stdin = clitest.AdminPassword + "\n"
		clitest.Must(t, e, "login", "--email", "  "+strings.ToUpper(clitest.AdminEmail)+" ", "--password-stdin")
		clitest.Must(t, env, "whoami")
		if c := readCredentials(t, env); len(c.Sessions) != 1 {
			t.Errorf("want one session after login, got %+v", c)
		}
	})
}

// A session belongs to one database: signed in to A is not signed in to B.
func TestSessionIsPerDatabase(t *testing.T) {
	engines := testdb.Engines(t)
	for _, e := range engines {
		t.Run(e.Name, func(t *testing.T) {
			env := clitest.NewEnv(t)
			a, b := env, env
			a.DB, b.DB = e.DSN(t), e.DSN(t)
			clitest.SignIn(t, a)
			clitest.Must(t, b, "init")

			clitest.Must(t, a, "whoami")
			clitest.Run(t, b, "whoami").Want(t, cmdutil.ExitForbidden)
			clitest.Run(t, b, "request", "list").Want(t, cmdutil.ExitForbidden)

			// Signing out of B does not sign out of A.
			clitest.Must(t, b, "logout")
			clitest.Must(t, a, "whoami")
			if c := readCredentials(t, env); len(c.Sessions) != 1 {
				t.Errorf("want only A's session, got %+v", c)
			}
		})
	}
}

// The same SQLite file named by a relative or an absolute path is the same session.
func TestSessionRelativeSQLitePath(t *testing.T) {
	env := clitest.NewEnv(t)
	dir := t.TempDir()
	t.Chdir(dir)
	rel := env
	rel.DB = "profil.db"
	clitest.SignIn(t, rel)
	abs := env
	abs.DB = filepath.Join(dir, "profil.db")
	clitest.Must(t, abs, "whoami")
	dot := env
	dot.DB = "./sub/../profil.db"
	clitest.Must(t, dot, "whoami")
}

// On a terminal, login asks for what its flags do not give; with --yes it asks nothing and
// fails with a usage error naming the flag.
func TestSessionLoginPrompts(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = filepath.Join(t.TempDir(), "profil.db")
	clitest.SignIn(t, env)
	clitest.Must(t, env, "logout")

	tty := env
	tty.StdinTTY, tty.StderrTTY, tty.StdoutTTY = true, true, true
	p := prompt.NewScripted(prompt.AnswerInput(clitest.AdminEmail), prompt.AnswerPassword(clitest.AdminPassword))
	tty.Prompter = p
	clitest.Must(t, tty, "login")
	if p.Remaining() != 0 || len(p.Asked()) != 2 {
		t.Errorf("login asked %q and left %d answers", p.Asked(), p.Remaining())
	}
	clitest.Must(t, env, "whoami")

	// A wrong password typed at the prompt is refused like one on stdin.
	tty.Prompter = prompt.NewScripted(prompt.AnswerInput(clitest.AdminEmail), prompt.AnswerPassword("wrong wrong wrong"))
	clitest.Run(t, tty, "login").Want(t, cmdutil.ExitForbidden)

	// Ctrl-C at the prompt: nothing happens, exit 1, "cancelled".
	tty.Prompter = prompt.NewScripted(prompt.AnswerCancel(prompt.MethodInput))
	r := clitest.Run(t, tty, "login").Want(t, cmdutil.ExitError)
	if !strings.Contains(r.Stderr, "cancelled") {
		t.Errorf("a cancelled prompt should say so:\n%s", r)
	}

	// --yes: no prompt even on a terminal.
	none := prompt.NewScripted()
	tty.Prompter = none
	r = clitest.Run(t, tty, "--yes", "login").Want(t, cmdutil.ExitUsage)
	if len(none.Asked()) != 0 {
		t.Errorf("--yes still prompted: %q", none.Asked())
	}
	if !strings.Contains(r.Stderr, "--email") {
		t.Errorf("the message should name --email:\n%s", r)
	}
	r = clitest.Run(t, tty, "--yes", "login", "--email", clitest.AdminEmail).Want(t, cmdutil.ExitUsage)
	if len(none.Asked()) != 0 || !strings.Contains(r.Stderr, "--password-stdin") {
		t.Errorf("--yes without --password-stdin: asked %q\n%s", none.Asked(), r)
	}
}
