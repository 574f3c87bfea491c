// Package clitest runs the real command tree of profil in-process, the way a person or a script
// would run the binary: arguments in, stdout, stderr and an exit code out. Every test gets its
// own HOME and XDG folders, so nothing ever reads or writes the real home of whoever runs the
// tests.
//
//	env := clitest.NewEnv(t)
//	env.DB = dsn
//	clitest.SignIn(t, env)
//	r := clitest.Run(t, env, "structure", "show", "1", "-o", "json")
//	r.Want(t, 0)
package clitest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/cli"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/iostreams"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/service"
)

// The gestionnaire SignIn creates.
const (
	AdminEmail    = "jeanne.durand@cap-metiers.fr"
	AdminName     = "Jeanne Durand"
	AdminPassword = "correct horse battery staple"
)

// Demo credentials, as `profil demo` prints them.
const (
	DemoEmail    = "gestionnaire@demo.profil.fr"
	DemoPassword = "demo-profil-2026"
)

// RunTimeout bounds one command: a command waiting on a prompt that will never be answered
// fails the test instead of hanging it.
var RunTimeout = 60 * time.Second

// Env is the world one command runs in. NewEnv fills the folders; the other fields are
// optional and may be changed between runs (Env is a value: copy it to vary one field).
type Env struct {
	// Home, ConfigHome and DataHome are HOME, XDG_CONFIG_HOME and XDG_DATA_HOME.
	Home, ConfigHome, DataHome string

	// DB, when not empty, is passed as `--db DB` before the arguments.
	DB string
	// Server, when not empty, is passed as `--server Server` before the arguments (and DB is
	// not): the command goes through that profil server.
	Server string
	// Stdin is what the command reads on standard input.
	Stdin string
	// StdinTTY, StdoutTTY and StderrTTY pretend the streams are terminals.
	StdinTTY, StdoutTTY, StderrTTY bool
	// Prompter answers questions (nil: none; commands must then not prompt).
	Prompter prompt.Prompter
	// Now is the clock of the database (nil: time.Now).
	Now func() time.Time
	// Width is the terminal width tables fit in (0: iostreams.DefaultWidth).
	Width int
}

