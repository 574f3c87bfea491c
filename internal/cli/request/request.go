// Package request holds `profil request`: the queue of structure, account, affiliation and
// change requests, the decisions on them (approve, reject, and review, one by one on a
// terminal), their documents, the confirmation of a request's e-mail address with the code
// mailed to it (activate, resend-activation), and the purge of unverified ones.
package request

import (
	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
)

// NewCmd builds `profil request` and its verbs.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "request",
		Aliases: []string{"requests"},
		Short:   "List and decide requests to join structures and to reference new ones",
		Long: `Three kinds of request share one queue: structure (reference a new structure, decided by
gestionnaires), account (a new person joins a structure) and affiliation (a person joins one
more structure). Account and affiliation requests are decided by the structure's référent, or
by gestionnaires when it has none; the first person approved becomes its référent.`,
		Example: `  profil request list
  profil request approve 42 --profile rafael.of-general
  profil request reject 43 --reason "Personne inconnue de la structure"
  profil request list --status pending -o json | jq -r '.[].id' | profil request approve -`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(NewCmdList(f), NewCmdShow(f), NewCmdDecide(f, "approve"), NewCmdDecide(f, "reject"), NewCmdReview(f), NewCmdDocument(f),
		NewCmdActivate(f), NewCmdResendActivation(f), NewCmdPurge(f))
	return cmd
}
