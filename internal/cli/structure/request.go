package structure

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/service"
)

// RequestOptions are the inputs of `structure request`.
type RequestOptions struct {
	Input          domain.StructureInput
	RequesterEmail string // empty: the signed-in user's, or asked on a terminal
	Entity         service.EntityRequestInput
	PasswordStdin  bool
}

// NewCmdRequest builds `structure request`: "my structure is not in the list".
func NewCmdRequest(f *cmdutil.Factory) *cobra.Command {
	ff := &fieldFlags{}
	var (
		requester                                   string
		lastName, firstName, function, phone        string
		proof, mandate, mandateDate                 string
		noSIRET, publicBody, namedOnProof, pwdStdin bool
	)
	cmd := &cobra.Command{
		Use:   "request --name NAME [--siret SIRET | --no-siret …] [--requester-email E] [--last-name L --first-name F …] [--proof FILE] [--mandate FILE --mandate-date DATE]",
		Short: "Ask the gestionnaires to reference a structure that is not in the list",
		Long: `Ask the gestionnaires to reference a structure ("ma structure n'est pas dans la liste").
No sign-in is needed. The gestionnaires create the structure or refuse the request, and the
answer is mailed to --requester-email (by default, the e-mail you are signed in with) within
24 to 48 hours. Once the structure exists, register with ` + "`profil user register`" + `.

The fields are those of ` + "`profil structure create`" + `: a structure without SIRET needs a name
and an address; a SIRET already known, or already asked for, is refused. --no-siret says the
structure has none (then name, address, postal code and city are required). --ministry marks a
ministry; universities and public schools are --public-body, not ministries.

Entity requests (France Compétences): with --last-name and --first-name (and --function,
--phone, --password-stdin), the request also creates your own account, pending; approving the
request creates the structure, activates your account and makes you its référent
("gestionnaire entité"), who then validates the other accounts of the structure.

Documents: --proof joins the proof of legal existence (Kbis, Journal officiel notice, decree);
--mandate and --mandate-date a mandate delegation naming you, dated less than 3 months. A
mandate is required when your name is not on the proof (say --named-on-proof when it is), and
always for ministries and public bodies; the portal may require a proof. Files are PDF, JPEG or
PNG (recognised by their content), at most 10 MB each; they are stored, never opened.`,
		Example: `  profil structure request --name "Association Horizons Emploi" --siret "443 061 841 00047" \
      --postal-code 33000 --city Bordeaux --kind training-org --requester-email claire.martin@horizons.fr
  profil structure request --name "Ministère du Travail" --ministry --address "127 rue de Grenelle" \
      --postal-code 75007 --city Paris
  printf '%s\n' "$PASSWORD" | profil structure request --no-siret --ministry \
      --name "Ministère du Travail" --address "127 rue de Grenelle" --postal-code 75007 --city Paris \
      --requester-email claire.martin@travail.gouv.fr --last-name Martin --first-name Claire \
      --proof decret.pdf --mandate mandat.pdf --mandate-date 2026-11-20 --password-stdin`,
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
			if noSIRET && cmd.Flags().Changed("siret") {
				return cmdutil.FlagErrorf("entity.no_siret_and_siret")
			}
			opts := &RequestOptions{Input: in, RequesterEmail: strings.TrimSpace(requester), PasswordStdin: pwdStdin}
			opts.Entity = service.EntityRequestInput{NoSIRET: noSIRET, PublicBody: publicBody, NamedOnProof: namedOnProof}
			if cmd.Flags().Changed("last-name") || cmd.Flags().Changed("first-name") || pwdStdin {
				if strings.TrimSpace(lastName) == "" || strings.TrimSpace(firstName) == "" {
					return cmdutil.FlagErrorf("entity.account_fields", domain.DefaultReferentLabel)
				}
				opts.Entity.Account = &service.AccountInput{LastName: lastName, FirstName: firstName, Function: function, Phone: phone}
			}
			if proof != "" {
				if opts.Entity.Proof, err = readDocument("proof", domain.DocumentProof, proof); err != nil {
					return err
				}
			}
			if mandate != "" {
				if opts.Entity.Mandate, err = readDocument("mandate", domain.DocumentMandate, mandate); err != nil {
					return err
				}
			}
			if mandateDate != "" {
				d, err := domain.ParseMandateDate(mandateDate)
				if err != nil {
					return err
				}
				opts.Entity.MandateDate = &d
			}
			return requestRun(cmd.Context(), f, opts)
		},
	}
	ff.register(cmd.Flags())
	_ = cmd.Flags().MarkHidden("adhesion-year")
	cmd.Flags().StringVar(&requester, "requester-email", "", "where the answer is mailed (default: the e-mail you are signed in with)")
	fl := cmd.Flags()
	fl.BoolVar(&noSIRET, "no-siret", false, "the structure has no SIRET: name, address, postal code and city are required")
	fl.BoolVar(&publicBody, "public-body", false, "a public body (university, public school): a mandate is required")
	fl.StringVar(&lastName, "last-name", "", "your last name: the request creates your account")
	fl.StringVar(&firstName, "first-name", "", "your first name")
	fl.StringVar(&function, "function", "", "your function in the structure")
	fl.StringVar(&phone, "phone", "", `your phone number, e.g. "05 56 00 00 00"`)
	fl.BoolVar(&pwdStdin, "password-stdin", false, "read your account's password from standard input (one line)")
	fl.StringVar(&proof, "proof", "", "proof of legal existence: Kbis, Journal officiel notice, decree (PDF, JPEG or PNG, ≤ 10 MB)")
	fl.StringVar(&mandate, "mandate", "", "mandate delegation naming you (PDF, JPEG or PNG, ≤ 10 MB)")
	fl.StringVar(&mandateDate, "mandate-date", "", "date of the mandate, YYYY-MM-DD (less than 3 months old)")
	fl.BoolVar(&namedOnProof, "named-on-proof", false, "your name is on the proof: no mandate is needed (except for ministries and public bodies)")
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
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	actor, err := api.Whoami(ctx)
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
	in := opts.Entity
	in.Structure, in.RequesterEmail = opts.Input, opts.RequesterEmail
	if opts.PasswordStdin && in.Account != nil {
		if in.Account.Password, err = cmdutil.ReadSecretStdin(f.IO); err != nil {
			return err
		}
	}
	r, err := api.RequestEntity(ctx, in)
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
	if r.Status == domain.StatusUnverified {
		f.Say("activation.confirm", r.RequesterEmail, r.ID)
	}
	format, err := f.Format()
	if err != nil {
		return err
	}
	now := time.Now()
	if f.Now != nil {
		now = f.Now()
	}
	v := present.FromRequest(r, now)
	return output.PrintOne(f.IO, format, v, present.RequestDetailOf(v))
}
