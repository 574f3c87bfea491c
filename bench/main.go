// Command bench measures profil on generated data of a real portal's size (by default
// 1,000,000 accounts over 100,000 structures) and sets each figure next to the same work done
// by the engine's own client, sqlite3 or psql:
//
//   - importing the legacy accounts file (`profil user import`) against the client writing the
//     same rows set-based (accounts, memberships, profiles: the target's reference), the same
//     with the audit event of each person, and loading the same CSV into a table with the
//     indexes of users alone (`sqlite3 .import`, `psql \copy … from`);
//   - exporting every member (`profil export users --all`) against the same join written to CSV
//     by the client (`sqlite3 -csv`, `psql \copy (…) to`), and the export's peak memory;
//   - a cold `profil user show EMAIL` process against the client doing the same lookup;
//   - the start-up of `profil --version` and `profil --help` against 5 ms, next to /bin/true's
//     and the smallest Go program's;
//   - approving 10,000 pending requests in one command;
//   - the commands people type, cold, next to the client opening the database;
//   - the cost per row of the import and the export at full size against a small scale;
//   - on SQLite, the same import statements, export and lookup run by bench/sqlitego, a Go
//     program with nothing of profil but its SQLite engine (SQLite compiled to Go), where the
//     client is SQLite compiled from C: the engine's share of each ratio, and profil's.
//
// profil is built from this tree and run as a user runs it, one process per command, with its
// own home folder. Run from the root of the module:
//
//	go run ./bench                                        # full size, SQLite and PostgreSQL
//	go run ./bench -users 100000 -structures 10000        # a quick run
//	go run ./bench -engine sqlite
//	go run ./bench -engine sqlite -only approvals         # the bulk approvals alone, 3 times each
//
// The table is printed and written as Markdown to bench/out/results.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/store/sqlstore"
)

type config struct {
	users, structures int
	small             int
	approvals         int
	showRuns          int
	repeats           int
	engine            string
	out               string
	work              string
	pg                string
	profil            string
	keep              bool
	only              string
	quietWait         time.Duration
}

