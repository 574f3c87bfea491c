package server

import (
	"encoding/json"
	"io"
	"reflect"
	"regexp"
	"testing"

	"github.com/profil-cli/profil/internal/service"
)

// TestEveryTypeCrossesJSON walks the parameters and results of every method of service.API:
// none may hold a value JSON cannot carry (a func, a channel, an interface other than an error
// field of a type that says how to carry it), or the route would fail at run time.
func TestEveryTypeCrossesJSON(t *testing.T) {
	api := reflect.TypeFor[service.API]()
	ctxType := reflect.TypeFor[interface{ Done() <-chan struct{} }]()
	reader := reflect.TypeFor[io.Reader]()
	marshaler := reflect.TypeFor[json.Marshaler]()
	for i := range api.NumMethod() {
		m := api.Method(i)
		var check func(path string, t reflect.Type, seen map[reflect.Type]bool)
		check = func(path string, typ reflect.Type, seen map[reflect.Type]bool) {
			if seen[typ] {
				return
			}
			seen[typ] = true
			if typ.Implements(marshaler) || reflect.PointerTo(typ).Implements(marshaler) {
				return
			}
			switch typ.Kind() {
			case reflect.Func, reflect.Chan, reflect.Interface, reflect.UnsafePointer, reflect.Complex64, reflect.Complex128:
				t.Errorf("%s: %s is %s: JSON cannot carry it", m.Name, path, typ)
			case reflect.Pointer, reflect.Slice, reflect.Array:
				check(path+"[]", typ.Elem(), seen)
			case reflect.Map:
				check(path+"{}", typ.Elem(), seen)
			case reflect.Struct:
				for j := range typ.NumField() {
					f := typ.Field(j)
					if !f.IsExported() || f.Tag.Get("json") == "-" {
						continue
					}
					check(path+"."+f.Name, f.Type, seen)
				}
			}
		}
		ft := m.Type
		for j := range ft.NumIn() {
			in := ft.In(j)
			switch {
			case j == 0 && in.Implements(ctxType):
			case in == reader:
			case j == ft.NumIn()-1 && in.Kind() == reflect.Func:
				check("callback item", in.In(0), map[reflect.Type]bool{})
			default:
				check("parameter", in, map[reflect.Type]bool{})
			}
		}
		for j := range ft.NumOut() - 1 {
			check("result", ft.Out(j), map[reflect.Type]bool{})
		}
	}
}

// TestNoHashCrossesJSON walks the results of every method of service.API (and what their
// callbacks receive): no field holding a secret's hash (a password's, a token's, an activation
// or e-mail code's, a secret answer's) may be sent. An activation code's SHA-256 sent to the
// caller would let the code be found offline within its lifetime.
func TestNoHashCrossesJSON(t *testing.T) {
	api := reflect.TypeFor[service.API]()
	secret := regexp.MustCompile(`(?i)(hash|password|secret)$`)
	checked := 0
	for i := range api.NumMethod() {
		m := api.Method(i)
		var check func(path string, typ reflect.Type, seen map[reflect.Type]bool)
		check = func(path string, typ reflect.Type, seen map[reflect.Type]bool) {
			if seen[typ] {
				return
			}
			seen[typ] = true
			switch typ.Kind() {
			case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
				check(path+"[]", typ.Elem(), seen)
			case reflect.Struct:
				for j := range typ.NumField() {
					f := typ.Field(j)
					if !f.IsExported() || f.Tag.Get("json") == "-" {
						continue
					}
					checked++
					if secret.MatchString(f.Name) && (f.Type.Kind() == reflect.String || f.Type == reflect.TypeFor[[]byte]()) {
						t.Errorf("%s: %s.%s (%s) is sent to the caller", m.Name, path, f.Name, typ)
					}
					check(path+"."+f.Name, f.Type, seen)
				}
			}
		}
		ft := m.Type
		if last := ft.NumIn() - 1; last > 0 && ft.In(last).Kind() == reflect.Func {
			check("callback item", ft.In(last).In(0), map[reflect.Type]bool{})
		}
		for j := range ft.NumOut() - 1 {
			check("result", ft.Out(j), map[reflect.Type]bool{})
		}
	}
	if checked < 100 {
		t.Fatalf("only %d fields checked: the walk missed the results", checked)
	}
}
