package cmdutil

import (
	"os"
	"path/filepath"
	"strings"
)

// GoRunProgram is how hints name profil when it runs through `go run` from a clone: the
// binary then lives in a temporary build folder, on no PATH.
const GoRunProgram = "go run ./cmd/profil"

// Program is the command a person types to run this profil again: "profil", or
// GoRunProgram when it was started by `go run`.
func Program() string {
	if RunByGoRun() {
		return GoRunProgram
	}
	return "profil"
}

// RunByGoRun reports whether this process is a binary `go run` built in its temporary
// folder ($TMPDIR/go-build…/b001/exe/profil).
func RunByGoRun() bool {
	exe, err := os.Executable()
	if err != nil {
		return false
	}
	dir := filepath.ToSlash(filepath.Dir(exe))
	return strings.Contains(dir, "/go-build") && strings.HasSuffix(dir, "/exe")
}
