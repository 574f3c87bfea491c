package structure

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/view"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/output"
)

// CreateOptions are the inputs of `structure create`.
type CreateOptions struct {
	Input domain.StructureInput
}

// NewCmdCreate builds `structure create`; runF, when not nil, replaces the run (tests).
func NewCmdCreate(f *cmdutil.Factory, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	ff := &fieldFlags{}
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Reference a new structure (gestionnaires)",
		Long: `Reference a new structure. Its SIRET, when given, must be valid and not already known; a
structure without SIRET needs a name and an address. The département comes from the postal
code.`,
		Example: `  profil structure create --name "GRETA Sud Aquitaine" --siret "196 400 010 00263" \
      --ape 85.59A --kind training-org --address "2 rue Lormand" --postal-code 64100 --city Bayonne
  profil structure create --name "Ministère du Travail" --ministry --address "127 rue de Grenelle"`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			in, err := ff.input(cmd.Flags())
			if err != nil {
				return err
			}
			if in.Name == nil {
				return cmdutil.FlagErrorf("--name is required")
			}
			opts := &CreateOptions{Input: in}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), f, opts)
		},
	}
	ff.register(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("kind", completeKinds)
	return cmd
}

func createRun(ctx context.Context, f *cmdutil.Factory, opts *CreateOptions) error {
	svc, err := f.Service(ctx)
	if err != nil {
		return err
	}
	actor, err := f.Actor(ctx)
	if err != nil {
		return err
	}
	s, err := svc.CreateStructure(ctx, actor, opts.Input)
	if err != nil {
		return err
	}
	return printStructure(f, s, fmt.Sprintf("✓ created structure #%d %s\n", s.ID, s.Name))
}

// printStructure prints one structure in the format asked, or only its id with --quiet.
func printStructure(f *cmdutil.Factory, s domain.Structure, done string) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	if cfg.Quiet {
		fmt.Fprintln(f.IO.Out, s.ID)
		return nil
	}
	if done != "" {
		f.Stderrf("%s", done)
	}
	format, err := f.Format()
	if err != nil {
		return err
	}
	return output.PrintOne(f.IO, format, view.FromStructure(s), view.StructureDetail)
}
