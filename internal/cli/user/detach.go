package user

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/service"
)

// DetachOptions are the inputs of `user detach`.
type DetachOptions struct {
	Input service.DetachInput
}

// NewCmdDetach builds `user detach`.
func NewCmdDetach(f *cmdutil.Factory) *cobra.Command {
	var structure, newReferent string
	var noReferent bool
	cmd := &cobra.Command{
		Use:   "detach EMAIL --structure ID|SIRET [--new-referent EMAIL | --no-referent]",
		Short: "End a person's membership of a structure (référent, gestionnaires)",
		Long: `Detach a person from one structure: the membership ends (it is kept for history), the rights
held there are revoked, and the person is told by mail. Their other structures are untouched.

The référent of the structure detaches its members, but not themself: only a gestionnaire can.
When the person leaving is the référent, a gestionnaire names the next one with --new-referent
(an active member), or passes --no-referent to leave the structure without one.

On a terminal the command asks for confirmation; --yes skips the question, and so does running
without a terminal.`,
		Example: `  profil user detach paul.durand@afpa-demo.fr --structure "824 228 142 01072"
  profil user detach claire.martin@horizons.fr --structure 12 --new-referent paul.durand@afpa-demo.fr
  profil --yes user detach claire.martin@horizons.fr --structure 12 --no-referent`,
		Args: cmdutil.ExactArgs(1, "args.detach_email"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, err := parseStructure(structure, "structure_flag.to_detach_from")
			if err != nil {
				return err
			}
			newReferent = strings.TrimSpace(newReferent)
			if noReferent && newReferent != "" {
				return cmdutil.FlagErrorf("detach.both_flags")
			}
			if cmd.Flags().Changed("new-referent") && newReferent == "" {
				return cmdutil.FlagErrorf("detach.new_referent_empty")
			}
			opts := &DetachOptions{Input: service.DetachInput{
				Email: strings.TrimSpace(args[0]), Structure: ref, NewReferent: newReferent, LeaveNoReferent: noReferent,
			}}
			if strings.TrimSpace(opts.Input.Email) == "" {
				return cmdutil.FlagErrorf("detach.email_missing")
			}
			return detachRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&structure, "structure", "", "the structure to leave: its SIRET, SIREN, id or name")
	_ = cmd.RegisterFlagCompletionFunc("structure", f.CompleteStructures())
	cmd.Flags().StringVar(&newReferent, "new-referent", "", "when the person is the référent: the member who takes over")
	cmd.Flags().BoolVar(&noReferent, "no-referent", false, "when the person is the référent: leave the structure without one")
	return cmd
}

func detachRun(ctx context.Context, f *cmdutil.Factory, opts *DetachOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	actor, err := api.Whoami(ctx)
	if err != nil {
		return err
	}
	// Only a gestionnaire may detach themself: the others are refused without a question.
	self := !actor.Manager && strings.EqualFold(opts.Input.Email, actor.Email)
	if f.CanPrompt() && !self {
		// Name the structure in the question; this also refuses anonymous actors before asking.
		st, err := api.Structure(ctx, opts.Input.Structure)
		if err != nil {
			return err
		}
		q := i18n.T("detach.confirm", opts.Input.Email, st.Name)
		if opts.Input.NewReferent != "" {
			q = i18n.T("detach.confirm_new_referent", opts.Input.Email, st.Name, opts.Input.NewReferent)
		}
		if err := confirm(f, q); err != nil {
			return err
		}
	}
	u, st, err := api.Detach(ctx, opts.Input)
	if err != nil {
		return err
	}
	next := opts.Input.NewReferent
	switch {
	case next != "" && strings.EqualFold(st.ReferentEmail, next):
		f.Say("detach.done_new_referent", u.Email, st.Name, st.ReferentEmail)
	case opts.Input.LeaveNoReferent && st.ReferentEmail == "":
		f.Say("detach.done_no_referent", u.Email, st.Name)
	default:
		f.Say("detach.done", u.Email, st.Name)
		if next != "" {
			f.Say("detach.new_referent_unused", u.Email)
		}
	}
	return nil
}
