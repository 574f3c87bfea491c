package user_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/testdb"
)

type accountJSON struct {
	Email              string     `json:"email"`
	Status             string     `json:"status"`
	MustChangePassword bool       `json:"must_change_password"`
	LockedUntil        *time.Time `json:"locked_until"`
	LastLoginAt        *time.Time `json:"last_login_at"`
}

func accountOf(t *testing.T, w *world, email string) accountJSON {
	t.Helper()
	r := w.run(t, adminEmail, "user", "show", email, "-o", "json").Want(t, cmdutil.ExitOK)
	var a accountJSON
	if err := json.Unmarshal([]byte(r.Stdout), &a); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	return a
}

func TestDisableEnableUnlock(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		w.member(t, claire, w.id) // the référent
		w.member(t, paul, w.id)

		if a := accountOf(t, w, claire); a.Status != "active" || a.LockedUntil != nil || a.LastLoginAt == nil {
			t.Fatalf("user show of an active account: %+v", a)
		}

		// Refusals, and nothing changes.
		r := w.run(t, paul, "user", "disable", claire).Want(t, cmdutil.ExitForbidden)
		wantIn(t, r, "gestionnaire")
		r = w.run(t, adminEmail, "user", "disable", claire).Want(t, cmdutil.ExitConflict)
		wantIn(t, r, "référent", "--new-referent", "--no-referent")
		r = w.run(t, adminEmail, "user", "disable", claire, "--new-referent", paul, "--no-referent").Want(t, cmdutil.ExitUsage)
		wantIn(t, r, "--new-referent", "--no-referent")
		r = w.run(t, adminEmail, "user", "disable", adminEmail).Want(t, cmdutil.ExitForbidden)
		wantIn(t, r, "your own account")
		w.run(t, adminEmail, "user", "disable", "nobody@horizons.fr").Want(t, cmdutil.ExitNotFound)
		w.run(t, adminEmail, "user", "disable").Want(t, cmdutil.ExitUsage)
		if a := accountOf(t, w, claire); a.Status != "active" {
			t.Fatalf("a refused disable changed the account: %+v", a)
		}

		// On a terminal, a "no" disables nothing.
		tty := w.env
		tty.StdinTTY, tty.StdoutTTY, tty.StderrTTY = true, true, true
		p := prompt.NewScripted(prompt.AnswerConfirm(false))
		tty.Prompter = p
		w.runIn(t, tty, adminEmail, "user", "disable", paul).Want(t, cmdutil.ExitError)
		if asked := p.Asked(); len(asked) != 1 || !contains(asked[0], paul) {
			t.Errorf("asked %q", asked)
		}
		if a := accountOf(t, w, paul); a.Status != "active" {
			t.Fatal("answering no disabled the account")
		}

		r = w.run(t, adminEmail, "user", "disable", claire, "--reason", "a quitté la structure", "--new-referent", paul).Want(t, cmdutil.ExitOK)
		wantIn(t, r, "✓ account "+claire+" disabled", "the référent is now "+paul)
		if r.Stdout != "" {
			t.Errorf("disable printed on stdout: %q", r.Stdout)
		}
		if a := accountOf(t, w, claire); a.Status != "disabled" {
			t.Fatalf("after disable: %+v", a)
		}
		if m := membersOf(t, w, adminEmail, w.id); !m[paul].Referent || m[claire].Referent {
			t.Errorf("référent after disable: %+v", m)
		}
		r = w.run(t, claire, "user", "show").Want(t, cmdutil.ExitForbidden)
		wantIn(t, r, "revoked")
		w.run(t, adminEmail, "user", "disable", claire).Want(t, cmdutil.ExitConflict)

		w.run(t, paul, "user", "enable", claire).Want(t, cmdutil.ExitForbidden)
		r = w.run(t, adminEmail, "user", "enable", claire).Want(t, cmdutil.ExitOK)
		wantIn(t, r, "✓ account "+claire+" enabled")
		w.run(t, adminEmail, "user", "enable", claire).Want(t, cmdutil.ExitConflict)
		// Its old session stays ended.
		w.run(t, claire, "user", "show").Want(t, cmdutil.ExitForbidden)

		r = w.run(t, adminEmail, "user", "unlock", paul).Want(t, cmdutil.ExitOK)
		wantIn(t, r, "was not locked")
		w.run(t, paul, "user", "unlock", paul).Want(t, cmdutil.ExitForbidden)
		w.run(t, adminEmail, "user", "unlock", "nobody@horizons.fr").Want(t, cmdutil.ExitNotFound)
	})
}
