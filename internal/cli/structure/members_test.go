package structure_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

const (
	adminEmail = "jeanne.durand@cap-metiers.fr"
	password   = "correct horse battery staple"
	claire     = "claire.martin@horizons.fr"
	paul       = "paul.leroy@horizons.fr"
	lea        = "lea.bernard@horizons.fr"
)

// membersWorld is a database with a gestionnaire and a training organisation; people act with
// --token, or as nobody without.
type membersWorld struct {
	env    clitest.Env
	svc    *service.Service
	admin  domain.Actor
	st     domain.Structure
	tokens map[string]string
}

func newMembersWorld(t *testing.T, dsn string) *membersWorld {
	t.Helper()
	ctx := context.Background()
	env := clitest.NewEnv(t)
	env.DB, env.Width = dsn, 250
	clitest.Must(t, env, "init")
	db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w := &membersWorld{env: env, svc: service.New(db), tokens: map[string]string{}}
	if _, err := w.svc.Bootstrap(ctx, service.BootstrapInput{Email: adminEmail, FirstName: "Jeanne", LastName: "Durand", Password: password}); err != nil {
		t.Fatal(err)
	}
	w.admin = w.signIn(t, adminEmail)
	name, siret, postal := "Horizons Emploi", domain.MakeSIRET("44306184", "0004"), "33000"
	kinds := []domain.Kind{domain.KindTrainingOrg}
	if w.st, err = w.svc.CreateStructure(ctx, w.admin, domain.StructureInput{Name: &name, SIRET: &siret, PostalCode: &postal, Kinds: &kinds}); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *membersWorld) signIn(t *testing.T, email string) domain.Actor {
	t.Helper()
	token, a := clitest.Session(t, w.svc, email, password)
	w.tokens[email] = token
	return a
}

// member registers email in the structure and has a gestionnaire approve it with profiles.
func (w *membersWorld) member(t *testing.T, email string, profiles ...string) {
	t.Helper()
	ctx := context.Background()
	first, _, _ := strings.Cut(email, ".")
	r, _, err := w.svc.Register(ctx, domain.Anonymous, service.RegisterInput{
		Email: email, FirstName: first, LastName: "Test", Structure: domain.StructureRef{ID: w.st.ID}, Password: password,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Decide(ctx, w.admin, r.ID, service.DecideInput{Decision: domain.Approve, Profiles: profiles}); err != nil {
		t.Fatal(err)
	}
	w.signIn(t, email)
}

func (w *membersWorld) run(t *testing.T, email string, args ...string) clitest.Result {
	t.Helper()
	if email != "" {
		args = append([]string{"--token", w.tokens[email]}, args...)
	}
	return clitest.Run(t, w.env, args...)
}

func TestMembers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newMembersWorld(t, dsn)
		id := strconv.FormatInt(w.st.ID, 10)
		w.member(t, claire)                                            // the référent, no right yet
		w.member(t, paul, "rafael.of-general", "parcourspro.employer") // rights assigned
		w.member(t, lea)                                               // waiting

		// The whole list, by id or SIRET, for a member of the structure.
		r := w.run(t, lea, "structure", "members", w.st.SIRET, "-o", "json").Want(t, cmdutil.ExitOK)
		var rows []map[string]any
		if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil {
			t.Fatalf("%v\n%s", err, r)
		}
		if len(rows) != 3 {
			t.Fatalf("3 members expected:\n%s", r.Stdout)
		}
		for _, key := range []string{"email", "last_name", "first_name", "function", "phone", "structure_id", "siret", "structure_name", "referent", "employer", "profiles"} {
			if _, ok := rows[0][key]; !ok {
				t.Errorf("member JSON has no %q: %v", key, rows[0])
			}
		}

		// --without-profiles: only the people waiting for rights (the bénéficiaire does not count).
		r = w.run(t, claire, "-q", "structure", "members", id, "--without-profiles").Want(t, cmdutil.ExitOK)
		got := strings.Fields(r.Stdout)
		if len(got) != 2 || !strings.Contains(r.Stdout, claire) || !strings.Contains(r.Stdout, lea) {
			t.Errorf("--without-profiles listed %q, want %s and %s", got, claire, lea)
		}

		// The table shows who waits.
		r = w.run(t, claire, "structure", "members", id).Want(t, cmdutil.ExitOK)
		for _, line := range strings.Split(strings.TrimSpace(r.Stdout), "\n")[1:] {
			if strings.Contains(line, paul) == strings.Contains(line, "waiting") {
				t.Errorf("only %s has rights:\n%s", paul, r.Stdout)
			}
			if strings.Contains(line, claire) != strings.Contains(line, "★") {
				t.Errorf("the référent has the star:\n%s", r.Stdout)
			}
		}

		// CSV: the member fields as header, lists joined with "|".
		r = w.run(t, adminEmail, "structure", "members", id, "-o", "csv").Want(t, cmdutil.ExitOK)
		records, err := csv.NewReader(strings.NewReader(r.Stdout)).ReadAll()
		if err != nil {
			t.Fatalf("%v\n%s", err, r.Stdout)
		}
		if strings.Join(records[0], ",") != "email,last_name,first_name,function,phone,structure_id,siret,structure_name,referent,employer,profiles" {
			t.Errorf("CSV header = %v", records[0])
		}
		for _, rec := range records[1:] {
			if rec[0] == paul && rec[10] != "parcourspro.beneficiary|parcourspro.employer|rafael.of-general" {
				t.Errorf("CSV profiles of %s = %q", paul, rec[10])
			}
		}

		// A disabled account says so in the table; the machine shapes keep their fields.
		if _, err := w.svc.DisableUser(context.Background(), w.admin, service.DisableInput{Email: lea, Reason: "départ"}); err != nil {
			t.Fatal(err)
		}
		r = w.run(t, claire, "structure", "members", id).Want(t, cmdutil.ExitOK)
		for _, line := range strings.Split(strings.TrimSpace(r.Stdout), "\n")[1:] {
			if strings.Contains(line, lea) != strings.Contains(line, "account disabled") {
				t.Errorf("only %s is disabled:\n%s", lea, r.Stdout)
			}
		}
		r = w.run(t, adminEmail, "structure", "members", id, "-o", "csv").Want(t, cmdutil.ExitOK)
		if header, _, _ := strings.Cut(r.Stdout, "\n"); header != "email,last_name,first_name,function,phone,structure_id,siret,structure_name,referent,employer,profiles" {
			t.Errorf("CSV header with a disabled member = %q", header)
		}

		// Nobody waiting: nothing on stdout, a word on stderr; JSON stays a list.
		w.run(t, adminEmail, "user", "detach", lea, "--structure", id).Want(t, cmdutil.ExitOK)
		w.run(t, adminEmail, "user", "detach", claire, "--structure", id, "--new-referent", paul).Want(t, cmdutil.ExitOK)
		r = w.run(t, adminEmail, "structure", "members", id, "--without-profiles").Want(t, cmdutil.ExitOK)
		if r.Stdout != "" || !strings.Contains(r.Stderr, "nobody in Horizons Emploi waits for rights") {
			t.Errorf("empty --without-profiles:\n%s", r)
		}
		r = w.run(t, adminEmail, "structure", "members", id, "--without-profiles", "-o", "json").Want(t, cmdutil.ExitOK)
		if strings.TrimSpace(r.Stdout) != "[]" {
			t.Errorf("empty list in JSON = %q", r.Stdout)
		}

		// Refusals.
		w.run(t, "", "structure", "members", id).Want(t, cmdutil.ExitForbidden)
		w.run(t, lea, "structure", "members", id).Want(t, cmdutil.ExitForbidden) // detached: no longer a member
		w.run(t, adminEmail, "structure", "members", "999").Want(t, cmdutil.ExitNotFound)
		w.run(t, adminEmail, "structure", "members").Want(t, cmdutil.ExitUsage)
	})
}

