// Package referent holds `profil referent`: handing the référent role of a structure to one of
// its members.
package referent

import (
	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
)

// NewCmd builds `profil referent` and its verbs.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "referent",
		Aliases: []string{"referents", "référent"},
		Short:   "Hand the référent role of a structure to one of its members",
		Long: `Each structure has one référent (shown with ★): its delegated administrator, who decides
the requests to join it, assigns rights and detaches members. The first person approved in a
structure becomes its référent; the role is handed over later by the gestionnaires, or by the
référent to another active member.`,
		Example: `  profil referent set --structure "824 228 142 01072" --user paul.durand@afpa-demo.fr`,
		Args:    cmdutil.NoArgs,
	}
	cmd.AddCommand(NewCmdSet(f))
	return cmd
}
