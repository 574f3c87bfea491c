package structure

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
)

// ShowOptions are the inputs of `structure show`.
type ShowOptions struct {
	Ref domain.StructureRef
}

// NewCmdShow builds `structure show`.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	return &cobra.Command{
		Use:     "show ID|SIRET",
		Short:   "Show one structure",
		Example: "  profil structure show 12\n  profil structure show \"732 829 320 00074\" -o json",
		Args:    cmdutil.ExactArgs(1, "args.structure_ref"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, err := domain.ParseStructureRef(args[0])
			if err != nil {
				return err
			}
			opts := &ShowOptions{Ref: ref}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			ctx := cmd.Context()
			svc, err := f.Service(ctx)
			if err != nil {
				return err
			}
			actor, err := f.Actor(ctx)
			if err != nil {
				return err
			}
			s, err := svc.Structure(ctx, actor, opts.Ref)
			if err != nil {
				return err
			}
			return printStructure(f, s, "")
		},
	}
}
