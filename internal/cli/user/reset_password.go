package user

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/output"
)

// ResetPasswordOptions are the inputs of `user reset-password`.
type ResetPasswordOptions struct {
	Email string
}

// ResetResult is what `user reset-password` prints.
type ResetResult struct {
	Email         string `json:"email"`
	Mailed        bool   `json:"mailed"`
	TokensRevoked int    `json:"tokens_revoked"`
}

// NewCmdResetPassword builds `user reset-password`.
func NewCmdResetPassword(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "reset-password EMAIL",
		Short: "End a password; a temporary one is mailed to the person (gestionnaires)",
		Long: `Reset the password of an account: it stops working at once, and every session and API token
of the account ends. A temporary password is mailed to the person: it is made when
` + "`profil mail send`" + ` sends the message, so that nobody but the person ever reads it (not
you, not ` + "`mail list`" + `, not the database). It signs in once, within 72 hours, and must then
be changed. While such a mail waits in the outbox, a new reset queues no other one. When it
has expired, the person gets a new one by trying to sign in (at most one every 15 minutes).

-o json prints {"email", "mailed", "tokens_revoked"}; --quiet prints nothing.`,
		Example: `  profil user reset-password claire.martin@horizons.fr
  profil user reset-password claire.martin@horizons.fr && profil mail send   # PROFIL_SMTP set`,
		Args: cmdutil.ExactArgs(1, "args.account_email"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &ResetPasswordOptions{Email: strings.TrimSpace(args[0])}
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			res, err := api.ResetPassword(ctx, opts.Email)
			if err != nil {
				return err
			}
			if quiet(f) {
				return nil
			}
			if res.Mailed {
				f.Say("reset_password.queued", res.User.Email, res.TokensRevoked)
			} else {
				f.Say("reset_password.not_queued", res.User.Email, res.TokensRevoked)
			}
			format, err := f.Format()
			if err != nil {
				return err
			}
			if format == output.Table {
				return nil
			}
			out := ResetResult{Email: res.User.Email, Mailed: res.Mailed, TokensRevoked: res.TokensRevoked}
			if err := output.PrintOne(f.IO, format, out, nil); err != nil {
				return fmt.Errorf("print: %w", err)
			}
			return nil
		},
	}
}
