package service_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/testdb"
)

// decisionWorld is a queue of requests made the same way on any database from one seed:
// structures of both kinds, some with a référent already, several requests per structure,
// affiliations of people who are members elsewhere, an account disabled after it asked, a
// person asking twice, requests decided already.
type decisionWorld struct {
	ids      []int64 // every request, in the order of creation
	referent domain.Actor
	own      []int64 // the requests of the référent who decides
}

func (e *env) decisionWorld(seed uint64) decisionWorld {
	e.t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	must := func(err error) {
		e.t.Helper()
		if err != nil {
			e.t.Fatal(err)
		}
	}
	var w decisionWorld
	if seed%2 == 0 { // mails in English, the portal's setting
		_, err := e.svc.SetSetting(e.ctx, e.manager, domain.SettingMailLanguage, "en")
		must(err)
	}
	var structures []domain.StructureRef
	for i := range 10 {
		kind := domain.KindTrainingOrg
		if i%3 == 2 {
			kind = domain.KindPrescriber
		}
		st, err := e.svc.CreateStructure(e.ctx, e.manager, domain.StructureInput{Name: str(fmt.Sprintf("Structure %02d", i)), Address: str("1 rue X"), Kinds: &[]domain.Kind{kind}})
		must(err)
		structures = append(structures, domain.StructureRef{ID: st.ID})
	}
	register := func(email string, ref domain.StructureRef) int64 {
		r, _, err := e.svc.Register(e.ctx, domain.Anonymous, service.RegisterInput{Email: email, LastName: "Nom", FirstName: "Prénom", Structure: ref})
		must(err)
		w.ids = append(w.ids, r.ID)
		return r.ID
	}
	// Structures 0, 1 and 2 have a référent; the one of structure 0 decides later on.
	var members []string
	for i := range 3 {
		email := fmt.Sprintf("referent%d@x.fr", i)
		_, err := e.svc.Decide(e.ctx, e.manager, register(email, structures[i]), service.DecideInput{Decision: domain.Approve})
		must(err)
		members = append(members, email)
	}
	w.referent, w.own = e.actor("referent0@x.fr"), []int64{w.ids[0]}
	// Account requests, several per structure.
	for i := range 60 {
		register(fmt.Sprintf("personne%02d@x.fr", i), structures[rng.IntN(len(structures))])
	}
	// People who are members already ask for one more structure (or for theirs again).
	for i := range 6 {
		email := fmt.Sprintf("membre%d@x.fr", i)
		id := register(email, structures[rng.IntN(len(structures))])
		_, err := e.svc.Decide(e.ctx, e.manager, id, service.DecideInput{Decision: domain.Approve})
		must(err)
		members = append(members, email)
	}
	for range 12 {
		email := members[rng.IntN(len(members))]
		r, err := e.svc.Affiliate(e.ctx, e.manager, structures[rng.IntN(len(structures))], email)
		if err != nil {
			continue // a member already, or asked already: the same on every database
		}
		w.ids = append(w.ids, r.ID)
		if email == "referent0@x.fr" {
			w.own = append(w.own, r.ID)
		}
	}
	// One person asks for two structures.
	register("deux@x.fr", structures[3])
	r, err := e.svc.Affiliate(e.ctx, e.manager, structures[4], "deux@x.fr")
	must(err)
	w.ids = append(w.ids, r.ID)
	// A member disabled after asking for one more structure.
	r, err = e.svc.Affiliate(e.ctx, e.manager, structures[5], "membre0@x.fr")
	if err == nil {
		w.ids = append(w.ids, r.ID)
	}
	_, err = e.svc.DisableUser(e.ctx, e.manager, service.DisableInput{Email: "membre0@x.fr", Reason: "départ", LeaveNoReferent: true})
	must(err)
	// Some requests decided already.
	for range 5 {
		id := w.ids[3+rng.IntN(len(w.ids)-3)]
		_, _ = e.svc.Decide(e.ctx, e.manager, id, service.DecideInput{Decision: domain.Reject, Reason: "doublon"})
	}
	return w
}

