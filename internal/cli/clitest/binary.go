package clitest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// BuildBinary builds ./cmd/profil of the module at root into dir and returns the path of the
// binary. Tests that run the real executable call it once per test binary (TestMain or
// sync.Once): the build cache makes it a link step after the first time.
func BuildBinary(root, dir string) (string, error) {
	bin := filepath.Join(dir, "profil")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/profil")
	cmd.Dir = root
	cmd.Env = os.Environ()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build ./cmd/profil: %v\n%s", err, out)
	}
	return bin, nil
}