func main() {
	var c config
	flag.IntVar(&c.users, "users", 1_000_000, "accounts imported and exported at full size")
	flag.IntVar(&c.structures, "structures", 100_000, "structures at full size")
	flag.IntVar(&c.small, "small-users", 10_000, "accounts at the small scale the per-row cost is compared with (structures in proportion)")
	flag.IntVar(&c.approvals, "approvals", 10_000, "pending requests approved by one command")
	flag.IntVar(&c.showRuns, "show-runs", 20, "cold `user show` processes timed (the median is kept)")
	flag.IntVar(&c.repeats, "repeats", 3, "runs of each small-scale measure (the median is kept)")
	flag.StringVar(&c.engine, "engine", "both", "sqlite, postgres or both")
	flag.StringVar(&c.out, "out", "bench/out", "folder of results.md")
	flag.StringVar(&c.work, "work", "", "folder of the generated files and SQLite databases (default: a new temporary folder, removed at the end)")
	flag.StringVar(&c.pg, "pg", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "DSN of a PostgreSQL maintenance database; the benchmark creates and drops its own databases")
	flag.StringVar(&c.profil, "profil", "", "the profil binary to measure (default: built from ./cmd/profil as the README installs it, CGO_ENABLED=0)")
	flag.StringVar(&c.only, "only", "", `"import": measure only the imports (both scales, and the clients), for a focused run; "scale": at full size only, the import, the export and the interactive commands cold, without the client writing the same rows (for -users 10000000 -structures 1000000); "approvals": the bulk approvals alone, at full size, -repeats times each on a copy of the imported database`)
	flag.BoolVar(&c.keep, "keep", false, "keep the work folder and the PostgreSQL databases")
	flag.DurationVar(&c.quietWait, "quiet-wait", 2*time.Minute, "before each measure, wait at most this long for the machine to be idle")
	flag.Parse()
	if err := c.check(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, c)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func (c config) check() error {
	switch {
	case c.engine != "sqlite" && c.engine != "postgres" && c.engine != "both":
		return fmt.Errorf("-engine %q: sqlite, postgres or both", c.engine)
	case c.users < 1 || c.structures < 1 || c.small < 1:
		return errors.New("-users, -structures and -small-users must be at least 1")
	case c.small > c.users:
		return errors.New("-small-users is larger than -users")
	case c.structures > c.users:
		return errors.New("more structures than accounts")
	case c.only != "" && c.only != "import" && c.only != "scale" && c.only != "approvals":
		return fmt.Errorf("-only %q: import, scale, approvals, or nothing for every measure", c.only)
	case c.approvals < 1 || c.showRuns < 1 || c.repeats < 1:
		return errors.New("-approvals, -show-runs and -repeats must be at least 1")
	}
	return nil
}

// bench is one run: its configuration, files and results.
type bench struct {
	config
	started   time.Time
	bin       string
	dir       string
	full      *dataset
	smallData *dataset
	rows      []row
	versions  []string
	// measures counts the measures; busyStarts those started on a machine that other
	// processes kept busy.
	measures, busyStarts int
}

func run(ctx context.Context, c config) error {
	b := &bench{config: c, started: time.Now()}
	dir := c.work
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "profil-bench-"); err != nil {
			return err
		}
		if !c.keep {
			defer os.RemoveAll(dir)
		}
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	b.dir = dir
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return err
	}

	b.bin = c.profil
	if b.bin == "" {
		b.bin = filepath.Join(dir, "profil")
		logf("building profil")
		// As the README installs it: without cgo, a static binary, which the system's dynamic
		// loader need not link at every start.
		build := exec.CommandContext(ctx, "go", "build", "-o", b.bin, "./cmd/profil")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build profil (run the benchmark from the root of the module): %w", err)
		}
	}
	if v, err := (job{name: b.bin, args: []string{"version"}}).output(ctx); err == nil {
		b.versions = append(b.versions, strings.TrimSpace(v))
	}

	var engines []engine
	if c.engine == "sqlite" || c.engine == "both" {
		client, err := exec.LookPath("sqlite3")
		if err != nil {
			return fmt.Errorf("the sqlite3 client is needed for the reference figures: %w", err)
		}
		var goBin string // only the full run and -only import compare with it
		if c.only == "" || c.only == "import" {
			goBin = filepath.Join(dir, "sqlitego")
			logf("building bench/sqlitego")
			build := exec.CommandContext(ctx, "go", "build", "-o", goBin, "./bench/sqlitego")
			build.Env = append(os.Environ(), "CGO_ENABLED=0")
			build.Stdout, build.Stderr = os.Stderr, os.Stderr
			if err := build.Run(); err != nil {
				return fmt.Errorf("build bench/sqlitego: %w", err)
			}
		}
		engines = append(engines, &sqliteEngine{client: client, goBin: goBin, dir: dir})
	}
	if c.engine == "postgres" || c.engine == "both" {
		client, err := exec.LookPath("psql")
		if err != nil {
			return fmt.Errorf("the psql client is needed for the reference figures: %w", err)
		}
		engines = append(engines, &postgresEngine{client: client, admin: c.pg, prefix: fmt.Sprintf("profil_bench_%d", os.Getpid())})
	}

	if c.only == "" {
		if err := b.measureStartup(ctx); err != nil {
			return err
		}
	}

	logf("generating %s accounts over %s structures, and %s at the small scale", count(c.users), count(c.structures), count(c.small))
	var err error
	if b.full, err = writeDataset(dir, "full", c.structures, c.users, 2*c.approvals, c.showRuns); err != nil {
		return err
	}
	smallStructures := max(1, int(int64(c.structures)*int64(c.small)/int64(c.users)))
	if b.smallData, err = writeDataset(dir, "small", smallStructures, c.small, 0, 0); err != nil {
		return err
	}

	for _, e := range engines {
		b.versions = append(b.versions, e.clientVersion(ctx))
		err := b.measureEngine(ctx, e)
		e.close(context.WithoutCancel(ctx), c.keep)
		if err != nil {
			return fmt.Errorf("%s: %w", e.name(), err)
		}
	}
	return b.report()
}

