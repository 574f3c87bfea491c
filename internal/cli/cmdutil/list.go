package cmdutil

import (
	"fmt"

	"github.com/profil-cli/profil/internal/output"
)

// PrintList prints what a list command found, as every list does: with -q only the ids, one
// per line; in a table, the message empty (a catalogue key) on stderr when nothing was found;
// otherwise rows(items) in the format asked for (an empty JSON or CSV list for scripts).
func PrintList[T, V any](f *Factory, items []T, id func(T) int64, empty string, rows func([]T) []V, cols []output.Column[V]) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	if cfg.Quiet {
		for _, it := range items {
			fmt.Fprintln(f.IO.Out, id(it))
		}
		return nil
	}
	format, err := f.Format()
	if err != nil {
		return err
	}
	if format == output.Table && len(items) == 0 {
		f.Say(empty)
		return nil
	}
	return output.Print(f.IO, format, rows(items), cols)
}
