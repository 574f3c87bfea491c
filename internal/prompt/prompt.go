// Package prompt asks the user questions on the terminal. Commands depend on
// the Prompter interface only: the survey-backed implementation draws on a
// real terminal, and Scripted answers from a list in tests. Nothing outside
// this package imports survey, so the library can be replaced in one place.
//
// Commands must check iostreams.IOStreams.CanPrompt before prompting, and
// offer a flag for every question, so that scripts never block on a prompt.
package prompt

import "errors"

// ErrCancelled is returned when the user interrupts a prompt (Ctrl-C) or
// closes the input (Ctrl-D). Commands stop without doing anything and
// without printing an error, as gh does.
var ErrCancelled = errors.New("cancelled")

// Prompter asks one question at a time and returns the answer.
type Prompter interface {
	// Input asks for a line of text; an empty answer gives defaultValue.
	Input(message, defaultValue string) (string, error)
	// Password asks for a secret without echoing it.
	Password(message string) (string, error)
	// Confirm asks a yes/no question.
	Confirm(message string, defaultValue bool) (bool, error)
	// Select asks for one of options and returns its index. defaultIndex
	// is pre-selected; an index out of range selects the first option.
	Select(message string, options []string, defaultIndex int) (int, error)
	// MultiSelect asks for any number of options and returns their indices
	// in increasing order. defaults are pre-checked; indices out of range
	// are ignored.
	MultiSelect(message string, options []string, defaults []int) ([]int, error)
}
