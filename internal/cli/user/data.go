package user

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
)

// DataOptions are the inputs of `user data`.
type DataOptions struct {
	Email string // empty: yourself
}

// NewCmdData builds `user data`.
func NewCmdData(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "data [EMAIL]",
		Short: "Everything held on a person: answer an access request (RGPD)",
		Long: `Print everything profil holds on a person: the account, every membership (ended ones too),
every profile granted and revoked, the requests, the audit events where the person is the
actor or is named, the mails sent to them (date, subject, status; never a body), their
sessions and API tokens (names and dates; never a value). Sections that do not exist yet on
this portal (terms of use accepted, trainee case) are printed empty.

A person reads their own data; a gestionnaire reads anyone's (an erased account by its
pseudonym, erased-<id>). Nobody else: not even the référent. Each reading is written to the
audit trail. Use -o json or -o yaml to hand the answer over.`,
		Example: `  profil user data -o json > mes-donnees.json
  profil user data claire.martin@horizons.fr -o yaml`,
		Args: maxOneArg("args.an_email"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &DataOptions{}
			if len(args) == 1 {
				opts.Email = strings.TrimSpace(args[0])
			}
			return dataRun(cmd.Context(), f, opts)
		},
	}
}

func dataRun(ctx context.Context, f *cmdutil.Factory, opts *DataOptions) error {
	format, err := f.Format()
	if err != nil {
		return err
	}
	if format == output.CSV {
		return cmdutil.FlagErrorf("data.csv")
	}
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	d, err := api.PersonalData(ctx, opts.Email)
	if err != nil {
		return err
	}
	v := present.FromPersonalData(d, now(f))
	if format != output.Table && format != "" {
		return output.PrintOne(f.IO, format, v, nil)
	}
	if err := output.PrintOne(f.IO, format, v.User.User, present.UserDetail); err != nil {
		return err
	}
	section := func(key string, n int) bool {
		fmt.Fprintf(f.IO.Out, "\n%s (%d)\n", i18n.T(key), n)
		return n > 0
	}
	if section("data.memberships", len(v.Memberships)) {
		if err := output.Print(f.IO, format, v.Memberships, present.PersonalMemberColumns); err != nil {
			return err
		}
	}
	if section("data.profiles", len(v.Profiles)) {
		if err := output.Print(f.IO, format, v.Profiles, present.PersonalGrantColumns); err != nil {
			return err
		}
	}
	if section("data.requests", len(v.Requests)) {
		if err := output.Print(f.IO, format, v.Requests, present.RequestColumns); err != nil {
			return err
		}
	}
	if section("data.audit", len(v.Audit)) {
		if err := output.Print(f.IO, format, v.Audit, present.AuditColumns); err != nil {
			return err
		}
	}
	if section("data.mails", len(v.Mails)) {
		if err := output.Print(f.IO, format, v.Mails, present.PersonalMailColumns); err != nil {
			return err
		}
	}
	if section("data.tokens", len(v.Tokens)) {
		if err := output.Print(f.IO, format, v.Tokens, present.PersonalTokenColumns); err != nil {
			return err
		}
	}
	if section("data.terms", len(v.Terms)) {
		if err := output.Print(f.IO, format, v.Terms, present.PersonalTermsColumns); err != nil {
			return err
		}
	}
	if v.Trainee == nil {
		section("data.trainee", 0)
	} else {
		section("data.trainee", 1)
		if err := output.PrintOne(f.IO, format, *v.Trainee, present.PersonalTraineeColumns); err != nil {
			return err
		}
	}
	if v.FranceConnect != nil {
		section("data.franceconnect", 1)
		fmt.Fprintln(f.IO.Out, output.Escape(v.FranceConnect.Subject+" ("+v.FranceConnect.Issuer+")"))
	}
	return nil
}
