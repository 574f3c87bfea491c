// Package output writes command results in the format the user asked for:
// an aligned table for people, or JSON, YAML or CSV for programs and
// spreadsheets. Commands describe their table columns once and hand over a
// slice of values; the machine formats are derived from the values' JSON
// encoding, so that `-o json`, `-o yaml` and `-o csv` always agree on field
// names and order.
package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"

	"github.com/jedib0t/go-pretty/v6/text"
	"go.yaml.in/yaml/v3"

	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/iostreams"
)

// Format is an output format, as given to --output.
type Format string

// The formats accepted by --output.
const (
	Table Format = "table"
	JSON  Format = "json"
	YAML  Format = "yaml"
	CSV   Format = "csv"
)

// ParseFormat checks the value of --output. An empty string is returned as
// is, so that the caller can pick a default that depends on the context
// (a table on a terminal, JSON in a pipe).
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case "", Table, JSON, YAML, CSV:
		return f, nil
	}
	return "", errors.New(i18n.T("output_flag.invalid", s))
}

// Column describes one column of a table for people. Machine formats ignore
// columns: they carry every JSON field of the item.
type Column[T any] struct {
	// Header is the column title; tables show it in upper case.
	Header string
	// Value renders the cell for one item.
	Value func(T) string
	// Color optionally colours the cell, e.g. red for a rejected request.
	// It is only called when colour is enabled; nil means no colour.
	Color func(T) text.Colors
	// Keep marks an identifier (an id, a SIRET, an e-mail) that must never be cut to fit the
	// terminal: the other columns shrink instead.
	Keep bool
	// Optional marks a column of little use that is left out when the table is wider than
	// the terminal (the rightmost first), before any other column is shortened.
	Optional bool
	// Wrap breaks a long cell over several lines instead of cutting it with "…": for text
	// that is read whole, such as the details of an audit event. With Keep too, it breaks
	// only between words, never inside one (an e-mail).
	Wrap bool
}

// Print writes items to ios.Out in format f; an empty f means Table.
// An empty list prints nothing in a table (saying "no results" on stderr is
// the caller's business), "[]" in JSON and YAML, and only the header in CSV,
// so that programs reading the output never have a special case.
func Print[T any](ios *iostreams.IOStreams, f Format, items []T, cols []Column[T]) error {
	switch f {
	case "", Table:
		if len(items) == 0 {
			return nil
		}
		return writeTable(ios, items, cols)
	case JSON:
		return writeJSON(ios.Out, nonNil(items))
	case YAML:
		return writeYAML(ios.Out, nonNil(items))
	case CSV:
		return WriteCSV(ios.Out, CSVOptions{}, items)
	}
	_, err := ParseFormat(string(f))
	return err
}

// PrintOne writes a single item: in a table as a vertical "Field: value"
// list built from cols, in JSON and YAML as an object (not a list of one),
// in CSV as a header and one row.
func PrintOne[T any](ios *iostreams.IOStreams, f Format, item T, cols []Column[T]) error {
	switch f {
	case "", Table:
		return writeVertical(ios, item, cols)
	case JSON:
		return writeJSON(ios.Out, item)
	case YAML:
		return writeYAML(ios.Out, item)
	case CSV:
		return WriteCSV(ios.Out, CSVOptions{}, []T{item})
	}
	_, err := ParseFormat(string(f))
	return err
}

// WriteCSV writes items as CSV: a header made of the JSON field names of T,
// in struct order, then one row per item. T must be a struct or a pointer to
// one. Cells follow the JSON values: numbers and booleans as JSON writes
// them, times in RFC 3339 UTC (the zero time as empty), nil as empty, lists
// joined with "|", nested objects as compact JSON; then every cell is
// neutralised against formula injection. Struct tags are read once per call,
// not once per row.
func WriteCSV[T any](w io.Writer, opt CSVOptions, items []T) error {
	plan, err := newFieldPlan(reflect.TypeFor[T]())
	if err != nil {
		return err
	}
	cw := NewCSVWriter(w, opt)
	if err := cw.Write(plan.header()); err != nil {
		return err
	}
	rv := reflect.ValueOf(items) // elements of a slice are addressable
	row := make([]string, 0, len(plan.fields))
	for i := range rv.Len() {
		if row, err = plan.row(rv.Index(i), row); err != nil {
			return fmt.Errorf("csv row %d: %w", i+1, err)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// nonNil makes a nil slice encode as [] rather than null.
func nonNil[T any](items []T) []T {
	if items == nil {
		return []T{}
	}
	return items
}

// writeJSON indents by two spaces and leaves <, > and & alone: the output
// is read by people and jq, never embedded in HTML. Control characters are
// \u escapes, bidi controls and C1 included (encoding/json writes those raw),
// so that the JSON shown in a terminal cannot act on it; a JSON reader gets
// the same strings.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(jsonControlWriter{w})
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeYAML goes through JSON so that YAML has exactly the JSON keys, in the
// same order, with the same MarshalJSON customisations. JSON is YAML, so the
// JSON text parses into a yaml.Node, which is then re-encoded in block style.
func writeYAML(w io.Writer, v any) error {
	var buf bytes.Buffer
	// Control characters as \u escapes: the YAML parser refuses them raw.
	enc := json.NewEncoder(jsonControlWriter{&buf})
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(buf.Bytes(), &doc); err != nil {
		return fmt.Errorf("yaml output: %w", err)
	}
	blockStyle(&doc)
	// Encoded whole first: the encoder flushes in pieces that may cut a character in two.
	var text bytes.Buffer
	ye := yaml.NewEncoder(&text)
	ye.SetIndent(2)
	if err := ye.Encode(&doc); err != nil {
		return err
	}
	if err := ye.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, escapeBidi(text.String()))
	return err
}

// blockStyle drops the flow style and quotes that the nodes inherited from
// the JSON text, letting the encoder choose the plainest safe form (it still
// quotes strings like "true" or "012" that would otherwise change type).
// Empty lists and objects stay as [] and {}.
func blockStyle(n *yaml.Node) {
	n.Style = 0
	if (n.Kind == yaml.SequenceNode || n.Kind == yaml.MappingNode) && len(n.Content) == 0 {
		n.Style = yaml.FlowStyle
	}
	if n.Kind == yaml.ScalarNode && hasBidi(n.Value) {
		// The encoder escapes other control characters itself; a bidi control it writes
		// raw, so the scalar is double-quoted and yamlBidiWriter escapes it there.
		n.Style = yaml.DoubleQuotedStyle
	}
	for _, c := range n.Content {
		blockStyle(c)
	}
}
