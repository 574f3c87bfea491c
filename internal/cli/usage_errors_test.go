package cli_test

import (
	"errors"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
)

// Usage errors are typed, never recognised by their words: no command marks a flag required
// (cobra reports a missing one as plain text); arguments are checked by the validators of
// cmdutil and of the root.
func TestUsageErrorsAreTyped(t *testing.T) {
	for _, c := range everyCommand(helpTree()) {
		c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
			if _, ok := fl.Annotations[cobra.BashCompOneRequiredFlag]; ok {
				t.Errorf("%s --%s is marked required: check it in the command, with a typed error", c.CommandPath(), fl.Name)
			}
		})
	}
}

// The words the commands refuse come back as typed errors, with exit code 2.
func TestUnknownWordsAreTypedUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"strucutre"}, {"completion", "bash", "x"}, {"profile", "list", "a", "b"}} {
		root := helpTree()
		root.SetArgs(args)
		_, err := root.ExecuteC()
		var flagErr *cmdutil.FlagError
		if !errors.As(err, &flagErr) || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Errorf("%q: %T %v, want a *cmdutil.FlagError (exit 2)", args, err, err)
		}
	}
	root := helpTree()
	root.SetArgs([]string{"strucutre"})
	_, err := root.ExecuteC()
	var unknown *cmdutil.UnknownCommandError
	if !errors.As(err, &unknown) || unknown.Arg != "strucutre" || len(unknown.Suggestions) != 1 || unknown.Suggestions[0] != "structure" {
		t.Errorf("profil strucutre: %#v, want an unknown command suggesting structure", unknown)
	}
}
