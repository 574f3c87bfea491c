package structure

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/service"
)

// ImportOptions are the inputs of `structure import` and `user import`.
type ImportOptions struct {
	File   string // a path, or "-" for standard input
	Report string // where to write the result of every line, as CSV; "" for nowhere
	service.ImportOptions

	batchGiven func() bool // whether --batch-size was typed
}

// ImportFlags registers the flags both import commands share.
func ImportFlags(cmd *cobra.Command, opts *ImportOptions) {
	fl := cmd.Flags()
	fl.BoolVar(&opts.DryRun, "dry-run", false, "check every line and say what would happen; write nothing")
	fl.BoolVar(&opts.SkipInvalid, "skip-invalid", false, "import the good lines of a file that has bad ones, and report the bad ones")
	fl.StringVar(&opts.Report, "report", "", "write the result of every line to this CSV file (line, key, result, error)")
	fl.IntVar(&opts.BatchSize, "batch-size", 0, "lines written per transaction")
	fl.Lookup("batch-size").DefValue = fmt.Sprintf("%d on SQLite, %d on PostgreSQL", service.DefaultSQLiteImportBatch, service.DefaultImportBatch)
	opts.batchGiven = func() bool { return fl.Changed("batch-size") } // 0 is the engine's default only when not typed
}

// importMemoryLimit is the memory the Go runtime aims to stay within during an import (the
// memory SQLite allocates is not counted in it: a page cache of up to 96 MB in a large import).
// What an import keeps grows with the distinct SIRETs of its file, and the Go heap, left to
// itself, grows to twice what is kept before it collects: at 10,000,000 lines over 1,000,000
// structures, on SQLite, 337 MB at the peak without the limit, 241 MB with it; at 1,000,000
// lines the limit is not reached, and the import takes the same time.
const importMemoryLimit = 120 << 20

// limitImportMemory sets importMemoryLimit, unless GOMEMLIMIT says otherwise, and returns what
// puts the previous limit back.
func limitImportMemory() (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	previous := debug.SetMemoryLimit(importMemoryLimit)
	return func() { debug.SetMemoryLimit(previous) }
}

// ImportFileHelp describes the file format and the behaviour both imports share, for --help.
const ImportFileHelp = `The file is CSV with a header row: the separator (',' or ';', or a tab) is found from the
header, a UTF-8 byte order mark is skipped (a file saved as "Texte Unicode", UTF-16, and one
whose lines end in a carriage return alone are read too), and columns are found by name, in any order, without
regard to case, accents or punctuation ("Code postal" is postal_code); unknown columns are
ignored. Cells are trimmed, and a leading apostrophe (which spreadsheets and profil's exports
put in front of cells to keep as text) is removed. Lines whose cells are all empty are skipped.
Line numbers in messages are those an editor shows, the header being line 1.

Every line is checked before anything is written. A bad line stops the import: nothing is
written, the message lists the bad lines (line, column, reason), and the command exits with 6.
With --skip-invalid the good lines are imported and the bad ones reported; the command still
exits with 6 when there were bad lines, the worst code of its items, as every bulk command.
--dry-run checks the same way and says what each line would do, writing nothing.

The file is read once (standard input will do): the lines checked wait for the writes in a
temporary file readable by you only, removed as soon as it is created, and memory stays within
256 MB whatever the size of the file.

The lines are written in batches of --batch-size lines, one transaction (and one audit event)
each. If the import stops half-way, the batches already written stay, and running the same
file again completes it: nothing is ever created twice.

Output: in a table, the bad lines and a summary; with -o json, yaml or csv, one result per
line: {"line", "result", "error"}, the result being created, updated, attached, skipped or
error (would-create, would-update, would-attach with --dry-run). --report FILE writes every
line's result as CSV (line, key, result, error), whatever the output format.`

// NewCmdImport builds `structure import`.
func NewCmdImport(f *cmdutil.Factory) *cobra.Command {
	opts := &ImportOptions{}
	cmd := &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Create and update structures from a CSV file, such as an extract of the public registers (gestionnaires)",
		Long: `Create and update structures from a CSV file, such as an extract of the public registers.

Columns: siret, name (required), acronym, ape, address, postal_code, city, kinds ("|"
between kinds: training-org|employer) and ministry (true/false, oui/non, 1/0). French headers
are understood too: nom, raison sociale, denomination, sigle, code ape, naf, adresse,
code postal, cp, ville, commune, type, ministere.

A line whose SIRET is known updates that structure, changing only what differs; a line without
SIRET updates the structure without SIRET of the same name, address and postal code (compared
without case, accents or punctuation), if there is one. Any other line creates a structure.
An empty cell never erases a value, and kinds are added to those of the structure, never
removed: remove one with ` + "`profil structure update --kind`" + `, which checks the profiles of the
members first. Each update is in the audit trail like ` + "`structure update`" + `.

` + ImportFileHelp,
		Example: `  profil structure import sirene-nouvelle-aquitaine.csv --dry-run
  profil structure import structures.csv --skip-invalid --report resultat.csv
  profil structure import structures.csv -o json | jq '.[] | select(.result == "error")'`,
		Args: cmdutil.ExactArgs(1, "args.csv_file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			return RunImport(cmd.Context(), f, opts, "import.what_structures", service.API.ImportStructures)
		},
	}
	ImportFlags(cmd, opts)
	return cmd
}