// NewEnv gives t fresh HOME, XDG_CONFIG_HOME and XDG_DATA_HOME folders and clears every
// variable profil reads (PROFIL_*, NO_COLOR, CI, and the locale: LC_ALL, LC_MESSAGES, LANG, so
// that messages are in English whatever the machine's locale), restored when t ends. A test
// that wants French sets the locale after NewEnv: t.Setenv("LANG", "fr_FR.UTF-8"). Tests that
// use it cannot run in parallel (t.Setenv).
func NewEnv(t testing.TB) Env {
	t.Helper()
	root := t.TempDir()
	env := Env{
		Home:       filepath.Join(root, "home"),
		ConfigHome: filepath.Join(root, "config"),
		DataHome:   filepath.Join(root, "data"),
	}
	for _, dir := range []string{env.Home, env.ConfigHome, env.DataHome} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", env.Home)
	t.Setenv("XDG_CONFIG_HOME", env.ConfigHome)
	t.Setenv("XDG_DATA_HOME", env.DataHome)
	for _, name := range []string{"PROFIL_DB", "PROFIL_SERVER", "PROFIL_CONFIG", "PROFIL_OUTPUT", "PROFIL_TOKEN", "PROFIL_SMTP", "PROFIL_MAIL_FROM", "NO_COLOR", "CI", "LC_ALL", "LC_MESSAGES", "LANG"} {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
	return env
}

// ConfigDir is $XDG_CONFIG_HOME/profil.
func (e Env) ConfigDir() string { return filepath.Join(e.ConfigHome, "profil") }

// ConfigFile is the default configuration file, $XDG_CONFIG_HOME/profil/config.yaml.
func (e Env) ConfigFile() string { return filepath.Join(e.ConfigDir(), "config.yaml") }

// CredentialsFile is where sessions are kept.
func (e Env) CredentialsFile() string { return filepath.Join(e.ConfigDir(), "credentials.json") }

// DefaultDB is the embedded database used when no --db, PROFIL_DB or config names one.
func (e Env) DefaultDB() string { return filepath.Join(e.DataHome, "profil", "profil.db") }

// WriteConfig writes the default configuration file.
func (e Env) WriteConfig(t testing.TB, content string) string {
	t.Helper()
	if err := os.MkdirAll(e.ConfigDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(e.ConfigFile(), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return e.ConfigFile()
}

// Result is what a command left behind.
type Result struct {
	Args   []string
	Stdout string
	Stderr string
	Code   int
}

// String describes the run, for failure messages.
func (r Result) String() string {
	return fmt.Sprintf("profil %s\nexit %d\n--- stdout\n%s--- stderr\n%s---", strings.Join(r.Args, " "), r.Code, r.Stdout, r.Stderr)
}

// Want fails t unless the command exited with code, and returns r for chaining.
func (r Result) Want(t testing.TB, code int) Result {
	t.Helper()
	if r.Code != code {
		t.Fatalf("want exit %d, got:\n%s", code, r)
	}
	return r
}

// Output is everything the command printed, stdout then stderr.
func (r Result) Output() string { return r.Stdout + r.Stderr }

// Run executes `profil ARGS…` through cli.Run with in-memory streams and returns what it
// printed and its exit code. With env.DB set, `--db env.DB` comes first.
func Run(t testing.TB, env Env, args ...string) Result {
	t.Helper()
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(env.Stdin)
	ios.SetStdinTTY(env.StdinTTY)
	ios.SetStdoutTTY(env.StdoutTTY)
	ios.SetStderrTTY(env.StderrTTY)
	if env.Width > 0 {
		ios.SetTerminalWidth(env.Width)
	}
	f := &cmdutil.Factory{IO: ios, Prompter: env.Prompter, Now: env.Now}
	full := append([]string{}, args...)
	switch {
	case env.Server != "":
		full = append([]string{"--server", env.Server}, full...)
	case env.DB != "":
		full = append([]string{"--db", env.DB}, full...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), RunTimeout)
	defer cancel()
	code := cli.Run(ctx, f, full) // closes f
	if ctx.Err() != nil {
		t.Errorf("profil %s: still running after %s", strings.Join(full, " "), RunTimeout)
	}
	return Result{Args: full, Stdout: out.String(), Stderr: errOut.String(), Code: code}
}

// Must runs the command and fails t unless it exits 0.
func Must(t testing.TB, env Env, args ...string) Result {
	t.Helper()
	return Run(t, env, args...).Want(t, cmdutil.ExitOK)
}

// SignIn creates (or upgrades) env.DB and its first gestionnaire, AdminEmail, with
// `profil init --admin-email … --admin-name … --password-stdin`, which signs them in.
func SignIn(t testing.TB, env Env) Result {
	t.Helper()
	if env.DB == "" {
		t.Fatal("clitest.SignIn: env.DB is empty")
	}
	env.Stdin = AdminPassword + "\n"
	return Must(t, env, "init", "--admin-email", AdminEmail, "--admin-name", AdminName, "--password-stdin")
}

// Demo fills env.DB (or the default database) with `profil demo`, signed in as its
// gestionnaire; on PostgreSQL with --force, which prepares the database as a SQLite file is.
func Demo(t testing.TB, env Env) Result {
	t.Helper()
	if strings.HasPrefix(env.DB, "postgres") {
		return Must(t, env, "demo", "--force")
	}
	return Must(t, env, "demo")
}

// FixedNow is a clock stopped at 2026-03-14 09:30:00 UTC, for output that shows timestamps.
func FixedNow() time.Time { return time.Date(2026, time.March, 14, 9, 30, 0, 0, time.UTC) }

// Session signs email in through the service, as `profil login` does, and returns the session
// token (for --token) and the actor it authenticates as.
func Session(t testing.TB, svc *service.Service, email, password string) (string, domain.Actor) {
	t.Helper()
	token, _, err := svc.Login(context.Background(), email, password)
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	a, err := svc.Authenticate(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return token, a
}
