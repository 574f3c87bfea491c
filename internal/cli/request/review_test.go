package request_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

const (
	paul   = "paul.leroy@horizons.fr"
	lea    = "lea.bernard@horizons.fr"
	claire = "claire.martin@bordeaux-formation.fr"
	reason = "Personne inconnue de la structure"
)

// The profiles a training organisation allows, in catalogue order, as the MultiSelect lists them.
const (
	optOFCatalogue = 0
	optOFGeneral   = 2
	optEmployer    = 3
)

// reviewWorld is a database with a signed-in gestionnaire and a queue of three requests for
// Horizons Emploi: Paul's and Léa's new accounts, then Claire's affiliation (she is already the
// référente of Bordeaux Formation).
type reviewWorld struct {
	env                clitest.Env
	svc                *service.Service
	admin              domain.Actor
	paul, lea, claire  int64 // request ids, oldest first
	horizons, bordeaux domain.Structure
}

func newReviewWorld(t *testing.T, dsn string) *reviewWorld {
	t.Helper()
	ctx := context.Background()
	env := clitest.NewEnv(t)
	env.DB = dsn
	clitest.SignIn(t, env)
	db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w := &reviewWorld{env: env, svc: service.New(db)}
	token, _, err := w.svc.Login(ctx, clitest.AdminEmail, clitest.AdminPassword)
	if err != nil {
		t.Fatal(err)
	}
	if w.admin, err = w.svc.Authenticate(ctx, token); err != nil {
		t.Fatal(err)
	}
	w.horizons = w.structure(t, "Horizons Emploi", domain.MakeSIRET("44306184", "0004"))
	w.bordeaux = w.structure(t, "Bordeaux Formation", domain.MakeSIRET("82422814", "0107"))

	c := w.register(t, claire, "Claire", "Martin", w.bordeaux)
	if _, err := w.svc.Decide(ctx, w.admin, c.ID, service.DecideInput{Decision: domain.Approve}); err != nil {
		t.Fatal(err)
	}
	w.paul = w.register(t, paul, "Paul", "Leroy", w.horizons).ID
	w.lea = w.register(t, lea, "Léa", "Bernard", w.horizons).ID
	a, err := w.svc.Affiliate(ctx, w.admin, domain.StructureRef{ID: w.horizons.ID}, claire)
	if err != nil {
		t.Fatal(err)
	}
	w.claire = a.ID
	return w
}

