package structure

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/output"
)

// ShowOptions are the inputs of `structure show`.
type ShowOptions struct {
	Ref domain.StructureRef
}

// NewCmdShow builds `structure show`.
func NewCmdShow(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "show ID|SIRET|SIREN",
		Long:    "Show one structure, named by its id, its SIRET, or its SIREN when the company has one establishment\n(with several, the SIRETs to choose from are listed, exit 5). Signed out, only the public fields show:\nname, acronym, SIRET, city, département and kinds.",
		Short:   "Show one structure",
		Example: "  profil structure show 12\n  profil structure show \"824 228 142 01072\" -o json\n  profil structure show 824228142   # a SIREN: the company's one establishment",
		Args:    cmdutil.ExactArgs(1, "args.structure_ref"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, err := domain.ParseStructureRef(args[0])
			if err != nil {
				return err
			}
			opts := &ShowOptions{Ref: ref}
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			s, err := api.Structure(ctx, opts.Ref)
			if err != nil {
				return err
			}
			actor, err := api.Whoami(ctx)
			if err != nil {
				return err
			}
			if actor.IsAnonymous() {
				return printPublicStructure(f, s)
			}
			return printStructure(f, s, "")
		},
	}
	cmd.ValidArgsFunction = cmdutil.FirstArg(f.CompleteStructures())
	return cmd
}

// publicDetail is the vertical view of a structure for someone not signed in: its public
// fields only, rather than the others left empty.
var publicDetail = []output.Column[present.Structure]{
	{Header: "ID", Value: func(s present.Structure) string { return strconv.FormatInt(s.ID, 10) }},
	{Header: "Name", Value: func(s present.Structure) string { return s.Name }},
	{Header: "Acronym", Value: func(s present.Structure) string { return s.Acronym }},
	{Header: "SIRET", Value: func(s present.Structure) string { return present.FormatSIRET(s.SIRET) }},
	{Header: "City", Value: func(s present.Structure) string { return s.City }},
	{Header: "Département", Value: func(s present.Structure) string { return s.Department }},
	{Header: "Kinds", Value: func(s present.Structure) string { return strings.Join(s.Kinds, ", ") }},
}

func printPublicStructure(f *cmdutil.Factory, s domain.Structure) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	if cfg.Quiet {
		fmt.Fprintln(f.IO.Out, s.ID)
		return nil
	}
	format, err := f.Format()
	if err != nil {
		return err
	}
	return output.PrintOne(f.IO, format, present.FromStructure(s), publicDetail)
}