// Who waits for rights is decided by the catalogue: holding only profiles the catalogue
// grants automatically is waiting, whichever they are. Here the portal makes
// parcourspro.employer automatic too; Max, who holds it, then waits in the member list, in
// `user show` and in --without-profiles alike, in English and in French.
func TestWaitingForRightsAsksTheCatalogue(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newMembersWorld(t, dsn)
		id := strconv.FormatInt(w.st.ID, 10)
		const max = "max.dupont@horizons.fr"
		w.member(t, claire)
		w.member(t, paul, "rafael.of-general")
		w.member(t, max, "parcourspro.employer")

		waiting := func() []string {
			t.Helper()
			var out []string
			r := w.run(t, claire, "structure", "members", id).Want(t, cmdutil.ExitOK)
			for _, line := range strings.Split(strings.TrimSpace(r.Stdout), "\n")[1:] {
				if strings.Contains(line, "waiting for rights") {
					out = append(out, strings.Fields(line)[2])
				}
			}
			return out
		}
		if got := waiting(); len(got) != 1 || got[0] != claire {
			t.Fatalf("waiting = %q, want only %s", got, claire)
		}

		db, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.SQL().Exec(`UPDATE profiles SET automatic = TRUE WHERE code = 'parcourspro.employer'`); err != nil {
			t.Fatal(err)
		}

		if got := waiting(); len(got) != 2 || !slices.Contains(got, max) {
			t.Errorf("with parcourspro.employer automatic, waiting = %q, want %s and %s", got, claire, max)
		}
		r := w.run(t, adminEmail, "user", "show", max).Want(t, cmdutil.ExitOK)
		if !strings.Contains(r.Stdout, "Horizons Emploi: waiting for rights") {
			t.Errorf("user show does not say %s waits for rights:\n%s", max, r.Stdout)
		}
		t.Setenv("LANG", "fr_FR.UTF-8")
		r = w.run(t, adminEmail, "user", "show", max).Want(t, cmdutil.ExitOK)
		if !strings.Contains(r.Stdout, "Horizons Emploi\u00a0: en attente de droits") || !strings.Contains(r.Stdout, "Droits\u00a0:") {
			t.Errorf("user show in French:\n%s", r.Stdout)
		}
		t.Setenv("LANG", "C")
		r = w.run(t, claire, "-q", "structure", "members", id, "--without-profiles").Want(t, cmdutil.ExitOK)
		if got := strings.Fields(r.Stdout); len(got) != 2 || !slices.Contains(got, max) {
			t.Errorf("--without-profiles = %q, want %s and %s", got, claire, max)
		}
	})
}