// Importer is one of the service's imports.
type Importer func(api service.API, ctx context.Context, file io.Reader, opts service.ImportOptions, events func([]service.ImportEvent)) (service.ImportSummary, error)

// RunImport runs an import for a command: the file, the progress bars, the report, the
// results in the format asked for, a summary on stderr, and the exit code (6 when a line was
// bad, as for every bulk command). what is the message key of the things imported
// ("import.what_accounts").
func RunImport(ctx context.Context, f *cmdutil.Factory, opts *ImportOptions, what string, importer Importer) error {
	if opts.BatchSize < 0 || opts.BatchSize > service.MaxImportBatch || (opts.BatchSize == 0 && opts.batchGiven != nil && opts.batchGiven()) {
		return cmdutil.FlagErrorf("import.batch_size_invalid", service.MaxImportBatch)
	}
	if err := checkReportPath(opts.Report, opts.File); err != nil {
		return err
	}
	defer limitImportMemory()()
	in, size, err := openImportFile(f, opts.File)
	if err != nil {
		return err
	}
	defer in.Close()
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	format, err := f.Format()
	if err != nil {
		return err
	}
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	report, err := newImportReport(opts.Report)
	if err != nil {
		return err
	}

	so := opts.ImportOptions
	if so.File == "" {
		so.File = filepath.Base(opts.File)
	}
	var (
		results  []present.LineResult
		writeBar *output.Progress
		written  int
		toWrite  int
	)
	readBar := output.NewProgress(f.IO, i18n.T("import.progress_checking", filepath.Base(opts.File)), size)
	onResult := func(r service.LineResult) {
		res := present.LineResult{Line: r.Line, Result: r.Result}
		if r.Err != nil {
			res.Error = r.Err.Error()
			var le *service.LineError
			if errors.As(r.Err, &le) {
				res.Error = le.Detail()
			}
		}
		if format != output.Table || res.Result == service.ResultError {
			results = append(results, res)
		}
		report.add(r.Line, r.Key, res.Result, res.Error)
	}
	onProgress := func(done, total int) {
		if writeBar == nil {
			readBar.Done()
			title := i18n.T("import.progress_writing", i18n.T(what))
			if so.DryRun {
				title = i18n.T("import.progress_dry_run")
			}
			writeBar = output.NewProgress(f.IO, title, int64(total))
		}
		writeBar.Increment(int64(done - written))
		written, toWrite = done, total
	}
	summary, err := importer(api, ctx, &countingReader{r: in, bar: readBar}, so, func(events []service.ImportEvent) {
		for _, e := range events {
			if e.Result != nil {
				onResult(*e.Result)
			} else {
				onProgress(e.Done, e.Total)
			}
		}
	})
	readBar.Done()
	writeBar.Done()
	if rerr := report.close(err == nil || summary.Lines > 0); rerr != nil && err == nil {
		err = rerr
	}
	if err != nil {
		// Ctrl-C or SIGTERM: the batches committed stay, the rest of the file is untouched
		// and the same command completes it.
		var ierr error
		switch {
		case so.DryRun:
			ierr = cmdutil.Interrupted(ctx, "import.interrupted_dry_run")
		case toWrite == 0:
			ierr = cmdutil.Interrupted(ctx, "import.interrupted_checking")
		default:
			ierr = cmdutil.Interrupted(ctx, "import.interrupted", written, toWrite)
		}
		if ierr != nil {
			return ierr
		}
	}
	var refused *service.ImportError
	switch {
	case errors.As(err, &refused):
		// The message lists the bad lines; programs also get them as results.
		if !cfg.Quiet && format != output.Table {
			if perr := output.Print(f.IO, format, results, present.LineColumns); perr != nil {
				return perr
			}
		}
		return err
	case err != nil && (summary.Lines == 0 || written == 0):
		// Stopped before it wrote a batch: no summary, which would count what was not written.
		return err
	}
	if !cfg.Quiet {
		if perr := output.Print(f.IO, format, results, present.LineColumns); perr != nil {
			return perr
		}
		fmt.Fprintln(f.IO.ErrOut, describeImport(i18n.T(what), summary, so.DryRun))
	} else {
		// Quiet on success only: the lines skipped as invalid still say why, on stderr.
		for _, r := range results {
			if r.Result == service.ResultError {
				fmt.Fprintf(f.IO.ErrOut, "profil: %s\n", output.Escape(i18n.T("import.line_error", r.Line, r.Error)))
			}
		}
	}
	if err != nil {
		return err
	}
	if summary.Counts[service.ResultError] > 0 {
		return &cmdutil.SilentError{Code: cmdutil.ExitInvalid}
	}
	return nil
}