func (w *reviewWorld) structure(t *testing.T, name, siret string) domain.Structure {
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

func (w *reviewWorld) register(t *testing.T, email, first, last string, st domain.Structure) domain.Request {
	t.Helper()
	r, _, err := w.svc.Register(context.Background(), domain.Anonymous, service.RegisterInput{
		Email: email, FirstName: first, LastName: last, Structure: domain.StructureRef{ID: st.ID},
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// onTerminal is the environment of a person at a terminal answering with p.
func (w *reviewWorld) onTerminal(p prompt.Prompter) clitest.Env {
	env := w.env
	env.StdinTTY, env.StdoutTTY, env.StderrTTY = true, true, true
	env.Prompter = p
	return env
}

// requests maps request ids to their state in the database.
func (w *reviewWorld) requests(t *testing.T) map[int64]domain.Request {
	t.Helper()
	rs, err := w.svc.ListRequests(context.Background(), w.admin, service.RequestFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]domain.Request{}
	for _, r := range rs {
		out[r.ID] = r
	}
	return out
}

func (w *reviewWorld) wantStatus(t *testing.T, want map[int64]domain.RequestStatus) {
	t.Helper()
	got := w.requests(t)
	for id, status := range want {
		if got[id].Status != status {
			t.Errorf("request %d is %s, want %s", id, got[id].Status, status)
		}
	}
}

func wantIn(t *testing.T, r clitest.Result, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.Stderr, p) {
			t.Errorf("stderr lacks %q:\n%s", p, r)
		}
	}
}

func TestReviewDecidesTheQueue(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newReviewWorld(t, dsn)
		p := prompt.NewScripted(
			// Paul: approve with profiles; two of the training-org family are refused first.
			prompt.AnswerSelect(1),
			prompt.AnswerMultiSelect(optOFCatalogue, optOFGeneral),
			prompt.AnswerMultiSelect(optOFGeneral, optEmployer),
			// Léa: reject; an empty reason is asked again.
			prompt.AnswerSelect(2),
			prompt.AnswerInput("  "),
			prompt.AnswerInput(reason),
			// Claire: skip.
			prompt.AnswerSelect(3),
		)
		r := clitest.Run(t, w.onTerminal(p), "request", "review").Want(t, cmdutil.ExitOK)
		if p.Remaining() != 0 {
			t.Errorf("%d answers left; asked %q\n%s", p.Remaining(), p.Asked(), r)
		}
		if r.Stdout != "" {
			t.Errorf("review printed on stdout: %q", r.Stdout)
		}
		wantIn(t, r,
			"3 requests wait for you",
			fmt.Sprintf("[1/3] Request %d · account", w.paul),
			"Paul Leroy <"+paul+">",
			"Horizons Emploi · SIRET "+present.FormatSIRET(w.horizons.SIRET),
			"none yet: approving makes this person its référent",
			"no other structure (new account)",
			"rafael.of-catalogue and rafael.of-general are both training-org profiles",
			fmt.Sprintf("✓ approved request %d (%s → Horizons Emploi) with rafael.of-general, parcourspro.employer; now its référent", w.paul, paul),
			"a reason is required to reject",
			fmt.Sprintf("✓ rejected request %d (%s → Horizons Emploi)", w.lea, lea),
			fmt.Sprintf("[3/3] Request %d · affiliation", w.claire),
			"Bordeaux Formation · SIRET "+present.FormatSIRET(w.bordeaux.SIRET)+" — référent",
			fmt.Sprintf("– skipped request %d", w.claire),
			"Summary: approved 1, rejected 1, skipped 1, errors 0\n",
		)
		// The MultiSelect offered only what a training organisation allows, without the
		// automatic bénéficiaire profile, and was asked again after the refusal.
		asked := p.Asked()
		if n := countPrefix(asked, "Profiles to grant in Horizons Emploi"); n != 2 {
			t.Errorf("profiles asked %d times, want 2: %q", n, asked)
		}

		got := w.requests(t)
		if got[w.paul].Status != domain.StatusApproved || got[w.lea].Status != domain.StatusRejected || got[w.claire].Status != domain.StatusPending {
			t.Errorf("statuses: paul %s, léa %s, claire %s", got[w.paul].Status, got[w.lea].Status, got[w.claire].Status)
		}
		if got[w.lea].Reason != reason {
			t.Errorf("reason stored = %q, want %q", got[w.lea].Reason, reason)
		}
		d, err := w.svc.User(context.Background(), w.admin, paul)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Memberships) != 1 || !d.Memberships[0].Referent {
			t.Fatalf("paul's memberships = %+v", d.Memberships)
		}
		want := []string{"parcourspro.beneficiary", "parcourspro.employer", "rafael.of-general"}
		if held := slices.Sorted(slices.Values(d.Memberships[0].Profiles)); !slices.Equal(held, want) {
			t.Errorf("paul holds %q, want %q", held, want)
		}
		if d, err := w.svc.User(context.Background(), w.admin, lea); err != nil || d.User.Status != domain.UserRefused {
			t.Errorf("léa's account: %+v, %v", d.User.Status, err)
		}

		// The skipped request is the only one left.
		p = prompt.NewScripted(prompt.AnswerSelect(4))
		r = clitest.Run(t, w.onTerminal(p), "request", "review").Want(t, cmdutil.ExitOK)
		wantIn(t, r, "1 request waits for you", fmt.Sprintf("[1/1] Request %d", w.claire), "Summary: approved 0, rejected 0, skipped 0, errors 0 (1 not reviewed)")
	})
}

func TestReviewStopsEarly(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newReviewWorld(t, dsn)
		pending := map[int64]domain.RequestStatus{w.paul: domain.StatusPending, w.lea: domain.StatusPending, w.claire: domain.StatusPending}

		// Quit on the first request: nothing decided, still a summary, exit 0.
		p := prompt.NewScripted(prompt.AnswerSelect(4))
		r := clitest.Run(t, w.onTerminal(p), "request", "review").Want(t, cmdutil.ExitOK)
		wantIn(t, r, "Summary: approved 0, rejected 0, skipped 0, errors 0 (3 not reviewed)")
		if p.Remaining() != 0 || len(p.Asked()) != 1 {
			t.Errorf("asked %q", p.Asked())
		}
		w.wantStatus(t, pending)

		// Ctrl-C on the reason: the approval before it stays, the summary is printed, and the
		// command exits 130, as an interrupted program does.
		p = prompt.NewScripted(prompt.AnswerSelect(0), prompt.AnswerSelect(2), prompt.AnswerInterrupt(prompt.MethodInput))
		r = clitest.Run(t, w.onTerminal(p), "request", "review").Want(t, 130)
		wantIn(t, r, fmt.Sprintf("✓ approved request %d", w.paul), "Summary: approved 1, rejected 0, skipped 0, errors 0 (2 not reviewed)\n",
			"interrupted: the decisions above are taken, the other requests are untouched")
		if strings.Contains(r.Stderr, "profil:") {
			t.Errorf("a cancellation is not an error:\n%s", r)
		}
		w.wantStatus(t, map[int64]domain.RequestStatus{w.paul: domain.StatusApproved, w.lea: domain.StatusPending, w.claire: domain.StatusPending})

		// Esc in the reason and in the profiles goes back to the choices; Esc in the choices
		// asks them again.
		p = prompt.NewScripted(prompt.AnswerSelect(2), prompt.AnswerBack(prompt.MethodInput),
			prompt.AnswerSelect(1), prompt.AnswerBack(prompt.MethodMultiSelect),
			prompt.AnswerBack(prompt.MethodSelect), prompt.AnswerSelect(4))
		r = clitest.Run(t, w.onTerminal(p), "request", "review").Want(t, cmdutil.ExitOK)
		wantIn(t, r, "Esc: nothing to go back to", "Summary: approved 0, rejected 0, skipped 0, errors 0 (2 not reviewed)")
		if p.Remaining() != 0 {
			t.Errorf("asked %q", p.Asked())
		}
		w.wantStatus(t, map[int64]domain.RequestStatus{w.lea: domain.StatusPending})

		// Nothing checked in the profiles goes back to the choices instead of approving.
		p = prompt.NewScripted(prompt.AnswerSelect(1), prompt.AnswerMultiSelect(), prompt.AnswerSelect(4))
		r = clitest.Run(t, w.onTerminal(p), "request", "review").Want(t, cmdutil.ExitOK)
		wantIn(t, r, "no profile checked", "Summary: approved 0, rejected 0, skipped 0, errors 0 (2 not reviewed)")
		if p.Remaining() != 0 {
			t.Errorf("asked %q", p.Asked())
		}
		w.wantStatus(t, map[int64]domain.RequestStatus{w.lea: domain.StatusPending})
	})
}

