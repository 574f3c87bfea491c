package structure

import (
	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
)

// UpdateOptions are the inputs of `structure update`.
type UpdateOptions struct {
	Ref   domain.StructureRef
	Input domain.StructureInput
}

// NewCmdUpdate builds `structure update`.
func NewCmdUpdate(f *cmdutil.Factory) *cobra.Command {
	ff := &fieldFlags{}
	cmd := &cobra.Command{
		Use:   "update ID|SIRET --field value…",
		Short: "Change the data of a structure (gestionnaires)",
		Long: `Change only the fields given; an empty value clears an optional field (--siret "" for a
structure that has no SIRET). Référents report changes; gestionnaires apply them.`,
		Example: `  profil structure update 12 --city Mérignac --postal-code 33700
  profil structure update "824 228 142 01072" --kind training-org,employer`,
		Args: cmdutil.ExactArgs(1, "args.structure_ref"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, err := domain.ParseStructureRef(args[0])
			if err != nil {
				return err
			}
			in, err := ff.input(cmd.Flags())
			if err != nil {
				return err
			}
			if in == (domain.StructureInput{}) {
				return cmdutil.FlagErrorf("structure.update_nothing")
			}
			opts := &UpdateOptions{Ref: ref, Input: in}
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			s, err := api.UpdateStructure(ctx, opts.Ref, opts.Input)
			if err != nil {
				return err
			}
			return printStructure(f, s, i18n.T("structure.updated", s.ID, s.Name))
		},
	}
	ff.register(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("kind", completeKinds)
	cmd.ValidArgsFunction = cmdutil.FirstArg(f.CompleteStructures())
	return cmd
}
