package token_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

// tokenJSON is a row of `token list -o json`.
type tokenJSON struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Scope      string     `json:"scope"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	Status     string     `json:"status"`
}

// signedIn is a database with its gestionnaire signed in, clock stopped at clitest.FixedNow.
func signedIn(t *testing.T, dsn string) clitest.Env {
	t.Helper()
	env := clitest.NewEnv(t)
	env.DB = dsn
	env.Now = clitest.FixedNow
	clitest.SignIn(t, env)
	return env
}

// createToken runs `token create --name NAME ARGS… -q` and returns the token it printed.
func createToken(t *testing.T, env clitest.Env, name string, args ...string) string {
	t.Helper()
	r := clitest.Must(t, env, append([]string{"token", "create", "--name", name, "-q"}, args...)...)
	tok := strings.TrimSuffix(r.Stdout, "\n")
	if !strings.HasPrefix(tok, "prf_t_") || strings.ContainsAny(tok, " \n\t") || r.Stderr != "" {
		t.Fatalf("token create -q should print the token alone:\n%s", r)
	}
	return tok
}

func listTokens(t *testing.T, env clitest.Env, args ...string) []tokenJSON {
	t.Helper()
	r := clitest.Must(t, env, append([]string{"token", "list", "-o", "json"}, args...)...)
	var out []tokenJSON
	if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil {
		t.Fatalf("token list -o json: %v\n%s", err, r)
	}
	return out
}

func byName(t *testing.T, ts []tokenJSON, name string) tokenJSON {
	t.Helper()
	i := slices.IndexFunc(ts, func(x tokenJSON) bool { return x.Name == name })
	if i < 0 {
		t.Fatalf("no token %q in %+v", name, ts)
	}
	return ts[i]
}

func at(d time.Duration) func() time.Time {
	return func() time.Time { return clitest.FixedNow().Add(d) }
}

// openDB looks into the database under the command line, on either engine.
func openDB(t *testing.T, dsn string) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// useFolders points HOME and the XDG folders back at e's (clitest.NewEnv switched them).
func useFolders(t *testing.T, e clitest.Env) {
	t.Setenv("HOME", e.Home)
	t.Setenv("XDG_CONFIG_HOME", e.ConfigHome)
	t.Setenv("XDG_DATA_HOME", e.DataHome)
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestTokenCreateAndUse(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		env := signedIn(t, dsn)

		// Without -q: the token alone on stdout, the warning on stderr.
		r := clitest.Must(t, env, "token", "create", "--name", "cron")
		tok := strings.TrimSuffix(r.Stdout, "\n")
		if !strings.HasPrefix(tok, "prf_t_") || strings.Contains(tok, "\n") || len(tok) < 40 {
			t.Fatalf("stdout should be the token alone:\n%s", r)
		}
		if !strings.Contains(r.Stderr, "will not be shown again") || !strings.Contains(r.Stderr, "✓ created API token") ||
			!strings.Contains(r.Stderr, "expires 2026-06-12") || strings.Contains(r.Stderr, tok) {
			t.Errorf("stderr should warn once, with the default 90-day expiry, without the token:\n%s", r)
		}

		// Another person's machine: no stored sign-in, only the token.
		other := clitest.NewEnv(t) // switches HOME and the XDG folders
		other.DB, other.Now = env.DB, env.Now
		clitest.Run(t, other, "whoami").Want(t, cmdutil.ExitForbidden)

		r = clitest.Must(t, other, "--token", tok, "whoami")
		if !strings.Contains(r.Stdout, clitest.AdminEmail) || !strings.Contains(r.Stdout, "(token cron)") {
			t.Errorf("whoami with --token:\n%s", r)
		}
		t.Setenv("PROFIL_TOKEN", tok)
		r = clitest.Must(t, other, "whoami")
		if !strings.Contains(r.Stdout, clitest.AdminEmail) || !strings.Contains(r.Stdout, "(token cron)") {
			t.Errorf("whoami with PROFIL_TOKEN:\n%s", r)
		}
		t.Setenv("PROFIL_TOKEN", "prf_t_not-a-real-token")
		clitest.Run(t, other, "whoami").Want(t, cmdutil.ExitForbidden)
		os.Unsetenv("PROFIL_TOKEN")
		useFolders(t, env) // back to the gestionnaire's sign-in

		// -o json gives the details with the token.
		r = clitest.Must(t, env, "token", "create", "--name", "deploy", "--expires", "never", "--scope", "read", "-o", "json")
		var created struct {
			tokenJSON
			Token string `json:"token"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &created); err != nil {
			t.Fatalf("create -o json: %v\n%s", err, r)
		}
		if !strings.HasPrefix(created.Token, "prf_t_") || created.Name != "deploy" || created.Scope != "read" ||
			created.ExpiresAt != nil || created.Status != "active" || created.ID == 0 {
			t.Errorf("create -o json = %+v", created)
		}

		// The database keeps the SHA-256 of each token, never the token.
		db := openDB(t, dsn)
		rows, err := db.SQL().Query(`SELECT id, kind, name, token_hash, scope FROM tokens`)
		if err != nil {
			t.Fatal(err)
		}
		hashes := map[string]bool{}
		for rows.Next() {
			var id int64
			var kind, name, hash, scope string
			if err := rows.Scan(&id, &kind, &name, &hash, &scope); err != nil {
				t.Fatal(err)
			}
			hashes[hash] = true
			for _, secret := range []string{tok, created.Token} {
				body := strings.TrimPrefix(secret, "prf_t_")
				for _, col := range []string{kind, name, hash, scope} {
					if strings.Contains(col, secret) || strings.Contains(col, body) {
						t.Errorf("tokens row %d holds the token itself: %q", id, col)
					}
				}
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if !hashes[sha(tok)] || !hashes[sha(created.Token)] {
			t.Errorf("the SHA-256 of the tokens is not stored: %v", hashes)
		}
		var leaks int
		if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM audit_events WHERE details LIKE '%prf_t_%' OR target LIKE '%prf_t_%'`).Scan(&leaks); err != nil {
			t.Fatal(err)
		}
		if leaks != 0 {
			t.Errorf("%d audit events hold a token", leaks)
		}
		if !strings.HasPrefix(dsn, "postgres") {
			// The whole SQLite file, and its write-ahead log.
			for _, path := range []string{dsn, dsn + "-wal"} {
				b, err := os.ReadFile(path)
				if err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				if strings.Contains(string(b), strings.TrimPrefix(tok, "prf_t_")) {
					t.Errorf("%s contains the token", filepath.Base(path))
				}
			}
		}
	})
}

func TestTokenExpiredAndRevoked(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		env := signedIn(t, dsn)
		short := createToken(t, env, "short", "--expires", "12h")
		long := createToken(t, env, "long", "--expires", "2w")

		later := env
		later.Now = at(13 * time.Hour)
		r := clitest.Run(t, later, "--token", short, "whoami").Want(t, cmdutil.ExitForbidden)
		if !strings.Contains(r.Stderr, "expired") {
			t.Errorf("expired token:\n%s", r)
		}
		clitest.Must(t, later, "--token", long, "whoami")

		id := byName(t, listTokens(t, env), "long").ID
		r = clitest.Must(t, env, "token", "revoke", strconv.FormatInt(id, 10))
		if !strings.Contains(r.Stderr, "✓ revoked API token") || r.Stdout != "" {
			t.Errorf("revoke:\n%s", r)
		}
		r = clitest.Run(t, env, "--token", long, "whoami").Want(t, cmdutil.ExitForbidden)
		if !strings.Contains(r.Stderr, "revoked") {
			t.Errorf("revoked token:\n%s", r)
		}
		clitest.Run(t, env, "token", "revoke", strconv.FormatInt(id, 10)).Want(t, cmdutil.ExitConflict)
		clitest.Run(t, env, "token", "revoke", "999999").Want(t, cmdutil.ExitNotFound)
		clitest.Run(t, env, "token", "revoke", "abc").Want(t, cmdutil.ExitInvalid)
		clitest.Run(t, env, "token", "revoke").Want(t, cmdutil.ExitUsage)

		ts := listTokens(t, later)
		if s := byName(t, ts, "short").Status; s != "expired" {
			t.Errorf("status of the expired token = %q", s)
		}
		if s := byName(t, ts, "long").Status; s != "revoked" {
			t.Errorf("status of the revoked token = %q", s)
		}
		if got := listTokens(t, later, "--active"); len(got) != 0 {
			t.Errorf("--active lists %+v", got)
		}
	})
}

func TestTokenCannotCreateToken(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		env := signedIn(t, dsn)
		tok := createToken(t, env, "cron")
		r := clitest.Run(t, env, "--token", tok, "token", "create", "--name", "child").Want(t, cmdutil.ExitForbidden)
		if !strings.Contains(r.Stderr, "sign in with your password") || r.Stdout != "" {
			t.Errorf("a token creating a token:\n%s", r)
		}
		if ts := listTokens(t, env); len(ts) != 1 {
			t.Errorf("tokens after the refusal: %+v", ts)
		}
	})
}

func TestTokenCreateInput(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = filepath.Join(t.TempDir(), "profil.db")
	clitest.SignIn(t, env)
	clitest.Run(t, env, "token", "create").Want(t, cmdutil.ExitUsage)
	clitest.Run(t, env, "token", "create", "--name", "x", "--expires", "soon").Want(t, cmdutil.ExitInvalid)
	clitest.Run(t, env, "token", "create", "--name", "x", "--scope", "admin").Want(t, cmdutil.ExitInvalid)
	clitest.Run(t, env, "token", "create", "--name", " ").Want(t, cmdutil.ExitInvalid)
	createToken(t, env, "cron")
	r := clitest.Run(t, env, "token", "create", "--name", "cron").Want(t, cmdutil.ExitConflict)
	if !strings.Contains(r.Stderr, "token revoke") {
		t.Errorf("a duplicate name should say how to free it:\n%s", r)
	}
	clitest.Run(t, env, "token", "frobnicate").Want(t, cmdutil.ExitUsage)

	anon := clitest.NewEnv(t)
	anon.DB = env.DB
	clitest.Run(t, anon, "token", "create", "--name", "x").Want(t, cmdutil.ExitForbidden)
	clitest.Run(t, anon, "token", "list").Want(t, cmdutil.ExitForbidden)
}

// Audit events written through a token name its owner and the token.
func TestTokenAuditNamesOwnerAndToken(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		env := signedIn(t, dsn)
		cron := createToken(t, env, "cron")
		createToken(t, env, "old")
		ts := listTokens(t, env)
		const firstStructureID = 1
		cronID, oldID := byName(t, ts, "cron").ID, byName(t, ts, "old").ID
		// Tokens are managed from a password session; what a token does is audited in its name.
		clitest.Run(t, env, "--token", cron, "token", "revoke", strconv.FormatInt(oldID, 10)).Want(t, cmdutil.ExitForbidden)
		clitest.Must(t, env, "token", "revoke", "--yes", strconv.FormatInt(oldID, 10))
		clitest.Must(t, env, "--token", cron, "structure", "create", "--name", "Créée par cron", "--address", "1 rue X")

		db := openDB(t, dsn)
		rows, err := db.SQL().Query(`SELECT actor, action, target, details FROM audit_events
			WHERE action LIKE 'token.%' OR action = 'structure.create' ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var actor, action, target, details string
			if err := rows.Scan(&actor, &action, &target, &details); err != nil {
				t.Fatal(err)
			}
			got = append(got, action+" by "+actor+" on "+target)
			if strings.Contains(details, cron) {
				t.Errorf("%s details hold the token: %s", action, details)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		want := []string{
			"token.create by " + clitest.AdminEmail + " on token " + strconv.FormatInt(cronID, 10) + " (cron)",
			"token.create by " + clitest.AdminEmail + " on token " + strconv.FormatInt(oldID, 10) + " (old)",
			"token.revoke by " + clitest.AdminEmail + " on token " + strconv.FormatInt(oldID, 10) + " (old)",
			"structure.create by " + clitest.AdminEmail + " (token cron) on Créée par cron (#" + strconv.FormatInt(firstStructureID, 10) + ")",
		}
		if !slices.Equal(got, want) {
			t.Errorf("token events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

func TestTokenListShowsLastUse(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		env := signedIn(t, dsn)
		r := clitest.Must(t, env, "token", "list", "-o", "json")
		if strings.TrimSpace(r.Stdout) != "[]" {
			t.Errorf("no tokens: want [], got:\n%s", r)
		}
		r = clitest.Must(t, env, "token", "list")
		if r.Stdout != "" || !strings.Contains(r.Stderr, "no API token") {
			t.Errorf("no tokens, table:\n%s", r)
		}
		tok := createToken(t, env, "cron", "--expires", "30d")
		before := byName(t, listTokens(t, env), "cron")
		if before.LastUsedAt != nil || before.Status != "active" || before.Scope != "all" ||
			!before.CreatedAt.Equal(clitest.FixedNow()) || before.ExpiresAt == nil ||
			!before.ExpiresAt.Equal(clitest.FixedNow().Add(30*24*time.Hour)) || before.RevokedAt != nil {
			t.Errorf("before use: %+v", before)
		}

		use := env
		use.Now = at(3 * time.Hour)
		clitest.Must(t, use, "--token", tok, "whoami")
		after := byName(t, listTokens(t, env), "cron")
		if after.LastUsedAt == nil || !after.LastUsedAt.Equal(clitest.FixedNow().Add(3*time.Hour)) {
			t.Errorf("after use: last_used_at = %v", after.LastUsedAt)
		}

		// The JSON keys are the contract.
		r = clitest.Must(t, env, "token", "list", "-o", "json")
		var raw []map[string]any
		if err := json.Unmarshal([]byte(r.Stdout), &raw); err != nil || len(raw) != 1 {
			t.Fatalf("list -o json: %v\n%s", err, r)
		}
		var keys []string
		for k := range raw[0] {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		want := []string{"created_at", "expires_at", "id", "last_used_at", "name", "revoked_at", "scope", "status"}
		if !slices.Equal(keys, want) {
			t.Errorf("JSON keys = %v, want %v", keys, want)
		}
		if strings.Contains(r.Stdout, tok) || strings.Contains(r.Stdout, sha(tok)) {
			t.Errorf("list shows the token or its hash:\n%s", r)
		}

		r = clitest.Must(t, env, "token", "list")
		for _, h := range []string{"ID", "NAME", "SCOPE", "CREATED", "EXPIRES", "LAST USED", "STATUS", "cron", "2026-03-14 13:30 CET", "active"} { // 12:30 UTC, shown in Paris time
			if !strings.Contains(r.Stdout, h) {
				t.Errorf("table misses %q:\n%s", h, r)
			}
		}
		r = clitest.Must(t, env, "token", "list", "-q")
		if strings.TrimSpace(r.Stdout) != strconv.FormatInt(after.ID, 10) {
			t.Errorf("list -q:\n%s", r)
		}
	})
}

// A cron job: no terminal anywhere, no stored sign-in, the database and the token from the
// environment only.
func TestTokenCronRun(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		env := signedIn(t, dsn)
		tok := createToken(t, env, "cron")
		spare := createToken(t, env, "spare")
		spareID := byName(t, listTokens(t, env), "spare").ID

		cron := clitest.NewEnv(t) // new HOME: no credentials file
		cron.Now = at(time.Hour)
		t.Setenv("PROFIL_DB", dsn)
		t.Setenv("PROFIL_TOKEN", tok)
		r := clitest.Must(t, cron, "whoami", "-o", "json")
		var me struct {
			Email string `json:"email"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &me); err != nil || me.Email != clitest.AdminEmail {
			t.Errorf("whoami -o json from cron: %v\n%s", err, r)
		}
		if _, err := os.Stat(cron.CredentialsFile()); !os.IsNotExist(err) {
			t.Errorf("a run with a token wrote credentials: %v", err)
		}
		// A cron job exports with its token; it manages no token.
		r = clitest.Must(t, cron, "structure", "list", "-o", "csv")
		if !strings.HasPrefix(r.Stdout, "id,siret,name,") {
			t.Errorf("cron CSV export:\n%s", r)
		}
		clitest.Run(t, cron, "token", "revoke", strconv.FormatInt(spareID, 10)).Want(t, cmdutil.ExitForbidden)
		clitest.Must(t, cron, "--token", spare, "whoami") // still valid: the refusal revoked nothing
		ts := listTokens(t, cron)
		if c := byName(t, ts, "cron"); c.LastUsedAt == nil {
			t.Errorf("cron token never marked used: %+v", c)
		}
	})
}

func TestTokenRevokeConfirms(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = filepath.Join(t.TempDir(), "profil.db")
	clitest.SignIn(t, env)
	tok := createToken(t, env, "cron")
	id := strconv.FormatInt(byName(t, listTokens(t, env), "cron").ID, 10)

	term := env
	term.StdinTTY, term.StdoutTTY, term.StderrTTY = true, true, true
	no := prompt.NewScripted(prompt.AnswerConfirm(false))
	term.Prompter = no
	r := clitest.Run(t, term, "token", "revoke", id).Want(t, cmdutil.ExitError)
	if asked := no.Asked(); len(asked) != 1 || !strings.Contains(asked[0], "(cron)") {
		t.Errorf("questions: %q\n%s", asked, r)
	}
	clitest.Must(t, env, "--token", tok, "whoami")

	// --yes: no question, even on a terminal.
	term.Prompter = prompt.NewScripted()
	clitest.Must(t, term, "token", "revoke", id, "--yes")
	clitest.Run(t, env, "--token", tok, "whoami").Want(t, cmdutil.ExitForbidden)

	// On a terminal, a wrong id fails before any question.
	term.Prompter = prompt.NewScripted()
	clitest.Run(t, term, "token", "revoke", "424242").Want(t, cmdutil.ExitNotFound)

	tok2 := createToken(t, env, "again")
	yes := prompt.NewScripted(prompt.AnswerConfirm(true))
	term.Prompter = yes
	clitest.Must(t, term, "token", "revoke", strconv.FormatInt(byName(t, listTokens(t, env), "again").ID, 10))
	if yes.Remaining() != 0 {
		t.Error("revoke did not ask")
	}
	clitest.Run(t, env, "--token", tok2, "whoami").Want(t, cmdutil.ExitForbidden)
}

func TestReadOnlyTokenCannotRevoke(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = filepath.Join(t.TempDir(), "profil.db")
	clitest.SignIn(t, env)
	ro := createToken(t, env, "reader", "--scope", "read")
	id := strconv.FormatInt(byName(t, listTokens(t, env), "reader").ID, 10)
	clitest.Must(t, env, "--token", ro, "token", "list")
	clitest.Run(t, env, "--token", ro, "token", "revoke", id, "--yes").Want(t, cmdutil.ExitForbidden)
}