// decidedMeanwhile is a Prompter whose user is slower than another decider: before answering
// the first question on request id, someone else rejects it.
type decidedMeanwhile struct {
	prompt.Prompter
	w    *reviewWorld
	id   int64
	done bool
}

func (d *decidedMeanwhile) Select(message string, options []string, def int) (int, error) {
	if !d.done && strings.Contains(message, fmt.Sprintf("Request %d ", d.id)) {
		d.done = true
		if _, err := d.w.svc.Decide(context.Background(), d.w.admin, d.id, service.DecideInput{Decision: domain.Reject, Reason: "doublon"}); err != nil {
			return 0, err
		}
	}
	return d.Prompter.Select(message, options, def)
}

func TestReviewReportsRefusedDecisions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newReviewWorld(t, dsn)
		p := &decidedMeanwhile{
			Prompter: prompt.NewScripted(prompt.AnswerSelect(0), prompt.AnswerSelect(3), prompt.AnswerSelect(0)),
			w:        w, id: w.paul,
		}
		r := clitest.Run(t, w.onTerminal(p), "request", "review", "-o", "json").Want(t, cmdutil.ExitConflict)
		wantIn(t, r,
			fmt.Sprintf("✗ request %d: request %d is already rejected", w.paul, w.paul),
			fmt.Sprintf("✓ approved request %d (%s → Horizons Emploi)", w.claire, claire),
			"Summary: approved 1, rejected 0, skipped 1, errors 1\n",
		)
		var results []struct {
			ID     int64  `json:"id"`
			Result string `json:"result"`
			Error  string `json:"error"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &results); err != nil {
			t.Fatalf("%v\n%s", err, r)
		}
		if len(results) != 3 || results[0].Result != "error" || results[0].Error == "" ||
			results[1].ID != w.lea || results[1].Result != "skipped" || results[2].ID != w.claire || results[2].Result != "approved" {
			t.Errorf("results = %+v", results)
		}
		w.wantStatus(t, map[int64]domain.RequestStatus{w.paul: domain.StatusRejected, w.lea: domain.StatusPending, w.claire: domain.StatusApproved})
	})
}

func TestReviewEmptyQueue(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		env := clitest.NewEnv(t)
		env.DB = dsn
		clitest.SignIn(t, env)
		env.StdinTTY, env.StdoutTTY, env.StderrTTY = true, true, true
		p := prompt.NewScripted()
		env.Prompter = p
		r := clitest.Run(t, env, "request", "review").Want(t, cmdutil.ExitOK)
		if strings.TrimSpace(r.Stderr) != "no request waits for you" || r.Stdout != "" {
			t.Errorf("empty queue:\n%s", r)
		}
		if len(p.Asked()) != 0 {
			t.Errorf("asked %q", p.Asked())
		}
		r = clitest.Run(t, env, "request", "review", "-o", "json").Want(t, cmdutil.ExitOK)
		if strings.TrimSpace(r.Stdout) != "[]" {
			t.Errorf("-o json on an empty queue: %q", r.Stdout)
		}
	})
}

func TestReviewNeedsATerminal(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newReviewWorld(t, dsn)
		cases := map[string]struct {
			env  clitest.Env
			args []string
		}{
			"piped":       {w.env, nil},
			"stdin piped": {func() clitest.Env { e := w.onTerminal(prompt.NewScripted()); e.StdinTTY = false; return e }(), nil},
			"--yes":       {w.onTerminal(prompt.NewScripted()), []string{"--yes"}},
		}
		for name, c := range cases {
			t.Run(name, func(t *testing.T) {
				args := append([]string{"request", "review"}, c.args...)
				r := clitest.Run(t, c.env, args...).Want(t, cmdutil.ExitUsage)
				wantIn(t, r, "needs a terminal", "profil request list", "profil request approve|reject")
			})
		}
		w.wantStatus(t, map[int64]domain.RequestStatus{w.paul: domain.StatusPending, w.lea: domain.StatusPending, w.claire: domain.StatusPending})
	})
}

func countPrefix(list []string, prefix string) int {
	n := 0
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}
