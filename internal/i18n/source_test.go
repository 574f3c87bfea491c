package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// keyCall is a function that takes a message key: the index of the key among its arguments,
// the packages it is called through ("" for a call from inside home, its own package), and
// whether the arguments after the key fill the message's verbs.
type keyCall struct {
	arg    int
	quals  []string
	home   string
	format bool
	plural bool // the key names a message with ".one" and ".other" forms
}

// keyCalls are the functions of profil that take a message key.
var keyCalls = map[string]keyCall{
	"T":              {arg: 0, quals: []string{"i18n"}, home: "i18n", format: true},
	"In":             {arg: 1, quals: []string{"i18n"}, home: "i18n", format: true},
	"N":              {arg: 1, quals: []string{"i18n"}, home: "i18n", format: true, plural: true},
	"Errorf":         {arg: 1, quals: []string{"domain"}, home: "domain", format: true},
	"Invalid":        {arg: 2, quals: []string{"domain"}, home: "domain", format: true},
	"Msg":            {arg: 0, quals: []string{"domain"}, home: "domain", format: true},
	"FlagErrorf":     {arg: 0, quals: []string{"cmdutil"}, home: "cmdutil", format: true},
	"Say":            {arg: 0, quals: []string{"*"}, home: "cmdutil", format: true},
	"ExactArgs":      {arg: 1, quals: []string{"cmdutil"}, home: "cmdutil"},
	"MinimumArgs":    {arg: 1, quals: []string{"cmdutil"}, home: "cmdutil"},
	"notFound":       {arg: 1, home: "sqlstore", format: true},
	"affectedOne":    {arg: 1, home: "sqlstore", format: true},
	"maxOneArg":      {arg: 0, home: "user"},
	"parseStructure": {arg: 1, home: "user"},
	"RunImport":      {arg: 3, quals: []string{"structure"}, home: "structure"},
	"line":           {arg: 0, home: "request"},
}

// i18nErrorf is i18n.Errorf, which shares its name with domain.Errorf.
var i18nErrorf = keyCall{arg: 0, format: true}

// isCatalogueFile tells whether a file holds messages (catalogue.go and its topic files,
// catalogue_*.go): their strings are not uses of them.
func isCatalogueFile(rel string) bool {
	dir, name := filepath.Split(rel)
	return dir == "internal/i18n/" && strings.HasPrefix(name, "catalogue") && strings.HasSuffix(name, ".go")
}

type keyUse struct {
	pos  string
	key  string
	args int // arguments after the key; -1 when passed on with "..."
	call keyCall
}

// sourceUses parses every Go file of the module but tests, and returns the message keys passed
// to the functions of keyCalls, and every string literal of the code.
func sourceUses(t *testing.T) (uses []keyUse, literals map[string]bool) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	literals = map[string]bool{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if s, ok := stringLit(n); ok && !isCatalogueFile(rel) {
					literals[s] = true
				}
			case *ast.CallExpr:
				call, ok := keyCallOf(f.Name.Name, n)
				if !ok || len(n.Args) <= call.arg {
					return true
				}
				lit, ok := n.Args[call.arg].(*ast.BasicLit)
				if !ok {
					return true
				}
				key, ok := stringLit(lit)
				if !ok {
					return true
				}
				args := len(n.Args) - call.arg - 1
				if n.Ellipsis.IsValid() {
					args = -1
				}
				p := fset.Position(lit.Pos())
				uses = append(uses, keyUse{pos: rel + ":" + strconv.Itoa(p.Line), key: key, args: args, call: call})
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return uses, literals
}

// keyCallOf says whether call, in package pkg, calls a function that takes a message key.
func keyCallOf(pkg string, call *ast.CallExpr) (keyCall, bool) {
	var name, qual string
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		name = fn.Name
	case *ast.SelectorExpr:
		name, qual = fn.Sel.Name, exprString(fn.X)
	default:
		return keyCall{}, false
	}
	if name == "Errorf" && (qual == "i18n" || qual == "" && pkg == "i18n") {
		return i18nErrorf, true
	}
	kc, ok := keyCalls[name]
	if !ok {
		return keyCall{}, false
	}
	if qual == "" {
		return kc, pkg == kc.home
	}
	for _, q := range kc.quals {
		if q == qual || q == "*" {
			return kc, true
		}
	}
	return keyCall{}, false
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	}
	return "?"
}

func stringLit(lit *ast.BasicLit) (string, bool) {
	if lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// TestEveryKeyUsedIsInTheCatalogue walks the code for the messages it writes and checks that
// each is in the catalogue (so in both languages), with as many arguments as it has verbs.
func TestEveryKeyUsedIsInTheCatalogue(t *testing.T) {
	uses, _ := sourceUses(t)
	if len(uses) < 300 {
		t.Fatalf("only %d messages found in the code: is the walk broken?", len(uses))
	}
	for _, u := range uses {
		keys := []string{u.key}
		if u.call.plural {
			keys = []string{u.key + ".one", u.key + ".other"}
		}
		for _, key := range keys {
			m, ok := catalogue()[key]
			switch {
			case ok:
			case !strings.ContainsFunc(key, unicode.IsLetter):
				continue // a bare format such as "%s"
			default:
				t.Errorf("%s: %q is not in the catalogue", u.pos, key)
				continue
			}
			if !u.call.format || u.args < 0 {
				continue
			}
			want, err := verbs(m.en)
			if err == nil && len(want) != u.args {
				t.Errorf("%s: %q takes %d arguments, given %d", u.pos, key, len(want), u.args)
			}
		}
	}
}

// TestEveryMessageIsUsed checks that the catalogue holds no message the code no longer writes:
// each key, or its English text, appears in the code as a string (a key may be kept in a
// table, such as the policy's).
func TestEveryMessageIsUsed(t *testing.T) {
	_, literals := sourceUses(t)
	var unused []string
	for key := range catalogue() {
		base := strings.TrimSuffix(strings.TrimSuffix(key, ".one"), ".other")
		if !literals[key] && !literals[base] && !literals[catalogue()[key].en] {
			unused = append(unused, key)
		}
	}
	sort.Strings(unused)
	for _, key := range unused {
		t.Errorf("%s is in the catalogue but the code never uses it", key)
	}
}