// measureEngine runs every measure on one engine.
func (b *bench) measureEngine(ctx context.Context, e engine) error {
	eng := e.name()
	sqlite := eng == "SQLite"

	// The small scale, for the cost per row: a new database per import.
	logf("[%s] small scale: %s accounts over %s structures, %d runs", eng, count(b.small), count(b.smallData.structures), b.repeats)
	var smallImports, smallExports []measurement
	for r := range b.repeats {
		if b.only == "scale" || b.only == "approvals" {
			smallImports = append(smallImports, measurement{})
			break
		}
		dsn, err := e.newDatabase(ctx, fmt.Sprintf("small%d", r))
		if err != nil {
			return err
		}
		p, err := b.newProfil(dsn, fmt.Sprintf("home-%s-small%d", strings.ToLower(eng), r))
		if err != nil {
			return err
		}
		if err := p.initialise(ctx, !sqlite); err != nil {
			return err
		}
		if _, err := p.run(ctx, "", "structure", "import", b.smallData.structuresCSV); err != nil {
			return err
		}
		b.waitQuiet(ctx)
		m, err := p.run(ctx, "", "user", "import", "--source", "synapse", b.smallData.usersCSV)
		if err != nil {
			return err
		}
		smallImports = append(smallImports, m)
		logf("[%s]   %s", eng, wallAndCPU(m))
		if b.only == "import" {
			continue
		}
		exportFile := filepath.Join(b.dir, "small-export.csv")
		b.waitQuiet(ctx)
		if m, err = p.job("", exportFile, "export", "users", "--all").run(ctx); err != nil {
			return err
		}
		if err := expectLines(exportFile, b.small+1); err != nil {
			return err
		}
		smallExports = append(smallExports, m)
	}
	smallImport := median(smallImports)
	var smallExport measurement
	if len(smallExports) > 0 {
		smallExport = median(smallExports)
	}

	// Full size.
	dsn, err := e.newDatabase(ctx, "full")
	if err != nil {
		return err
	}
	p, err := b.newProfil(dsn, "home-"+strings.ToLower(eng)+"-full")
	if err != nil {
		return err
	}
	if err := p.initialise(ctx, !sqlite); err != nil {
		return err
	}
	logf("[%s] importing %s structures", eng, count(b.structures))
	b.waitQuiet(ctx)
	structImport, err := p.run(ctx, "", "structure", "import", b.full.structuresCSV)
	if err != nil {
		return err
	}
	logf("[%s]   %s", eng, seconds(structImport.wall))
	var rowsDSN string
	if b.only != "approvals" {
		if rowsDSN, err = e.snapshot(ctx, dsn, "rows"); err != nil {
			return err
		}
	}
	var auditDSN string // the reference with the audit events: not at scale
	if b.only != "scale" {
		if auditDSN, err = e.snapshot(ctx, dsn, "audit"); err != nil {
			return err
		}
	}
	// The same two references through the Go client, each on a copy of its own.
	goc := e.goClient()
	var goRowsDSN, goAuditDSN string
	if goc != nil {
		if goRowsDSN, err = e.snapshot(ctx, dsn, "rows-go"); err != nil {
			return err
		}
		if goAuditDSN, err = e.snapshot(ctx, dsn, "audit-go"); err != nil {
			return err
		}
	}

	logf("[%s] importing %s accounts with profil", eng, count(b.users))
	b.waitQuiet(ctx)
	imp, err := p.job("", "", "user", "import", "--source", "synapse", b.full.usersCSV).withRSS().run(ctx)
	if err != nil {
		return err
	}
	if n, err := e.count(ctx, dsn, "SELECT count(*) FROM memberships"); err != nil {
		return err
	} else if n != b.users {
		return fmt.Errorf("profil imported %d memberships of %d", n, b.users)
	}
	logf("[%s]   %s, peak RSS %s", eng, wallAndCPU(imp), megabytes(imp.maxRSS))
	if b.only == "approvals" {
		if auditDSN != "" {
			if err := e.drop(ctx, auditDSN); err != nil {
				return err
			}
		}
		return b.onlyApprovals(ctx, e, "home-"+strings.ToLower(eng)+"-full", dsn)
	}
	logf("[%s] the same file with the client", eng)
	b.waitQuiet(ctx)
	refImp, loaded, err := e.refImport(ctx, dsn, b.full.usersCSV)
	if err != nil {
		return err
	}
	if loaded != b.users {
		return fmt.Errorf("the reference loaded %d accounts of %d", loaded, b.users)
	}
	logf("[%s]   %s", eng, wallAndCPU(refImp))
	var refRows, refAudit, goRows, goAudit measurement
	if b.only != "scale" {
		type reference struct {
			what   string
			client engine
			dsn    string
			audit  bool
			m      *measurement
		}
		refs := []reference{
			{"the rows profil writes (accounts, memberships, profiles) with SQL", e, rowsDSN, false, &refRows},
			{"the same, and the audit event of each person", e, auditDSN, true, &refAudit},
		}
		if goc != nil {
			refs = append(refs,
				reference{"the same rows, the same statements through profil's SQLite engine (bench/sqlitego)", goc, goRowsDSN, false, &goRows},
				reference{"the same, and the audit events, through profil's SQLite engine", goc, goAuditDSN, true, &goAudit})
		}
		for _, r := range refs {
			logf("[%s] %s", eng, r.what)
			b.waitQuiet(ctx)
			if *r.m, err = r.client.refImportRows(ctx, r.dsn, b.full.usersCSV, r.audit); err != nil {
				return err
			}
			logf("[%s]   %s", eng, wallAndCPU(*r.m))
			tables := []string{"memberships", "grants"}
			if r.audit {
				tables = append(tables, "audit_events WHERE action = 'member.import'")
			}
			for _, table := range tables {
				n, err := e.count(ctx, r.dsn, "SELECT count(*) FROM "+table)
				if err != nil {
					return err
				}
				if n != b.users {
					return fmt.Errorf("the reference wrote %d rows of %s for %d accounts", n, table, b.users)
				}
			}
		}
	}
	for _, d := range []string{rowsDSN, auditDSN, goRowsDSN, goAuditDSN} {
		if d == "" {
			continue
		}
		if err := e.drop(ctx, d); err != nil {
			return err
		}
	}

	if b.only == "import" {
		b.rows = append(b.rows, importRows(eng, b.users, imp, refImp, refRows, refAudit, goRows, goAudit, importTarget)...)
		b.rows = append(b.rows, importPerRowRows(eng, b.users, imp, b.small, smallImport)...)
		b.rows = append(b.rows,
			row{measure: "structure import " + count(b.structures), engine: eng, profil: seconds(structImport.wall), reference: "—", target: "—", met: "—"},
		)
		return nil
	}

	logf("[%s] exporting %s members with profil", eng, count(b.users))
	exportFile := filepath.Join(b.dir, "full-export.csv")
	b.waitQuiet(ctx)
	exp, err := p.job("", exportFile, "export", "users", "--all").withRSS().run(ctx)
	if err != nil {
		return err
	}
	if err := expectLines(exportFile, b.users+1); err != nil {
		return err
	}
	logf("[%s]   %s, peak RSS %s", eng, seconds(exp.wall), megabytes(exp.maxRSS))
	logf("[%s] the same join with the client", eng)
	refExportFile := filepath.Join(b.dir, "full-export-reference.csv")
	b.waitQuiet(ctx)
	refExp, err := e.refExport(ctx, dsn, refExportFile)
	if err != nil {
		return err
	}
	if err := expectLines(refExportFile, b.users+1); err != nil {
		return err
	}
	logf("[%s]   %s, peak RSS %s", eng, seconds(refExp.wall), megabytes(refExp.maxRSS))
	var helpedExp measurement
	se, clientSQLite := e.(*sqliteEngine)
	helpers := sqlstore.SortHelpers()
	helpersText := fmt.Sprintf("%d threads", helpers)
	if helpers == 1 {
		helpersText = "1 thread"
	}
	if clientSQLite && helpers > 0 {
		logf("[%s] the same join with the client, its sort helped by %s as profil's", eng, helpersText)
		b.waitQuiet(ctx)
		if helpedExp, err = se.refExportHelped(ctx, dsn, refExportFile, helpers); err != nil {
			return err
		}
		if err := expectLines(refExportFile, b.users+1); err != nil {
			return err
		}
		logf("[%s]   %s, peak RSS %s", eng, seconds(helpedExp.wall), megabytes(helpedExp.maxRSS))
	}
	var goExp measurement
	if goc != nil {
		logf("[%s] the same join through profil's SQLite engine (bench/sqlitego)", eng)
		b.waitQuiet(ctx)
		if goExp, err = goc.refExport(ctx, dsn, refExportFile); err != nil {
			return err
		}
		if err := expectLines(refExportFile, b.users+1); err != nil {
			return err
		}
		logf("[%s]   %s, peak RSS %s", eng, seconds(goExp.wall), megabytes(goExp.maxRSS))
	}
	_ = os.Remove(exportFile)
	_ = os.Remove(refExportFile)

	logf("[%s] %d cold `user show` processes, and as many lookups with the client", eng, b.showRuns)
	show, refShow, goShow, err := b.measureShow(ctx, p, e, goc, dsn)
	if err != nil {
		return err
	}
	logf("[%s]   median %s against %s", eng, millis(show.wall), millis(refShow.wall))
	if goc != nil {
		logf("[%s]   the same lookup through profil's SQLite engine: median %s", eng, millis(goShow.wall))
	}

	approvals, err := b.measureApprovals(ctx, p, dsn, eng)
	if err != nil {
		return err
	}
	logf("[%s] the commands people type, cold, %d runs each", eng, b.showRuns)
	interactive, err := b.measureInteractive(ctx, p, e, dsn, eng)
	if err != nil {
		return err
	}

	// The table.
	exportTarget := 1.3
	if !sqlite {
		exportTarget = 1.1
	}
	approvalRows := func() { b.rows = append(b.rows, approvalRows(eng, approvals)...) }
	helpedRow := func() {
		if helpedExp.wall > 0 {
			b.rows = append(b.rows, engineRow("export, reference the client's sort helped by "+helpersText+", as profil's",
				eng, exp.wall, helpedExp.wall, seconds))
		}
	}
	if b.only == "scale" {
		b.rows = append(b.rows,
			row{measure: "structure import " + count(b.structures), engine: eng, profil: seconds(structImport.wall), reference: "—", target: "—", met: "—"},
			row{measure: "import " + count(b.users) + " accounts, reference loading the users table alone", engine: eng, profil: seconds(imp.wall),
				reference: seconds(refImp.wall), ratio: times(float64(imp.wall) / float64(refImp.wall)), target: "—", met: "—"},
			row{measure: "import peak RSS", engine: eng, profil: megabytes(imp.maxRSS), reference: megabytes(refImp.maxRSS),
				target: "≤ 256 MB", met: verdict(float64(imp.maxRSS) <= 256<<20)},
			ratioRow("export "+count(b.users)+" members", eng, exp.wall, refExp.wall, exportTarget, seconds),
		)
		helpedRow()
		b.rows = append(b.rows,
			row{measure: "export peak RSS", engine: eng, profil: megabytes(exp.maxRSS), reference: megabytes(refExp.maxRSS),
				target: "≤ 64 MB", met: verdict(float64(exp.maxRSS) <= 64<<20)},
			ratioRow(fmt.Sprintf("cold user show (median of %d), against the client", b.showRuns), eng, show.wall, refShow.wall, 2.5, millis),
		)
		b.rows = append(b.rows, interactive...)
		approvalRows()
		return nil
	}
	b.rows = append(b.rows, importRows(eng, b.users, imp, refImp, refRows, refAudit, goRows, goAudit, importTarget)...)
	b.rows = append(b.rows, ratioRow("export "+count(b.users)+" members", eng, exp.wall, refExp.wall, exportTarget, seconds))
	helpedRow()
	b.rows = append(b.rows,
		row{measure: "export peak RSS", engine: eng, profil: megabytes(exp.maxRSS), reference: megabytes(refExp.maxRSS),
			target: "≤ 64 MB", met: verdict(float64(exp.maxRSS) <= 64<<20)},
		ratioRow(fmt.Sprintf("cold user show (median of %d)", b.showRuns), eng, show.wall, refShow.wall, 2.5, millis),
	)
	if goc != nil {
		b.rows = append(b.rows,
			engineRow("export, reference the same join through profil's SQLite engine", eng, exp.wall, goExp.wall, seconds),
			engineRow(fmt.Sprintf("cold user show, reference the same lookup through profil's SQLite engine (median of %d)", b.showRuns), eng, show.wall, goShow.wall, millis),
		)
	}
	b.rows = append(b.rows, interactive...)
	approvalRows()
	b.rows = append(b.rows, importPerRowRows(eng, b.users, imp, b.small, smallImport)...)
	b.rows = append(b.rows,
		perRowRow("export per row, "+short(b.users)+" vs "+short(b.small), eng, exp.wall, b.users, smallExport.wall, b.small),
		row{measure: "structure import " + count(b.structures), engine: eng, profil: seconds(structImport.wall), reference: "—", target: "—", met: "—"},
	)
	return nil
}

