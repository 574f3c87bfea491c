package user

import (
	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
)

// ListOptions are the inputs of `user list`.
type ListOptions struct {
	Structure       *domain.StructureRef // nil: every structure (gestionnaires)
	WithoutProfiles bool
}

// NewCmdList builds `user list`.
func NewCmdList(f *cmdutil.Factory) *cobra.Command {
	var structure string
	var withoutProfiles bool
	cmd := &cobra.Command{
		Use:     "list [--structure ID|SIRET] [--without-profiles]",
		Aliases: []string{"ls"},
		Short:   "List people and their rights, in one structure or in all (gestionnaires)",
		Long: `List active memberships: one row per person and structure, with the référent (★), the
employers, and the rights held. A member with no right besides the automatic PARCOURS PRO
bénéficiaire is shown as "waiting" (in yellow); --without-profiles lists only them.

With --structure, the list of one structure, as ` + "`profil structure members`" + ` shows it (its
members and the gestionnaires may read it). Without, every membership of every structure:
gestionnaires only. -o csv gives the same fields as -o json, profiles joined with "|".`,
		Example: `  profil user list --structure "824 228 142 01072"
  profil user list --without-profiles                 # gestionnaires: everyone waiting for rights
  profil user list -o csv > comptes.csv`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &ListOptions{WithoutProfiles: withoutProfiles}
			if cmd.Flags().Changed("structure") {
				ref, err := parseStructure(structure, "structure_flag.to_list")
				if err != nil {
					return err
				}
				opts.Structure = &ref
			}
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			ms, err := api.ListMembersOf(ctx, opts.Structure, opts.WithoutProfiles)
			if err != nil {
				return err
			}
			switch {
			case opts.WithoutProfiles && opts.Structure != nil:
				return printMembers(ctx, f, ms, "user_list.none_waiting_in", opts.Structure.String())
			case opts.WithoutProfiles:
				return printMembers(ctx, f, ms, "user_list.none_waiting")
			case opts.Structure != nil:
				return printMembers(ctx, f, ms, "user_list.empty_in", opts.Structure.String())
			}
			return printMembers(ctx, f, ms, "user_list.empty")
		},
	}
	cmd.Flags().StringVar(&structure, "structure", "", "only the members of this structure (SIRET, SIREN, id or name)")
	_ = cmd.RegisterFlagCompletionFunc("structure", f.CompleteStructures())
	cmd.Flags().BoolVar(&withoutProfiles, "without-profiles", false, "only the people still waiting for rights")
	return cmd
}
