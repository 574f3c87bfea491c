package user_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/testdb"
)

type userJSON struct {
	Email              string `json:"email"`
	LastName           string `json:"last_name"`
	Phone              string `json:"phone"`
	Function           string `json:"function"`
	MustChangePassword bool   `json:"must_change_password"`
	Structures         []struct {
		Name     string   `json:"name"`
		Referent bool     `json:"referent"`
		Profiles []string `json:"profiles"`
	} `json:"structures"`
}

func decodeUser(t *testing.T, out string) userJSON {
	t.Helper()
	var u userJSON
	if err := json.Unmarshal([]byte(out), &u); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return u
}

func TestShowAndUpdate(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		w.member(t, claire, w.id)
		w.member(t, paul, w.id)

		// Yourself by default.
		u := decodeUser(t, w.run(t, paul, "user", "show", "-o", "json").Want(t, cmdutil.ExitOK).Stdout)
		if u.Email != paul || len(u.Structures) != 1 || u.Structures[0].Name != "Horizons Emploi" || u.Structures[0].Referent {
			t.Errorf("user show = %+v", u)
		}
		// The référent of one of the person's structures may look; a plain member may not.
		w.run(t, claire, "user", "show", paul).Want(t, cmdutil.ExitOK)
		w.run(t, paul, "user", "show", claire).Want(t, cmdutil.ExitForbidden)
		w.run(t, "", "user", "show").Want(t, cmdutil.ExitForbidden)

		// Only the flags given change.
		r := w.run(t, paul, "user", "update", "--phone", "05.56.00.00.01", "-o", "json").Want(t, cmdutil.ExitOK)
		u = decodeUser(t, r.Stdout)
		if u.Phone != "05 56 00 00 01" || u.LastName != "Test" {
			t.Errorf("after update: %+v", u)
		}
		wantIn(t, r, "✓ updated account "+paul)

		// Someone else's account: only a gestionnaire.
		r = w.run(t, paul, "user", "update", claire, "--phone", "05 56 00 00 02").Want(t, cmdutil.ExitForbidden)
		wantIn(t, r, "only the person themself or a gestionnaire")
		w.run(t, claire, "user", "update", paul, "--function", "Formateur").Want(t, cmdutil.ExitForbidden)
		w.run(t, paul, "user", "update", "--last-name", "Leroy").Want(t, cmdutil.ExitForbidden)
		w.run(t, adminEmail, "user", "update", paul, "--last-name", "Leroy").Want(t, cmdutil.ExitOK)
		w.run(t, paul, "user", "update", "--phone", "12").Want(t, cmdutil.ExitInvalid)
		w.run(t, "", "user", "update", "--phone", "05 56 00 00 02").Want(t, cmdutil.ExitForbidden)

		// Nothing to change is a usage error.
		r = w.run(t, paul, "user", "update").Want(t, cmdutil.ExitUsage)
		wantIn(t, r, "nothing to change")

		// One's own new e-mail asks for one's password: without a terminal, on standard input;
		// a wrong one changes nothing and counts as a failed sign-in.
		r = w.run(t, paul, "user", "update", "--email", "paul.leroy@ailleurs.fr").Want(t, cmdutil.ExitUsage)
		wantIn(t, r, "needs your current password", "--password-stdin")
		wrong := w.env
		wrong.Stdin = "not my password\n"
		r = w.runIn(t, wrong, paul, "user", "update", "--email", "paul.leroy@ailleurs.fr", "--password-stdin").Want(t, cmdutil.ExitForbidden)
		if d, err := w.svc.User(context.Background(), w.admin, paul); err != nil || d.User.Email != paul || d.User.FailedLogins != 1 {
			t.Errorf("after a wrong password: %+v, %v; want the e-mail unchanged and one failed sign-in", d.User, err)
		}
		// A new e-mail, in any case, becomes the login.
		right := w.env
		right.Stdin = password + "\n"
		r = w.runIn(t, right, paul, "-q", "user", "update", "--email", "Paul.Leroy@Nouvelle.fr", "--password-stdin").Want(t, cmdutil.ExitOK)
		if strings.TrimSpace(r.Stdout) != "paul.leroy@nouvelle.fr" {
			t.Errorf("-q update printed %q", r.Stdout)
		}
		w.runIn(t, right, paul, "user", "update", "--email", claire, "--password-stdin").Want(t, cmdutil.ExitConflict)
		// A gestionnaire changes someone else's without their password.
		w.run(t, adminEmail, "user", "update", "paul.leroy@nouvelle.fr", "--email", paul).Want(t, cmdutil.ExitOK)
	})
}

var temporaryPassword = regexp.MustCompile(`[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}`)

