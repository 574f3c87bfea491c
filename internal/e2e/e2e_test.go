package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "profil-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "profil")
	// The binary as the README installs it.
	build := exec.Command("go", "build", "-o", binary, "github.com/profil-cli/profil/cmd/profil")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build profil:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// home is an isolated user environment for the processes of one test.
type home struct {
	t   testing.TB
	env []string
	db  string
}

func newHome(t testing.TB, dsn string) *home {
	dir := t.TempDir()
	env := []string{
		"HOME=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "XDG_DATA_HOME=" + filepath.Join(dir, "data"),
		"PATH=" + os.Getenv("PATH"), "PROFIL_DB=" + dsn, "LANG=C.UTF-8",
	}
	return &home{t: t, env: env, db: dsn}
}

// cmd prepares profil with args; stdin may be empty.
func (h *home) cmd(stdin string, args ...string) *exec.Cmd {
	c := exec.Command(binary, args...)
	c.Env = h.env
	c.Stdin = strings.NewReader(stdin)
	return c
}

// run runs profil and returns stdout, stderr and the exit code.
func (h *home) run(stdin string, args ...string) (string, string, int) {
	h.t.Helper()
	c := h.cmd(stdin, args...)
	var out, errOut bytes.Buffer
	c.Stdout, c.Stderr = &out, &errOut
	err := c.Run()
	code := 0
	if exitErr, ok := err.(*exec.ExitError); ok {
		code = exitErr.ExitCode()
	} else if err != nil {
		h.t.Fatalf("run profil %v: %v", args, err)
	}
	return out.String(), errOut.String(), code
}

// must runs profil and fails the test unless it exits 0.
func (h *home) must(stdin string, args ...string) string {
	h.t.Helper()
	out, errOut, code := h.run(stdin, args...)
	if code != 0 {
		h.t.Fatalf("profil %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	return out
}
