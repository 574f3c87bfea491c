package user_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store/sqlstore"
)

const (
	adminEmail = "jeanne.durand@cap-metiers.fr"
	password   = "correct horse battery staple"
)

// world is a database with a gestionnaire and one training organisation, and the tokens of
// the people in it: commands run as someone with --token, or as nobody without.
type world struct {
	env    clitest.Env
	svc    *service.Service
	admin  domain.Actor
	siret  string // of the structure
	id     string // of the structure, as typed on the command line
	tokens map[string]string
}

func newWorld(t *testing.T, dsn string) *world {
	t.Helper()
	ctx := context.Background()
	env := clitest.NewEnv(t)
	env.DB = dsn
	env.Width = 250 // tables are read whole
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
	w.siret = domain.MakeSIRET("44306184", "0004")
	st := w.structure(t, "Horizons Emploi", w.siret)
	w.id = strconv.FormatInt(st.ID, 10)
	return w
}

func (w *world) structure(t *testing.T, name, siret string) domain.Structure {
	t.Helper()
	kinds := []domain.Kind{domain.KindTrainingOrg}
	postal, city := "33000", "Bordeaux"
	st, err := w.svc.CreateStructure(context.Background(), w.admin, domain.StructureInput{
		Name: &name, SIRET: &siret, PostalCode: &postal, City: &city, Kinds: &kinds,
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// signIn opens a session for email and keeps its token.
func (w *world) signIn(t *testing.T, email string) domain.Actor {
	t.Helper()
	ctx := context.Background()
	token, _, err := w.svc.Login(ctx, email, password)
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	w.tokens[email] = token
	a, err := w.svc.Authenticate(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// member registers email in the structure (id or SIRET), has a gestionnaire approve it with
// profiles, and signs them in. The first member of a structure becomes its référent.
func (w *world) member(t *testing.T, email, structure string, profiles ...string) {
	t.Helper()
	ctx := context.Background()
	ref, err := domain.ParseStructureRef(structure)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(email, ".")
	r, _, err := w.svc.Register(ctx, domain.Anonymous, service.RegisterInput{
		Email: email, FirstName: first, LastName: "Test", Structure: ref, Password: password,
	})
	if err != nil {
		if _, err := w.svc.Affiliate(ctx, w.admin, ref, email); err != nil {
			t.Fatalf("join %s to %s: %v", email, structure, err)
		}
		rs, err := w.svc.ListRequests(ctx, w.admin, service.RequestFilter{})
		if err != nil {
			t.Fatal(err)
		}
		r = rs[len(rs)-1]
	}
	if _, err := w.svc.Decide(ctx, w.admin, r.ID, service.DecideInput{Decision: domain.Approve, Profiles: profiles}); err != nil {
		t.Fatalf("approve %s: %v", email, err)
	}
	if _, ok := w.tokens[email]; !ok {
		w.signIn(t, email)
	}
}

// run runs profil as email ("" for nobody).
func (w *world) run(t *testing.T, email string, args ...string) clitest.Result {
	t.Helper()
	return w.runIn(t, w.env, email, args...)
}

func (w *world) runIn(t *testing.T, env clitest.Env, email string, args ...string) clitest.Result {
	t.Helper()
	if email != "" {
		token, ok := w.tokens[email]
		if !ok {
			t.Fatalf("%s is not signed in", email)
		}
		args = append([]string{"--token", token}, args...)
	}
	return clitest.Run(t, env, args...)
}

func wantIn(t *testing.T, r clitest.Result, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.Stderr, p) {
			t.Errorf("stderr does not say %q:\n%s", p, r)
		}
	}
}
