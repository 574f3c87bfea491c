package referent_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

const (
	adminEmail = "jeanne.durand@cap-metiers.fr"
	password   = "correct horse battery staple"
	claire     = "claire.martin@horizons.fr" // first member: the référent
	paul       = "paul.leroy@horizons.fr"
	lea        = "lea.bernard@horizons.fr"
)

type world struct {
	env    clitest.Env
	svc    *service.Service
	admin  domain.Actor
	st     domain.Structure
	id     string
	tokens map[string]string
}

// newWorld: a gestionnaire, a structure, and its members claire (référent), paul and lea.
func newWorld(t *testing.T, dsn string) *world {
	t.Helper()
	ctx := context.Background()
	env := clitest.NewEnv(t)
	env.DB = dsn
	clitest.Must(t, env, "init")
	db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w := &world{env: env, svc: service.New(db), tokens: map[string]string{}}
	if _, err := w.svc.Bootstrap(ctx, service.BootstrapInput{Email: adminEmail, FirstName: "Jeanne", LastName: "Durand", Password: password}); err != nil {
		t.Fatal(err)
	}
	w.admin = w.signIn(t, adminEmail)
	name, siret, postal := "Horizons Emploi", domain.MakeSIRET("44306184", "0004"), "33000"
	if w.st, err = w.svc.CreateStructure(ctx, w.admin, domain.StructureInput{Name: &name, SIRET: &siret, PostalCode: &postal}); err != nil {
		t.Fatal(err)
	}
	w.id = strconv.FormatInt(w.st.ID, 10)
	for _, email := range []string{claire, paul, lea} {
		first, _, _ := strings.Cut(email, ".")
		r, _, err := w.svc.Register(ctx, domain.Anonymous, service.RegisterInput{
			Email: email, FirstName: first, LastName: "Test", Structure: domain.StructureRef{ID: w.st.ID}, Password: password,
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Decide(ctx, w.admin, r.ID, service.DecideInput{Decision: domain.Approve}); err != nil {
			t.Fatal(err)
		}
		w.signIn(t, email)
	}
	return w
}

func (w *world) signIn(t *testing.T, email string) domain.Actor {
	t.Helper()
	token, a := clitest.Session(t, w.svc, email, password)
	w.tokens[email] = token
	return a
}

func (w *world) runIn(t *testing.T, env clitest.Env, email string, args ...string) clitest.Result {
	t.Helper()
	if email != "" {
		args = append([]string{"--token", w.tokens[email]}, args...)
	}
	return clitest.Run(t, env, args...)
}

func (w *world) run(t *testing.T, email string, args ...string) clitest.Result {
	t.Helper()
	return w.runIn(t, w.env, email, args...)
}

func (w *world) referent(t *testing.T) string {
	t.Helper()
	st, err := w.svc.Structure(context.Background(), w.admin, domain.StructureRef{ID: w.st.ID})
	if err != nil {
		t.Fatal(err)
	}
	return st.ReferentEmail
}

func TestReferentSet(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)

		// A gestionnaire hands the role over; no terminal: no question.
		r := w.run(t, adminEmail, "referent", "set", "--structure", w.st.SIRET, "--user", paul, "-o", "json").Want(t, cmdutil.ExitOK)
		if want := "✓ " + paul + " is now the référent of Horizons Emploi"; !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r)
		}
		var st struct {
			ReferentEmail string `json:"referent_email"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &st); err != nil || st.ReferentEmail != paul {
			t.Errorf("referent set printed %s (%v)", r.Stdout, err)
		}
		if got := w.referent(t); got != paul {
			t.Fatalf("référent = %q, want %s", got, paul)
		}

		// The référent hands it on to another member.
		w.run(t, paul, "referent", "set", "--structure", w.id, "--user", strings.ToUpper(lea)).Want(t, cmdutil.ExitOK)
		if got := w.referent(t); got != lea {
			t.Fatalf("référent = %q, want %s", got, lea)
		}

		// Refusals: a plain member, nobody signed in, someone not a member, the référent again.
		r = w.run(t, claire, "referent", "set", "--structure", w.id, "--user", claire).Want(t, cmdutil.ExitForbidden)
		if !strings.Contains(r.Stderr, "only the référent of the structure or a gestionnaire") {
			t.Errorf("message:\n%s", r)
		}
		w.run(t, "", "referent", "set", "--structure", w.id, "--user", claire).Want(t, cmdutil.ExitForbidden)
		w.run(t, adminEmail, "referent", "set", "--structure", w.id, "--user", adminEmail).Want(t, cmdutil.ExitConflict)
		w.run(t, adminEmail, "referent", "set", "--structure", w.id, "--user", lea).Want(t, cmdutil.ExitConflict)
		w.run(t, adminEmail, "referent", "set", "--structure", w.id, "--user", "nobody@horizons.fr").Want(t, cmdutil.ExitNotFound)
		w.run(t, adminEmail, "referent", "set", "--structure", "999", "--user", claire).Want(t, cmdutil.ExitNotFound)
		r = w.run(t, adminEmail, "referent", "set", "--structure", w.id).Want(t, cmdutil.ExitUsage)
		if !strings.Contains(r.Stderr, "--user") {
			t.Errorf("the usage error should name --user:\n%s", r)
		}
		w.run(t, adminEmail, "referent", "set", "--user", claire).Want(t, cmdutil.ExitUsage)
		if got := w.referent(t); got != lea {
			t.Errorf("a refusal changed the référent to %q", got)
		}
	})
}

// On a terminal the hand-over is confirmed, naming who steps down; --yes asks nothing.
func TestReferentSetConfirms(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t))
	env := w.env
	env.StdinTTY, env.StdoutTTY, env.StderrTTY = true, true, true

	p := prompt.NewScripted(prompt.AnswerConfirm(false))
	env.Prompter = p
	r := w.runIn(t, env, adminEmail, "referent", "set", "--structure", w.id, "--user", paul).Want(t, cmdutil.ExitError)
	if asked := p.Asked(); len(asked) != 1 || !strings.Contains(asked[0], paul) || !strings.Contains(asked[0], "instead of "+claire) {
		t.Errorf("asked %q", asked)
	}
	if !strings.Contains(r.Stderr, "cancelled") || w.referent(t) != claire {
		t.Errorf("answering no should change nothing:\n%s", r)
	}

	p = prompt.NewScripted(prompt.AnswerConfirm(true))
	env.Prompter = p
	w.runIn(t, env, adminEmail, "referent", "set", "--structure", w.id, "--user", paul).Want(t, cmdutil.ExitOK)
	if w.referent(t) != paul {
		t.Error("answering yes did not hand over")
	}

	p = prompt.NewScripted()
	env.Prompter = p
	w.runIn(t, env, adminEmail, "--yes", "referent", "set", "--structure", w.id, "--user", lea).Want(t, cmdutil.ExitOK)
	if len(p.Asked()) != 0 || w.referent(t) != lea {
		t.Errorf("--yes: asked %q, référent %q", p.Asked(), w.referent(t))
	}
}
