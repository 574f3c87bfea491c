// Command gendocs regenerates the man pages (man/) and the shell completion
// scripts (completions/) of profil from its command tree:
//
//	go run ./cmd/gendocs            # at the root of the repository
//	go run ./cmd/gendocs -dir out   # somewhere else
//
// Pages of commands that no longer exist are deleted. The output depends
// only on the command tree: no dates, paths or environment.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/profil-cli/profil/internal/cli/docs"
)

func main() {
	dir := flag.String("dir", ".", "folder in which to write man/ and completions/")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: go run ./cmd/gendocs [-dir DIR]\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := docs.Generate(docs.NewRoot(), *dir); err != nil {
		fmt.Fprintf(os.Stderr, "gendocs: %v\n", err)
		os.Exit(1)
	}
}
