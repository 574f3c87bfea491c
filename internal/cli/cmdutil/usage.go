package cmdutil

import (
	"errors"
	"regexp"
	"strings"

	"github.com/spf13/pflag"

	"github.com/profil-cli/profil/internal/i18n"
)

// UsageText returns the text of a usage error of cobra or pflag (an unknown flag, a flag
// without its value, too many arguments) in the person's language. pflag's errors are typed
// and read by their fields; cobra's are plain strings, recognised by their fixed English
// words. Anything else is returned as it is.
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
	return cobraUsageText(err.Error())
}

// cobra's own usage errors, as cobra v1 writes them.
var (
	cobraUnknownCommand = regexp.MustCompile(`^unknown command "(.*)" for "(.*?)"(?s:(.*))$`)
	cobraAtMost         = regexp.MustCompile(`^accepts at most (\d+) arg\(s\), received (\d+)$`)
	cobraRequiredFlags  = regexp.MustCompile(`^required flag\(s\) (.*) not set$`)
)

func cobraUsageText(msg string) string {
	if m := cobraUnknownCommand.FindStringSubmatch(msg); m != nil {
		text := i18n.T("usage.unknown_command", m[1], m[2])
		// cobra's suggestions: "\n\nDid you mean this?\n\tstructure\n".
		if _, list, ok := strings.Cut(m[3], "Did you mean this?\n"); ok {
			text += "\n\n" + i18n.T("usage.did_you_mean") + "\n" + strings.TrimRight(list, "\n")
		}
		return text
	}
	if m := cobraAtMost.FindStringSubmatch(msg); m != nil {
		return i18n.T("usage.at_most_args", m[1], m[2])
	}
	if m := cobraRequiredFlags.FindStringSubmatch(msg); m != nil {
		return i18n.T("usage.required_flags", m[1])
	}
	return msg
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
