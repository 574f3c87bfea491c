// Package prompt asks the user questions on the terminal. Commands depend on
// the Prompter interface only: the survey-backed implementation draws on a
// real terminal, and Scripted answers from a list in tests. Nothing outside
// this package imports survey, so the library can be replaced in one place.
//
// Commands must check iostreams.IOStreams.CanPrompt before prompting, and
// offer a flag for every question, so that scripts never block on a prompt.
package prompt

import (
	"errors"
	"fmt"
)

// ErrCancelled is returned when the user interrupts a prompt (Ctrl-C) or
// closes the input (Ctrl-D). Commands stop without doing anything and
// without printing an error, as gh does.
var ErrCancelled = errors.New("cancelled")

// ErrInterrupted is the ErrCancelled of Ctrl-C (SIGINT): a command stopped by it exits 130,
// as the shell expects of an interrupted program. errors.Is(ErrInterrupted, ErrCancelled).
var ErrInterrupted = fmt.Errorf("interrupted: %w", ErrCancelled)

// ErrBack is returned when the user presses Esc: go back to the previous question. A command
// without a previous question asks again.
var ErrBack = errors.New("back")

// Prompter asks one question at a time and returns the answer.
type Prompter interface {
	// Input asks for a line of text; an empty answer gives defaultValue.
	Input(message, defaultValue string) (string, error)
	// Password asks for a secret without echoing it.
	Password(message string) (string, error)
	// Confirm asks a yes/no question, in the person's language: "(y/N)", or "(o/N)" in
	// French, which accepts o, oui, y, yes, n, non, no.
	Confirm(message string, defaultValue bool) (bool, error)
	// Select asks for one of options and returns its index. defaultIndex
	// is pre-selected; an index out of range selects the first option.
	Select(message string, options []string, defaultIndex int) (int, error)
	// MultiSelect asks for any number of options and returns their indices
	// in increasing order. defaults are pre-checked; indices out of range
	// are ignored.
	MultiSelect(message string, options []string, defaults []int) ([]int, error)
}