// importTarget is the target of the import's ratio to the client writing the same rows
// set-based, on both engines.
const importTarget = 1.5

// importRows are the rows of the import of the accounts file: against the client writing
// the same rows set-based (the target), then those rows and the audit event of each person,
// against the client loading the users table alone, and the peak RSS. On SQLite, where the
// client does all the work in its own process, each comparison comes in CPU time too (on
// PostgreSQL the server's is not the client's).
func importRows(eng string, users int, imp, refImp, refRows, refAudit, goRows, goAudit measurement, target float64) []row {
	rows := []row{
		ratioRow("import "+count(users)+" accounts, reference writing the same rows (wall)", eng, imp.wall, refRows.wall, target, seconds),
	}
	if eng == "SQLite" {
		rows = append(rows, ratioRow("import "+count(users)+" accounts, reference writing the same rows (CPU)", eng, imp.cpu(), refRows.cpu(), target, seconds))
	}
	rows = append(rows, row{measure: "import, reference writing the same rows and the audit events (wall)", engine: eng, profil: seconds(imp.wall), reference: seconds(refAudit.wall),
		ratio: times(float64(imp.wall) / float64(refAudit.wall)), target: "—", met: "—"})
	if eng == "SQLite" {
		rows = append(rows, row{measure: "import, reference writing the same rows and the audit events (CPU)", engine: eng, profil: seconds(imp.cpu()), reference: seconds(refAudit.cpu()),
			ratio: times(float64(imp.cpu()) / float64(refAudit.cpu())), target: "—", met: "—"})
	}
	if goRows.wall > 0 {
		rows = append(rows,
			engineRow("import, reference the same rows through profil's SQLite engine (wall)", eng, imp.wall, goRows.wall, seconds),
			engineRow("import, reference the same rows through profil's SQLite engine (CPU)", eng, imp.cpu(), goRows.cpu(), seconds),
			engineRow("import, reference the same rows and the audit events through profil's SQLite engine (wall)", eng, imp.wall, goAudit.wall, seconds),
			engineRow("import, reference the same rows and the audit events through profil's SQLite engine (CPU)", eng, imp.cpu(), goAudit.cpu(), seconds),
		)
	}
	rows = append(rows, row{measure: "import, reference loading the users table alone (wall)", engine: eng, profil: seconds(imp.wall), reference: seconds(refImp.wall),
		ratio: times(float64(imp.wall) / float64(refImp.wall)), target: "—", met: "—"})
	if eng == "SQLite" {
		rows = append(rows, row{measure: "import, reference loading the users table alone (CPU)", engine: eng, profil: seconds(imp.cpu()), reference: seconds(refImp.cpu()),
			ratio: times(float64(imp.cpu()) / float64(refImp.cpu())), target: "—", met: "—"})
	}
	return append(rows, row{measure: "import peak RSS", engine: eng, profil: megabytes(imp.maxRSS), reference: megabytes(refImp.maxRSS),
		target: "≤ 256 MB", met: verdict(float64(imp.maxRSS) <= 256<<20)})
}

