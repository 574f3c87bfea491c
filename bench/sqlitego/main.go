// Command sqlitego runs SQL the way the benchmark runs the sqlite3 client, with the SQLite
// engine profil is built on (modernc.org/sqlite, SQLite compiled to Go) configured as profil
// configures it, and nothing else of profil: the same scripts and queries through it say what
// share of a ratio to the client comes from the engine and what share from profil's own work.
//
//	sqlitego DB SQL                  # runs SQL, prints its rows as sqlite3 does: | between values
//	sqlitego -csv -header DB SQL     # the rows as CSV, the column names first
//	sqlitego DB < script             # statements, and the dot-command .import of the scripts
//
// Only what the benchmark's scripts use is understood: statements ending with ";" at the end
// of a line, and `.import --csv --skip N FILE TABLE` (every value loaded as text, in one
// transaction, as the client does).
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
	db, err := sql.Open("sqlite", "file:"+path)
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
	out := bufio.NewWriterSize(os.Stdout, 64<<10)
	defer out.Flush()
	if query != "" {
		return printRows(ctx, conn, query, out, csvOut, header)
	}
	return runScript(ctx, conn, os.Stdin)
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
	f := strings.Fields(line)
	if len(f) != 6 || f[0] != ".import" || f[1] != "--csv" || f[2] != "--skip" {
		return fmt.Errorf("unknown dot-command %q", line)
	}
	skip, err := strconv.Atoi(f[3])
	if err != nil {
		return fmt.Errorf("%q: %w", line, err)
	}
	file := f[4]
	if strings.HasPrefix(file, `"`) {
		if file, err = strconv.Unquote(file); err != nil {
			return fmt.Errorf("%q: %w", line, err)
		}
	}
	return importCSV(ctx, conn, file, f[5], skip)
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
		defer w.Flush()
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
		} else {
			fmt.Fprintln(out, strings.Join(record, "|"))
		}
	}
	return rows.Err()
}
