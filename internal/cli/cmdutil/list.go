package cmdutil

import (
	"fmt"
	"strconv"

	"github.com/profil-cli/profil/internal/output"
)

// ListPrinter prints what a list command found, as every list does: with --quiet only the key
// of each item, one per line; in a table, a message on stderr when nothing was found;
// otherwise Rows(items) in the format asked for (an empty JSON or CSV list for scripts).
type ListPrinter[T, V any] struct {
	// Quiet is what --quiet prints of an item (its id, an e-mail); nil prints the list as
	// without --quiet.
	Quiet func(T) string
	// Empty is the message (a catalogue key, formatted with EmptyArgs) said in a table when
	// nothing was found; "" prints the empty table.
	Empty     string
	EmptyArgs []any
	Rows      func([]T) []V
	// Columns are those of the table; asked only when something is printed.
	Columns func() ([]output.Column[V], error)
}

// Print prints items.
func (l ListPrinter[T, V]) Print(f *Factory, items []T) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	if cfg.Quiet && l.Quiet != nil {
		for _, it := range items {
			fmt.Fprintln(f.IO.Out, l.Quiet(it))
		}
		return nil
	}
	format, err := f.Format()
	if err != nil {
		return err
	}
	if format == output.Table && len(items) == 0 && l.Empty != "" {
		f.Say(l.Empty, l.EmptyArgs...)
		return nil
	}
	var cols []output.Column[V]
	if l.Columns != nil {
		if cols, err = l.Columns(); err != nil {
			return err
		}
	}
	return output.Print(f.IO, format, l.Rows(items), cols)
}

// PrintList prints a list of things known by their id, which --quiet prints: see ListPrinter.
func PrintList[T, V any](f *Factory, items []T, id func(T) int64, empty string, rows func([]T) []V, cols []output.Column[V]) error {
	return ListPrinter[T, V]{
		Quiet:   func(it T) string { return strconv.FormatInt(id(it), 10) },
		Empty:   empty,
		Rows:    rows,
		Columns: Columns(cols),
	}.Print(f, items)
}

// Columns returns fixed columns, for ListPrinter.Columns.
func Columns[V any](cols []output.Column[V]) func() ([]output.Column[V], error) {
	return func() ([]output.Column[V], error) { return cols, nil }
}

// Identity is the rows of a list whose items are printed as they are.
func Identity[T any](items []T) []T { return items }
