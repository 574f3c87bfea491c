package export

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/service"
)

// TraineesOptions are the inputs of `export trainees`.
type TraineesOptions struct {
	Filter service.TraineeFilter
	Format string // FormatCSV or FormatJSON
	Excel  bool   // CSV for French Excel
	File   string // the file to write; "" or "-": standard output
}

// NewCmdTrainees builds `export trainees`.
func NewCmdTrainees(f *cmdutil.Factory) *cobra.Command {
	var (
		opts   TraineesOptions
		format string
	)
	cmd := &cobra.Command{
		Use:     "trainees [--without-case] [--terms-pending] [-o csv|json] [--excel] [-f FILE]",
		Aliases: []string{"trainee"},
		Short:   "Export the trainee accounts to CSV or JSON (gestionnaires)",
		Long: `Export the trainee accounts of the trainee-pay portal, one row per account, by last name:
email, last_name, first_name, birth_date (YYYY-MM-DD), phone (national format), case_number
(empty while the account waits for its case), terms_version (the last version of the terms
of use accepted, empty for none), status (active, disabled) and created_at. They are the
accounts of ` + "`profil trainee list`" + `, with the same filters:
  --without-case   only the accounts registered without a case number, still waiting
  --terms-pending  only those who have not accepted the current terms of use
Gestionnaires only (a read-only API token is enough).

Formats, file and progress are those of ` + "`profil export users`" + `:
  --format csv (the default): RFC 4180, ',' separator, LF line ends, created_at in RFC 3339
    UTC (2026-03-14T09:30:00Z).
  --excel: CSV for French Excel: ';' separator, UTF-8 byte order mark, CRLF line ends,
    French column names, dates as dd/mm/yyyy (created_at in Europe/Paris time).
  --format json (or -o json): one JSON array of objects ("[]" when there is none).
In every CSV, a cell that a spreadsheet would run as a formula (starting with =, +, -, @…)
is written with a leading apostrophe, so that it shows as text.

-f, --file FILE writes FILE instead of standard output, through a hidden temporary file
renamed over FILE only when the export is complete; the file has mode 0600. A progress
indicator shows on stderr when it is a terminal; at the end, "✓ exported N trainee accounts
to FILE" is printed on stderr (nothing with -q). Every complete export is recorded in the
audit trail (action export.trainees), in the same transaction as the read.

Exit status: 2 with an unknown format; 4 when you are not a gestionnaire.`,
		Example: `  # Accounts still waiting for their case, for Excel
  profil export trainees --without-case --excel --file en-attente.csv

  # Who must still accept the terms of use, as JSON, by a read-only token (cron)
  PROFIL_TOKEN=… profil export trainees --terms-pending -o json -f /var/exports/cgu.json -q`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			fs := cmd.Flags()
			globalFormat, _ := fs.GetString("output")
			opts.Format, err = resolveFormat(fs.Changed("format"), format, fs.Changed("output"), globalFormat, cfg.Output, opts.Excel)
			if err != nil {
				return err
			}
			return traineesRun(cmd.Context(), f, &opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.Filter.WithoutCase, "without-case", false, "only the accounts waiting for their case")
	fl.BoolVar(&opts.Filter.TermsPending, "terms-pending", false, "only those who have not accepted the current terms of use")
	fl.StringVar(&format, "format", "", "the format, `csv|json` (default csv): an alias of the global -o/--output, which it wins over")
	fl.BoolVar(&opts.Excel, "excel", false, "CSV for French Excel: ';', UTF-8 BOM, CRLF, dd/mm/yyyy dates")
	fl.StringVarP(&opts.File, "file", "f", "", "write `FILE` (mode 0600, replaced only when the export succeeds) instead of standard output")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{FormatCSV, FormatJSON}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func traineesRun(ctx context.Context, f *cmdutil.Factory, opts *TraineesOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	return runExport(ctx, f, opts.File, "export.trainees_progress", "export.trainees", func(ctx context.Context, out io.Writer, written func()) (int, error) {
		var w traineeSink
		if opts.Format == FormatJSON {
			w = newJSONSink(out)
		} else {
			w = newTraineeCSVSink(out, opts.Excel)
		}
		sum, err := api.ExportTrainees(ctx, opts.Filter, func(t domain.Trainee) error {
			if err := w.WriteTrainee(NewTraineeRow(t)); err != nil {
				return i18n.Errorf("export.write_failed", err)
			}
			written()
			return nil
		})
		if err == nil {
			if err = w.Close(); err != nil {
				err = i18n.Errorf("export.write_failed", err)
			}
		}
		return sum.Members, err
	})
}
