// Package token holds `profil token`: the API tokens scripts and cron jobs act with.
package token

import (
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
)

// NewCmd builds `profil token` and its verbs.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "token",
		Aliases: []string{"tokens"},
		Short:   "Create, list and revoke API tokens for scripts and cron jobs",
		Long: `An API token lets a script or a cron job act as you without your password: pass it with
--token or, better (it stays out of the process list), in the PROFIL_TOKEN variable. The
audit log names you and the token ("jeanne@x.fr (token cron-export)").

A token is shown once, when it is created; the database keeps only its SHA-256. It expires
after 90 days unless --expires says otherwise, and stops working at once when revoked. A
token with --scope read may only read. Creating a token needs a sign-in with a password:
a token cannot create tokens.`,
		Example: `  profil token create --name cron-export --expires 30d
  TOKEN=$(profil token create --name nightly -q)
  PROFIL_TOKEN=$TOKEN profil structure search "greta" -o json
  profil token list
  profil token revoke 3`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(NewCmdCreate(f), NewCmdList(f), NewCmdRevoke(f))
	return cmd
}

func now(f *cmdutil.Factory) time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.Invalid("id", s, "token.id_invalid")
	}
	return id, nil
}
