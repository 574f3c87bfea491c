package token

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/prompt"
)

// RevokeOptions are the inputs of `token revoke`.
type RevokeOptions struct{ ID int64 }

// NewCmdRevoke builds `token revoke`.
func NewCmdRevoke(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an API token: the scripts that use it stop at once",
		Long: `Revoke an API token by its id (see ` + "`profil token list`" + `). It stops working at once and
cannot be brought back: create a new one instead. You may revoke your own tokens; a
gestionnaire may revoke anyone's. On a terminal you are asked to confirm, unless --yes.`,
		Example: `  profil token revoke 3
  profil token revoke 3 --yes`,
		Args: cmdutil.ExactArgs(1, "args.token_id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			opts := &RevokeOptions{ID: id}
			return revokeRun(cmd.Context(), f, opts)
		},
	}
}

func revokeRun(ctx context.Context, f *cmdutil.Factory, opts *RevokeOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	if f.CanPrompt() {
		// Name the token before asking; this also refuses unknown ids and other people's
		// tokens before any question.
		t, err := api.APIToken(ctx, opts.ID)
		if err != nil {
			return err
		}
		actor, err := api.Whoami(ctx)
		if err != nil {
			return err
		}
		q := i18n.T("token_revoke.confirm", t.ID, t.Name)
		if t.UserID != actor.UserID {
			q = i18n.T("token_revoke.confirm_other", t.ID, t.Name)
		}
		ok, err := f.Prompter.Confirm(output.Escape(q), false) // a stored name, escaped
		if err != nil {
			return err
		}
		if !ok {
			return prompt.ErrCancelled
		}
	}
	t, err := api.RevokeAPIToken(ctx, opts.ID)
	if err != nil {
		return err
	}
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	if cfg.Quiet {
		return nil
	}
	f.Say("token_revoke.done", t.ID, t.Name)
	format, err := f.Format()
	if err != nil || format == output.Table {
		return err
	}
	return output.PrintOne(f.IO, format, FromToken(t, now(f)), Detail)
}
