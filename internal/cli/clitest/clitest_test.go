package clitest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunCapturesStreamsAndCode(t *testing.T) {
	env := NewEnv(t)
	r := Run(t, env, "version")
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "profil ") || r.Stderr != "" {
		t.Errorf("version:\n%s", r)
	}
	r = Run(t, env, "frobnicate")
	if r.Code != 2 || r.Stdout != "" || !strings.Contains(r.Stderr, "frobnicate") {
		t.Errorf("unknown command:\n%s", r)
	}
	if !strings.Contains(r.String(), "profil frobnicate") || !strings.Contains(r.String(), "exit 2") {
		t.Errorf("Result.String() does not describe the run: %s", r)
	}
}

func TestNewEnvIsolatesHome(t *testing.T) {
	t.Setenv("PROFIL_DB", "/somewhere/else.db")
	t.Setenv("PROFIL_OUTPUT", "json")
	env := NewEnv(t)
	for _, name := range []string{"PROFIL_DB", "PROFIL_OUTPUT", "PROFIL_TOKEN", "PROFIL_CONFIG", "CI"} {
		if v, ok := os.LookupEnv(name); ok {
			t.Errorf("%s is still set to %q", name, v)
		}
	}
	if got := os.Getenv("XDG_CONFIG_HOME"); got != env.ConfigHome {
		t.Errorf("XDG_CONFIG_HOME = %q, want %q", got, env.ConfigHome)
	}
	// The default database lands in the test's folder, and stdin reaches the command.
	SignIn(t, Env{Home: env.Home, ConfigHome: env.ConfigHome, DataHome: env.DataHome, DB: env.DefaultDB()})
	if _, err := os.Stat(env.DefaultDB()); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(env.CredentialsFile()); err != nil {
		t.Error(err)
	}
	Must(t, env, "whoami") // no --db: the default database, where SignIn signed in
}

func TestGoldenRoundTrip(t *testing.T) {
	root := ModuleRoot(t)
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatal(err)
	}
	if d := diffLines("a\nb\nc\n", "a\nB\nc\n"); !strings.Contains(d, "line 2") || !strings.Contains(d, `"b\n"`) || !strings.Contains(d, `"B\n"`) {
		t.Errorf("diffLines does not point at line 2:\n%s", d)
	}
	if d := diffLines("a\n", "a\nextra\n"); !strings.Contains(d, "line 2") {
		t.Errorf("diffLines misses an added line:\n%s", d)
	}
}
