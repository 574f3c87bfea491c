package cmdutil

import (
	"errors"
	"fmt"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/prompt"
)

// Exit codes, as documented in the README. ExitCode is the only place errors become numbers.
const (
	ExitOK        = 0
	ExitError     = 1
	ExitUsage     = 2
	ExitNotFound  = 3
	ExitForbidden = 4
	ExitConflict  = 5
	ExitInvalid   = 6
	// ExitUnavailable: the database is busy or a server does not answer; try again later
	// (cron jobs may retry on it).
	ExitUnavailable = 7
	// ExitInterrupted and ExitTerminated: stopped by SIGINT (Ctrl-C) or SIGTERM, 128 + the
	// signal's number, as a shell reports a process killed by it.
	ExitInterrupted = 130
	ExitTerminated  = 143
)

// FlagError is a usage error: unknown flag, missing argument, a value that cannot be asked
// for because nothing may prompt (exit 2).
type FlagError struct{ err error }

func (e *FlagError) Error() string { return e.err.Error() }
func (e *FlagError) Unwrap() error { return e.err }

// FlagErrorf builds a FlagError from the message key of the catalogue (package i18n),
// formatted with args.
func FlagErrorf(key string, args ...any) error {
	return &FlagError{err: i18n.Errorf(key, args...)}
}

// DetailError is an error in profil's own words (what happened, what to check) that keeps the
// error it comes from (a driver's, the system's) for --verbose. The exit code is Err's.
type DetailError struct {
	Err    error
	Detail error
}

func (e *DetailError) Error() string { return e.Err.Error() }
func (e *DetailError) Unwrap() error { return e.Err }

// SilentError has already been reported (for example a bulk command printed one line per
// item); it only carries the exit code.
type SilentError struct{ Code int }

func (e *SilentError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// ExitCode maps an error to the documented exit code.
func ExitCode(err error) int {
	var silent *SilentError
	var flagErr *FlagError
	var sig *Signal
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &silent):
		return silent.Code
	case errors.As(err, &sig):
		return sig.Code()
	case errors.As(err, &flagErr):
		return ExitUsage
	case errors.Is(err, domain.ErrNotFound):
		return ExitNotFound
	case errors.Is(err, domain.ErrForbidden):
		return ExitForbidden
	case errors.Is(err, domain.ErrConflict):
		return ExitConflict
	case errors.Is(err, domain.ErrInvalid):
		return ExitInvalid
	case errors.Is(err, domain.ErrUnavailable):
		return ExitUnavailable
	case errors.Is(err, prompt.ErrInterrupted):
		return ExitInterrupted // Ctrl-C at a question: the terminal was raw, no SIGINT came
	case errors.Is(err, prompt.ErrCancelled):
		return ExitError
	}
	return ExitError
}

// Worst returns the exit code a bulk command ends with: the highest of its items'.
func Worst(codes ...int) int {
	w := 0
	for _, c := range codes {
		if c > w {
			w = c
		}
	}
	return w
}

// ErrorText is what the command line prints of err: its message in the language of the
// process, the domain's messages put in words by the catalogue (i18n.RenderError), cobra's
// usage errors translated.
func ErrorText(err error) string {
	return i18n.RenderError(i18n.Current(), TranslateUsage(err))
}
