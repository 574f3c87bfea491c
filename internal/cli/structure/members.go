package structure

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/output"
)

// MembersOptions are the inputs of `structure members`.
type MembersOptions struct {
	Ref             domain.StructureRef
	WithoutProfiles bool
}

// NewCmdMembers builds `structure members`: the user list of a structure.
func NewCmdMembers(f *cmdutil.Factory) *cobra.Command {
	var withoutProfiles bool
	cmd := &cobra.Command{
		Use:   "members ID|SIRET [--without-profiles]",
		Short: "List the people attached to a structure, with their rights",
		Long: `List the active members of a structure: name, e-mail, function, phone, the référent (★),
the employers, and the rights each one holds. A member who holds no right besides the automatic
PARCOURS PRO bénéficiaire is shown as "waiting" (in yellow): the référent has rights to assign.
--without-profiles lists only them.

The members of the structure and the gestionnaires may read the list. In JSON, YAML and CSV
each row has the fields email, last_name, first_name, function, phone, structure_id, siret,
structure_name, referent, employer and profiles (joined with "|" in CSV).`,
		Example: `  profil structure members "824 228 142 01072"
  profil structure members 12 --without-profiles
  profil structure members 12 -o csv > membres.csv`,
		Args: cmdutil.ExactArgs(1, "args.structure_ref"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, err := domain.ParseStructureRef(args[0])
			if err != nil {
				return err
			}
			opts := &MembersOptions{Ref: ref, WithoutProfiles: withoutProfiles}
			return membersRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().BoolVar(&withoutProfiles, "without-profiles", false, "only the members still waiting for rights")
	cmd.ValidArgsFunction = cmdutil.FirstArg(f.CompleteStructures())
	return cmd
}

func membersRun(ctx context.Context, f *cmdutil.Factory, opts *MembersOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	ms, st, err := api.Members(ctx, opts.Ref, opts.WithoutProfiles)
	if err != nil {
		return err
	}
	empty := "members.none"
	if opts.WithoutProfiles {
		empty = "members.none_waiting"
	}
	return cmdutil.ListPrinter[domain.Member, present.Member]{
		Quiet: func(m domain.Member) string { return m.User.Email },
		Empty: empty, EmptyArgs: []any{st.Name},
		Rows: present.Members,
		Columns: func() ([]output.Column[present.Member], error) {
			cat, err := api.Catalogue(ctx)
			if err != nil {
				return nil, err
			}
			return present.MemberColumns(cat.Automatic()), nil
		},
	}.Print(f, ms)
}
