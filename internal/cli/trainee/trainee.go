// Package trainee holds `profil trainee`: the accounts of the trainee-pay portal, registered by
// the trainees themselves with the number of their funder's case file.
package trainee

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/service"
)

// Trainee is the JSON shape of a trainee account.
type Trainee struct {
	Email      string `json:"email"`
	LastName   string `json:"last_name"`
	FirstName  string `json:"first_name"`
	BirthDate  string `json:"birth_date"` // YYYY-MM-DD
	CaseNumber string `json:"case_number"`
	Terms      string `json:"terms"` // the last version of the terms accepted
	Status     string `json:"status"`
}

var columns = []output.Column[Trainee]{
	{Header: "NAME", Value: func(t Trainee) string { return strings.TrimSpace(t.LastName + " " + t.FirstName) }},
	{Header: "E-MAIL", Value: func(t Trainee) string { return t.Email }, Keep: true},
	{Header: "BIRTH DATE", Value: func(t Trainee) string { return domain.FormatBirthDate(t.BirthDate) }},
	{Header: "CASE", Value: func(t Trainee) string {
		if t.CaseNumber == "" {
			return i18n.T("trainee.no_case_yet")
		}
		return t.CaseNumber
	}},
	{Header: "TERMS", Value: func(t Trainee) string { return t.Terms }, Optional: true},
	{Header: "STATUS", Value: func(t Trainee) string { return i18n.Value(t.Status) }, Optional: true},
}

// NewCmd builds `profil trainee` and its verbs.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "trainee",
		Aliases: []string{"trainees"},
		Short:   "Trainee accounts of the trainee-pay portal: register, list",
		Long: `A trainee account belongs to a person whose training a funder pays for: it has no structure,
and its last name, first name and birth date come from the funder's case file (` + "`profil case`" + `).
The trainee registers (no sign-in needed) with the number of their funding decision (DPC), or
without one when invited; a temporary password is mailed. At the first sign-in they change it
(` + "`profil user passwd`" + `), set a secret question (` + "`profil user secret set`" + `) and accept the
terms of use (` + "`profil terms accept`" + `), in that order.`,
		Example: `  profil trainee register --last-name Moreau --first-name Léa --birth-date 31/01/2000 \
      --case-number DPC-2026-002 --email lea.moreau@exemple.fr --email-confirm lea.moreau@exemple.fr --accept-terms
  profil trainee list --without-case`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(newCmdRegister(f), newCmdList(f))
	return cmd
}

