package structure

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
)

// CreateOptions are the inputs of `structure create`.
type CreateOptions struct {
	Input domain.StructureInput
}

// NewCmdCreate builds `structure create`.
func NewCmdCreate(f *cmdutil.Factory) *cobra.Command {
	ff := &fieldFlags{}
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Reference a new structure (gestionnaires)",
		Long: `Reference a new structure. Its SIRET, when given, must be valid and not already known; a
structure without SIRET needs a name and an address. The département comes from the postal
code.

On a terminal, a missing --name is asked, and so is the address of a structure without SIRET.
With --yes or without a terminal, a missing --name is an error.`,
		Example: `  profil structure create --name "GRETA Sud Aquitaine" --siret "196 400 010 00263" \
      --ape 85.59A --kind training-org --address "2 rue Lormand" --postal-code 64100 --city Bayonne
  profil structure create --name "Ministère du Travail" --ministry --address "127 rue de Grenelle"
  profil structure create --postal-code 33000 --city Bordeaux   # on a terminal: asks the name and address`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			in, err := ff.input(cmd.Flags())
			if err != nil {
				return err
			}
			if in.Name == nil && !f.CanPrompt() {
				return cmdutil.FlagErrorf("structure.name_flag_required")
			}
			opts := &CreateOptions{Input: in}
			return createRun(cmd.Context(), f, opts)
		},
	}
	ff.register(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("kind", completeKinds)
	return cmd
}

func createRun(ctx context.Context, f *cmdutil.Factory, opts *CreateOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	// Asked once the database and the sign-in are known to work, so that no one answers
	// questions for nothing.
	if err := askCreateFields(f, &opts.Input); err != nil {
		return err
	}
	s, err := api.CreateStructure(ctx, opts.Input)
	if err != nil {
		return err
	}
	return printStructure(f, s, i18n.T("structure.created", s.ID, s.Name))
}

// createAttempts is how many times a question is asked before an invalid answer is the error.
const createAttempts = 3

// askCreateFields asks on a terminal for the values a new structure cannot do without: its
// name and, without a SIRET, its address. Without a terminal it asks nothing and the service
// names what is missing.
func askCreateFields(f *cmdutil.Factory, in *domain.StructureInput) error {
	if !f.CanPrompt() {
		return nil
	}
	siret := ""
	if in.SIRET != nil {
		siret = strings.TrimSpace(*in.SIRET)
	}
	if siret != "" {
		// A SIRET that will be refused is said before any question, not after them.
		if _, err := domain.NormalizeSIRET(siret); err != nil {
			return err
		}
	}
	if blankField(in.Name) {
		name, err := askValid(f, i18n.T("structure.ask_name"), func(v string) error {
			// The name rules of a whole structure; the placeholder SIRET keeps the address
			// out of this check.
			return domain.ValidateStructure(domain.Structure{Name: v, SIRET: "-"})
		})
		if err != nil {
			return err
		}
		in.Name = &name
	}
	if siret == "" && blankField(in.Address) {
		address, err := askValid(f, i18n.T("structure.ask_address"), func(v string) error {
			if v == "" {
				return domain.Invalid("address", "", "structure.address_required")
			}
			return nil
		})
		if err != nil {
			return err
		}
		in.Address = &address
	}
	return nil
}

// askValid asks question until check accepts the answer, at most createAttempts times; each
// refused answer is reported on stderr, and the last refusal is the error.
func askValid(f *cmdutil.Factory, question string, check func(string) error) (string, error) {
	var lastErr error
	for range createAttempts {
		v, err := f.Prompter.Input(question, "")
		if err != nil {
			return "", err
		}
		v = strings.Join(strings.Fields(v), " ")
		if lastErr = check(v); lastErr == nil {
			return v, nil
		}
		fmt.Fprintf(f.IO.ErrOut, "  %v\n", lastErr)
	}
	return "", lastErr
}

func blankField(v *string) bool { return v == nil || strings.TrimSpace(*v) == "" }

// printStructure prints one structure in the format asked, or only its id with --quiet; done,
// when not empty, is the line that says what was done.
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
		fmt.Fprintln(f.IO.ErrOut, output.Escape(done))
	}
	format, err := f.Format()
	if err != nil {
		return err
	}
	return output.PrintOne(f.IO, format, present.FromStructure(s), present.StructureDetail)
}
