package main

import (
	"context"
	"fmt"
	"time"
)

// interactiveTarget is the longest a command people type may take, cold, at any scale.
const interactiveTarget = 50 * time.Millisecond

// measureInteractive times the commands people type at a terminal, each in new processes
// (cold: nothing of profil is in memory but what the system caches), runs times each after
// one unmeasured run, alternating between commands, and returns a row per command with
// its median. Between them, the client opening the database and running one trivial query gives the
// least a command costs on this machine at that moment (starting a process, and on
// PostgreSQL a server process for the connection), the reference of each row.
func (b *bench) measureInteractive(ctx context.Context, p *profil, e engine, dsn, eng string) ([]row, error) {
	email, siret := b.full.lookups[0], b.full.lookupSIRETs[0]
	commands := []struct {
		what string
		args []string
	}{
		{"user show", []string{"user", "show", email}},
		{"profile list", []string{"profile", "list", email}},
		{"structure show", []string{"structure", "show", siret}},
		{"structure members", []string{"structure", "members", siret}},
		{"user list --structure", []string{"user", "list", "--structure", siret}},
		{"structure search, a common word", []string{"structure", "search", "formation"}},
		{"structure search, a SIRET prefix", []string{"structure", "search", siret[:6]}},
		{"request list (pending)", []string{"request", "list"}},
		{"audit list (the latest 100)", []string{"audit", "list"}},
		{"audit list --structure", []string{"audit", "list", "--structure", siret}},
		{"token list", []string{"token", "list"}},
		{"settings list", []string{"settings", "list"}},
	}
	jobs := make([]timed, 0, len(commands)+1)
	for _, c := range commands {
		jobs = append(jobs, timed{c.what, p.job("", "", c.args...)})
	}
	jobs = append(jobs, timed{"the client's trivial query", e.refConnect(dsn)})
	medians, err := b.timeInTurn(ctx, jobs)
	if err != nil {
		return nil, err
	}
	least := medians[len(commands)].wall
	logf("[%s]   the client opening the database: median %s", eng, millis(least))
	var rows []row
	for i, c := range commands {
		m := medians[i]
		logf("[%s]   %s: median %s", eng, c.what, millis(m.wall))
		rows = append(rows, row{measure: fmt.Sprintf("cold %s (median of %d)", c.what, b.showRuns), engine: eng,
			profil: millis(m.wall), reference: "client: " + millis(least), ratio: signedMillis(m.wall - least),
			target: "≤ 50 ms", met: verdict(m.wall <= interactiveTarget)})
	}
	return rows, nil
}
