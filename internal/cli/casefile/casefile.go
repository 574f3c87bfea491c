// Package casefile holds `profil case`: the funder's case files (dossiers) trainee accounts
// register with.
package casefile

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/structure"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/service"
)

// Case is the JSON shape of a case file.
type Case struct {
	Number    string     `json:"case_number"`
	LastName  string     `json:"last_name"`
	FirstName string     `json:"first_name"`
	BirthDate string     `json:"birth_date"` // YYYY-MM-DD
	Email     string     `json:"email"`
	SIRET     string     `json:"siret"`
	ClaimedBy string     `json:"claimed_by"` // the account's e-mail, "" when unclaimed
	ClaimedAt *time.Time `json:"claimed_at"`
}

func fromCase(c domain.Case, claimedBy string) Case {
	out := Case{Number: c.Number, LastName: c.LastName, FirstName: c.FirstName, BirthDate: c.BirthDate, Email: c.Email,
		SIRET: c.SIRET, ClaimedBy: claimedBy}
	if c.ClaimedAt != nil {
		at := c.ClaimedAt.UTC().Truncate(time.Second)
		out.ClaimedAt = &at
	}
	return out
}

func claimed(c Case) string {
	if c.ClaimedBy != "" {
		return c.ClaimedBy
	}
	if c.ClaimedAt != nil {
		return "✓"
	}
	return ""
}

var columns = []output.Column[Case]{
	{Header: "CASE", Value: func(c Case) string { return c.Number }, Keep: true},
	{Header: "LAST NAME", Value: func(c Case) string { return c.LastName }},
	{Header: "FIRST NAME", Value: func(c Case) string { return c.FirstName }},
	{Header: "BIRTH DATE", Value: func(c Case) string { return domain.FormatBirthDate(c.BirthDate) }},
	{Header: "E-MAIL", Value: func(c Case) string { return c.Email }, Optional: true},
	{Header: "SIRET", Value: func(c Case) string { return c.SIRET }, Optional: true},
	{Header: "CLAIMED", Value: claimed},
}

// NewCmd builds `profil case` and its verbs.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "case",
		Aliases: []string{"cases"},
		Short:   "Import and read the funder's case files of trainees (gestionnaires)",
		Long: `A case file (dossier) is the funder's decision of funding (DPC) of a trainee: its number, the
trainee's last name, first name and birth date, and optionally their e-mail and the SIRET of
the training organisation. Trainees register with its number (` + "`profil trainee register`" + `);
a case is claimed by one account, once. Gestionnaires import, list and show them.`,
		Example: `  profil case import dossiers-2026.csv --dry-run
  profil case list --unclaimed
  profil case show DPC-2026-001`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(newCmdImport(f), newCmdList(f), newCmdShow(f))
	return cmd
}

func newCmdImport(f *cmdutil.Factory) *cobra.Command {
	opts := &structure.ImportOptions{}
	cmd := &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Import case files from a CSV file (gestionnaires)",
		Long: `Import the funder's case files from a CSV file.

Columns: case_number, last_name, first_name, birth_date (JJ/MM/AAAA or YYYY-MM-DD; all four
required), email and siret (the training organisation). French headers are understood too:
numero de dossier, dossier, dpc, nom, prenom, date de naissance, courriel, mail.

A case is known by its number: a number imported already with the same data is skipped, with
other data it is a bad line (an import never changes a case). A new case is given at once to
the one trainee account waiting without a case (registered with --no-case-number) whose last
name, first name (accents, case, hyphens, apostrophes and spaces aside) and birth date are the
case's, and whose e-mail is the case's when the case has one: result "attached", and the
account takes the case's spelling of the names. When several accounts would match, none is
attached.

` + structure.ImportFileHelp,
		Example: `  profil case import dossiers.csv --dry-run
  profil case import dossiers.csv --skip-invalid --report resultat.csv`,
		Args: cmdutil.ExactArgs(1, "args.csv_file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			return structure.RunImport(cmd.Context(), f, opts, "import.what_cases", service.API.ImportCases)
		},
	}
	structure.ImportFlags(cmd, opts)
	return cmd
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	var unclaimed bool
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the case files (gestionnaires)",
		Example: `  profil case list
  profil case list --unclaimed -o csv > dossiers-libres.csv`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			cs, err := api.Cases(ctx, unclaimed)
			if err != nil {
				return err
			}
			format, err := f.Format()
			if err != nil {
				return err
			}
			out := make([]Case, len(cs))
			for i, c := range cs {
				out[i] = fromCase(c, "")
			}
			if len(out) == 0 && format == output.Table {
				f.Say("case.list_empty")
				return nil
			}
			return output.Print(f.IO, format, out, columns)
		},
	}
	cmd.Flags().BoolVar(&unclaimed, "unclaimed", false, "only the cases no account has claimed yet")
	return cmd
}

func newCmdShow(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "show NUMBER",
		Short:   "Show one case file and the account that claimed it (gestionnaires)",
		Example: `  profil case show DPC-2026-001 -o json`,
		Args:    cmdutil.ExactArgs(1, "case.arg_number"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			d, err := api.Case(ctx, args[0])
			if err != nil {
				return err
			}
			format, err := f.Format()
			if err != nil {
				return err
			}
			if cfg, err := f.Config(); err == nil && cfg.Quiet {
				fmt.Fprintln(f.IO.Out, d.Case.Number)
				return nil
			}
			return output.PrintOne(f.IO, format, fromCase(d.Case, d.Email), columns)
		},
	}
}
