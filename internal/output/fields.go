package output

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// A fieldPlan says how to turn one value of a struct type into a CSV row
// whose columns are the fields encoding/json would write, in the same order
// and under the same names. It is computed once per type by reflection, then
// applied to every row without looking at struct tags again.
type fieldPlan struct {
	ptr    bool // items are pointers to the struct
	fields []planField
}

type planField struct {
	name   string
	index  []int // path through embedded structs, for FieldByIndexErr
	format formatter
}

// A formatter renders one value as a CSV cell.
type formatter func(reflect.Value) (string, error)

// newFieldPlan builds the plan for t, which must be a struct or a pointer to
// one: a CSV needs the same columns on every row.
func newFieldPlan(t reflect.Type) (*fieldPlan, error) {
	p := &fieldPlan{}
	if t.Kind() == reflect.Pointer {
		p.ptr = true
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == reflect.TypeFor[time.Time]() {
		return nil, fmt.Errorf("csv output needs a list of structs, got %s", t)
	}
	var fields []candidate
	collectFields(t, nil, map[reflect.Type]bool{}, &fields)
	for _, f := range dominantFields(fields) {
		p.fields = append(p.fields, planField{name: f.name, index: f.index, format: formatterFor(f.typ)})
	}
	return p, nil
}

// header returns the column names: the JSON field names.
func (p *fieldPlan) header() []string {
	h := make([]string, len(p.fields))
	for i, f := range p.fields {
		h[i] = f.name
	}
	return h
}

// row fills dst (reused between rows to spare allocations) with the cells of
// v. A nil pointer, to the item or to an embedded struct, gives empty cells.
func (p *fieldPlan) row(v reflect.Value, dst []string) ([]string, error) {
	dst = dst[:0]
	if p.ptr {
		if v.IsNil() {
			return append(dst, make([]string, len(p.fields))...), nil
		}
		v = v.Elem()
	}
	for _, f := range p.fields {
		fv, err := v.FieldByIndexErr(f.index)
		if err != nil {
			dst = append(dst, "")
			continue
		}
		cell, err := f.format(fv)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.name, err)
		}
		dst = append(dst, cell)
	}
	return dst, nil
}

// candidate is a field as found in the struct tree, before name conflicts
// are settled.
type candidate struct {
	name   string
	index  []int
	typ    reflect.Type
	tagged bool
}

// collectFields walks t depth-first, in declaration order, flattening
// untagged embedded structs as encoding/json does.
func collectFields(t reflect.Type, prefix []int, seen map[reflect.Type]bool, out *[]candidate) {
	if seen[t] {
		return
	}
	seen[t] = true
	defer delete(seen, t)
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		index := append(append([]int(nil), prefix...), i)
		ft := sf.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if sf.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			collectFields(ft, index, seen, out)
			continue
		}
		if !sf.IsExported() {
			continue
		}
		*out = append(*out, candidate{name: cmpOr(name, sf.Name), index: index, typ: sf.Type, tagged: name != ""})
	}
}

// dominantFields applies encoding/json's rule for duplicate names: the
// shallowest field wins, then a tagged one; if still ambiguous, none is kept.
func dominantFields(fields []candidate) []candidate {
	byName := map[string][]int{}
	for i, f := range fields {
		byName[f.name] = append(byName[f.name], i)
	}
	var out []candidate
	for i, f := range fields {
		idx := byName[f.name]
		if len(idx) == 1 {
			out = append(out, f)
			continue
		}
		if winner := dominant(fields, idx); winner == i {
			out = append(out, f)
		}
	}
	return out
}

func dominant(fields []candidate, idx []int) int {
	best := -1
	ambiguous := false
	for _, i := range idx {
		if best < 0 {
			best = i
			continue
		}
		a, b := fields[i], fields[best]
		switch {
		case len(a.index) < len(b.index) || (len(a.index) == len(b.index) && a.tagged && !b.tagged):
			best, ambiguous = i, false
		case len(a.index) == len(b.index) && a.tagged == b.tagged:
			ambiguous = true
		}
	}
	if ambiguous {
		return -1
	}
	return best
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// formatterFor chooses, once per type, how its values become a cell.
func formatterFor(t reflect.Type) formatter {
	if t == reflect.TypeFor[time.Time]() {
		return formatTime
	}
	if hasMarshaler(t) || hasMarshaler(reflect.PointerTo(t)) {
		return jsonCell // let encoding/json decide, so the cell matches the JSON
	}
	switch t.Kind() {
	case reflect.String:
		return func(v reflect.Value) (string, error) { return v.String(), nil }
	case reflect.Bool:
		return func(v reflect.Value) (string, error) { return strconv.FormatBool(v.Bool()), nil }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(v reflect.Value) (string, error) { return strconv.FormatInt(v.Int(), 10), nil }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return func(v reflect.Value) (string, error) { return strconv.FormatUint(v.Uint(), 10), nil }
	case reflect.Float32, reflect.Float64:
		bits := t.Bits()
		return func(v reflect.Value) (string, error) { return strconv.FormatFloat(v.Float(), 'f', -1, bits), nil }
	case reflect.Pointer:
		elem := formatterFor(t.Elem())
		return func(v reflect.Value) (string, error) {
			if v.IsNil() {
				return "", nil
			}
			return elem(v.Elem())
		}
	case reflect.Interface:
		return func(v reflect.Value) (string, error) {
			if v.IsNil() {
				return "", nil
			}
			return formatterFor(v.Elem().Type())(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			return jsonCell // []byte is base64 in JSON
		}
		return joinFormatter(t.Elem())
	}
	return jsonCell // structs, maps and anything else: compact JSON
}

func hasMarshaler(t reflect.Type) bool {
	return t.Implements(reflect.TypeFor[json.Marshaler]()) || t.Implements(reflect.TypeFor[encoding.TextMarshaler]())
}

// joinFormatter renders a list as its elements joined with "|": scalars as
// they are, structs, maps and nested lists as compact JSON.
func joinFormatter(elem reflect.Type) formatter {
	format := jsonCell
	if k := elem.Kind(); k != reflect.Slice && k != reflect.Array {
		format = formatterFor(elem)
	}
	return func(v reflect.Value) (string, error) {
		if v.Kind() == reflect.Slice && v.IsNil() {
			return "", nil
		}
		var b strings.Builder
		for i := range v.Len() {
			cell, err := format(v.Index(i))
			if err != nil {
				return "", err
			}
			if i > 0 {
				b.WriteByte('|')
			}
			b.WriteString(cell)
		}
		return b.String(), nil
	}
}

// formatTime writes RFC 3339 in UTC so that a column sorts as text. The zero
// time means "never" in our data and is left empty rather than shown as the
// year 1.
func formatTime(v reflect.Value) (string, error) {
	t := v.Interface().(time.Time)
	if t.IsZero() {
		return "", nil
	}
	return t.UTC().Format(time.RFC3339), nil
}

// jsonCell encodes v as encoding/json would, then unwraps what is simple: a
// JSON string loses its quotes, null becomes empty, and objects and arrays
// stay as compact JSON.
func jsonCell(v reflect.Value) (string, error) {
	if v.CanAddr() {
		v = v.Addr() // reach MarshalJSON methods declared on the pointer
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v.Interface()); err != nil {
		return "", err
	}
	raw := bytes.TrimRight(buf.Bytes(), "\n")
	switch {
	case string(raw) == "null":
		return "", nil
	case len(raw) > 0 && raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		return s, nil
	}
	return string(raw), nil
}
