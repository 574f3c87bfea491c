package user_test

import (
	"encoding/json"
	"testing"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/testdb"
)

const (
	claire = "claire.martin@horizons.fr" // first member: the référent
	paul   = "paul.leroy@horizons.fr"
	lea    = "lea.bernard@horizons.fr"
)

func TestDetachRefusals(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		w.member(t, claire, w.id)
		w.member(t, paul, w.id)

		r := w.run(t, "", "user", "detach", paul, "--structure", w.id).Want(t, cmdutil.ExitForbidden)
		wantIn(t, r, "not signed in", "profil login")

		r = w.run(t, claire, "user", "detach", claire, "--structure", w.id).Want(t, cmdutil.ExitForbidden)
		wantIn(t, r, "cannot detach their own account", "ask a gestionnaire")

		r = w.run(t, paul, "user", "detach", claire, "--structure", w.siret).Want(t, cmdutil.ExitForbidden)
		wantIn(t, r, "only the référent of the structure or a gestionnaire")

		r = w.run(t, adminEmail, "user", "detach", claire, "--structure", w.id).Want(t, cmdutil.ExitConflict)
		wantIn(t, r, claire, "référent", "--new-referent", "--no-referent")

		r = w.run(t, adminEmail, "user", "detach", claire, "--structure", w.id, "--new-referent", paul, "--no-referent").Want(t, cmdutil.ExitUsage)
		wantIn(t, r, "--new-referent", "--no-referent")

		// Nothing changed by the refusals.
		members := membersOf(t, w, adminEmail, w.id)
		if len(members) != 2 || !members[claire].Referent {
			t.Fatalf("the refusals changed the members: %+v", members)
		}
	})
}

func TestDetach(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		w.member(t, claire, w.id)
		w.member(t, paul, w.id)
		w.member(t, lea, w.id)

		// The référent detaches a member; no terminal: no question.
		r := w.run(t, claire, "user", "detach", lea, "--structure", w.siret).Want(t, cmdutil.ExitOK)
		wantIn(t, r, "✓ "+lea+" detached from Horizons Emploi")
		if r.Stdout != "" {
			t.Errorf("detach printed on stdout: %q", r.Stdout)
		}
		w.run(t, claire, "user", "detach", lea, "--structure", w.siret).Want(t, cmdutil.ExitNotFound)

		// A gestionnaire detaches the référent and names the next one.
		r = w.run(t, adminEmail, "user", "detach", claire, "--structure", w.id, "--new-referent", paul).Want(t, cmdutil.ExitOK)
		wantIn(t, r, paul+" is now its référent")
		members := membersOf(t, w, adminEmail, w.id)
		if len(members) != 1 || !members[paul].Referent {
			t.Errorf("after handing over, members = %+v", members)
		}

		// Then leaves the structure without référent, on purpose.
		r = w.run(t, adminEmail, "user", "detach", paul, "--structure", w.id, "--no-referent").Want(t, cmdutil.ExitOK)
		wantIn(t, r, "has no référent now")
	})
}

// The référent role goes to an active account only, whichever command hands it over: detach
// --new-referent refuses a disabled account as referent set does, and changes nothing.
func TestDetachHandsOverToActiveAccountsOnly(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		w.member(t, claire, w.id)
		w.member(t, paul, w.id)
		w.run(t, adminEmail, "user", "disable", paul).Want(t, cmdutil.ExitOK)

		r := w.run(t, adminEmail, "referent", "set", "--structure", w.id, "--user", paul).Want(t, cmdutil.ExitConflict)
		wantIn(t, r, "the account "+paul+" is not active")
		r = w.run(t, adminEmail, "user", "detach", claire, "--structure", w.id, "--new-referent", paul).Want(t, cmdutil.ExitConflict)
		wantIn(t, r, "the account "+paul+" is not active")

		members := membersOf(t, w, adminEmail, w.id)
		if len(members) != 2 || !members[claire].Referent || members[paul].Referent {
			t.Fatalf("the refusal changed the members: %+v", members)
		}
	})
}

// On a terminal, detach asks first; "no" changes nothing, --yes asks nothing.
func TestDetachConfirms(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t))
	w.member(t, claire, w.id)
	w.member(t, paul, w.id)
	tty := w.env
	tty.StdinTTY, tty.StdoutTTY, tty.StderrTTY = true, true, true

	p := prompt.NewScripted(prompt.AnswerConfirm(false))
	tty.Prompter = p
	w.runIn(t, tty, claire, "user", "detach", paul, "--structure", w.id).Want(t, cmdutil.ExitError)
	if asked := p.Asked(); len(asked) != 1 || !contains(asked[0], paul, "Horizons Emploi") {
		t.Errorf("asked %q", asked)
	}
	if len(membersOf(t, w, adminEmail, w.id)) != 2 {
		t.Fatal("answering no detached the member")
	}

	// A référent detaching themself is refused without being asked first.
	p = prompt.NewScripted()
	tty.Prompter = p
	r := w.runIn(t, tty, claire, "user", "detach", claire, "--structure", w.id).Want(t, cmdutil.ExitForbidden)
	wantIn(t, r, "ask a gestionnaire")
	if len(p.Asked()) != 0 {
		t.Errorf("asked %q before refusing", p.Asked())
	}

	p = prompt.NewScripted()
	tty.Prompter = p
	w.runIn(t, tty, claire, "--yes", "user", "detach", paul, "--structure", w.id).Want(t, cmdutil.ExitOK)
	if len(p.Asked()) != 0 {
		t.Errorf("--yes still asked %q", p.Asked())
	}
}

type memberRow struct {
	Email    string   `json:"email"`
	Referent bool     `json:"referent"`
	Profiles []string `json:"profiles"`
}

func membersOf(t *testing.T, w *world, as, structure string, extra ...string) map[string]memberRow {
	t.Helper()
	args := append([]string{"user", "list", "--structure", structure, "-o", "json"}, extra...)
	r := w.run(t, as, args...).Want(t, cmdutil.ExitOK)
	var rows []memberRow
	if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	out := map[string]memberRow{}
	for _, m := range rows {
		out[m.Email] = m
	}
	return out
}