func newCmdRegister(f *cmdutil.Factory) *cobra.Command {
	var in service.TraineeRegistration
	cmd := &cobra.Command{
		Use:   "register --last-name L --first-name F --birth-date JJ/MM/AAAA (--case-number N | --no-case-number) --email E --email-confirm E --accept-terms",
		Short: "Create your trainee account (no sign-in needed)",
		Long: `Create your trainee account. Every value is required: your last name, first name and birth date
(JJ/MM/AAAA) as your funding decision (DPC) writes them, its case number, and your e-mail
address typed twice. Invited to register before your case exists? Give --no-case-number: your
account waits, and is attached to your case when the funder imports it (same names and birth
date, accents and case aside).

With a case number, the case must exist, be nobody's yet, and carry your names and birth date
(compared without accents, case, hyphens, apostrophes or spaces): otherwise the answer is the
same whatever differed (exit 6), so check them against your decision.

The terms of use must be accepted: --accept-terms, or a question on a terminal (read them with
` + "`profil terms show`" + `). A temporary password is mailed to you; sign in with it
(` + "`profil login`" + `), then change it, set your secret question, and you are in.`,
		Example: `  profil trainee register --last-name Moreau --first-name Léa --birth-date 31/01/2000 \
      --case-number DPC-2026-002 --email lea.moreau@exemple.fr --email-confirm lea.moreau@exemple.fr --accept-terms
  profil trainee register --last-name Petit --first-name Hugo --birth-date 01/02/1999 --no-case-number \
      --email hugo@exemple.fr --email-confirm hugo@exemple.fr --accept-terms`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var missing []string
			for _, v := range []struct{ flag, value string }{
				{"--last-name", in.LastName}, {"--first-name", in.FirstName}, {"--birth-date", in.BirthDate},
				{"--email", in.Email}, {"--email-confirm", in.EmailConfirm},
			} {
				if strings.TrimSpace(v.value) == "" {
					missing = append(missing, v.flag)
				}
			}
			switch {
			case len(missing) == 1:
				return cmdutil.FlagErrorf("register.missing_one", missing[0])
			case len(missing) > 1:
				return cmdutil.FlagErrorf("register.missing_many", strings.Join(missing, ", "))
			case in.NoCase == (strings.TrimSpace(in.CaseNumber) != ""):
				return cmdutil.FlagErrorf("trainee.case_flag")
			}
			if !in.AcceptTerms {
				if !f.CanPrompt() {
					return cmdutil.FlagErrorf("trainee.accept_terms_flag")
				}
				ok, err := f.Prompter.Confirm(i18n.T("trainee.accept_terms_ask"), false)
				if err != nil {
					return err
				}
				if !ok {
					return prompt.ErrCancelled
				}
				in.AcceptTerms = true
			}
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			res, err := api.RegisterTrainee(ctx, in)
			if err != nil {
				return err
			}
			if cfg, err := f.Config(); err == nil && cfg.Quiet {
				fmt.Fprintln(f.IO.Out, res.User.Email)
				return nil
			}
			if res.CaseNumber != "" {
				f.Say("trainee.registered_case", res.User.Email, res.CaseNumber)
			} else {
				f.Say("trainee.registered_waiting", res.User.Email)
			}
			format, err := f.Format()
			if err != nil {
				return err
			}
			return output.PrintOne(f.IO, format, Trainee{Email: res.User.Email, LastName: res.User.LastName, FirstName: res.User.FirstName,
				BirthDate: res.User.BirthDate, CaseNumber: res.CaseNumber, Terms: res.Terms, Status: string(res.User.Status)}, columns)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&in.LastName, "last-name", "", "your last name, as your funding decision writes it")
	fl.StringVar(&in.FirstName, "first-name", "", "your first name, as your funding decision writes it")
	fl.StringVar(&in.BirthDate, "birth-date", "", "your birth date: JJ/MM/AAAA")
	fl.StringVar(&in.CaseNumber, "case-number", "", "the number of your funding decision (DPC)")
	fl.BoolVar(&in.NoCase, "no-case-number", false, "you have no case number yet (invited to register)")
	fl.StringVar(&in.Email, "email", "", "your e-mail address: your login from then on")
	fl.StringVar(&in.EmailConfirm, "email-confirm", "", "your e-mail address again")
	fl.BoolVar(&in.AcceptTerms, "accept-terms", false, "you accept the terms of use (profil terms show)")
	return cmd
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	var filter service.TraineeFilter
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the trainee accounts (gestionnaires)",
		Long: `List the trainee accounts: name, e-mail, birth date, case (or "waiting" for an account
registered without one), the last version of the terms of use accepted. -o csv exports them
(cells a spreadsheet would run as formulas are neutralised).`,
		Example: `  profil trainee list
  profil trainee list --without-case
  profil trainee list --terms-pending -o csv > relances.csv`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			ts, err := api.Trainees(ctx, filter)
			if err != nil {
				return err
			}
			format, err := f.Format()
			if err != nil {
				return err
			}
			out := make([]Trainee, len(ts))
			for i, t := range ts {
				out[i] = Trainee{Email: t.User.Email, LastName: t.User.LastName, FirstName: t.User.FirstName, BirthDate: t.User.BirthDate,
					CaseNumber: t.CaseNumber, Terms: t.Terms, Status: string(t.User.Status)}
			}
			if cfg, err := f.Config(); err == nil && cfg.Quiet {
				for _, t := range out {
					fmt.Fprintln(f.IO.Out, t.Email)
				}
				return nil
			}
			if len(out) == 0 && format == output.Table {
				f.Say("trainee.list_empty")
				return nil
			}
			return output.Print(f.IO, format, out, columns)
		},
	}
	cmd.Flags().BoolVar(&filter.WithoutCase, "without-case", false, "only the accounts waiting for their case")
	cmd.Flags().BoolVar(&filter.TermsPending, "terms-pending", false, "only those who have not accepted the current terms of use")
	return cmd
}
