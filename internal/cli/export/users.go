package export

import (
	"context"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/service"
)

// The formats of `export users`.
const (
	FormatCSV  = "csv"
	FormatJSON = "json"
)

// UsersOptions are the inputs of `export users`.
type UsersOptions struct {
	Structure *domain.StructureRef // nil with All
	All       bool
	Format    string // FormatCSV or FormatJSON
	Excel     bool   // CSV for French Excel
	File      string // the file to write; "" or "-": standard output
}

// NewCmdUsers builds `export users`.
func NewCmdUsers(f *cmdutil.Factory) *cobra.Command {
	var (
		structure, format, file string
		all, excel              bool
	)
	cmd := &cobra.Command{
		Use:     "users (--structure ID|SIRET | --all) [-o csv|json] [--excel] [-f FILE]",
		Aliases: []string{"user", "members"},
		Short:   "Export the members of a structure, or of every structure, to CSV or JSON",
		Long: `Export active members, one row per person and structure: email, last_name, first_name,
function, phone (national format, "05 56 00 00 00"), structure_id, siret, structure_name,
referent, employer, profiles and member_since (when the person joined the structure). Rows
come by structure name, then by person name.

--structure exports one structure: its référent and the gestionnaires may (a read-only API
token is enough). --all exports every structure: gestionnaires only. One of the two is
required.

Formats:
  --format csv (the default): RFC 4180 for programs: ',' separator, LF line ends, booleans
    true/false, dates in RFC 3339 UTC (2026-03-14T09:30:00Z), profiles joined with "|".
  --excel: CSV that French Excel opens with a double-click: ';' separator, UTF-8 byte order
    mark, CRLF line ends, booleans oui/non, dates as dd/mm/yyyy in Europe/Paris time, and
    SIRETs grouped ("443 061 841 00047") so that Excel keeps them as text.
  --format json: one JSON array of member objects ("[]" when there is none), booleans
    true/false, member_since in RFC 3339 UTC.
In every CSV, a cell that a spreadsheet would run as a formula (starting with =, +, -, @…)
is written with a leading apostrophe, so that it shows as text.

The format is the global -o/--output, as on every command ("-o json"); --format is its
alias here and wins over it. PROFIL_OUTPUT or the configuration file are followed when they
say csv or json (table and yaml do not apply to a file and are ignored). --excel implies CSV.
A value of -o that is no format is refused (exit 2): a file to write is -f/--file.

-f, --file FILE writes FILE instead of standard output ("--file -" is standard output).
The export goes to a hidden temporary file in the same folder, synced to disk, and
renamed over FILE only when it is complete: a cron job never leaves a half-written file, and
an existing FILE is replaced only by a successful export (a refused or failed export leaves
it untouched). The file is created with mode 0600, readable by its owner only, whatever the
umask, as it holds personal data; replacing a file gives it that mode.

Rows are streamed from the database to the output: memory stays flat whatever the number of
members. A progress indicator shows on stderr when it is a terminal; at the end,
"✓ exported N members to FILE" is printed on stderr (nothing with -q). Every complete export
is recorded in the audit trail (action export.users).

Exit status: 2 without --structure or --all, or with an unknown format; 3 when the
structure does not exist; 4 when you may not export it; 6 for a malformed SIRET.`,
		Example: `  # A référent's list of their structure, for Excel
  profil export users --structure "824 228 142 01072" --excel --file membres.csv

  # Nightly export of every structure by a gestionnaire's read-only token (cron)
  PROFIL_TOKEN=… profil export users --all -o json -f /var/exports/users.json -q

  # Into another program
  profil export users --structure 12 | csvlook`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &UsersOptions{All: all, Excel: excel, File: file}
			fs := cmd.Flags()
			switch {
			case fs.Changed("structure") && all:
				return cmdutil.FlagErrorf("export.structure_and_all")
			case fs.Changed("structure"):
				if strings.TrimSpace(structure) == "" {
					return cmdutil.FlagErrorf("export.structure_empty")
				}
				ref, err := domain.ParseStructureRef(structure)
				if err != nil {
					return err
				}
				opts.Structure = &ref
			case !all:
				return cmdutil.FlagErrorf("export.what", cmd.CommandPath())
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			globalSet := cmd.Flags().Changed("output")
			globalFormat, _ := cmd.Flags().GetString("output")
			opts.Format, err = resolveFormat(fs.Changed("format"), format, globalSet, globalFormat, cfg.Output, excel)
			if err != nil {
				return err
			}
			return usersRun(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&structure, "structure", "", "the `ID|SIRET` of the structure to export")
	fl.BoolVar(&all, "all", false, "export the members of every structure (gestionnaires)")
	fl.StringVar(&format, "format", "", "the format, `csv|json` (default csv): an alias of the global -o/--output, which it wins over")
	fl.BoolVar(&excel, "excel", false, "CSV for French Excel: ';', UTF-8 BOM, CRLF, dd/mm/yyyy dates, oui/non")
	fl.StringVarP(&file, "file", "f", "", "write `FILE` (mode 0600, replaced only when the export succeeds) instead of standard output")
	_ = cmd.RegisterFlagCompletionFunc("structure", f.CompleteStructures())
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{FormatCSV, FormatJSON}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// resolveFormat picks the format: --format, else CSV for --excel, else -o, else the
// configured output (PROFIL_OUTPUT, config file) when it is csv or json, else CSV.
func resolveFormat(formatSet bool, format string, oSet bool, o, configured string, excel bool) (string, error) {
	norm := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	switch {
	case formatSet:
		switch v := norm(format); v {
		case FormatCSV, FormatJSON:
			if excel && v == FormatJSON {
				return "", cmdutil.FlagErrorf("export.excel_json")
			}
			return v, nil
		}
		return "", cmdutil.FlagErrorf("export.format_invalid", format)
	case excel:
		return FormatCSV, nil
	case oSet:
		switch v := norm(o); v {
		case FormatCSV, FormatJSON:
			return v, nil
		}
		return "", cmdutil.FlagErrorf("export.output_format_invalid", o)
	}
	if v := norm(configured); v == FormatCSV || v == FormatJSON {
		return v, nil
	}
	return FormatCSV, nil
}

func usersRun(ctx context.Context, f *cmdutil.Factory, opts *UsersOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	return runExport(ctx, f, opts.File, "export.progress", "export.members", func(ctx context.Context, out io.Writer, written func()) (int, error) {
		var w sink
		if opts.Format == FormatJSON {
			w = newJSONSink(out)
		} else {
			w = newCSVSink(out, opts.Excel)
		}
		// The rows are formatted and written by a goroutine of their own, while the next
		// ones are read.
		rows := newPipeline(func(m domain.Member) error {
			if err := w.Write(NewRow(m)); err != nil {
				return err
			}
			written()
			return nil
		})
		sum, err := api.ExportMembers(ctx, service.ExportScope{Structure: opts.Structure, All: opts.All}, func(m domain.Member) error {
			if err := rows.Add(m); err != nil {
				return i18n.Errorf("export.write_failed", err)
			}
			return nil
		})
		if err != nil {
			rows.Abort()
			return sum.Members, err
		}
		if err = rows.Close(); err == nil {
			err = w.Close()
		}
		if err != nil {
			err = i18n.Errorf("export.write_failed", err)
		}
		return sum.Members, err
	})
}

// runExport runs an export to standard output, or to file ("" or "-": standard output):
// written to a temporary file renamed over file only when complete (SIGTERM removes it too),
// a progress bar on stderr when it does not mix with rows printed on a terminal, and the
// summary line at the end. export writes the rows to out, calls written after each, and
// returns how many it wrote; whatKey is the plural message that counts them.
func runExport(ctx context.Context, f *cmdutil.Factory, file, progressKey, whatKey string,
	export func(ctx context.Context, out io.Writer, written func()) (int, error)) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	toFile := file != "" && file != "-"
	var (
		out  io.Writer = f.IO.Out
		dest *cmdutil.AtomicFile
	)
	if toFile {
		// A cron job stopped by SIGTERM removes its temporary file too (main handles Ctrl-C).
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		if dest, err = cmdutil.CreateAtomic("--file", file); err != nil {
			return err
		}
		defer dest.Abort() // nothing once committed
		out = dest
	}
	var bar *output.Progress
	if !cfg.Quiet && (toFile || !f.IO.IsStdoutTTY()) {
		bar = output.NewProgress(f.IO, i18n.T(progressKey), 0)
	}
	n, err := export(ctx, out, func() { bar.Increment(1) })
	if err == nil && dest != nil {
		err = dest.Commit()
	}
	bar.Done()
	if err != nil {
		return err
	}
	what := i18n.N(n, whatKey, n)
	if toFile {
		f.Say("export.done_file", what, file)
	} else {
		f.Say("export.done", what)
	}
	return nil
}
