package user_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/testdb"
)

type personalJSON struct {
	User struct {
		ID       int64      `json:"id"`
		Email    string     `json:"email"`
		LastName string     `json:"last_name"`
		Status   string     `json:"status"`
		ErasedAt *time.Time `json:"erased_at"`
	} `json:"user"`
	Memberships []struct {
		StructureName string     `json:"structure_name"`
		EndedAt       *time.Time `json:"ended_at"`
	} `json:"memberships"`
	Profiles []struct {
		Profile   string     `json:"profile"`
		RevokedAt *time.Time `json:"revoked_at"`
	} `json:"profiles"`
	Requests []json.RawMessage `json:"requests"`
	Audit    []struct {
		Action string `json:"action"`
		Actor  string `json:"actor"`
		Target string `json:"target"`
	} `json:"audit"`
	Mails  []map[string]any `json:"mails"`
	Tokens []struct {
		Name string `json:"name"`
	} `json:"tokens"`
	Terms   []any `json:"terms"`
	Trainee any   `json:"trainee"`
}

func personalOf(t *testing.T, w *world, as string, args ...string) personalJSON {
	t.Helper()
	r := w.run(t, as, append([]string{"user", "data", "-o", "json"}, args...)...).Want(t, cmdutil.ExitOK)
	var d personalJSON
	if err := json.Unmarshal([]byte(r.Stdout), &d); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	for _, key := range []string{`"memberships":`, `"profiles":`, `"requests":`, `"audit":`, `"mails":`, `"tokens":`, `"terms": []`, `"trainee": null`, `"franceconnect": null`} {
		if !strings.Contains(r.Stdout, key) {
			t.Errorf("user data has no %s section:\n%s", key, r.Stdout)
		}
	}
	return d
}

func TestUserDataAndErase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		w.member(t, claire, w.id) // the référent
		w.member(t, paul, w.id, "rafael.of-general")

		d := personalOf(t, w, paul)
		if d.User.Email != paul || len(d.Memberships) != 1 || len(d.Profiles) != 2 || len(d.Requests) != 1 ||
			len(d.Audit) == 0 || len(d.Mails) == 0 || len(d.Tokens) != 1 {
			t.Fatalf("paul's data: %+v", d)
		}
		for _, m := range d.Mails {
			if _, ok := m["body"]; ok {
				t.Error("user data shows the body of a mail")
			}
		}
		// Nobody else reads it, not even the référent; no CSV.
		w.run(t, claire, "user", "data", paul).Want(t, cmdutil.ExitForbidden)
		w.run(t, paul, "user", "data", "nobody@horizons.fr").Want(t, cmdutil.ExitForbidden)
		w.run(t, "", "user", "data").Want(t, cmdutil.ExitForbidden)
		w.run(t, paul, "user", "data", "-o", "csv").Want(t, cmdutil.ExitUsage)
		if r := w.run(t, paul, "user", "data", "-o", "table").Want(t, cmdutil.ExitOK); !strings.Contains(r.Stdout, "Memberships (1)") {
			t.Errorf("user data as a table:\n%s", r)
		}

		// Refusals change nothing.
		w.run(t, claire, "user", "erase", paul, "--yes").Want(t, cmdutil.ExitForbidden)
		r := w.run(t, adminEmail, "user", "erase", claire, "--yes").Want(t, cmdutil.ExitConflict)
		wantIn(t, r, "Horizons Emploi", "referent set")
		w.run(t, adminEmail, "user", "erase", adminEmail, "--yes").Want(t, cmdutil.ExitForbidden)
		r = w.run(t, adminEmail, "user", "erase", paul).Want(t, cmdutil.ExitUsage)
		wantIn(t, r, "--yes")
		tty := w.env
		tty.StdinTTY, tty.StdoutTTY, tty.StderrTTY = true, true, true
		p := prompt.NewScripted(prompt.AnswerConfirm(false))
		tty.Prompter = p
		w.runIn(t, tty, adminEmail, "user", "erase", paul).Want(t, cmdutil.ExitError)
		if asked := p.Asked(); len(asked) != 1 || !strings.Contains(asked[0], paul) {
			t.Errorf("asked %q", asked)
		}
		if a := accountOf(t, w, paul); a.Status != "active" {
			t.Fatalf("a refused erasure changed the account: %+v", a)
		}

		r = w.run(t, adminEmail, "user", "erase", paul, "--yes").Want(t, cmdutil.ExitOK)
		wantIn(t, r, "✓ erased "+paul, "erased-")
		w.run(t, paul, "user", "show").Want(t, cmdutil.ExitForbidden)
		w.run(t, adminEmail, "user", "show", paul).Want(t, cmdutil.ExitNotFound)
		pseudonym := "erased-" + strings.TrimSpace(strings.SplitN(strings.SplitN(r.Stderr, "erased-", 2)[1], ":", 2)[0])
		after := personalOf(t, w, adminEmail, pseudonym)
		if after.User.Email != pseudonym || after.User.LastName != pseudonym || after.User.ErasedAt == nil || after.User.Status != "disabled" {
			t.Errorf("after the erasure: %+v", after.User)
		}
		for _, e := range after.Audit {
			if strings.Contains(e.Actor+e.Target, paul) {
				t.Errorf("an audit event still names him: %+v", e)
			}
		}
		if len(after.Audit) <= len(d.Audit) {
			t.Errorf("%d audit events under the pseudonym, %d before", len(after.Audit), len(d.Audit))
		}
		w.run(t, adminEmail, "user", "erase", pseudonym, "--yes").Want(t, cmdutil.ExitConflict)
		r = w.run(t, adminEmail, "audit", "list", "--action", "user.erase", "-o", "json").Want(t, cmdutil.ExitOK)
		if !strings.Contains(r.Stdout, pseudonym) || strings.Contains(r.Stdout, paul) {
			t.Errorf("the erasure's audit event:\n%s", r.Stdout)
		}
		r = w.run(t, adminEmail, "mail", "list", "-o", "json").Want(t, cmdutil.ExitOK)
		if strings.Contains(r.Stdout, paul) {
			t.Errorf("the outbox still names him:\n%s", r.Stdout)
		}

		// Retention.
		w.run(t, adminEmail, "audit", "prune", "--audit", "5x").Want(t, cmdutil.ExitInvalid)
		w.run(t, claire, "audit", "prune", "--audit", "1d").Want(t, cmdutil.ExitForbidden)
		r = w.run(t, adminEmail, "audit", "prune", "--audit", "1y", "--dry-run").Want(t, cmdutil.ExitOK)
		wantIn(t, r, "would remove 0 audit events")
		r = w.run(t, adminEmail, "audit", "prune", "--audit", "1y", "--requests", "2y").Want(t, cmdutil.ExitOK)
		wantIn(t, r, "✓ removed 0 audit events (kept: 1y) and 0 decided requests (kept: 2y)")
	})
}
