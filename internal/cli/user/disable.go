package user

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/service"
)

// DisableOptions are the inputs of `user disable`.
type DisableOptions struct {
	Input service.DisableInput
}

// NewCmdDisable builds `user disable`.
func NewCmdDisable(f *cmdutil.Factory) *cobra.Command {
	var reason, newReferent string
	var noReferent bool
	cmd := &cobra.Command{
		Use:   "disable EMAIL [--reason TEXT] [--new-referent EMAIL | --no-referent]",
		Short: "Close an account: no sign-in, its sessions and tokens end (gestionnaires)",
		Long: `Disable an account: the person can no longer sign in, and every session and API token of
the account stops working at once (they stay ended when the account is enabled again). The
memberships and rights are kept, for ` + "`profil user enable`" + `. The reason is kept in the audit trail.

When the person is the référent of structures, name the member who takes over each of them with
--new-referent, or pass --no-referent to leave them without one, as ` + "`user detach`" + ` does.
Nobody disables their own account, and the last active gestionnaire cannot be disabled.

On a terminal the command asks for confirmation; --yes skips the question, and so does running
without a terminal.`,
		Example: `  profil user disable paul.leroy@horizons.fr --reason "a quitté la structure"
  profil user disable claire.martin@horizons.fr --new-referent paul.leroy@horizons.fr
  profil --yes user disable claire.martin@horizons.fr --no-referent`,
		Args: cmdutil.ExactArgs(1, "args.account_email"),
		RunE: func(cmd *cobra.Command, args []string) error {
			newReferent = strings.TrimSpace(newReferent)
			if noReferent && newReferent != "" {
				return cmdutil.FlagErrorf("detach.both_flags")
			}
			if cmd.Flags().Changed("new-referent") && newReferent == "" {
				return cmdutil.FlagErrorf("detach.new_referent_empty")
			}
			opts := &DisableOptions{Input: service.DisableInput{
				Email: strings.TrimSpace(args[0]), Reason: reason, NewReferent: newReferent, LeaveNoReferent: noReferent,
			}}
			if opts.Input.Email == "" {
				return cmdutil.FlagErrorf("disable.email_missing")
			}
			return disableRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why, for the audit trail")
	cmd.Flags().StringVar(&newReferent, "new-referent", "", "when the person is a référent: the member who takes over")
	cmd.Flags().BoolVar(&noReferent, "no-referent", false, "when the person is a référent: leave the structures without one")
	return cmd
}

func disableRun(ctx context.Context, f *cmdutil.Factory, opts *DisableOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	actor, err := api.Whoami(ctx)
	if err != nil {
		return err
	}
	// Those who may not disable this account are refused without a question first.
	self := strings.EqualFold(opts.Input.Email, actor.Email)
	if f.CanPrompt() && actor.Manager && !self && !actor.MustChangePassword {
		if err := confirm(f, i18n.T("disable.confirm", opts.Input.Email)); err != nil {
			return err
		}
	}
	res, err := api.DisableUser(ctx, opts.Input)
	if err != nil {
		return err
	}
	f.Say("disable.done", res.User.Email, res.TokensRevoked)
	for _, st := range res.ReferentHanded {
		if st.ReferentEmail != "" {
			f.Say("disable.referent_handed", st.Name, st.ReferentEmail)
		} else {
			f.Say("disable.referent_left", st.Name)
		}
	}
	return nil
}