// importPerRowRows compare the import's cost per row at full size with the small scale, in
// wall time and, on SQLite, in CPU time.
func importPerRowRows(eng string, users int, imp measurement, small int, smallImp measurement) []row {
	what := "import per row, " + short(users) + " vs " + short(small)
	rows := []row{perRowRow(what+" (wall)", eng, imp.wall, users, smallImp.wall, small)}
	if eng == "SQLite" {
		rows = append(rows, perRowRow(what+" (CPU)", eng, imp.cpu(), users, smallImp.cpu(), small))
	}
	return rows
}

// wallAndCPU writes the wall time of m, then its CPU time, user and system.
func wallAndCPU(m measurement) string {
	return fmt.Sprintf("%s, CPU %s (user %s, system %s)", seconds(m.wall), seconds(m.cpu()), seconds(m.user), seconds(m.sys))
}

func (b *bench) newProfil(dsn, home string) (*profil, error) {
	return newProfil(b.bin, filepath.Join(b.dir, home), dsn)
}

// measureStartup times show-runs processes of `profil --version` and of `profil --help`,
// after one unmeasured run of each: what every command costs before its own work. The same
// runs of /bin/true (a process that does nothing) and of the smallest Go program (the Go
// runtime starting, and nothing else), taken in turn with profil's, say what starting any
// process costs on this machine at this moment: from about 1 ms to more than 6 ms on virtual
// machines where a page fault is slow. The target is for the whole command.
func (b *bench) measureStartup(ctx context.Context) error {
	hello, err := buildSmallestGoProgram(ctx, b.dir)
	if err != nil {
		return err
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + b.dir, "LANG=C.UTF-8"}
	jobs := []timed{
		{"/bin/true", job{name: "/bin/true", env: env}},
		{"the smallest Go program", job{name: hello, env: env}},
		{"profil --version", job{name: b.bin, args: []string{"--version"}, env: env}},
		{"profil --help", job{name: b.bin, args: []string{"--help"}, env: env}},
	}
	medians, err := b.timeInTurn(ctx, jobs)
	if err != nil {
		return err
	}
	empty, smallest := medians[0], medians[1]
	logf("start-up of /bin/true: median %s; of the smallest Go program: %s (CPU %s)", millis(empty.wall), millis(smallest.wall), millis(smallest.cpu()))
	b.rows = append(b.rows, row{measure: fmt.Sprintf("start-up, the smallest Go program (median of %d)", b.showRuns), engine: "—",
		profil: fmt.Sprintf("%s (CPU %s)", millis(smallest.wall), millis(smallest.cpu())), reference: "/bin/true: " + millis(empty.wall),
		ratio: "—", target: "—", met: "—"})
	for i, t := range jobs[2:] {
		m := medians[i+2]
		added := m.wall - smallest.wall
		logf("start-up of profil %s: median %s (CPU %s), %s over the smallest Go program", t.job.args[0], millis(m.wall), millis(m.cpu()), signedMillis(added))
		b.rows = append(b.rows, row{measure: fmt.Sprintf("start-up, profil %s (median of %d)", t.job.args[0], b.showRuns),
			engine: "—", profil: fmt.Sprintf("%s (CPU %s)", millis(m.wall), millis(m.cpu())), reference: "Go: " + millis(smallest.wall),
			ratio: signedMillis(added), target: "≤ 5 ms", met: verdict(m.wall <= 5*time.Millisecond)})
	}
	return nil
}

