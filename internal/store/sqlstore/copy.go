package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// pgCopyMin is how many rows make a PostgreSQL bulk insert go through COPY and a staging
// table rather than one INSERT … SELECT FROM unnest(…) of arrays: below it, the round trips of
// the staging table cost more than they save.
const pgCopyMin = 1000

// stagingColumn is a column of a staging table: its name and its PostgreSQL type.
type stagingColumn struct{ name, typ string }

// copyStaging fills the temporary table name, created on first use in the session and emptied
// at each use and at each commit, with n rows through COPY (the binary protocol, without
// parsing SQL per row); row(i) gives the values of row i, in the order of cols. The rows
// get their position in a column n, from 0, for an INSERT … SELECT to keep their order.
func (t *tx) copyStaging(ctx context.Context, name string, cols []stagingColumn, n int, row func(i int, vals []any) []any) error {
	if t.conn == nil {
		return errors.New("copy outside a write transaction")
	}
	defs := make([]string, 0, len(cols)+1)
	names := make([]string, 0, len(cols)+1)
	for _, c := range cols {
		defs = append(defs, c.name+" "+c.typ)
		names = append(names, c.name)
	}
	defs = append(defs, "n bigint")
	names = append(names, "n")
	if _, err := t.q.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS `+name+` (`+strings.Join(defs, ", ")+`) ON COMMIT DELETE ROWS`); err != nil {
		return mapErr(err)
	}
	if _, err := t.q.ExecContext(ctx, `DELETE FROM `+name); err != nil {
		return mapErr(err)
	}
	return t.copyRows(ctx, name, names, n, func(i int, vals []any) []any { return append(row(i, vals), int64(i)) })
}

// copyRows writes n rows into table, through COPY: row(i) gives the values of row i, in the
// order of cols. Rows without conflict to handle go straight into their table this way: the
// server writes them as they come (in pages of several rows), with no statement per row.
func (t *tx) copyRows(ctx context.Context, table string, cols []string, n int, row func(i int, vals []any) []any) error {
	vals := make([]any, 0, len(cols))
	src := pgx.CopyFromSlice(n, func(i int) ([]any, error) {
		vals = row(i, vals[:0])
		return vals, nil
	})
	return t.pgx(func(c *pgx.Conn) error {
		copied, err := c.CopyFrom(ctx, pgx.Identifier{table}, cols, src)
		if err == nil && copied != int64(n) {
			err = fmt.Errorf("copy: %d rows of %d", copied, n)
		}
		return err
	})
}

// pgx runs fn with the pgx connection of a PostgreSQL write transaction, for what
// database/sql does not carry: COPY, arrays read whole.
func (t *tx) pgx(fn func(c *pgx.Conn) error) error {
	if t.conn == nil {
		return errors.New("pgx outside a write transaction")
	}
	err := t.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("a %T is not a pgx connection", dc)
		}
		return fn(c.Conn())
	})
	return mapErr(err)
}