var minutes = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d`)

// worldRuns says which of the world's bulk decisions decideWorld runs: the dry run, and the
// référent's own requests among those the référent decides (a bulk decision holding the
// decider's own requests is decided in the order given).
type worldRuns struct{ dryRun, referentOwn bool }

// allRuns are all the world's bulk decisions.
var allRuns = worldRuns{dryRun: true, referentOwn: true}

// decideWorld runs the same bulk decisions of the world: rejections, a dry run, approvals
// asking for a profile some structures may not hold, approvals by a référent (who may decide
// for their structure only), then approvals of everything, each in a shuffled order with
// repeats and an unknown id. It returns what each decision said.
func (e *env) decideWorld(w decisionWorld, seed uint64, runs worldRuns) []string {
	e.t.Helper()
	rng := rand.New(rand.NewPCG(seed, 2))
	var said []string
	run := func(actor domain.Actor, ids []int64, in service.DecideInput) {
		e.t.Helper()
		err := e.svc.DecideMany(e.ctx, actor, ids, in, func(ds []service.Decision) {
			for _, d := range ds {
				line := fmt.Sprintf("%d: %v %s %v %v", d.ID, d.Outcome.Referent, d.Outcome.Request.Status, d.Outcome.DryRun, d.Err)
				said = append(said, minutes.ReplaceAllString(line, "(time)")) // "already approved on 2026-12-06 23:45"
			}
		})
		if err != nil {
			e.t.Fatal(err)
		}
	}
	pick := func(n int) []int64 {
		ids := slices.Clone(w.ids)
		rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
		ids = ids[:n]
		return append(ids, ids[0], 999999)
	}
	run(e.manager, pick(15), service.DecideInput{Decision: domain.Reject, Reason: "  hors périmètre "})
	if runs.dryRun {
		run(e.manager, pick(20), service.DecideInput{Decision: domain.Approve, DryRun: true})
	}
	run(e.manager, pick(20), service.DecideInput{Decision: domain.Approve, Profiles: []string{"rafael.of-catalogue"}})
	ids := pick(len(w.ids))
	if !runs.referentOwn {
		ids = slices.DeleteFunc(ids, func(id int64) bool { return slices.Contains(w.own, id) })
	}
	run(w.referent, ids, service.DecideInput{Decision: domain.Approve})
	run(e.manager, pick(len(w.ids)), service.DecideInput{Decision: domain.Approve})
	return said
}

// snapshot is what a person could notice of the database, without ids and times: accounts,
// memberships with référents and profiles, requests, audit trail, outbox.
func (e *env) snapshot() string {
	e.t.Helper()
	var b strings.Builder
	err := e.db.View(e.ctx, func(tx store.Tx) error {
		users, err := tx.ListUsers(e.ctx, store.UserQuery{})
		if err != nil {
			return err
		}
		for _, u := range users {
			fmt.Fprintf(&b, "user %s %s\n", u.Email, u.Status)
		}
		members, err := tx.ListMembers(e.ctx, store.MemberQuery{})
		if err != nil {
			return err
		}
		for _, m := range members {
			fmt.Fprintf(&b, "member %s of %s référent=%v profiles=%v\n", m.User.Email, m.StructureName, m.Referent, m.Profiles)
		}
		reqs, err := tx.ListRequests(e.ctx, store.RequestQuery{})
		if err != nil {
			return err
		}
		for _, r := range reqs {
			fmt.Fprintf(&b, "request %d %s %s of %s for %s by %s reason %q decided %v\n", r.ID, r.Kind, r.Status, r.UserEmail, r.StructureName, r.DecidedByEmail, r.Reason, r.DecidedAt != nil)
		}
		events, err := tx.ListAudit(e.ctx, store.AuditQuery{})
		if err != nil {
			return err
		}
		for _, ev := range events {
			fmt.Fprintf(&b, "audit %s by %s on %d: %s %s\n", ev.Action, ev.Actor, ev.StructureID, ev.Target, ev.Details)
		}
		mails, err := tx.ListMail(e.ctx, store.MailQuery{})
		if err != nil {
			return err
		}
		for _, m := range mails {
			fmt.Fprintf(&b, "mail to %s %q %s %v %q\n", m.To, m.Subject, m.Status, m.Sensitive, m.Body)
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return b.String()
}

// The set-based bulk decisions leave the database exactly as deciding request by request does,
// and say the same of every request: the same mix of requests, decided the same way on two
// fresh databases, one each way.
func TestDecideManySetBasedAgreesWithRequestByRequest(t *testing.T) {
	for _, eng := range testdb.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			for _, seed := range []uint64{1, 2} {
				sequential, setBased := newEnv(t, eng.DSN(t)), newEnv(t, eng.DSN(t))
				service.DecideRequestByRequest(sequential.svc)
				var said [2][]string
				for i, e := range []*env{sequential, setBased} {
					said[i] = e.decideWorld(e.decisionWorld(seed), seed, allRuns)
				}
				// Five bulk decisions of one batch each.
				if service.SetBasedBatches(setBased.svc) != 5 || service.SetBasedBatches(sequential.svc) != 0 {
					t.Fatalf("batches decided set-based: %d and %d, want 5 and none",
						service.SetBasedBatches(setBased.svc), service.SetBasedBatches(sequential.svc))
				}
				if got, want := strings.Join(said[1], "\n"), strings.Join(said[0], "\n"); got != want {
					t.Errorf("seed %d: the decisions said otherwise:\n%s", seed, diffLines(got, want))
				}
				if got, want := setBased.snapshot(), sequential.snapshot(); got != want {
					t.Errorf("seed %d: the databases differ:\n%s", seed, diffLines(got, want))
				}
			}
		})
	}
}

// Bulk decisions of several batches, decided one structure (and one person) after another,
// say the same of every request and leave the same database as decided in the order given:
// the world's decisions in batches of 3, by a gestionnaire and by a référent. (Not its dry
// run: each batch of a dry run is rolled back, so what it says depends on which requests
// share a batch.)
func TestDecideManyInItsOrderAgreesWithTheOrderGiven(t *testing.T) {
	for _, eng := range testdb.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			for _, seed := range []uint64{4, 5} {
				given, grouped := newEnv(t, eng.DSN(t)), newEnv(t, eng.DSN(t))
				service.DecideInOrderGiven(given.svc)
				var said [2][]string
				for i, e := range []*env{given, grouped} {
					service.SetDecideBatchSize(e.svc, 3)
					said[i] = e.decideWorld(e.decisionWorld(seed), seed, worldRuns{})
				}
				// Four bulk decisions, the référent's among them.
				if n := service.RegroupedDecisions(grouped.svc); n != 4 {
					t.Fatalf("seed %d: %d bulk decisions of 4 decided in another order than the one given", seed, n)
				}
				if n := service.RegroupedDecisions(given.svc); n != 0 {
					t.Fatalf("seed %d: %d bulk decisions regrouped, want none", seed, n)
				}
				slices.Sort(said[0])
				slices.Sort(said[1])
				if got, want := strings.Join(said[1], "\n"), strings.Join(said[0], "\n"); got != want {
					t.Errorf("seed %d: the decisions said otherwise:\n%s", seed, diffLines(got, want))
				}
				if got, want := sortedLines(grouped.snapshot()), sortedLines(given.snapshot()); got != want {
					t.Errorf("seed %d: the databases differ:\n%s", seed, diffLines(got, want))
				}
			}
		})
	}
}

// sortedLines is s with its lines sorted: a snapshot (one line a row) whose rows were written
// in another order.
func sortedLines(s string) string {
	lines := strings.Split(s, "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// diffLines lists the lines of got and want that differ, by position.
func diffLines(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var b strings.Builder
	shown := 0
	for i := range max(len(g), len(w)) {
		var x, y string
		if i < len(g) {
			x = g[i]
		}
		if i < len(w) {
			y = w[i]
		}
		if x != y && shown < 20 {
			fmt.Fprintf(&b, "line %d:\n  got  %s\n  want %s\n", i+1, x, y)
			shown++
		}
	}
	return b.String()
}

// conflictingAudits is the database with one fault: a bulk write of audit events writes them,
// then fails as a unique constraint would under a race.
type conflictingAudits struct{ store.Store }

func (s conflictingAudits) Update(ctx context.Context, fn func(store.Tx) error) error {
	return s.Store.Update(ctx, func(tx store.Tx) error { return fn(conflictingAuditsTx{tx}) })
}

type conflictingAuditsTx struct{ store.Tx }

func (t conflictingAuditsTx) AppendAudits(ctx context.Context, es []domain.AuditEvent) error {
	if err := t.Tx.AppendAudits(ctx, es); err != nil {
		return err
	}
	return fmt.Errorf("write audit events: %w", domain.ErrConflict)
}

// When a set write fails, the batch's transaction is rolled back and the batch decided request
// by request in a new one: the database ends as if it had been so from the start.
func TestDecideManyFallsBackWhenASetWriteFails(t *testing.T) {
	for _, eng := range testdb.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			sequential, faulty := newEnv(t, eng.DSN(t)), newEnv(t, eng.DSN(t))
			service.DecideRequestByRequest(sequential.svc)
			faulty.svc = service.New(conflictingAudits{faulty.db})
			var said [2][]string
			for i, e := range []*env{sequential, faulty} {
				said[i] = e.decideWorld(e.decisionWorld(3), 3, allRuns)
			}
			if n := service.SetBasedBatches(faulty.svc); n != 0 {
				t.Fatalf("%d batches decided set-based through a failing write", n)
			}
			if got, want := strings.Join(said[1], "\n"), strings.Join(said[0], "\n"); got != want {
				t.Errorf("the decisions said otherwise:\n%s", diffLines(got, want))
			}
			if got, want := faulty.snapshot(), sequential.snapshot(); got != want {
				t.Errorf("the databases differ:\n%s", diffLines(got, want))
			}
		})
	}
}

// A batch that holds a structure request, which creates a structure, is decided request by
// request, all of it.
func TestDecideManyWithAStructureRequest(t *testing.T) {
	testEach(t, func(t *testing.T, e *env) {
		_, ids := e.register("Organisme D", domain.KindTrainingOrg, 2)
		sr, err := e.svc.RequestStructure(e.ctx, domain.Anonymous, domain.StructureInput{SIRET: str("73282932000074"),
			Name: str("Cap Métiers"), Address: str("102 av. de Canéjan"), Kinds: &[]domain.Kind{domain.KindTrainingOrg}}, "demande@x.fr")
		if err != nil {
			t.Fatal(err)
		}
		var got []service.Decision
		err = e.svc.DecideMany(e.ctx, e.manager, []int64{ids[0], sr.ID, ids[1]}, service.DecideInput{Decision: domain.Approve},
			func(ds []service.Decision) { got = append(got, ds...) })
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0].Err != nil || got[1].Err != nil || got[2].Err != nil {
			t.Fatalf("results %+v, want three approvals", got)
		}
		if !got[0].Outcome.Referent || got[2].Outcome.Referent || got[1].Outcome.Request.StructureID == 0 {
			t.Errorf("référents %v %v, structure created %d", got[0].Outcome.Referent, got[2].Outcome.Referent, got[1].Outcome.Request.StructureID)
		}
		if n := service.SetBasedBatches(e.svc); n != 0 {
			t.Errorf("%d batches decided set-based, want none", n)
		}
		if n := len(e.audit("request.approve")); n != 3 {
			t.Errorf("%d request.approve audit events, want 3", n)
		}
	})
}
