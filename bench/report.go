package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
)

// row is one line of the results: a figure of profil, the same work by the reference client,
// their ratio and the target.
type row struct {
	measure, engine   string
	profil, reference string
	ratio             string
	target, met       string
}

// ratioRow compares two times against a largest ratio.
func ratioRow(measure, engine string, own, ref time.Duration, target float64, format func(time.Duration) string) row {
	r := float64(own) / float64(ref)
	return row{measure: measure, engine: engine, profil: format(own), reference: format(ref),
		ratio: times(r), target: "≤ " + times(target), met: verdict(r <= target)}
}

// buildNote says how profil was built, and, in a full run, what the start-up rows compare.
func (b *bench) buildNote() string {
	built := "profil is built as the README installs it (CGO_ENABLED=0, a static binary) unless -profil names another."
	if b.only != "" {
		return built
	}
	return "Start-up: /bin/true and the smallest Go program, timed the same way, tell what starting any process costs on this machine; " + built
}

// engineRow compares profil with another reference than the target's, without a target: the
// same work through bench/sqlitego (the ratio tells profil's share of the ratio to the
// client), or the client's export sorting with helper threads as profil's does.
func engineRow(measure, engine string, own, ref time.Duration, format func(time.Duration) string) row {
	return row{measure: measure, engine: engine, profil: format(own), reference: format(ref),
		ratio: times(float64(own) / float64(ref)), target: "—", met: "—"}
}

// perRowRow compares the cost per row at full size ("profil") with the small scale
// ("reference").
func perRowRow(measure, engine string, big time.Duration, bigRows int, small time.Duration, smallRows int) row {
	perBig := float64(big) / float64(bigRows)
	perSmall := float64(small) / float64(smallRows)
	r := perBig / perSmall
	return row{measure: measure, engine: engine, profil: micros(perBig) + "/row", reference: micros(perSmall) + "/row",
		ratio: times(r), target: "≤ 1.3×", met: verdict(r <= 1.3)}
}

func verdict(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}

func times(r float64) string { return strconv.FormatFloat(r, 'f', 2, 64) + "×" }

