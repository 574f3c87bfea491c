package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/secret"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

// proc is one profil process of a race: its home, stdin and arguments.
type proc struct {
	h     *home
	stdin string
	args  []string
}

type procResult struct {
	code           int
	stdout, stderr string
}

// race starts every process at once and waits for them all.
func race(t *testing.T, procs []proc) []procResult {
	t.Helper()
	out := make([]procResult, len(procs))
	cmds := make([]*exec.Cmd, len(procs))
	bufs := make([][2]*bytes.Buffer, len(procs))
	for i, p := range procs {
		cmds[i] = p.h.cmd(p.stdin, p.args...)
		bufs[i] = [2]*bytes.Buffer{{}, {}}
		cmds[i].Stdout, cmds[i].Stderr = bufs[i][0], bufs[i][1]
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range cmds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			err := c.Run()
			if c.ProcessState == nil {
				t.Errorf("process %d did not run: %v", i, err)
				return
			}
			out[i] = procResult{code: c.ProcessState.ExitCode(), stdout: bufs[i][0].String(), stderr: bufs[i][1].String()}
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// openStore opens the database of a test, already initialised.
func openStore(t *testing.T, dsn string) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// auditDetails returns the details of the events of action, in the order they were written.
func auditDetails(t *testing.T, db *sqlstore.DB, action string) []map[string]json.RawMessage {
	t.Helper()
	rows, err := db.SQL().Query(`SELECT details FROM audit_events WHERE action = '` + action + `' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []map[string]json.RawMessage
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		m := map[string]json.RawMessage{}
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// pair reads a ["before", "after"] change of the audit trail.
func pair[T any](t *testing.T, raw json.RawMessage) (before, after T) {
	t.Helper()
	var p []T
	if err := json.Unmarshal(raw, &p); err != nil || len(p) != 2 {
		t.Fatalf("change %s: %v", raw, err)
	}
	return p[0], p[1]
}

// A person changes their password while a gestionnaire changes their function, many times at
// once, in separate processes: the password change and every function change are kept, each
// change starting from the one before it.
func TestPasswordChangeAgainstUpdatesLosesNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		admin := newHome(t, dsn)
		admin.must(adminPassword+"\n", "init", "--admin-email", "gestion@cap-metiers.fr", "--admin-name", "Camille Gestion", "--password-stdin")
		db := openStore(t, dsn)
		const oldPassword = "ancien mot de passe"
		hash, err := secret.HashPassword(oldPassword)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		err = db.Update(ctx, func(tx store.Tx) error {
			u := domain.User{Email: "lea.martin@exemple.fr", LastName: "Martin", FirstName: "Léa", Status: domain.UserActive,
				Function: "f00", PasswordHash: hash}
			return tx.CreateUser(ctx, &u)
		})
		if err != nil {
			t.Fatal(err)
		}
		person := newHome(t, dsn)
		person.must(oldPassword+"\n", "login", "--email", "lea.martin@exemple.fr", "--password-stdin")

		const updates, passwds = 20, 4
		var procs []proc
		for i := range updates + passwds {
			if i%6 == 3 { // 3, 9, 15, 21: the passwds among the updates
				// Each tries to change the same current password: one may succeed.
				procs = append(procs, proc{person, fmt.Sprintf("%s\nnouveau mot de passe %d\n", oldPassword, i), []string{"user", "passwd", "--password-stdin"}})
				continue
			}
			procs = append(procs, proc{admin, "", []string{"user", "update", "lea.martin@exemple.fr", "--function", fmt.Sprintf("f%02d", i+1)}})
		}
		results := race(t, procs)
		newPassword := ""
		for i, r := range results {
			if procs[i].h == person {
				switch {
				case r.code == 0 && newPassword == "":
					newPassword = strings.Split(procs[i].stdin, "\n")[1]
				case r.code == 0:
					t.Errorf("two password changes from the same current password both succeeded")
				case r.code != 4:
					t.Errorf("passwd %d: exit %d, want 0 or 4 (the current password changed meanwhile)\n%s", i, r.code, r.stderr)
				}
				continue
			}
			if r.code != 0 {
				t.Errorf("update %d: exit %d\n%s", i, r.code, r.stderr)
			}
		}
		if newPassword == "" {
			t.Fatal("no password change succeeded")
		}
		// The password change is kept: the new password signs in, the old one does not.
		check := newHome(t, dsn)
		if _, errOut, code := check.run(oldPassword+"\n", "login", "--email", "lea.martin@exemple.fr", "--password-stdin"); code != 4 {
			t.Errorf("the old password still signs in (exit %d, %s): a function update wrote it back", code, errOut)
		}
		check.must(newPassword+"\n", "login", "--email", "lea.martin@exemple.fr", "--password-stdin")

		// Every function change starts from the previous one, and the last one is what the
		// account holds.
		events := auditDetails(t, db, "user.update")
		if len(events) != len(procs)-passwds {
			t.Errorf("%d user.update events, want %d", len(events), len(procs)-passwds)
		}
		current := "f00"
		for k, e := range events {
			before, after := pair[string](t, e["function"])
			if before != current {
				t.Errorf("update %d changed the function from %q, but it was %q: an update was lost", k, before, current)
			}
			current = after
		}
		if n := len(auditDetails(t, db, "user.password")); n != 1 {
			t.Errorf("%d user.password events, want 1", n)
		}
		var function string
		if err := db.SQL().QueryRow(`SELECT function FROM users WHERE email = 'lea.martin@exemple.fr'`).Scan(&function); err != nil {
			t.Fatal(err)
		}
		if function != current {
			t.Errorf("the account's function is %q, the last update set %q: a password change wrote an old row back", function, current)
		}
	})
}

// Adhesions recorded while the structure's kinds change, at once in separate processes: each
// change starts from the one before it; none writes an old row back.
func TestAdhesionAgainstKindsChangesLosesNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		admin := newHome(t, dsn)
		admin.must(adminPassword+"\n", "init", "--admin-email", "gestion@cap-metiers.fr", "--admin-name", "Camille Gestion", "--password-stdin")
		db := openStore(t, dsn)
		ctx := context.Background()
		st := domain.Structure{Name: "GRETA Sud Aquitaine", Address: "1 rue X", Kinds: []domain.Kind{domain.KindTrainingOrg}, AdhesionYear: 2000}
		if err := db.Update(ctx, func(tx store.Tx) error { return tx.CreateStructure(ctx, &st) }); err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprint(st.ID)
		kindSets := []string{"training-org,employer", "prescriber", "employer", "training-org"}
		var procs []proc
		for i := range 24 {
			if i%2 == 0 {
				procs = append(procs, proc{admin, "", []string{"structure", "adhesion", id, "--year", fmt.Sprint(2001 + i)}})
			} else {
				procs = append(procs, proc{admin, "", []string{"structure", "update", id, "--kind", kindSets[i/2%len(kindSets)]}})
			}
		}
		for i, r := range race(t, procs) {
			if r.code != 0 {
				t.Errorf("%s: exit %d\n%s", strings.Join(procs[i].args, " "), r.code, r.stderr)
			}
		}
		// Replay the audit trail in the order it was written: each change starts from the
		// state the previous one left.
		rows, err := db.SQL().Query(`SELECT action, details FROM audit_events WHERE action IN ('structure.update', 'structure.adhesion') ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		type event struct{ action, details string }
		var events []event
		for rows.Next() {
			var e event
			if err := rows.Scan(&e.action, &e.details); err != nil {
				t.Fatal(err)
			}
			events = append(events, e)
		}
		rows.Close()
		if len(events) != len(procs) {
			t.Errorf("%d events, want %d", len(events), len(procs))
		}
		kinds, year := []string{"training-org"}, 2000
		for k, e := range events {
			var d map[string]json.RawMessage
			if err := json.Unmarshal([]byte(e.details), &d); err != nil {
				t.Fatal(err)
			}
			if e.action == "structure.adhesion" {
				var from, to int
				_ = json.Unmarshal(d["from"], &from)
				_ = json.Unmarshal(d["to"], &to)
				if from != year {
					t.Errorf("event %d: adhesion changed from %d, but it was %d: a change was lost", k, from, year)
				}
				year = to
				continue
			}
			if raw, ok := d["kinds"]; ok {
				before, after := pair[[]string](t, raw)
				if !slices.Equal(before, kinds) {
					t.Errorf("event %d: kinds changed from %v, but they were %v: a change was lost", k, before, kinds)
				}
				kinds = after
			}
		}
		var got domain.Structure
		if err := db.View(ctx, func(tx store.Tx) error {
			var err error
			got, err = tx.StructureByID(ctx, st.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		gotKinds := make([]string, len(got.Kinds))
		for i, k := range got.Kinds {
			gotKinds[i] = string(k)
		}
		if !slices.Equal(gotKinds, kinds) || got.AdhesionYear != year {
			t.Errorf("the structure holds kinds %v and adhesion %d; the last changes set %v and %d", gotKinds, got.AdhesionYear, kinds, year)
		}
	})
}

// Several `profil init --admin-email` at once: one creates the gestionnaire; the others bring
// the schema up to date, then say there is one already (exit 5). First on a database without
// schema, then on a database with its schema but nobody in it, where the processes reach the
// creation of the gestionnaire together instead of one after the other behind the migration
// lock.
func TestConcurrentInitsMakeOneGestionnaire(t *testing.T) {
	t.Run("new", func(t *testing.T) { testConcurrentInits(t, false) })
	t.Run("schema-only", func(t *testing.T) { testConcurrentInits(t, true) })
}

func testConcurrentInits(t *testing.T, schemaFirst bool) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		if schemaFirst {
			newHome(t, dsn).must("", "init")
		}
		const n = 6
		var procs []proc
		for i := range n {
			procs = append(procs, proc{newHome(t, dsn), adminPassword + "\n",
				[]string{"init", "--admin-email", fmt.Sprintf("gestion%d@cap-metiers.fr", i), "--admin-name", "Camille Gestion", "--password-stdin"}})
		}
		created := 0
		for i, r := range race(t, procs) {
			switch r.code {
			case 0:
				created++
			case 5:
				if !strings.Contains(r.stderr, "already has a gestionnaire") {
					t.Errorf("init %d: exit 5 with %q, want it to say there is a gestionnaire already", i, r.stderr)
				}
			default:
				t.Errorf("init %d: exit %d, want 0 or 5\n%s", i, r.code, r.stderr)
			}
		}
		if created != 1 {
			t.Errorf("%d inits created a gestionnaire, want 1", created)
		}
		db := openStore(t, dsn)
		var managers int
		if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM users WHERE manager = TRUE`).Scan(&managers); err != nil {
			t.Fatal(err)
		}
		if managers != 1 {
			t.Errorf("%d gestionnaires in the database, want 1", managers)
		}
		// Every process brought the schema up to date: the database is usable by all.
		for _, p := range procs {
			if _, errOut, code := p.h.run("", "db", "status"); code != 0 {
				t.Errorf("db status after the inits: exit %d\n%s", code, errOut)
			}
		}
	})
}
