package user

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
)

// NewCmdUnlock builds `user unlock`.
func NewCmdUnlock(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "unlock EMAIL",
		Short: "Lift the lock that failed sign-ins put on an account (gestionnaires)",
		Long: `Five wrong passwords in a row lock an account for 15 minutes, then 30 minutes, 1 hour… up
to 24 hours at each new lock in a row. ` + "`profil user unlock`" + ` lifts the lock at once and forgets the
failures; ` + "`profil user show EMAIL`" + ` says until when an account is locked.`,
		Example: `  profil user unlock paul.leroy@horizons.fr`,
		Args:    cmdutil.ExactArgs(1, "args.account_email"),
		RunE: func(cmd *cobra.Command, args []string) error {
			email := strings.TrimSpace(args[0])
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			u, changed, err := api.UnlockUser(ctx, email)
			if err != nil {
				return err
			}
			if changed {
				f.Say("unlock.done", u.Email)
			} else {
				f.Say("unlock.not_locked", u.Email)
			}
			return nil
		},
	}
}
