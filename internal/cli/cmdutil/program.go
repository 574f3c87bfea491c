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

// RunByGoRun reports whether this process is a binary `go run` built: in a temporary folder
// ($TMPDIR/go-build…/b001/exe/profil) or, since Go 1.24, kept in the build cache
// ($GOCACHE/ab/ab…-d/profil).
func RunByGoRun() bool {
	exe, err := os.Executable()
	if err != nil {
		return false
	}
	dir := filepath.ToSlash(filepath.Dir(exe))
	if strings.Contains(dir, "/go-build") && strings.HasSuffix(dir, "/exe") {
		return true
	}
	entry, shard := filepath.Base(dir), filepath.Base(filepath.Dir(dir))
	hash, ok := strings.CutSuffix(entry, "-d")
	return ok && len(shard) == 2 && len(hash) == 64 && strings.HasPrefix(hash, shard) && isHex(hash)
}

func isHex(s string) bool {
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}
