package clitest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// UpdateGoldenEnv names the variable that rewrites golden files instead of comparing:
// UPDATE_GOLDEN=1 go test ./internal/cli/...
const UpdateGoldenEnv = "UPDATE_GOLDEN"

// GoldenPath is testdata/golden/NAME at the root of the module.
func GoldenPath(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join(ModuleRoot(t), "testdata", "golden", name)
}

// Golden compares got with testdata/golden/NAME byte for byte. With UPDATE_GOLDEN=1 it writes
// got there instead and, when that changed the file, fails the test: a rewritten golden file is
// reviewed and committed, and only the next run passes.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := GoldenPath(t, name)
	want, err := os.ReadFile(path)
	if v := os.Getenv(UpdateGoldenEnv); v != "" && v != "0" {
		if err == nil && bytes.Equal(got, want) {
			return
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Errorf("golden file %s rewritten: review the diff, commit it, and run the tests again without %s", path, UpdateGoldenEnv)
		return
	}
	if err != nil {
		t.Fatalf("golden file: %v (run with %s=1 to create it)", err, UpdateGoldenEnv)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from golden file %s (%s=1 rewrites it):\n%s", path, UpdateGoldenEnv, diffLines(string(want), string(got)))
	}
}

// diffLines shows the first line that differs, with a little context.
func diffLines(want, got string) string {
	w, g := strings.SplitAfter(want, "\n"), strings.SplitAfter(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("first difference at line %d:\n- want %q\n+ got  %q\n--- got in full:\n%s", i+1, wl, gl, got)
		}
	}
	return "(same lines, different bytes)"
}

// ModuleRoot is the folder holding go.mod.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	root, err := FindModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// FindModuleRoot is ModuleRoot for code that has no testing.TB (TestMain).
func FindModuleRoot() (string, error) {
	if _, file, _, ok := runtime.Caller(0); ok {
		// file is …/internal/cli/clitest/golden.go
		root := filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			return root, nil
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("clitest: no go.mod above the working folder")
		}
		dir = parent
	}
}
