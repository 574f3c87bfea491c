// Command genapi writes the server's routes (internal/server/api_gen.go) and the client's
// methods (internal/client/api_gen.go) from the use-case interface in internal/service/api.go:
//
//	go run ./cmd/genapi   # at the root of the repository, after changing the interface
//
// A test fails when the files on disk differ from what it writes.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/profil-cli/profil/internal/apigen"
)

func main() {
	files, err := apigen.Generate(".")
	if err != nil {
		fmt.Fprintf(os.Stderr, "genapi: %v\n", err)
		os.Exit(1)
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			fmt.Fprintf(os.Stderr, "genapi: %v\n", err)
			os.Exit(1)
		}
		if err := os.WriteFile(p, files[p], 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "genapi: %v\n", err)
			os.Exit(1)
		}
	}
}
