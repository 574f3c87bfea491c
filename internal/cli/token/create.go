package token

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/service"
)

// CreateOptions are the inputs of `token create`.
type CreateOptions struct {
	Name  string
	TTL   time.Duration // 0: never expires
	Scope string        // "" (all the owner's rights) or "read"
}

// NewCmdCreate builds `token create`.
func NewCmdCreate(f *cmdutil.Factory) *cobra.Command {
	var name, expires, scope string
	cmd := &cobra.Command{
		Use:   "create --name NAME [--expires 90d] [--scope read]",
		Short: "Create an API token and print it once",
		Long: `Create an API token for a script or a cron job. The token is printed once on standard
output and never again: the database keeps only its SHA-256. With -q nothing else is
printed, so TOKEN=$(profil token create --name cron -q) captures it. With -o json the
token comes with its details, in the "token" field.

--name says what the token is for; it must be unique among your tokens not revoked, and
the audit log shows it next to your e-mail.
--expires is its lifetime: 90d (the default), 2w, 12h, 30m, or never (also 0).
--scope read makes a read-only token; without it the token has all your rights.

Sign in with your password first (profil login): a token cannot create tokens.`,
		Example: `  profil token create --name cron-export
  profil token create --name nightly-report --expires 2w --scope read
  TOKEN=$(profil token create --name cron -q)
  profil token create --name deploy --expires never -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("name") {
				return cmdutil.FlagErrorf("token_create.name_required")
			}
			ttl, err := ParseExpires(expires)
			if err != nil {
				return err
			}
			sc, err := service.ParseTokenScope(scope)
			if err != nil {
				return err
			}
			opts := &CreateOptions{Name: name, TTL: ttl, Scope: sc}
			return createRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "what the token is for, e.g. cron-export (required)")
	cmd.Flags().StringVar(&expires, "expires", DefaultExpires, "lifetime: 90d, 2w, 12h, 30m, or never")
	cmd.Flags().StringVar(&scope, "scope", "", "read for a read-only token (default: all your rights)")
	_ = cmd.RegisterFlagCompletionFunc("expires", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"12h", "7d", "30d", "90d", "365d", "never"}, cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("scope", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"read", "all"}, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

func createRun(ctx context.Context, f *cmdutil.Factory, opts *CreateOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	secret, t, err := api.CreateAPIToken(ctx, opts.Name, opts.TTL, opts.Scope)
	if err != nil {
		return err
	}
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	if cfg.Quiet {
		_, err := fmt.Fprintln(f.IO.Out, secret)
		return err
	}
	format, err := f.Format()
	if err != nil {
		return err
	}
	v := FromToken(t, now(f))
	if v.ExpiresAt != nil {
		f.Say("token_create.done_expires", t.ID, t.Name, v.Scope, present.PeopleTime(*v.ExpiresAt))
	} else {
		f.Say("token_create.done_never", t.ID, t.Name, v.Scope)
	}
	f.Say("token_create.copy_now")
	if format == output.Table {
		_, err := fmt.Fprintln(f.IO.Out, secret)
		return err
	}
	return output.PrintOne(f.IO, format, Created{Token: v, Secret: secret}, nil)
}
