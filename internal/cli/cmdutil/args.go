package cmdutil

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/i18n"
)

// ExactArgs is cobra.ExactArgs with a usage error (exit 2) naming what is missing: what is
// the message key (package i18n) of the arguments expected.
func ExactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < n:
			return FlagErrorf("args.missing", i18n.T(what), cmd.CommandPath())
		case len(args) > n:
			return FlagErrorf("args.too_many", len(args), cmd.CommandPath(), i18n.T(what))
		}
		return nil
	}
}

// MinimumArgs requires at least n arguments; what is as for ExactArgs.
func MinimumArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return FlagErrorf("args.missing", i18n.T(what), cmd.CommandPath())
		}
		return nil
	}
}

// MaximumArgs accepts at most n arguments.
func MaximumArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return FlagErrorf("usage.at_most_args", strconv.Itoa(n), strconv.Itoa(len(args)))
		}
		return nil
	}
}

// NoArgs refuses positional arguments.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return FlagErrorf("args.unexpected", args[0], cmd.CommandPath())
	}
	return nil
}
