// Package iostreams carries the three standard streams together with what the
// command line needs to know about them: which ones are terminals, whether
// colour is wanted, whether the user may be prompted and how wide the screen
// is. Commands receive an *IOStreams instead of touching os.Stdout directly,
// so that tests can swap every stream for an in-memory buffer and pretend to
// be (or not to be) on a terminal.
//
// The convention follows GitHub's gh: data goes to Out, everything meant for
// a person (prompts, progress, warnings) goes to ErrOut, so that
// `profil ... > file.csv` captures only data.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/mattn/go-isatty"
	"golang.org/x/term"
)

// DefaultWidth is the terminal width assumed when it cannot be measured
// (output redirected, no COLUMNS variable). It is wide enough for the usual
// tables yet still readable when pasted into an e-mail or a ticket.
const DefaultWidth = 100

// IOStreams groups the standard streams with their terminal capabilities.
// The zero value is not useful; build one with System or Test.
type IOStreams struct {
	// In is where answers and piped input are read from.
	In io.Reader
	// Out receives the data a command produces, and nothing else, so it can
	// be redirected to a file or piped to another program.
	Out io.Writer
	// ErrOut receives everything meant for a person: prompts, progress bars,
	// warnings and errors.
	ErrOut io.Writer

	stdinTTY     bool
	stdoutTTY    bool
	stderrTTY    bool
	colorEnabled bool
	neverPrompt  bool
	width        int
}

// System returns streams bound to the process's standard input, output and
// error, with capabilities detected from the file descriptors and from the
// environment variables NO_COLOR, TERM, CI and COLUMNS.
func System() *IOStreams {
	size := func() (int, error) {
		w, _, err := term.GetSize(int(os.Stdout.Fd()))
		return w, err
	}
	ios := fromEnv(os.Getenv, isTerminal(os.Stdin), isTerminal(os.Stdout), isTerminal(os.Stderr), size)
	ios.In, ios.Out, ios.ErrOut = os.Stdin, os.Stdout, os.Stderr
	return ios
}

// fromEnv holds the decisions System makes, separated from the real process
// state so that they can be tested with a fake environment.
func fromEnv(getenv func(string) string, stdinTTY, stdoutTTY, stderrTTY bool, size func() (int, error)) *IOStreams {
	ios := &IOStreams{
		stdinTTY:  stdinTTY,
		stdoutTTY: stdoutTTY,
		stderrTTY: stderrTTY,
		// no-color.org: NO_COLOR set to any non-empty value disables colour.
		colorEnabled: stdoutTTY && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb",
		neverPrompt:  isCI(getenv("CI")),
		width:        DefaultWidth,
	}
	if w, err := size(); stdoutTTY && err == nil && w > 0 {
		ios.width = w
	} else if w, err := strconv.Atoi(strings.TrimSpace(getenv("COLUMNS"))); err == nil && w > 0 {
		ios.width = w
	}
	return ios
}

// isCI reports whether the CI variable says we run unattended. CI systems set
// it to "true" or "1"; an explicit "false" (or "0") lets a developer opt out.
func isCI(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "false", "0":
		return false
	}
	return true
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// Test returns streams backed by in-memory buffers, with no terminal, no
// colour and a width of DefaultWidth: the same situation as a command whose
// input and output are piped. Tests flip capabilities with the Set methods.
func Test() (ios *IOStreams, in *bytes.Buffer, out *bytes.Buffer, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	ios = &IOStreams{In: in, Out: out, ErrOut: errOut, width: DefaultWidth}
	return ios, in, out, errOut
}

// IsStdinTTY reports whether input comes from a person at a terminal rather
// than from a pipe or a file.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether data is shown to a person; commands use it to
// choose between a table and machine-readable output.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether messages reach a terminal; progress bars are
// drawn only then, because their cursor movements would garble a log file.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetStdinTTY overrides terminal detection for standard input, for tests.
func (s *IOStreams) SetStdinTTY(v bool) { s.stdinTTY = v }

// SetStdoutTTY overrides terminal detection for standard output, for tests.
func (s *IOStreams) SetStdoutTTY(v bool) { s.stdoutTTY = v }

// SetStderrTTY overrides terminal detection for standard error, for tests.
func (s *IOStreams) SetStderrTTY(v bool) { s.stderrTTY = v }

// ColorEnabled reports whether output may contain ANSI colour sequences.
func (s *IOStreams) ColorEnabled() bool { return s.colorEnabled }

// SetColorEnabled forces colour on or off; the --no-color flag turns it off.
func (s *IOStreams) SetColorEnabled(v bool) { s.colorEnabled = v }

// CanPrompt reports whether the user can be asked a question: both the
// keyboard (stdin) and the place where prompts are drawn (stderr) must be a
// terminal, and prompting must not have been disabled. Commands that cannot
// prompt must either use a safe default or fail with a message naming the
// flag to pass instead.
func (s *IOStreams) CanPrompt() bool {
	return s.stdinTTY && s.stderrTTY && !s.neverPrompt
}

// SetNeverPrompt disables prompting even on a terminal; --yes and a CI
// environment use it so that nothing ever waits for a keyboard.
func (s *IOStreams) SetNeverPrompt(v bool) { s.neverPrompt = v }

// TerminalWidth is the number of columns tables must fit in.
func (s *IOStreams) TerminalWidth() int { return s.width }

// SetTerminalWidth overrides the measured width, for tests and for a future
// --width flag. Values below 1 are ignored.
func (s *IOStreams) SetTerminalWidth(w int) {
	if w > 0 {
		s.width = w
	}
}