// buildSmallestGoProgram builds, in dir, a Go program that only writes a line, with the Go
// toolchain profil is built with, and returns its path.
func buildSmallestGoProgram(ctx context.Context, dir string) (string, error) {
	src := filepath.Join(dir, "smallest")
	if err := os.MkdirAll(src, 0o700); err != nil {
		return "", err
	}
	files := map[string]string{
		"go.mod":  "module smallest\n",
		"main.go": "package main\n\nimport \"os\"\n\nfunc main() { os.Stdout.WriteString(\"smallest\\n\") }\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(text), 0o600); err != nil {
			return "", err
		}
	}
	bin := filepath.Join(src, "smallest")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Dir, build.Stdout, build.Stderr = src, os.Stderr, os.Stderr
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("build the smallest Go program: %w", err)
	}
	return bin, nil
}

// measureShow times cold `user show` processes and the client's lookups (and, with goc,
// bench/sqlitego's), in turn, on the same addresses, after one unmeasured run of each.
func (b *bench) measureShow(ctx context.Context, p *profil, e, goc engine, dsn string) (own, ref, viaGo measurement, err error) {
	emails := b.full.lookups
	clients := []engine{e}
	if goc != nil {
		clients = append(clients, goc)
	}
	if _, err := p.run(ctx, "", "user", "show", emails[0]); err != nil {
		return own, ref, viaGo, err
	}
	for _, c := range clients {
		if _, err := c.refShow(dsn, emails[0]).run(ctx); err != nil {
			return own, ref, viaGo, err
		}
	}
	runs := make([][]measurement, 1+len(clients))
	b.waitQuiet(ctx)
	for i := range b.showRuns {
		email := emails[i%len(emails)]
		m, err := p.run(ctx, "", "user", "show", email)
		if err != nil {
			return own, ref, viaGo, err
		}
		runs[0] = append(runs[0], m)
		for j, c := range clients {
			if m, err = c.refShow(dsn, email).run(ctx); err != nil {
				return own, ref, viaGo, err
			}
			runs[1+j] = append(runs[1+j], m)
		}
	}
	own, ref = median(runs[0]), median(runs[1])
	if goc != nil {
		viaGo = median(runs[2])
	}
	return own, ref, viaGo, nil
}

