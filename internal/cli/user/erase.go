package user

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/i18n"
)

// EraseOptions are the inputs of `user erase`.
type EraseOptions struct {
	Email string
}

// NewCmdErase builds `user erase`.
func NewCmdErase(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "erase EMAIL [--yes]",
		Short: "Erase a person: answer an erasure request (RGPD; gestionnaires)",
		Long: `Erase a person. Their memberships end; their profiles, sessions and API tokens are revoked;
their pending requests are closed; the mails to them are deleted; and their e-mail, names,
phone and function are replaced by a pseudonym, erased-<id>, in their account and wherever the
audit trail, the outbox and the requests named them. The audit events stay, under the
pseudonym: the trail keeps every event. The account stays disabled for good, and nothing is
ever mailed to it. On SQLite the database file is then rebuilt so that the e-mail is nowhere
in it, not even in free pages or the write-ahead log.

It cannot be undone. A référent hands the role over first (` + "`profil referent set`" + `); nobody
erases their own account, nor the last gestionnaire.

On a terminal the command asks for confirmation; without one, --yes is required.`,
		Example: `  profil user erase claire.martin@horizons.fr
  profil --yes user erase claire.martin@horizons.fr`,
		Args: cmdutil.ExactArgs(1, "args.account_email"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &EraseOptions{Email: strings.TrimSpace(args[0])}
			if opts.Email == "" {
				return cmdutil.FlagErrorf("erase.email_missing")
			}
			return eraseRun(cmd.Context(), f, opts)
		},
	}
}

func eraseRun(ctx context.Context, f *cmdutil.Factory, opts *EraseOptions) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	actor, err := api.Whoami(ctx)
	if err != nil {
		return err
	}
	// Those who may not erase are refused before any question; an erasure is never done
	// without an answer or --yes.
	if actor.Manager && !actor.MustChangePassword && !strings.EqualFold(opts.Email, actor.Email) && !cfg.Yes {
		if !f.CanPrompt() {
			return cmdutil.FlagErrorf("erase.needs_yes", opts.Email)
		}
		if err := confirm(f, i18n.T("erase.confirm", opts.Email)); err != nil {
			return err
		}
	}
	res, err := api.EraseUser(ctx, opts.Email)
	if err != nil {
		return err
	}
	f.Say("erase.done", opts.Email, res.Pseudonym, res.MembershipsEnded, res.TokensRevoked, res.MailsDeleted, res.AuditRewritten)
	return nil
}
