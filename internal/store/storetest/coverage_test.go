package storetest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/store"
)

// Every method of store.Tx is called by the suite (as tx.Method(...)), so that no engine's
// version of it goes untested on the other.
func TestSuiteCallsEveryTxMethod(t *testing.T) {
	called := map[string]bool{}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "tx" {
					called[sel.Sel.Name] = true
				}
			}
			return true
		})
	}
	txType := reflect.TypeFor[store.Tx]()
	var missing []string
	for i := range txType.NumMethod() {
		if name := txType.Method(i).Name; !called[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("the conformance suite never calls these Tx methods: %s", strings.Join(missing, ", "))
	}
	if txType.NumMethod() < 50 {
		t.Errorf("store.Tx has %d methods: the test reads the wrong interface", txType.NumMethod())
	}
}
