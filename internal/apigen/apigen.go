// Package apigen writes the HTTP side of the use-case interface (service.API in
// internal/service/api.go): the server's dispatch of one route per method and the client's
// implementation of every method, both from the interface's declaration, so that no use case
// is written twice. cmd/genapi runs it; a test fails when the generated files drift.
//
// A method's first parameter is a context.Context and its last result an error. The other
// parameters travel as one JSON object keyed by their names, the results likewise. Two shapes
// stream: an io.Reader parameter is the request body (the other parameters then travel as JSON
// in the Profil-Params header), and a last parameter of type func(T) error or func(T) makes
// the response a stream of items.
package apigen

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// Method is one method of the interface, as the generator sees it.
type Method struct {
	Name    string
	Route   string // kebab-case name: POST /api/v1/<Route>
	Params  []Field
	Results []Field // without the error
	// Upload is the io.Reader parameter's name, when the method takes one.
	Upload string
	// Stream is the callback parameter, when the method's last parameter is a func.
	Stream *Field
	// StreamItem is the callback's only parameter's type; StreamErr is set when the callback
	// returns an error.
	StreamItem string
	StreamErr  bool

	order []string // every parameter's name but the context's, in order
}

// Field is a named parameter or result and its type, written as in the generated package.
type Field struct {
	Name string
	Type string
}

// Parsed is the interface found in a file.
type Parsed struct {
	Package string // the package the interface lives in, e.g. "service"
	Import  string // its import path
	Iface   string // the interface's name
	Methods []Method
	imports map[string]string // name → path of the imports the types use
}

// reserved names the generated code uses for itself.
var reserved = map[string]bool{"ctx": true, "wire": true, "wireIn": true, "wireOut": true, "wireErr": true, "wireItem": true, "wireEach": true, "api": true, "c": true, "raw": true}

// Parse reads src (the file declaring the interface iface of the package importPath).
func Parse(src []byte, importPath, iface string) (*Parsed, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "api.go", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	p := &Parsed{Package: file.Name.Name, Import: importPath, Iface: iface, imports: map[string]string{}}
	fileImports := map[string]string{}
	for _, im := range file.Imports {
		path := strings.Trim(im.Path.Value, `"`)
		name := path[strings.LastIndex(path, "/")+1:]
		if im.Name != nil {
			name = im.Name.Name
		}
		fileImports[name] = path
	}
	var it *ast.InterfaceType
	ast.Inspect(file, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok && ts.Name.Name == iface {
			it, _ = ts.Type.(*ast.InterfaceType)
		}
		return it == nil
	})
	if it == nil {
		return nil, fmt.Errorf("no interface %s", iface)
	}
	tw := &typeWriter{pkg: p.Package, fileImports: fileImports, used: p.imports}
	for _, m := range it.Methods.List {
		ft, ok := m.Type.(*ast.FuncType)
		if !ok || len(m.Names) != 1 {
			return nil, fmt.Errorf("%s: only methods may be listed in the interface", fset.Position(m.Pos()))
		}
		meth, err := tw.method(m.Names[0].Name, ft)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", fset.Position(m.Pos()), m.Names[0].Name, err)
		}
		p.Methods = append(p.Methods, meth)
	}
	return p, nil
}

type typeWriter struct {
	pkg         string
	fileImports map[string]string
	used        map[string]string
}

func fields(list *ast.FieldList) []*ast.Field {
	if list == nil {
		return nil
	}
	return list.List
}

