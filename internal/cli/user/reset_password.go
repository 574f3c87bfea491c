package user

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
)

// ResetPasswordOptions are the inputs of `user reset-password`.
type ResetPasswordOptions struct {
	Email string
}

// TemporaryPassword is what `user reset-password` prints.
type TemporaryPassword struct {
	Email             string `json:"email"`
	TemporaryPassword string `json:"temporary_password"`
}

// NewCmdResetPassword builds `user reset-password`.
func NewCmdResetPassword(f *cmdutil.Factory, runF func(context.Context, *ResetPasswordOptions) error) *cobra.Command {
	return &cobra.Command{
		Use:   "reset-password EMAIL",
		Short: "Give an account a temporary password, mailed to the person (gestionnaires)",
		Long: `Replace the password of an account with a temporary one. It is mailed to the person and
printed, so that you can read it to them on the phone; they must change it at their next
sign-in. The old password stops working at once.

-o json prints {"email", "temporary_password"}; --quiet prints the password alone.`,
		Example: `  profil user reset-password claire.martin@horizons.fr
  profil user reset-password claire.martin@horizons.fr -o json`,
		Args: cmdutil.ExactArgs(1, "args.account_email"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &ResetPasswordOptions{Email: strings.TrimSpace(args[0])}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			ctx := cmd.Context()
			svc, err := f.Service(ctx)
			if err != nil {
				return err
			}
			actor, err := f.Actor(ctx)
			if err != nil {
				return err
			}
			u, temp, err := svc.ResetPassword(ctx, actor, opts.Email)
			if err != nil {
				return err
			}
			if quiet(f) {
				fmt.Fprintln(f.IO.Out, temp)
				return nil
			}
			f.Say("reset_password.done", u.Email)
			format, err := f.Format()
			if err != nil {
				return err
			}
			if format == output.Table {
				fmt.Fprintln(f.IO.Out, i18n.T("reset_password.table", temp))
				return nil
			}
			return output.PrintOne(f.IO, format, TemporaryPassword{Email: u.Email, TemporaryPassword: temp}, nil)
		},
	}
}
