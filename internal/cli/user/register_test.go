package user_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
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

func TestRegister(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)

		// No sign-in needed; without a password, one is mailed at approval.
		r := w.run(t, "", "user", "register", "--email", claire, "--last-name", "Martin", "--first-name", "Claire",
			"--phone", "05 56 00 00 00", "--function", "Chargée de formation", "--structure", w.siret, "-o", "json").Want(t, cmdutil.ExitOK)
		var req struct {
			ID          int64  `json:"id"`
			Kind        string `json:"kind"`
			Status      string `json:"status"`
			UserEmail   string `json:"user_email"`
			StructureID int64  `json:"structure_id"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &req); err != nil {
			t.Fatalf("%v\n%s", err, r)
		}
		if req.Kind != "account" || req.Status != "pending" || req.UserEmail != claire || strconv.FormatInt(req.StructureID, 10) != w.id {
			t.Errorf("request = %+v", req)
		}
		wantIn(t, r, "✓ request "+strconv.FormatInt(req.ID, 10)+" sent", "temporary one will be mailed")

		// The same e-mail, whatever its case: a conflict.
		r = w.run(t, "", "user", "register", "--email", strings.ToUpper(claire), "--last-name", "Martin", "--first-name", "Claire",
			"--structure", w.id).Want(t, cmdutil.ExitConflict)
		wantIn(t, r, "already exists", claire, "user affiliate")
		r = w.run(t, "", "user", "register", "--email", strings.ToUpper(adminEmail), "--last-name", "Durand", "--first-name", "Jeanne",
			"--structure", w.id).Want(t, cmdutil.ExitConflict)

		// A bad phone is invalid input that names the field.
		r = w.run(t, "", "user", "register", "--email", paul, "--last-name", "Leroy", "--first-name", "Paul",
			"--phone", "05 56 00", "--structure", w.id).Want(t, cmdutil.ExitInvalid)
		wantIn(t, r, "phone")
		// So is a SIRET that fails its checksum, and a structure that does not exist is not found.
		w.run(t, "", "user", "register", "--email", paul, "--last-name", "Leroy", "--first-name", "Paul",
			"--structure", "44306184100048").Want(t, cmdutil.ExitInvalid)
		w.run(t, "", "user", "register", "--email", paul, "--last-name", "Leroy", "--first-name", "Paul",
			"--structure", "999").Want(t, cmdutil.ExitNotFound)

		// --quiet prints the request id only; the password comes on standard input.
		env := w.env
		env.Stdin = password + "\n"
		r = w.runIn(t, env, "", "-q", "user", "register", "--email", paul, "--last-name", "Leroy", "--first-name", "Paul",
			"--structure", w.id, "--password-stdin").Want(t, cmdutil.ExitOK)
		id, err := strconv.ParseInt(strings.TrimSpace(r.Stdout), 10, 64)
		if err != nil || r.Stderr != "" {
			t.Fatalf("-q register should print the request id alone:\n%s", r)
		}
		if _, err := w.svc.Decide(context.Background(), w.admin, id, service.DecideInput{Decision: domain.Approve}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.svc.Login(context.Background(), paul, password); err != nil {
			t.Errorf("the password given at registration does not sign in: %v", err)
		}
	})
}

// Without a terminal nothing is asked: a missing value is a usage error naming its flag, before
// any database is opened.
func TestRegisterNeverPromptsWithoutTerminal(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = filepath.Join(t.TempDir(), "never.db")
	p := prompt.NewScripted()
	env.Prompter = p
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"user", "register", "--last-name", "Martin", "--first-name", "Claire", "--structure", "1"}, []string{"--email"}},
		{[]string{"user", "register", "--email", claire}, []string{"--last-name", "--first-name", "--structure"}},
		{[]string{"user", "register", "--email", claire, "--last-name", "Martin", "--first-name", "Claire"}, []string{"--structure"}},
	} {
		r := clitest.Run(t, env, tt.args...).Want(t, cmdutil.ExitUsage)
		wantIn(t, r, tt.want...)
		if r.Stdout != "" {
			t.Errorf("printed on stdout: %q", r.Stdout)
		}
	}
	// On a terminal, --yes forbids the questions too.
	env.StdinTTY, env.StdoutTTY, env.StderrTTY = true, true, true
	r := clitest.Run(t, env, "--yes", "user", "register", "--last-name", "Martin", "--first-name", "Claire", "--structure", "1").Want(t, cmdutil.ExitUsage)
	wantIn(t, r, "--email")
	if len(p.Asked()) != 0 {
		t.Errorf("asked %q without a terminal", p.Asked())
	}
	if _, err := os.Stat(env.DB); err == nil {
		t.Errorf("a usage error created the database")
	}
}

// On a terminal, the missing values are asked, and the password twice, hidden.
func TestRegisterAsksOnTerminal(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t))
	env := w.env
	env.StdinTTY, env.StdoutTTY, env.StderrTTY = true, true, true
	p := prompt.NewScripted(
		prompt.AnswerInput("not an e-mail"), // asked again
		prompt.AnswerInput(claire),
		prompt.AnswerInput("Martin"),
		prompt.AnswerInput(w.siret),
		prompt.AnswerPassword("short"), // too short: asked again
		prompt.AnswerPassword(password),
		prompt.AnswerPassword(password),
	)
	env.Prompter = p
	r := w.runIn(t, env, "", "user", "register", "--first-name", "Claire").Want(t, cmdutil.ExitOK)
	if p.Remaining() != 0 {
		t.Errorf("%d answers left; asked %q", p.Remaining(), p.Asked())
	}
	if strings.Contains(r.Stderr, "temporary one") {
		t.Errorf("a password was given, yet the message speaks of a temporary one:\n%s", r)
	}
	rs, err := w.svc.ListRequests(context.Background(), w.admin, service.RequestFilter{})
	if err != nil || len(rs) != 1 || rs[0].UserEmail != claire {
		t.Fatalf("requests = %+v, %v", rs, err)
	}
	if _, err := w.svc.Decide(context.Background(), w.admin, rs[0].ID, service.DecideInput{Decision: domain.Approve}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.svc.Login(context.Background(), claire, password); err != nil {
		t.Errorf("the password typed at registration does not sign in: %v", err)
	}

	// Two different passwords: refused, nothing registered.
	env.Prompter = prompt.NewScripted(prompt.AnswerPassword(password), prompt.AnswerPassword(password+"!"))
	r = w.runIn(t, env, "", "user", "register", "--email", paul, "--last-name", "Leroy", "--first-name", "Paul", "--structure", w.id).Want(t, cmdutil.ExitInvalid)
	wantIn(t, r, "differ")
}

func contains(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
