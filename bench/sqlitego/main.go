// Command sqlitego runs SQL the way the benchmark runs the sqlite3 client, with the SQLite
// engine profil is built on (modernc.org/sqlite, SQLite compiled to Go) configured as profil
// configures it, and nothing else of profil: the same scripts and queries through it say what
// share of a ratio to the client comes from the engine and what share from profil's own work.
//
//	sqlitego DB SQL                  # runs SQL, prints its rows as sqlite3 does: | between values
//	sqlitego -csv -header DB SQL     # the rows as CSV, the column names first
//	sqlitego DB < script             # statements, and the dot-command .import of the scripts
//
// Only what the benchmark's scripts use is understood, and the rest is refused or differs
// from sqlite3: a statement ends at a line ending with ";" (not inside a string literal or a
// trigger's body), the only dot-command is `.import --csv --skip N FILE TABLE` (FILE quoted
// as Go quotes it when it has spaces; every value loaded as text, in one transaction of its
// own, so never inside BEGIN … COMMIT), and the first error stops the script. Rows are
// written as sqlite3 writes them but for CSV quoting: sqlite3 also quotes every field with a
// space or a letter beyond ASCII, encoding/csv only those that need it (3 % fewer bytes for
// the export). The engine here is what profil uses too: database/sql, the modernc.org/sqlite
// driver and SQLite compiled to Go.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"

	_ "modernc.org/sqlite" // "sqlite" driver

	"github.com/profil-cli/profil/internal/store/sqlitemutex"
)

func main() {
	csvOut := flag.Bool("csv", false, "print rows as CSV")
	header := flag.Bool("header", false, "print the column names first")
	flag.Parse()
	if flag.NArg() < 1 || flag.NArg() > 2 {
		fmt.Fprintln(os.Stderr, "usage: sqlitego [-csv] [-header] DB [SQL]")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), flag.Arg(1), *csvOut, *header); err != nil {
		fmt.Fprintln(os.Stderr, "sqlitego:", err)
		os.Exit(1)
	}
}

func run(path, query string, csvOut, header bool) error {
	ctx := context.Background()
	sqlitemutex.Install()
	if !sqlitemutex.Installed() {
		return errors.New("SQLite refused profil's mutexes: the figures would not be profil's engine's")
	}
	dsn := "file:" + path
	// Sorts helped by threads as profil's connections are (sqlstore.SortHelpers: one thread
	// for each other processor, at most 3).
	if n := max(0, min(runtime.GOMAXPROCS(0)-1, 3)); n > 0 {
		dsn += fmt.Sprintf("?_pragma=threads(%d)", n)
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	// One connection, as the client has: a temporary table lives in it.
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if query == "" {
		return runScript(ctx, conn, os.Stdin)
	}
	out := bufio.NewWriterSize(os.Stdout, 64<<10)
	if err := printRows(ctx, conn, query, out, csvOut, header); err != nil {
		return err
	}
	return out.Flush()
}

// runScript runs the statements of r, in order; a line starting with "." is a dot-command.
func runScript(ctx context.Context, conn *sql.Conn, r io.Reader) error {
	var stmt strings.Builder
	lines := bufio.NewScanner(r)
	lines.Buffer(make([]byte, 64<<10), 16<<20)
	for lines.Scan() {
		line := lines.Text()
		if stmt.Len() == 0 && strings.HasPrefix(line, ".") {
			if err := dotCommand(ctx, conn, line); err != nil {
				return err
			}
			continue
		}
		stmt.WriteString(line)
		stmt.WriteByte('\n')
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			if _, err := conn.ExecContext(ctx, stmt.String()); err != nil {
				return fmt.Errorf("%w\n%s", err, stmt.String())
			}
			stmt.Reset()
		}
	}
	if err := lines.Err(); err != nil {
		return err
	}
	if strings.TrimSpace(stmt.String()) != "" {
		if _, err := conn.ExecContext(ctx, stmt.String()); err != nil {
			return err
		}
	}
	return nil
}

func dotCommand(ctx context.Context, conn *sql.Conn, line string) error {
	usage := fmt.Errorf("%q: only .import --csv --skip N FILE TABLE is understood", line)
	rest, ok := strings.CutPrefix(line, ".import --csv --skip ")
	if !ok {
		return usage
	}
	n, rest, _ := strings.Cut(strings.TrimSpace(rest), " ")
	skip, err := strconv.Atoi(n)
	if err != nil {
		return usage
	}
	// FILE TABLE, FILE quoted when it has spaces.
	rest = strings.TrimSpace(rest)
	file, table, _ := strings.Cut(rest, " ")
	if strings.HasPrefix(rest, `"`) {
		quoted, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return usage
		}
		file, _ = strconv.Unquote(quoted)
		table = rest[len(quoted):]
	}
	table = strings.TrimSpace(table)
	if file == "" || table == "" || strings.ContainsAny(table, " \t") {
		return usage
	}
	return importCSV(ctx, conn, file, table, skip)
}

// importCSV inserts the lines of file after the first skip into table, as text, in one
// transaction.
func importCSV(ctx context.Context, conn *sql.Conn, file, table string, skip int) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 256<<10))
	r.ReuseRecord = true
	for range skip {
		if _, err := r.Read(); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var insert *sql.Stmt
	var args []any
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		if insert == nil {
			marks := strings.TrimSuffix(strings.Repeat("?, ", len(rec)), ", ")
			if insert, err = tx.PrepareContext(ctx, "INSERT INTO "+table+" VALUES ("+marks+")"); err != nil {
				return err
			}
			args = make([]any, len(rec))
		}
		for i, v := range rec {
			args[i] = v
		}
		if _, err := insert.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	return tx.Commit()
}

// printRows runs query and prints its rows: values separated by "|" (NULL as nothing), or
// CSV.
func printRows(ctx context.Context, conn *sql.Conn, query string, out io.Writer, csvOut, header bool) error {
	rows, err := conn.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	values := make([]sql.NullString, len(cols))
	dest := make([]any, len(cols))
	for i := range values {
		dest[i] = &values[i]
	}
	record := make([]string, len(cols))
	var w *csv.Writer
	if csvOut {
		w = csv.NewWriter(out)
		if header {
			if err := w.Write(cols); err != nil {
				return err
			}
		}
	} else if header {
		fmt.Fprintln(out, strings.Join(cols, "|"))
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		for i, v := range values {
			record[i] = v.String
		}
		if w != nil {
			if err := w.Write(record); err != nil {
				return err
			}
		} else if _, err := fmt.Fprintln(out, strings.Join(record, "|")); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if w != nil {
		w.Flush()
		return w.Error()
	}
	return nil
}
