package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/cli/clitest"
)

// After `go run ./cmd/profil demo` from a clone, as the README's set-up says, the hints name
// a command that works: `go run ./cmd/profil …`, or how to install profil; the installed
// binary's hints say `profil …`.
func TestGoRunDemoHintsNameGoRun(t *testing.T) {
	root, err := clitest.FindModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	if testing.Short() {
		t.Skip("go run builds profil again: not in -short")
	}
	// The fresh home must not hide the module and build caches of this machine.
	goenv, err := exec.Command(gobin, "env", "GOMODCACHE", "GOCACHE", "GOPATH").Output()
	if err != nil {
		t.Fatal(err)
	}
	caches := strings.Split(strings.TrimSpace(string(goenv)), "\n")
	if len(caches) != 3 {
		t.Fatalf("go env: %q", goenv)
	}
	h := newNewcomer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, gobin, "run", "./cmd/profil", "--db", filepath.Join(h.dir, "demo.db"), "demo")
	cmd.Dir = root
	cmd.Env = append(append(os.Environ(), h.env...), "GOMODCACHE="+caches[0], "GOCACHE="+caches[1], "GOPATH="+caches[2], "GOPROXY=off")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("go run ./cmd/profil demo: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{
		"go run ./cmd/profil structure search \"cap metiers\"",
		"go run ./cmd/profil request list",
		"CGO_ENABLED=0 go install ./cmd/profil",
	} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("go run demo: want %q in its hints:\n%s", want, errOut.String())
		}
	}

	// In French too.
	cmd = exec.CommandContext(ctx, gobin, "run", "./cmd/profil", "--db", filepath.Join(h.dir, "demo-fr.db"), "demo")
	cmd.Dir = root
	cmd.Env = append(append(os.Environ(), h.env...), "GOMODCACHE="+caches[0], "GOCACHE="+caches[1], "GOPATH="+caches[2], "GOPROXY=off", "LC_ALL=fr_FR.UTF-8")
	errOut.Reset()
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("go run ./cmd/profil demo (fr): %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"Essayez :\n  go run ./cmd/profil structure search", "profil n'est pas installé : `CGO_ENABLED=0 go install ./cmd/profil`"} {
		if !strings.Contains(plainSpaces(errOut.String()), want) {
			t.Errorf("go run demo, in French: want %q:\n%s", want, errOut.String())
		}
	}

	r := h.run(t, 60*time.Second, nil, "--db", filepath.Join(h.dir, "other.db"), "demo")
	if r.code != 0 || !strings.Contains(r.stderr, "  profil structure search") || strings.Contains(r.stderr, "go run") {
		t.Errorf("the built binary's hints say profil:\n%s", r)
	}
}
