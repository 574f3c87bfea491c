package cmdutil

import (
	"github.com/spf13/cobra"
)

// ExactArgs is cobra.ExactArgs with a usage error (exit 2) naming what is missing.
func ExactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < n:
			return FlagErrorf("missing %s: see `%s --help`", what, cmd.CommandPath())
		case len(args) > n:
			return FlagErrorf("too many arguments (%d): %s takes %s", len(args), cmd.CommandPath(), what)
		}
		return nil
	}
}

// MinimumArgs requires at least n arguments.
func MinimumArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return FlagErrorf("missing %s: see `%s --help`", what, cmd.CommandPath())
		}
		return nil
	}
}

// NoArgs refuses positional arguments.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return FlagErrorf("unexpected argument %q: see `%s --help`", args[0], cmd.CommandPath())
	}
	return nil
}
