package structure_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/testdb"
)

func TestStructureRequest(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newMembersWorld(t, dsn)
		siret := domain.MakeSIRET("52184631", "0001")
		fields := []string{"structure", "request", "--name", "Association Horizons Sud", "--siret", siret,
			"--postal-code", "33000", "--city", "Bordeaux", "--kind", "training-org"}

		// Nobody signed in, no terminal: the requester's e-mail is required, and nothing is asked.
		p := prompt.NewScripted()
		env := w.env
		env.Prompter = p
		r := clitest.Run(t, env, fields...).Want(t, cmdutil.ExitUsage)
		if !strings.Contains(r.Stderr, "--requester-email") || len(p.Asked()) != 0 {
			t.Errorf("want a usage error naming --requester-email, no prompt:\n%s", r)
		}

		// With it: the request, and when the answer comes.
		r = w.run(t, "", append(fields, "--requester-email", "Claire.Martin@Horizons.fr", "-o", "json")...).Want(t, cmdutil.ExitOK)
		var req struct {
			ID            int64  `json:"id"`
			Kind          string `json:"kind"`
			Status        string `json:"status"`
			UserEmail     string `json:"user_email"`
			StructureName string `json:"structure_name"`
			SIRET         string `json:"siret"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &req); err != nil {
			t.Fatalf("%v\n%s", err, r)
		}
		if req.Kind != "structure" || req.Status != "pending" || req.UserEmail != claire || req.StructureName != "Association Horizons Sud" || req.SIRET != siret {
			t.Errorf("request = %+v", req)
		}
		if want := "✓ request " + strconv.FormatInt(req.ID, 10) + " sent: the gestionnaires answer by mail within 24–48 h"; !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r)
		}

		// The same SIRET again, while pending: a conflict.
		w.run(t, "", append(fields, "--requester-email", paul)...).Want(t, cmdutil.ExitConflict)
		// A known SIRET: a conflict too.
		w.run(t, "", "structure", "request", "--name", "Doublon", "--siret", w.st.SIRET, "--requester-email", paul).Want(t, cmdutil.ExitConflict)
		// Bad input names the field.
		r = w.run(t, "", "structure", "request", "--name", "X", "--siret", "12345678901234", "--requester-email", paul).Want(t, cmdutil.ExitInvalid)
		if !strings.Contains(r.Stderr, "siret") {
			t.Errorf("the message should name the siret:\n%s", r)
		}
		w.run(t, "", "structure", "request", "--siret", siret, "--requester-email", paul).Want(t, cmdutil.ExitUsage)
		w.run(t, "", "structure", "request", "--name", "X", "--address", "1 rue", "--adhesion-year", "2026", "--requester-email", paul).Want(t, cmdutil.ExitUsage)

		// Signed in: the answer goes to you by default; -q prints the id alone.
		r = w.run(t, adminEmail, "-q", "structure", "request", "--name", "Mission locale", "--address", "3 quai", "--postal-code", "64100").Want(t, cmdutil.ExitOK)
		id, err := strconv.ParseInt(strings.TrimSpace(r.Stdout), 10, 64)
		if err != nil {
			t.Fatalf("-q printed %q", r.Stdout)
		}
		got, err := w.svc.Request(t.Context(), w.admin, id)
		if err != nil || got.RequesterEmail != adminEmail {
			t.Errorf("request %d: requester %q, %v", id, got.RequesterEmail, err)
		}

		// Approved, the structure exists.
		if _, err := w.svc.Decide(t.Context(), w.admin, req.ID, service.DecideInput{Decision: domain.Approve}); err != nil {
			t.Fatal(err)
		}
		w.run(t, adminEmail, "structure", "show", siret).Want(t, cmdutil.ExitOK)
	})
}

// On a terminal, the name and the requester's e-mail are asked when missing.
func TestStructureRequestAsks(t *testing.T) {
	w := newMembersWorld(t, testdb.SQLite(t))
	env := w.env
	env.StdinTTY, env.StdoutTTY, env.StderrTTY = true, true, true
	p := prompt.NewScripted(prompt.AnswerInput("Association Horizons Sud"), prompt.AnswerInput(claire))
	env.Prompter = p
	clitest.Run(t, env, "structure", "request", "--address", "1 rue Sainte-Catherine", "--postal-code", "33000").Want(t, cmdutil.ExitOK)
	if p.Remaining() != 0 {
		t.Errorf("asked %q", p.Asked())
	}
}