func (tw *typeWriter) method(name string, ft *ast.FuncType) (Method, error) {
	m := Method{Name: name, Route: Kebab(name)}
	var params []Field
	var exprs []ast.Expr
	for _, f := range fields(ft.Params) {
		if len(f.Names) == 0 {
			return m, fmt.Errorf("parameters must be named")
		}
		for _, n := range f.Names {
			params = append(params, Field{Name: n.Name, Type: tw.expr(f.Type)})
			exprs = append(exprs, f.Type)
		}
	}
	if len(params) == 0 || params[0].Type != "context.Context" {
		return m, fmt.Errorf("the first parameter must be a context.Context")
	}
	params, exprs = params[1:], exprs[1:]
	for i, p := range params {
		m.order = append(m.order, p.Name)
		if reserved[p.Name] {
			return m, fmt.Errorf("parameter name %q is reserved by the generator", p.Name)
		}
		switch {
		case p.Type == "io.Reader":
			if m.Upload != "" {
				return m, fmt.Errorf("one io.Reader at most")
			}
			m.Upload = p.Name
			continue
		case strings.HasPrefix(p.Type, "func("):
			if i != len(params)-1 {
				return m, fmt.Errorf("a callback must be the last parameter")
			}
			cb := exprs[i].(*ast.FuncType)
			in := fields(cb.Params)
			if len(in) != 1 || len(in[0].Names) > 1 {
				return m, fmt.Errorf("a callback takes one parameter")
			}
			out := fields(cb.Results)
			switch {
			case len(out) == 0:
			case len(out) == 1 && len(out[0].Names) <= 1 && tw.expr(out[0].Type) == "error":
				m.StreamErr = true
			default:
				return m, fmt.Errorf("a callback returns nothing or an error")
			}
			f := p
			m.Stream = &f
			m.StreamItem = tw.expr(in[0].Type)
			continue
		}
		m.Params = append(m.Params, p)
	}
	results := fields(ft.Results)
	n := 0
	for _, r := range results {
		if len(r.Names) == 0 {
			n++
		} else {
			n += len(r.Names)
		}
	}
	i := 0
	for _, r := range results {
		typ := tw.expr(r.Type)
		names := r.Names
		if len(names) == 0 {
			names = []*ast.Ident{nil}
		}
		for _, id := range names {
			i++
			if i == n {
				if typ != "error" {
					return m, fmt.Errorf("the last result must be an error")
				}
				continue
			}
			name := fmt.Sprintf("result%d", i)
			if id != nil && id.Name != "_" {
				name = id.Name
			}
			if reserved[name] {
				return m, fmt.Errorf("result name %q is reserved by the generator", name)
			}
			m.Results = append(m.Results, Field{Name: name, Type: typ})
		}
	}
	if n == 0 {
		return m, fmt.Errorf("the last result must be an error")
	}
	return m, nil
}

// expr writes a type expression as the generated packages see it: identifiers of the
// interface's package are qualified with its name.
func (tw *typeWriter) expr(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		if isPredeclared(t.Name) || !ast.IsExported(t.Name) {
			return t.Name
		}
		tw.used[tw.pkg] = ""
		return tw.pkg + "." + t.Name
	case *ast.SelectorExpr:
		pkg := t.X.(*ast.Ident).Name
		tw.used[pkg] = tw.fileImports[pkg]
		return pkg + "." + t.Sel.Name
	case *ast.StarExpr:
		return "*" + tw.expr(t.X)
	case *ast.ArrayType:
		if t.Len != nil {
			var b bytes.Buffer
			_ = format.Node(&b, token.NewFileSet(), t.Len)
			return "[" + b.String() + "]" + tw.expr(t.Elt)
		}
		return "[]" + tw.expr(t.Elt)
	case *ast.MapType:
		return "map[" + tw.expr(t.Key) + "]" + tw.expr(t.Value)
	case *ast.Ellipsis:
		return "..." + tw.expr(t.Elt)
	case *ast.InterfaceType:
		return "any"
	case *ast.FuncType:
		var in, out []string
		for _, f := range fields(t.Params) {
			for range max(1, len(f.Names)) {
				in = append(in, tw.expr(f.Type))
			}
		}
		for _, f := range fields(t.Results) {
			for range max(1, len(f.Names)) {
				out = append(out, tw.expr(f.Type))
			}
		}
		s := "func(" + strings.Join(in, ", ") + ")"
		switch len(out) {
		case 0:
		case 1:
			s += " " + out[0]
		default:
			s += " (" + strings.Join(out, ", ") + ")"
		}
		return s
	}
	panic(fmt.Sprintf("apigen: unsupported type %T", e))
}

func isPredeclared(name string) bool {
	switch name {
	case "bool", "byte", "complex64", "complex128", "error", "float32", "float64", "int", "int8",
		"int16", "int32", "int64", "rune", "string", "uint", "uint8", "uint16", "uint32", "uint64",
		"uintptr", "any", "comparable":
		return true
	}
	return false
}

