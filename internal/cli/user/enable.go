package user

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
)

// NewCmdEnable builds `user enable`.
func NewCmdEnable(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "enable EMAIL",
		Short: "Open a disabled account again (gestionnaires)",
		Long: `Enable an account that ` + "`profil user disable`" + ` closed: the person signs in again with
their password. Sessions and API tokens ended by the disable stay ended.`,
		Example: `  profil user enable paul.leroy@horizons.fr`,
		Args:    cmdutil.ExactArgs(1, "args.account_email"),
		RunE: func(cmd *cobra.Command, args []string) error {
			email := strings.TrimSpace(args[0])
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			u, err := api.EnableUser(ctx, email)
			if err != nil {
				return err
			}
			f.Say("enable.done", u.Email)
			return nil
		},
	}
}
