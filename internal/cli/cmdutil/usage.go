package cmdutil

import (
	"errors"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/profil-cli/profil/internal/i18n"
)

// UsageText returns the text of a usage error of pflag (an unknown flag, a flag without its
// value) or of a command line naming no command, in the person's language. pflag's errors are
// typed and read by their fields; profil's argument checks (ExactArgs, NoArgs…) return typed
// errors too. Anything else is returned as it is.
func UsageText(err error) string {
	var (
		notExist *pflag.NotExistError
		required *pflag.ValueRequiredError
		invalid  *pflag.InvalidValueError
		syntax   *pflag.InvalidSyntaxError
	)
	switch {
	case errors.As(err, &notExist):
		if sh := notExist.GetSpecifiedShortnames(); sh != "" {
			return i18n.T("usage.unknown_shorthand", notExist.GetSpecifiedName(), sh)
		}
		return i18n.T("usage.unknown_flag", notExist.GetSpecifiedName())
	case errors.As(err, &required):
		if sh := required.GetSpecifiedShortnames(); sh != "" {
			return i18n.T("usage.flag_needs_value_short", required.GetSpecifiedName()[:1], sh)
		}
		return i18n.T("usage.flag_needs_value", required.GetSpecifiedName())
	case errors.As(err, &invalid):
		return i18n.T("usage.flag_invalid_value", invalid.GetValue(), invalid.GetFlag().Name, errors.Unwrap(invalid))
	case errors.As(err, &syntax):
		return i18n.T("usage.flag_bad_syntax", syntax.GetSpecifiedFlag())
	}
	return err.Error()
}

// UnknownCommandError is a word on the command line that names no command of Path (exit 2),
// with the commands it may be a typo of.
type UnknownCommandError struct {
	Arg, Path   string
	Suggestions []string
}

func (e *UnknownCommandError) Error() string {
	text := i18n.T("usage.unknown_command", e.Arg, e.Path)
	if len(e.Suggestions) > 0 {
		text += "\n\n" + i18n.T("usage.did_you_mean") + "\n\t" + strings.Join(e.Suggestions, "\n\t")
	}
	return text
}

// UnknownCommand is the usage error of arg, which names no command of cmd.
func UnknownCommand(cmd *cobra.Command, arg string) error {
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // as cobra
	}
	return &FlagError{err: &UnknownCommandError{Arg: arg, Path: cmd.CommandPath(), Suggestions: cmd.SuggestionsFor(arg)}}
}

// NoCommandArgs refuses positional arguments as cobra.NoArgs does (an unknown command), with
// a typed usage error.
func NoCommandArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return &FlagError{err: &UnknownCommandError{Arg: args[0], Path: cmd.CommandPath()}}
	}
	return nil
}

// usageError is a usage error of cobra or pflag put in the person's language; it still
// unwraps to the original, for the exit code.
type usageError struct {
	text string
	err  error
}

func (e *usageError) Error() string { return e.text }
func (e *usageError) Unwrap() error { return e.err }

// TranslateUsage returns err with the text of UsageText when that differs, so that cobra's
// words reach the person in their language; other errors are returned as they are.
func TranslateUsage(err error) error {
	if err == nil {
		return nil
	}
	if text := UsageText(err); text != err.Error() {
		return &usageError{text: text, err: err}
	}
	return err
}