// Kebab turns a Go name into a route: CreateAPIToken → create-api-token.
func Kebab(name string) string {
	r := []rune(name)
	var b strings.Builder
	for i, c := range r {
		if unicode.IsUpper(c) && i > 0 {
			prevLower := unicode.IsLower(r[i-1]) || unicode.IsDigit(r[i-1])
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			if prevLower || (unicode.IsUpper(r[i-1]) && nextLower) {
				b.WriteByte('-')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

// jsonName is the key of a parameter or result on the wire: its Go name.
func jsonName(name string) string { return name }

func exportName(name string) string {
	r := []rune(name)
	r[0] = unicode.ToUpper(r[0])
	return "F" + string(r)
}

func structType(fs []Field) string {
	if len(fs) == 0 {
		return "struct{}"
	}
	var b strings.Builder
	b.WriteString("struct {\n")
	for _, f := range fs {
		fmt.Fprintf(&b, "\t%s %s `json:%q`\n", exportName(f.Name), f.Type, jsonName(f.Name))
	}
	b.WriteString("}")
	return b.String()
}

// importBlock imports what body uses of the packages the interface's types name, and extra.
func (p *Parsed) importBlock(body string, extra ...string) string {
	paths := map[string]string{}
	for name, path := range p.imports {
		if !regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\.`).MatchString(body) {
			continue
		}
		if name == p.Package {
			path = p.Import
		}
		paths[path] = name
	}
	for _, e := range extra {
		paths[e] = ""
	}
	var std, other []string
	for path, name := range paths {
		line := fmt.Sprintf("%q", path)
		if name != "" && !strings.HasSuffix(path, "/"+name) && path != name {
			line = name + " " + line
		}
		if strings.Contains(strings.SplitN(path, "/", 2)[0], ".") {
			other = append(other, line)
		} else {
			std = append(std, line)
		}
	}
	sort.Strings(std)
	sort.Strings(other)
	s := "import (\n\t" + strings.Join(std, "\n\t")
	if len(other) > 0 {
		s += "\n\n\t" + strings.Join(other, "\n\t")
	}
	return s + "\n)\n"
}

const header = "// Code generated by go run ./cmd/genapi; DO NOT EDIT.\n\n"

func assemble(pkg, imports, body string) ([]byte, error) {
	return format.Source([]byte(header + "package " + pkg + "\n\n" + imports + body))
}

// Server writes the dispatch of package pkg: a table of routes, each decoding the parameters,
// calling the method and encoding the results or streaming the items.
func (p *Parsed) Server(pkg string) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "\n// routes are the methods of %s.%s, by route.\nvar routes = map[string]route{\n", p.Package, p.Iface)
	for _, m := range p.Methods {
		fmt.Fprintf(&b, "\t%q: {method: %q, call: call%s, upload: %v, stream: %v},\n", m.Route, m.Name, m.Name, m.Upload != "", m.Stream != nil)
	}
	b.WriteString("}\n")
	for _, m := range p.Methods {
		fmt.Fprintf(&b, "\nfunc call%s(ctx context.Context, api %s.%s, c *call) error {\n", m.Name, p.Package, p.Iface)
		fmt.Fprintf(&b, "\tvar wireIn %s\n", structType(m.Params))
		b.WriteString("\tif err := c.decode(&wireIn); err != nil {\n\t\treturn err\n\t}\n")
		var args []string
		args = append(args, "ctx")
		pi := 0
		for _, name := range m.argOrder() {
			switch {
			case name == m.Upload:
				args = append(args, "c.body()")
			case m.Stream != nil && name == m.Stream.Name:
				// The client says when it passed no callback: the method then gets none.
				fmt.Fprintf(&b, "\tvar %s %s\n\tif c.wantsItems() {\n", name, m.Stream.Type)
				if m.StreamErr {
					fmt.Fprintf(&b, "\t\t%s = func(wireItem %s) error { return c.item(wireItem) }\n\t}\n", name, m.StreamItem)
				} else {
					fmt.Fprintf(&b, "\t\t%s = func(wireItem %s) { _ = c.item(wireItem) }\n\t}\n", name, m.StreamItem)
				}
				args = append(args, name)
			default:
				args = append(args, "wireIn."+exportName(m.Params[pi].Name))
				pi++
			}
		}
		var outs []string
		for _, r := range m.Results {
			outs = append(outs, r.Name)
		}
		outs = append(outs, "err")
		fmt.Fprintf(&b, "\t%s := api.%s(%s)\n", strings.Join(outs, ", "), m.Name, strings.Join(args, ", "))
		b.WriteString("\tif err != nil {\n\t\treturn err\n\t}\n")
		if len(m.Results) == 0 {
			b.WriteString("\treturn c.reply(struct{}{})\n}\n")
			continue
		}
		fmt.Fprintf(&b, "\treturn c.reply(%s{%s})\n}\n", structType(m.Results), strings.Join(outs[:len(outs)-1], ", "))
	}
	return assemble(pkg, p.importBlock(b.String(), "context"), b.String())
}

// argOrder lists the parameter names (context excepted) in the interface's order.
func (m Method) argOrder() []string { return m.order }

// Client writes the implementation of the interface in package pkg, as methods of the type
// typ (which has a method call doing the round trip).
func (p *Parsed) Client(pkg, typ string) ([]byte, error) {
	var b bytes.Buffer
	extra := []string{"context"}
	for _, m := range p.Methods {
		if m.Stream != nil {
			extra = append(extra, "encoding/json")
			break
		}
	}
	fmt.Fprintf(&b, "\nvar _ %s.%s = (*%s)(nil)\n", p.Package, p.Iface, typ)
	for _, m := range p.Methods {
		var sig []string
		sig = append(sig, "ctx context.Context")
		pi := 0
		for _, name := range m.argOrder() {
			switch {
			case name == m.Upload:
				sig = append(sig, name+" io.Reader")
			case m.Stream != nil && name == m.Stream.Name:
				sig = append(sig, name+" "+m.Stream.Type)
			default:
				sig = append(sig, name+" "+m.Params[pi].Type)
				pi++
			}
		}
		var res []string
		for _, r := range m.Results {
			res = append(res, r.Name+" "+r.Type)
		}
		res = append(res, "err error")
		fmt.Fprintf(&b, "\n// %s calls POST /api/v1/%s.\nfunc (wire *%s) %s(%s) (%s) {\n", m.Name, m.Route, typ, m.Name, strings.Join(sig, ", "), strings.Join(res, ", "))
		var vals []string
		for _, f := range m.Params {
			vals = append(vals, f.Name)
		}
		fmt.Fprintf(&b, "\twireIn := %s{%s}\n", structType(m.Params), strings.Join(vals, ", "))
		fmt.Fprintf(&b, "\tvar wireOut %s\n", structType(m.Results))
		body := "nil"
		if m.Upload != "" {
			body = m.Upload
		}
		each := "nil"
		if m.Stream != nil {
			fmt.Fprintf(&b, "\tvar wireEach func(json.RawMessage) error\n\tif %s != nil {\n\t\twireEach = ", m.Stream.Name)
			call := m.Stream.Name + "(wireItem)"
			if !m.StreamErr {
				call = m.Stream.Name + "(wireItem)\n\t\treturn nil"
			} else {
				call = "return " + call
			}
			fmt.Fprintf(&b, "func(raw json.RawMessage) error {\n\t\tvar wireItem %s\n\t\tif err := json.Unmarshal(raw, &wireItem); err != nil {\n\t\t\treturn err\n\t\t}\n\t\t%s\n\t}\n\t}\n", m.StreamItem, call)
			each = "wireEach"
		}
		fmt.Fprintf(&b, "\terr = wire.call(ctx, %q, wireIn, %s, %s, &wireOut)\n", m.Route, body, each)
		var rets []string
		for _, r := range m.Results {
			rets = append(rets, "wireOut."+exportName(r.Name))
		}
		rets = append(rets, "err")
		fmt.Fprintf(&b, "\treturn %s\n}\n", strings.Join(rets, ", "))
	}
	return assemble(pkg, p.importBlock(b.String(), extra...), b.String())
}

// The files of this repository the generator reads and writes, relative to its root.
const (
	APIFile    = "internal/service/api.go"
	ServerFile = "internal/server/api_gen.go"
	ClientFile = "internal/client/api_gen.go"
)

// Generate reads the use-case interface under root and returns the generated files, by path
// relative to root.
func Generate(root string) (map[string][]byte, error) {
	src, err := os.ReadFile(filepath.Join(root, APIFile))
	if err != nil {
		return nil, err
	}
	p, err := Parse(src, "github.com/profil-cli/profil/internal/service", "API")
	if err != nil {
		return nil, err
	}
	server, err := p.Server("server")
	if err != nil {
		return nil, err
	}
	client, err := p.Client("client", "Client")
	if err != nil {
		return nil, err
	}
	return map[string][]byte{ServerFile: server, ClientFile: client}, nil
}
