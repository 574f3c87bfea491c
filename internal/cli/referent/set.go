package referent

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/prompt"
)

// SetOptions are the inputs of `referent set`.
type SetOptions struct {
	Structure domain.StructureRef
	User      string
}

// NewCmdSet builds `referent set`.
func NewCmdSet(f *cmdutil.Factory) *cobra.Command {
	var structure, user string
	cmd := &cobra.Command{
		Use:   "set --structure ID|SIRET --user EMAIL",
		Short: "Make an active member the référent of a structure (référent, gestionnaires)",
		Long: `Make an active member of the structure its référent; the current one, if any, steps down and
stays a member. The gestionnaires and the current référent may do it. The new référent is told
by mail.

On a terminal the command asks for confirmation; --yes skips the question, and so does running
without a terminal.`,
		Example: `  profil referent set --structure "824 228 142 01072" --user paul.durand@afpa-demo.fr
  profil --yes referent set --structure 12 --user paul.durand@afpa-demo.fr`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			user = strings.TrimSpace(user)
			switch {
			case strings.TrimSpace(structure) == "" && user == "":
				return cmdutil.FlagErrorf("referent_set.flags_required")
			case strings.TrimSpace(structure) == "":
				return cmdutil.FlagErrorf("referent_set.structure_required")
			case user == "":
				return cmdutil.FlagErrorf("referent_set.user_required")
			}
			ref, err := domain.ParseStructureRef(structure)
			if err != nil {
				return err
			}
			opts := &SetOptions{Structure: ref, User: user}
			return setRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&structure, "structure", "", "the structure: its SIRET, SIREN, id or name")
	cmd.Flags().StringVar(&user, "user", "", "the e-mail of the member who becomes référent")
	_ = cmd.RegisterFlagCompletionFunc("structure", f.CompleteStructures())
	_ = cmd.RegisterFlagCompletionFunc("user", f.CompleteMemberEmails())
	return cmd
}

func setRun(ctx context.Context, f *cmdutil.Factory, opts *SetOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	if f.CanPrompt() {
		// Name the structure and the référent who steps down; this also refuses anonymous
		// actors before asking.
		st, err := api.Structure(ctx, opts.Structure)
		if err != nil {
			return err
		}
		q := i18n.T("referent_set.confirm", opts.User, st.Name)
		if st.ReferentEmail != "" && !strings.EqualFold(st.ReferentEmail, opts.User) {
			q = i18n.T("referent_set.confirm_instead", opts.User, st.Name, st.ReferentEmail)
		}
		ok, err := f.Prompter.Confirm(output.Escape(q), false) // stored names, escaped
		if err != nil {
			return err
		}
		if !ok {
			return prompt.ErrCancelled
		}
	}
	u, st, err := api.SetReferent(ctx, opts.Structure, opts.User)
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
	f.Say("referent_set.done", u.Email, st.Name)
	format, err := f.Format()
	if err != nil {
		return err
	}
	return output.PrintOne(f.IO, format, present.FromStructure(st), present.StructureDetail)
}