func seconds(d time.Duration) string {
	if d < time.Second {
		return millis(d)
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
}

func millis(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}

// signedMillis writes a difference of times with its sign: "+3.2 ms", "-1.0 ms".
func signedMillis(d time.Duration) string {
	if d < 0 {
		return "-" + millis(-d)
	}
	return "+" + millis(d)
}

func micros(ns float64) string { return strconv.FormatFloat(ns/1000, 'f', 1, 64) + " µs" }

func megabytes(b int64) string {
	if b == 0 {
		return "?"
	}
	return strconv.FormatFloat(float64(b)/(1<<20), 'f', 1, 64) + " MB"
}

// count writes n with thousands separated by commas: 1,000,000.
func count(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// short writes n as 10k or 1M.
func short(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return strconv.Itoa(n/1_000_000) + "M"
	case n >= 1000 && n%1000 == 0:
		return strconv.Itoa(n/1000) + "k"
	}
	return count(n)
}

func (b *bench) table() table.Writer {
	t := table.NewWriter()
	t.AppendHeader(table.Row{"measure", "engine", "profil", "reference", "ratio", "target", "met"})
	for _, r := range b.rows {
		if r.ratio == "" {
			r.ratio = "—"
		}
		t.AppendRow(table.Row{r.measure, r.engine, r.profil, r.reference, r.ratio, r.target, r.met})
	}
	right := []int{3, 4, 5}
	var cfg []table.ColumnConfig
	for _, n := range right {
		cfg = append(cfg, table.ColumnConfig{Number: n, Align: text.AlignRight})
	}
	t.SetColumnConfigs(cfg)
	return t
}

// command is the command line that reproduces this run.
func (b *bench) command() string {
	return strings.TrimSpace("go run ./bench " + strings.Join(os.Args[1:], " "))
}

// notes explain the table, for the terminal and the README.
func (b *bench) notes() []string {
	notes := []string{
		fmt.Sprintf("Measured with `%s` on %s, %s (%s), in %s.", b.command(), b.started.Format("2006-01-02"),
			machine(), strings.Join(b.versions, "; "), time.Since(b.started).Round(time.Second)),
		fmt.Sprintf("Data: %s accounts over %s structures from `internal/gen` (French names with accents, valid SIRETs), "+
			"a few large structures and many small ones; each profil command is a separate process, signed in as a gestionnaire.",
			count(b.users), count(b.structures)),
		"Reference: the client does the same work: import, the client writing the rows profil writes (accounts, " +
			"memberships, profiles) set-based, the CSV loaded into a staging table with `sqlite3 .import` " +
			"(same pragmas as profil's import: WAL, synchronous NORMAL, 48 MiB cache) or `psql \\copy … from`, then " +
			"INSERT … SELECT; on the next line the same and the audit event profil writes for each person; then the same CSV " +
			"loaded into a table with the indexes of `users` alone; export, `sqlite3 -csv` or " +
			"`psql \\copy (…) to` of the query of `export users --all`, and on SQLite the same with the client's sort " +
			"helped by as many threads as profil's (`PRAGMA threads`); user show, the client reading the account, its " +
			"structures and profiles by e-mail; the commands people type, the client opening the database and running one trivial query.",
		b.buildNote(),
		fmt.Sprintf("Per-row rows: profil's time per row at %s (profil column) and at %s accounts over %s structures "+
			"(reference column; median of %d runs, each on a new database); times include the process start.",
			short(b.users), count(b.small), count(b.smallData.structures), b.repeats),
		"(wall) rows compare times from start to exit; (CPU) rows the CPU time of each process, user and system, which " +
			"other processes on the machine inflate far less: on a busy machine, read those. On PostgreSQL the work is the " +
			"server's, whose CPU time neither process's includes: wall times only.",
		"Approvals: pending account requests written with SQL, then one `profil request approve` process, timed; " +
			"its peak RSS is read by GNU time, against the 64 MB of an ordinary command.",
		b.quietNote(),
	}
	switch b.only {
	case "import":
		notes = slices.Delete(notes, len(notes)-2, len(notes)-1)
	case "approvals":
		notes = append(notes[:2], notes[len(notes)-2:]...)
	}
	if (b.engine == "sqlite" || b.engine == "both") && b.only != "scale" && b.only != "approvals" {
		notes = slices.Insert(notes, 3, "Through profil's SQLite engine: the same scripts and queries run by `bench/sqlitego`, "+
			"a Go program with nothing of profil but its SQLite engine (modernc.org/sqlite, SQLite compiled to Go, with profil's "+
			"mutexes), in place of the sqlite3 client, which is SQLite compiled from C; the same pragmas, one connection. "+
			"The ratio to it is profil's own share of the ratio to the client, the rest is the engine's. No target: the "+
			"targets are against the client.")
	}
	return notes
}

func (b *bench) report() error {
	t := b.table()
	fmt.Println()
	fmt.Println(t.Render())
	fmt.Println()
	for _, n := range b.notes() {
		fmt.Println(n)
	}
	var md strings.Builder
	md.WriteString(t.RenderMarkdown())
	md.WriteString("\n\n")
	for _, n := range b.notes() {
		md.WriteString(n + "\n\n")
	}
	path := filepath.Join(b.out, "results.md")
	if err := os.WriteFile(path, []byte(md.String()), 0o644); err != nil {
		return err
	}
	fmt.Println()
	fmt.Println("written to", path)
	return nil
}

func (b *bench) quietNote() string {
	if b.busyStarts == 0 {
		return fmt.Sprintf("Each of the %d measures started on an idle machine.", b.measures)
	}
	return fmt.Sprintf("%d of %d measures started while other processes kept the machine busy (after waiting %s): "+
		"their times are inflated.", b.busyStarts, b.measures, b.quietWait)
}