// openImportFile opens the file to import, and returns its size when it is known (0 for
// standard input), for the progress bar.
func openImportFile(f *cmdutil.Factory, path string) (io.ReadCloser, int64, error) {
	if path == "-" {
		return io.NopCloser(f.IO.In), 0, nil
	}
	file, err := os.Open(path)
	if err != nil {
		switch {
		case errors.Is(err, os.ErrNotExist):
			return nil, 0, domain.Errorf(domain.ErrNotFound, "file.not_found", path)
		case errors.Is(err, os.ErrPermission):
			return nil, 0, &cmdutil.DetailError{Err: i18n.Errorf("file.not_readable", path), Detail: err}
		}
		return nil, 0, &cmdutil.DetailError{Err: i18n.Errorf("file.cannot_open", path), Detail: err}
	}
	var size int64
	st, err := file.Stat()
	switch {
	case err != nil:
		file.Close()
		return nil, 0, &cmdutil.DetailError{Err: i18n.Errorf("file.cannot_open", path), Detail: err}
	case st.IsDir():
		file.Close()
		return nil, 0, domain.Errorf(domain.ErrInvalid, "file.is_folder", path)
	case st.Mode().IsRegular():
		size = st.Size()
	}
	return file, size, nil
}

// countingReader moves the progress bar as the file is read.
type countingReader struct {
	r   io.Reader
	bar *output.Progress
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.bar.Increment(int64(n))
	return n, err
}

// checkReportPath refuses a --report that is not a file, or that is the file imported: the
// report replaces its file once the import ends.
func checkReportPath(report, input string) error {
	switch {
	case report == "-":
		return cmdutil.FlagErrorf("import.report_stdout")
	case report == "" || input == "-":
		return nil
	}
	r, rerr := os.Stat(report)
	in, ierr := os.Stat(input)
	if rerr == nil && ierr == nil && os.SameFile(r, in) {
		return cmdutil.FlagErrorf("import.report_is_input", report)
	}
	return nil
}

// importReport writes the result of every line to the file of --report. The file appears
// once the import has looked at the file (readable by its owner only: it holds e-mails); an
// import refused before that, for want of rights say, leaves an existing report as it was.
type importReport struct {
	file *cmdutil.AtomicFile
	w    *output.CSVWriter
}

func newImportReport(path string) (*importReport, error) {
	if path == "" {
		return &importReport{}, nil
	}
	file, err := cmdutil.CreateAtomic("--report", path)
	if err != nil {
		return nil, err
	}
	r := &importReport{file: file, w: output.NewCSVWriter(file, output.CSVOptions{})}
	_ = r.w.Write([]string{"line", "key", "result", "error"})
	return r, nil
}

func (r *importReport) add(line int, key, result, errText string) {
	if r.w != nil {
		_ = r.w.Write([]string{strconv.Itoa(line), key, result, errText}) // errors are sticky: Flush reports them
	}
}

// close writes the report when keep is true, and drops it otherwise.
func (r *importReport) close(keep bool) error {
	if r.w == nil {
		return nil
	}
	if !keep {
		r.file.Abort()
		return nil
	}
	if err := r.w.Flush(); err != nil {
		r.file.Abort()
		return i18n.Errorf("import.report_create", err)
	}
	return r.file.Commit()
}

// describeImport is the summary line: "✓ accounts: 1000 lines, 950 created, 50 skipped".
func describeImport(what string, s service.ImportSummary, dryRun bool) string {
	var parts []string
	for _, r := range []string{
		service.ResultCreated, service.ResultWouldCreate, service.ResultUpdated, service.ResultWouldUpdate,
		service.ResultAttached, service.ResultWouldAttach, service.ResultSkipped,
	} {
		if n := s.Counts[r]; n > 0 {
			parts = append(parts, i18n.T("import.count", n, resultText(r)))
		}
	}
	mark := "✓"
	if n := s.Counts[service.ResultError]; n > 0 {
		mark = "!"
		parts = append(parts, i18n.T("import.count_bad", n))
	}
	if len(parts) == 0 {
		parts = []string{i18n.T("import.nothing_to_do")}
	}
	head := i18n.T("import.summary", mark, what, i18n.N(s.Lines, "import.lines", s.Lines))
	if dryRun {
		head = i18n.T("import.summary_dry_run", mark, what, i18n.N(s.Lines, "import.lines", s.Lines))
	}
	return head + ", " + strings.Join(parts, ", ")
}

// resultText is a result of an import line as a word of the current language.
func resultText(r string) string {
	switch r {
	case service.ResultCreated:
		return i18n.T("import.result_created")
	case service.ResultWouldCreate:
		return i18n.T("import.result_would_create")
	case service.ResultUpdated:
		return i18n.T("import.result_updated")
	case service.ResultWouldUpdate:
		return i18n.T("import.result_would_update")
	case service.ResultAttached:
		return i18n.T("import.result_attached")
	case service.ResultWouldAttach:
		return i18n.T("import.result_would_attach")
	case service.ResultSkipped:
		return i18n.T("import.result_skipped")
	}
	return r
}