func TestPasswordCommands(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		w.member(t, claire, w.id)
		ctx := context.Background()

		// Two lines on standard input: the current password, then the new one.
		newPassword := "un nouveau mot de passe"
		env := w.env
		env.Stdin = password + "\n" + newPassword + "\n"
		r := w.runIn(t, env, claire, "user", "passwd", "--password-stdin").Want(t, cmdutil.ExitOK)
		wantIn(t, r, "✓ password changed")
		if _, _, err := w.svc.Login(ctx, claire, newPassword); err != nil {
			t.Fatalf("the new password does not sign in: %v", err)
		}
		env.Stdin = "wrong password\n" + newPassword + "\n"
		w.runIn(t, env, claire, "user", "passwd", "--password-stdin").Want(t, cmdutil.ExitForbidden)
		env.Stdin = newPassword + "\n"
		r = w.runIn(t, env, claire, "user", "passwd", "--password-stdin").Want(t, cmdutil.ExitUsage)
		wantIn(t, r, "two lines")
		env.Stdin = newPassword + "\nshort\n"
		w.runIn(t, env, claire, "user", "passwd", "--password-stdin").Want(t, cmdutil.ExitInvalid)
		// Without a terminal nor --password-stdin: nothing is asked.
		r = w.run(t, claire, "user", "passwd").Want(t, cmdutil.ExitUsage)
		wantIn(t, r, "--password-stdin")
		env.Stdin = password + "\n" + newPassword + "\n"
		w.runIn(t, env, "", "user", "passwd", "--password-stdin").Want(t, cmdutil.ExitForbidden)

		// A gestionnaire resets it: the person's sessions end, and a temporary password is
		// mailed to them, made when the message is sent: the gestionnaire never sees it.
		w.run(t, claire, "user", "reset-password", claire).Want(t, cmdutil.ExitForbidden)
		r = w.run(t, adminEmail, "user", "reset-password", strings.ToUpper(claire), "-o", "json").Want(t, cmdutil.ExitOK)
		var reset struct {
			Email  string `json:"email"`
			Mailed bool   `json:"mailed"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &reset); err != nil || reset.Email != claire || !reset.Mailed {
			t.Fatalf("reset-password -o json: %+v, %v\n%s", reset, err, r)
		}
		if temporaryPassword.MatchString(r.Output()) {
			t.Fatalf("reset-password shows a password:\n%s", r)
		}
		wantIn(t, r, "profil mail send")
		w.run(t, claire, "user", "show").Want(t, cmdutil.ExitForbidden)
		if _, _, err := w.svc.Login(ctx, claire, newPassword); err == nil {
			t.Error("the old password still signs in after a reset")
		}
		r = w.run(t, adminEmail, "user", "reset-password", claire).Want(t, cmdutil.ExitOK)
		if r.Stdout != "" {
			t.Errorf("reset-password printed on stdout: %q", r.Stdout)
		}
		wantIn(t, r, "still waits in the outbox")
		u := decodeUser(t, w.run(t, adminEmail, "user", "show", claire, "-o", "json").Want(t, cmdutil.ExitOK).Stdout)
		if !u.MustChangePassword {
			t.Error("after a reset the password must be changed at the next sign-in")
		}
		w.run(t, adminEmail, "user", "reset-password", "nobody@horizons.fr").Want(t, cmdutil.ExitNotFound)
	})
}

func TestAffiliateAndList(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		w.member(t, claire, w.id)
		w.member(t, paul, w.id, "rafael.of-general")
		other := w.structure(t, "GRETA Sud Aquitaine", domain.MakeSIRET("19640001", "0026"))

		// One more structure: an affiliation request.
		r := w.run(t, claire, "user", "affiliate", "--structure", other.SIRET, "-o", "json").Want(t, cmdutil.ExitOK)
		var req struct {
			Kind, Status, UserEmail, StructureName string
		}
		_ = json.Unmarshal([]byte(r.Stdout), &req)
		if req.Kind != "affiliation" || req.Status != "pending" {
			t.Errorf("affiliate printed %s", r.Stdout)
		}
		w.run(t, claire, "user", "affiliate", "--structure", other.SIRET).Want(t, cmdutil.ExitConflict)
		w.run(t, claire, "user", "affiliate", "--structure", w.id).Want(t, cmdutil.ExitConflict)
		w.run(t, claire, "user", "affiliate", "--structure", other.SIRET, "--user", paul).Want(t, cmdutil.ExitForbidden)
		w.run(t, "", "user", "affiliate", "--structure", other.SIRET).Want(t, cmdutil.ExitForbidden)
		r = w.run(t, claire, "user", "affiliate").Want(t, cmdutil.ExitUsage)
		wantIn(t, r, "--structure")

		// The list of one structure: its members may read it; "waiting" marks who has no right.
		r = w.run(t, paul, "user", "list", "--structure", w.id).Want(t, cmdutil.ExitOK)
		for _, line := range strings.Split(strings.TrimSpace(r.Stdout), "\n")[1:] {
			if strings.Contains(line, claire) != strings.Contains(line, "waiting") {
				t.Errorf("only %s waits for rights:\n%s", claire, r.Stdout)
			}
		}
		waiting := membersOf(t, w, claire, w.id, "--without-profiles")
		if len(waiting) != 1 || waiting[claire].Email == "" {
			t.Errorf("--without-profiles = %+v", waiting)
		}

		// Every structure: gestionnaires only.
		r = w.run(t, claire, "user", "list").Want(t, cmdutil.ExitForbidden)
		wantIn(t, r, "only a gestionnaire")
		w.run(t, "", "user", "list").Want(t, cmdutil.ExitForbidden)
		r = w.run(t, adminEmail, "-q", "user", "list").Want(t, cmdutil.ExitOK)
		if got := strings.Fields(r.Stdout); len(got) != 2 {
			t.Errorf("-q user list = %q", got)
		}
		r = w.run(t, adminEmail, "user", "list", "--structure", other.SIRET).Want(t, cmdutil.ExitOK)
		if r.Stdout != "" || !strings.Contains(r.Stderr, "no member") {
			t.Errorf("an empty list:\n%s", r)
		}
		if r = w.run(t, adminEmail, "user", "list", "--structure", other.SIRET, "-o", "json").Want(t, cmdutil.ExitOK); strings.TrimSpace(r.Stdout) != "[]" {
			t.Errorf("an empty list in JSON is []: %q", r.Stdout)
		}
	})
}