type approval struct {
	what string
	m    measurement
}

// approvalTarget is the wall time one command may take to approve 10,000 requests.
func approvalTarget(eng string) time.Duration {
	if eng == "SQLite" {
		return time.Second
	}
	return 2 * time.Second
}

// approvalRows are the rows of the approvals: the wall time against its target, on SQLite
// the CPU time too, and the peak RSS, against the budget of an ordinary command.
func approvalRows(eng string, approvals []approval) []row {
	var rows []row
	for _, a := range approvals {
		target := approvalTarget(eng)
		rows = append(rows, row{measure: a.what, engine: eng, profil: seconds(a.m.wall), reference: "—",
			target: fmt.Sprintf("≤ %g s", target.Seconds()), met: verdict(a.m.wall <= target)})
		if eng == "SQLite" {
			rows = append(rows, row{measure: a.what + " (CPU)", engine: eng, profil: seconds(a.m.cpu()), reference: "—", target: "—", met: "—"})
		}
		if a.m.maxRSS > 0 {
			rows = append(rows, row{measure: a.what + ", peak RSS", engine: eng, profil: megabytes(a.m.maxRSS), reference: "—",
				target: "≤ 64 MB", met: verdict(float64(a.m.maxRSS) <= 64<<20)})
		}
	}
	return rows
}

