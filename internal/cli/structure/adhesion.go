package structure

import (
	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
)

// AdhesionOptions are the inputs of `structure adhesion`.
type AdhesionOptions struct {
	Ref  domain.StructureRef
	Year int // 0 with --remove
}

// NewCmdAdhesion builds `structure adhesion`.
func NewCmdAdhesion(f *cmdutil.Factory) *cobra.Command {
	var (
		year   int
		remove bool
	)
	cmd := &cobra.Command{
		Use:   "adhesion ID|SIRET --year YEAR | --remove",
		Short: "Record a structure's yearly adhesion to Cap Métiers (gestionnaires)",
		Long: `Record the year a structure is a member (adhérent) of Cap Métiers: its staff can then
register to training actions. --remove clears it.`,
		Example: "  profil structure adhesion \"824 228 142 01072\" --year 2026\n  profil structure adhesion 12 --remove",
		Args:    cmdutil.ExactArgs(1, "args.structure_ref"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, err := domain.ParseStructureRef(args[0])
			if err != nil {
				return err
			}
			switch {
			case remove && cmd.Flags().Changed("year"):
				return cmdutil.FlagErrorf("adhesion.year_and_remove")
			case !remove && !cmd.Flags().Changed("year"):
				return cmdutil.FlagErrorf("adhesion.year_required")
			}
			opts := &AdhesionOptions{Ref: ref, Year: year}
			if remove {
				opts.Year = 0
			} else if year == 0 {
				return domain.Invalid("year", "0", "structure.year_invalid")
			}
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			s, err := api.SetAdhesion(ctx, opts.Ref, opts.Year)
			if err != nil {
				return err
			}
			msg := i18n.T("adhesion.recorded", s.Name, s.AdhesionYear)
			if opts.Year == 0 {
				msg = i18n.T("adhesion.removed", s.Name)
			}
			return printStructure(f, s, msg)
		},
	}
	cmd.Flags().IntVar(&year, "year", 0, "year of the adhesion, e.g. 2026")
	cmd.Flags().BoolVar(&remove, "remove", false, "remove the adhesion")
	cmd.ValidArgsFunction = cmdutil.FirstArg(f.CompleteStructures())
	return cmd
}
