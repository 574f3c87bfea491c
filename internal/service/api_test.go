package service_test

import (
	"context"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
)

// The API is carried over HTTP by code generated from its declaration: every method must keep
// the shape its doc comment promises.
func TestAPIMethodsCanBeCarried(t *testing.T) {
	api := reflect.TypeFor[service.API]()
	ctxType := reflect.TypeFor[context.Context]()
	errType := reflect.TypeFor[error]()
	readerType := reflect.TypeFor[io.Reader]()
	for i := range api.NumMethod() {
		m := api.Method(i)
		ft := m.Type
		if ft.NumIn() == 0 || ft.In(0) != ctxType {
			t.Errorf("%s: the first parameter is not a context.Context", m.Name)
		}
		if ft.NumOut() == 0 || ft.Out(ft.NumOut()-1) != errType {
			t.Errorf("%s: the last result is not an error", m.Name)
		}
		for j := 1; j < ft.NumIn(); j++ {
			in := ft.In(j)
			switch {
			case in == readerType:
			case in.Kind() == reflect.Func:
				if j != ft.NumIn()-1 || !streamFunc(in) {
					t.Errorf("%s: parameter %d is a %s: only a last func(T) error or func([]T) streams", m.Name, j, in)
				}
			default:
				if why := carried(in, map[reflect.Type]bool{}); why != "" {
					t.Errorf("%s: parameter %d: %s", m.Name, j, why)
				}
			}
		}
		for j := 0; j < ft.NumOut()-1; j++ {
			if why := carried(ft.Out(j), map[reflect.Type]bool{}); why != "" {
				t.Errorf("%s: result %d: %s", m.Name, j, why)
			}
		}
	}
}

// streamFunc reports whether fn is func(T) error or func([]T), T carried.
func streamFunc(fn reflect.Type) bool {
	if fn.NumIn() != 1 || carried(fn.In(0), map[reflect.Type]bool{}) != "" {
		return false
	}
	switch fn.NumOut() {
	case 0:
		return fn.In(0).Kind() == reflect.Slice
	case 1:
		return fn.Out(0) == reflect.TypeFor[error]()
	}
	return false
}

// carried says why JSON cannot carry t, or "" when it can. Fields of type error are carried
// as method errors are.
func carried(t reflect.Type, seen map[reflect.Type]bool) string {
	if seen[t] {
		return ""
	}
	seen[t] = true
	if t.Implements(reflect.TypeFor[json.Marshaler]()) || t.Implements(reflect.TypeFor[encoding.TextMarshaler]()) {
		return ""
	}
	switch t.Kind() {
	case reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return ""
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return carried(t.Elem(), seen)
	case reflect.Map:
		if k := t.Key().Kind(); k != reflect.String && (k < reflect.Int || k > reflect.Uint64) {
			return t.String() + " has keys JSON cannot name"
		}
		return carried(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() || f.Tag.Get("json") == "-" || f.Type == reflect.TypeFor[error]() {
				continue
			}
			if why := carried(f.Type, seen); why != "" {
				return t.String() + "." + f.Name + ": " + why
			}
		}
		return ""
	}
	return t.String() + " is a " + t.Kind().String()
}

// The generator reads names from the declaration: every parameter and result is named, and
// each method has a doc comment or sits in a commented group.
func TestAPIDeclarationNamesEverything(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "api.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var iface *ast.InterfaceType
	ast.Inspect(f, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok && ts.Name.Name == "API" {
			iface, _ = ts.Type.(*ast.InterfaceType)
		}
		return iface == nil
	})
	if iface == nil {
		t.Fatal("no interface API in api.go")
	}
	methods := 0
	for _, m := range iface.Methods.List {
		ft, ok := m.Type.(*ast.FuncType)
		if !ok || len(m.Names) != 1 {
			t.Errorf("API embeds %v: declare each method", m.Type)
			continue
		}
		methods++
		name := m.Names[0].Name
		for _, list := range []*ast.FieldList{ft.Params, ft.Results} {
			if list == nil {
				continue
			}
			for _, field := range list.List {
				if len(field.Names) == 0 {
					t.Errorf("%s: an unnamed parameter or result", name)
				}
				for _, n := range field.Names {
					if n.Name == "_" || strings.TrimSpace(n.Name) == "" {
						t.Errorf("%s: a parameter or result named _", name)
					}
				}
			}
		}
	}
	if want := reflect.TypeFor[service.API]().NumMethod(); methods != want {
		t.Errorf("api.go declares %d methods, the interface has %d", methods, want)
	}
}

// As binds the actor: the API it returns answers Whoami with it, without a database.
func TestAsBindsTheActor(t *testing.T) {
	a := domain.Actor{UserID: 7, Email: "claire.martin@horizons.fr", SessionID: 3}
	got, err := service.New(nil).As(a).Whoami(context.Background())
	if err != nil || got != a {
		t.Errorf("Whoami = %+v, %v; want %+v", got, err, a)
	}
}

// SendMail checks who asks and the SMTP settings before it touches the outbox; a bad URL is
// invalid input that never shows its password.
func TestSendMailChecksFirst(t *testing.T) {
	ctx := context.Background()
	svc := service.New(nil) // no database: nothing may be read
	if _, err := svc.As(domain.Anonymous).SendMail(ctx, service.SMTPSettings{URL: "smtp://localhost"}, 0); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("anonymous: %v, want not allowed", err)
	}
	manager := svc.As(domain.Actor{UserID: 1, Email: "gestion@cap-metiers.fr", Manager: true})
	_, err := manager.SendMail(ctx, service.SMTPSettings{URL: "smtp://relay:hunter2@smtp.example.fr:99999"}, 0)
	if !errors.Is(err, domain.ErrInvalid) || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("bad URL: %v, want invalid input without the password", err)
	}
	if s := fmt.Sprintf("%v %+v %#v", service.SMTPSettings{URL: "smtp://u:hunter2@x"}, service.SMTPSettings{URL: "smtp://u:hunter2@x"}, service.SMTPSettings{URL: "smtp://u:hunter2@x"}); strings.Contains(s, "hunter2") {
		t.Errorf("SMTPSettings printed its password: %s", s)
	}
}
