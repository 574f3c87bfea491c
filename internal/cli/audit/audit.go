// Package audit holds `profil audit`: reading the trail of decisions and changes (list), and
// removing what is past its retention (prune).
package audit

import (
	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
)

// NewCmd builds `profil audit` and its verbs.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Read the trail of decisions and changes",
		Long: `Every decision and change (a request approved or rejected, a structure created, a member
detached, a référent handed over, a password reset…) is recorded with who did it and when, in
the same transaction as the change itself. Nothing in the trail is changed or deleted, but by
two audited paths: an erasure (` + "`user erase`" + `) names a pseudonym instead of the person, and
` + "`audit prune`" + ` removes what is older than the retention.
Gestionnaires read all of it; everyone else reads their own actions.`,
		Example: `  profil audit list --mine --decisions
  profil audit list --structure "824 228 142 01072" --since 30d`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(NewCmdList(f), NewCmdPrune(f))
	return cmd
}
