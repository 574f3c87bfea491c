package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/cli/clitest"
)

// profilBinary is the executable TestMain built.
func profilBinary(*testing.T) string { return binary }

type result struct {
	stdout, stderr string
	code           int
	elapsed        time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("exit %d after %s\n--- stdout\n%s--- stderr\n%s---", r.code, r.elapsed.Round(time.Millisecond), r.stdout, r.stderr)
}

// newcomer is a fresh user: HOME and XDG folders of its own, no PROFIL_* variable, not in CI.
type newcomer struct {
	dir string
	env []string
}

func newNewcomer(t *testing.T) newcomer {
	dir := t.TempDir()
	env := []string{
		"HOME=" + filepath.Join(dir, "home"),
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"XDG_DATA_HOME=" + filepath.Join(dir, "data"),
		"PATH=" + os.Getenv("PATH"),
		"LANG=C.UTF-8",
		"TERM=xterm-256color", // a terminal type is set, yet no stream is a terminal
	}
	return newcomer{dir: dir, env: env}
}

// run executes the binary with stdin (nil: /dev/null) and fails t if it outlives timeout.
func (h newcomer) run(t *testing.T, timeout time.Duration, stdin *os.File, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, profilBinary(t), args...)
	cmd.Env = h.env
	cmd.Dir = h.dir
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errOut.String(), elapsed: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("profil %s: still running after %s (waiting for input that will never come?)\n%s", strings.Join(args, " "), timeout, r)
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("profil %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// What the README tells a newcomer to type works as is: demo, then search.
func TestBinaryDemoThenSearch(t *testing.T) {
	h := newNewcomer(t)
	r := h.run(t, 60*time.Second, nil, "demo")
	if r.code != 0 {
		t.Fatalf("profil demo:\n%s", r)
	}
	if r.stdout != "" {
		t.Errorf("demo printed data on stdout: %q", r.stdout)
	}
	if !strings.Contains(r.stderr, clitest.DemoEmail) {
		t.Errorf("demo should say who you are signed in as:\n%s", r)
	}
	db := filepath.Join(h.dir, "data", "profil", "profil.db")
	if _, err := os.Stat(db); err != nil {
		t.Errorf("demo did not create the default database %s: %v", db, err)
	}

	r = h.run(t, 30*time.Second, nil, "structure", "search", "cap metiers")
	if r.code != 0 {
		t.Fatalf("profil structure search \"cap metiers\":\n%s", r)
	}
	if !strings.Contains(r.stdout, "Cap Métiers Nouvelle-Aquitaine") {
		t.Errorf("the structure is not on stdout (piped output must not cut names):\n%s", r)
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("piped output holds terminal escape sequences: %q", r.stdout)
	}

	// Piped to a script: JSON, and still nothing but data on stdout.
	r = h.run(t, 30*time.Second, nil, "structure", "search", "cap metiers", "-o", "json")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "[") || !strings.Contains(r.stdout, `"name": "Cap Métiers Nouvelle-Aquitaine"`) {
		t.Errorf("search -o json:\n%s", r)
	}

	// Running the demo again changes nothing and still works.
	if r = h.run(t, 60*time.Second, nil, "demo"); r.code != 0 {
		t.Errorf("second profil demo:\n%s", r)
	}
}

// Without a terminal, commands that would prompt fail at once with a usage error naming the
// flag, instead of waiting on input that will never come.
func TestBinaryNoPromptWithoutTerminal(t *testing.T) {
	h := newNewcomer(t)
	// A pipe whose writer stays open: reading it would block for ever.
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pr.Close(); pw.Close() })

	for _, tt := range []struct {
		args []string
		flag string
	}{
		{[]string{"login"}, "--email"},
		{[]string{"login", "--email", "jeanne@example.org"}, "--password-stdin"},
		{[]string{"init", "--admin-email", "jeanne@example.org", "--admin-name", "Jeanne Durand"}, "--password-stdin"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := h.run(t, 10*time.Second, pr, tt.args...)
			if r.code != 2 {
				t.Errorf("want exit 2, got:\n%s", r)
			}
			if !strings.Contains(r.stderr, tt.flag) {
				t.Errorf("the message should name %s:\n%s", tt.flag, r)
			}
			if r.elapsed > 5*time.Second {
				t.Errorf("took %s: it waited on its input", r.elapsed)
			}
			if r.stdout != "" {
				t.Errorf("printed on stdout: %q", r.stdout)
			}
		})
	}
}

// A cron job: no terminal, no sign-in of its own, only PROFIL_TOKEN (a read-only API token) and
// PROFIL_DB; it prints a structure's members as CSV.
func TestBinaryCronMembersWithToken(t *testing.T) {
	h := newNewcomer(t)
	if r := h.run(t, 60*time.Second, nil, "demo"); r.code != 0 {
		t.Fatalf("profil demo:\n%s", r)
	}
	r := h.run(t, 30*time.Second, nil, "token", "create", "--name", "cron-membres", "--scope", "read", "-q")
	token := strings.TrimSpace(r.stdout)
	if r.code != 0 || !strings.HasPrefix(token, "prf_") {
		t.Fatalf("token create:\n%s", r)
	}
	cron := newNewcomer(t) // another user, never signed in
	cron.env = append(cron.env, "PROFIL_TOKEN="+token, "PROFIL_DB="+filepath.Join(h.dir, "data", "profil", "profil.db"))
	r = cron.run(t, 30*time.Second, nil, "structure", "members", "824 228 142 01072", "-o", "csv")
	if r.code != 0 {
		t.Fatalf("structure members -o csv with PROFIL_TOKEN:\n%s", r)
	}
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(rows) < 2 || !slices.Contains(rows[0], "email") {
		t.Fatalf("not a CSV of members (%v):\n%s", err, r)
	}
	col := slices.Index(rows[0], "email")
	if !slices.ContainsFunc(rows[1:], func(row []string) bool { return row[col] == "anne.martin@afpa-demo.fr" }) {
		t.Errorf("the référente is not among the members:\n%s", r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("a cron job's run wrote on stderr: %q", r.stderr)
	}
	// The same token may not change anything: read-only.
	if r = cron.run(t, 30*time.Second, nil, "request", "approve", "5"); r.code != 4 {
		t.Errorf("a read-only token approved a request:\n%s", r)
	}
}
