package cli_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// storeAllowed are the only command files that may reach the database directly: the
// composition root, which opens it and hands out the use cases, the db commands, and init and
// demo, which create it. Every other command goes through service.API, so that it works the
// same on a local database and through a server.
var storeAllowed = map[string]bool{
	"cmdutil/factory.go": true,
	"setup/init.go":      true,
	"setup/demo.go":      true,
}

func TestCommandsUseTheServiceInterface(t *testing.T) {
	const storePkg = "github.com/profil-cli/profil/internal/store"
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path == "dbcmd" || path == "clitest" {
				return filepath.SkipDir // the db commands; the test harness
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if (p == storePkg || strings.HasPrefix(p, storePkg+"/")) && !storeAllowed[filepath.ToSlash(path)] {
				t.Errorf("%s imports %s: commands call service.API (Factory.API), not the store", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 40 {
		t.Fatalf("only %d command files checked: is the test run from internal/cli?", checked)
	}
}