// onlyApprovals measures the approvals alone (-only approvals) on the database p works on,
// just imported: -repeats times, each on a copy of it, keeping the median of each.
func (b *bench) onlyApprovals(ctx context.Context, e engine, home, dsn string) error {
	eng := e.name()
	var runs [][]approval
	for r := range b.repeats {
		copyDSN, err := e.snapshot(ctx, dsn, fmt.Sprintf("approvals%d", r))
		if err != nil {
			return err
		}
		cp, err := b.newProfil(copyDSN, home)
		if err != nil {
			return err
		}
		// A session belongs to its database: sign in on the copy.
		if _, err := cp.run(ctx, adminPassword+"\n", "login", "--email", adminEmail, "--password-stdin"); err != nil {
			return err
		}
		approvals, err := b.measureApprovals(ctx, cp, copyDSN, eng)
		if err != nil {
			return err
		}
		runs = append(runs, approvals)
		if err := e.drop(ctx, copyDSN); err != nil {
			return err
		}
	}
	var approvals []approval
	for i, a := range runs[0] {
		var ms []measurement
		for _, run := range runs {
			ms = append(ms, run[i].m)
		}
		approvals = append(approvals, approval{what: fmt.Sprintf("%s, median of %d", a.what, len(ms)), m: median(ms)})
	}
	b.rows = append(b.rows, approvalRows(eng, approvals)...)
	return nil
}

// measureApprovals times two bulk approvals by the gestionnaire: request ids on standard
// input, spread over structures without référent (the first approved in each becomes it), and
// --all --structure on one structure.
func (b *bench) measureApprovals(ctx context.Context, p *profil, dsn, eng string) ([]approval, error) {
	ids, err := structureIDs(ctx, dsn)
	if err != nil {
		return nil, err
	}
	n := b.approvals
	perStructure := 10
	spreadOver := max(1, min(len(ids)-1, n/perStructure))
	step := max(1, len(ids)/spreadOver)
	var chosen []int64
	for i := 0; i < len(ids) && len(chosen) < spreadOver; i += step {
		chosen = append(chosen, ids[i])
	}
	one := ids[len(ids)-1] // not among chosen when step is 1
	if step > 1 {
		one = ids[step/2]
	}

	logf("[%s] approving %s requests of %s structures, ids on standard input", eng, count(n), count(len(chosen)))
	reqs, err := addAccountRequests(ctx, dsn, b.full.applicants[:n], chosen)
	if err != nil {
		return nil, err
	}
	var stdin strings.Builder
	for _, id := range reqs {
		fmt.Fprintln(&stdin, id)
	}
	b.waitQuiet(ctx)
	stdinRun, err := p.job(stdin.String(), "", "request", "approve", "-", "--yes").withRSS().run(ctx)
	if err != nil {
		return nil, err
	}
	if err := expectApproved(ctx, dsn, reqs); err != nil {
		return nil, err
	}
	logf("[%s]   %s, peak RSS %s", eng, wallAndCPU(stdinRun), megabytes(stdinRun.maxRSS))

	logf("[%s] approving %s requests of one structure with --all --structure", eng, count(n))
	reqs, err = addAccountRequests(ctx, dsn, b.full.applicants[n:2*n], []int64{one})
	if err != nil {
		return nil, err
	}
	b.waitQuiet(ctx)
	allRun, err := p.job("", "", "request", "approve", "--all", "--structure", fmt.Sprint(one), "--yes").withRSS().run(ctx)
	if err != nil {
		return nil, err
	}
	if err := expectApproved(ctx, dsn, reqs); err != nil {
		return nil, err
	}
	logf("[%s]   %s, peak RSS %s", eng, wallAndCPU(allRun), megabytes(allRun.maxRSS))
	return []approval{
		{fmt.Sprintf("approve %s requests (ids on stdin, %s structures)", count(n), count(len(chosen))), stdinRun},
		{fmt.Sprintf("approve %s requests (--all --structure)", count(n)), allRun},
	}, nil
}

func expectApproved(ctx context.Context, dsn string, ids []int64) error {
	n, err := countApproved(ctx, dsn, ids)
	if err != nil {
		return err
	}
	if n != len(ids) {
		return fmt.Errorf("%d requests of %d approved", n, len(ids))
	}
	return nil
}

func expectLines(path string, want int) error {
	n, err := countLines(path)
	if err != nil {
		return err
	}
	if n != want {
		return fmt.Errorf("%s: %d lines, want %d", filepath.Base(path), n, want)
	}
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// machine describes where the figures were measured.
func machine() string {
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	s := fmt.Sprintf("%d cores", runtime.NumCPU())
	if model != "" {
		s = model + ", " + s
	}
	return s + ", " + runtime.GOOS + "/" + runtime.GOARCH + ", " + runtime.Version()
}
