package structure

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/view"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
)

// RequestOptions are the inputs of `structure request`.
type RequestOptions struct {
	Input          domain.StructureInput
	RequesterEmail string // empty: the signed-in user's, or asked on a terminal
}

// NewCmdRequest builds `structure request`: "my structure is not in the list".
func NewCmdRequest(f *cmdutil.Factory, runF func(context.Context, *RequestOptions) error) *cobra.Command {
	ff := &fieldFlags{}
	var requester string
	cmd := &cobra.Command{
		Use:   "request --name NAME [--siret SIRET …] [--requester-email E]",
		Short: "Ask the gestionnaires to reference a structure that is not in the list",
		Long: `Ask the gestionnaires to reference a structure ("ma structure n'est pas dans la liste").
No sign-in is needed. The gestionnaires create the structure or refuse the request, and the
answer is mailed to --requester-email (by default, the e-mail you are signed in with) within
24 to 48 hours. Once the structure exists, register with ` + "`profil user register`" + `.

The fields are those of ` + "`profil structure create`" + `: a structure without SIRET needs a name
and an address; a SIRET already known, or already asked for, is refused.`,
		Example: `  profil structure request --name "Association Horizons Emploi" --siret "443 061 841 00047" \
      --postal-code 33000 --city Bordeaux --kind training-org --requester-email claire.martin@horizons.fr
  profil structure request --name "Ministère du Travail" --ministry --address "127 rue de Grenelle" \
      --postal-code 75007 --city Paris`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("adhesion-year") {
				return cmdutil.FlagErrorf("structure_request.adhesion_year")
			}
			in, err := ff.input(cmd.Flags())
			if err != nil {
				return err
			}
			if in.Name == nil && !f.CanPrompt() {
				return cmdutil.FlagErrorf("structure_request.name_required")
			}
			opts := &RequestOptions{Input: in, RequesterEmail: strings.TrimSpace(requester)}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return requestRun(cmd.Context(), f, opts)
		},
	}
	ff.register(cmd.Flags())
	_ = cmd.Flags().MarkHidden("adhesion-year")
	cmd.Flags().StringVar(&requester, "requester-email", "", "where the answer is mailed (default: the e-mail you are signed in with)")
	_ = cmd.RegisterFlagCompletionFunc("kind", completeKinds)
	return cmd
}

func requestRun(ctx context.Context, f *cmdutil.Factory, opts *RequestOptions) error {
	if opts.Input.Name == nil {
		name, err := f.Prompter.Input(i18n.T("structure.ask_name"), "")
		if err != nil {
			return err
		}
		opts.Input.Name = &name
	}
	svc, err := f.Service(ctx)
	if err != nil {
		return err
	}
	actor, err := f.Actor(ctx)
	if err != nil {
		return err
	}
	if opts.RequesterEmail == "" && actor.IsAnonymous() {
		if !f.CanPrompt() {
			return cmdutil.FlagErrorf("structure_request.email_required")
		}
		if opts.RequesterEmail, err = f.Prompter.Input(i18n.T("structure_request.ask_email"), ""); err != nil {
			return err
		}
	}
	r, err := svc.RequestStructure(ctx, actor, opts.Input, opts.RequesterEmail)
	if err != nil {
		return err
	}
	// The request as created does not carry what listing fills in.
	if r.StructureName == "" {
		r.StructureName, r.SIRET = r.Structure.Name, r.Structure.SIRET
	}
	if r.UserEmail == "" {
		r.UserEmail = r.RequesterEmail
	}
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	if cfg.Quiet {
		fmt.Fprintln(f.IO.Out, r.ID)
		return nil
	}
	f.Say("structure_request.sent", r.ID)
	format, err := f.Format()
	if err != nil {
		return err
	}
	now := time.Now()
	if f.Now != nil {
		now = f.Now()
	}
	return output.PrintOne(f.IO, format, view.FromRequest(r, now), view.RequestDetail)
}
