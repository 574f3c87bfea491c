package service_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
)

// register makes n pending account requests for a new structure of the given kind.
func (e *env) register(name string, kind domain.Kind, n int) (domain.StructureRef, []int64) {
	e.t.Helper()
	st, err := e.svc.CreateStructure(e.ctx, e.manager, domain.StructureInput{Name: str(name), Address: str("1 rue X"), Kinds: &[]domain.Kind{kind}})
	if err != nil {
		e.t.Fatal(err)
	}
	ref := domain.StructureRef{ID: st.ID}
	var ids []int64
	for i := range n {
		r, _, err := e.svc.Register(e.ctx, domain.Anonymous, service.RegisterInput{Email: fmt.Sprintf("p%d.%d@x.fr", st.ID, i), LastName: "L", FirstName: "F", Structure: ref})
		if err != nil {
			e.t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	return ref, ids
}

// A bulk decision decides each request on its own: one that fails, even after it has written
// (here the profile asked is refused on a structure that is not a training org, after the
// membership is made), leaves nothing of itself and takes nothing from the others.
func TestDecideManyDecidesEachRequestOnItsOwn(t *testing.T) {
	testEach(t, func(t *testing.T, e *env) {
		training, tr := e.register("Organisme A", domain.KindTrainingOrg, 2)
		_, pr := e.register("Mission locale B", domain.KindPrescriber, 1)
		if _, err := e.svc.Decide(e.ctx, e.manager, tr[1], service.DecideInput{Decision: domain.Reject, Reason: "inconnu"}); err != nil {
			t.Fatal(err)
		}
		ids := []int64{tr[0], 999999, pr[0], tr[0], tr[1]}
		var got []service.Decision
		calls := 0
		err := e.svc.DecideMany(e.ctx, e.manager, ids, service.DecideInput{Decision: domain.Approve, Profiles: []string{"rafael.of-catalogue"}},
			func(ds []service.Decision) { calls++; got = append(got, ds...) })
		if err != nil {
			t.Fatal(err)
		}
		if calls != 1 || len(got) != 4 {
			t.Fatalf("%d reports of %d results, want one report of 4 (the repeated id once)", calls, len(got))
		}
		want := []struct {
			id  int64
			err error
		}{{tr[0], nil}, {999999, domain.ErrNotFound}, {pr[0], domain.ErrConflict}, {tr[1], domain.ErrConflict}}
		for i, w := range want {
			if got[i].ID != w.id || (w.err == nil) != (got[i].Err == nil) || (w.err != nil && !errors.Is(got[i].Err, w.err)) {
				t.Errorf("result %d = id %d, %v; want id %d, %v", i, got[i].ID, got[i].Err, w.id, w.err)
			}
		}
		if !got[0].Outcome.Referent {
			t.Error("the first member of the structure did not become its référent")
		}
		if r, _ := e.svc.Request(e.ctx, e.manager, pr[0]); r.Status != domain.StatusPending {
			t.Errorf("the refused approval left its request %s", r.Status)
		}
		members, _, err := e.svc.Members(e.ctx, e.manager, domain.StructureRef{ID: got[2].Outcome.Request.StructureID}, false)
		if err != nil || len(members) != 0 {
			t.Errorf("the refused approval left %d members (%v)", len(members), err)
		}
		members, _, err = e.svc.Members(e.ctx, e.manager, training, false)
		if err != nil || len(members) != 1 {
			t.Fatalf("members of the training org: %d, %v", len(members), err)
		}
		if n := len(e.audit("request.approve")); n != 1 {
			t.Errorf("%d request.approve audit events, want 1", n)
		}
	})
}

// Requests beyond one batch are decided in several transactions, each reported once
// committed; a dry run reports them all and changes nothing.
func TestDecideManyInBatches(t *testing.T) {
	testEach(t, func(t *testing.T, e *env) {
		_, ids := e.register("Organisme C", domain.KindTrainingOrg, service.DecideBatchSize+3)
		var sizes []int
		dry := service.DecideInput{Decision: domain.Approve, DryRun: true}
		if err := e.svc.DecideMany(e.ctx, e.manager, ids, dry, func(ds []service.Decision) { sizes = append(sizes, len(ds)) }); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(sizes) != fmt.Sprint([]int{service.DecideBatchSize, 3}) {
			t.Errorf("dry run reported batches of %v", sizes)
		}
		if n := len(e.audit("request.approve")); n != 0 {
			t.Fatalf("a dry run wrote %d audit events", n)
		}
		approved := 0
		if err := e.svc.DecideMany(e.ctx, e.manager, ids, service.DecideInput{Decision: domain.Approve}, func(ds []service.Decision) {
			for _, d := range ds {
				if d.Err != nil {
					t.Errorf("request %d: %v", d.ID, d.Err)
				} else if !d.Outcome.DryRun {
					approved++
				}
			}
		}); err != nil {
			t.Fatal(err)
		}
		if approved != len(ids) || len(e.audit("request.approve")) != len(ids) || len(e.audit("referent.set")) != 1 {
			t.Errorf("approved %d of %d, %d audit events, %d référents", approved, len(ids), len(e.audit("request.approve")), len(e.audit("referent.set")))
		}
	})
}

// Requests beyond one batch are decided one structure after another, each structure's in the
// order given, so that its first request approved makes its référent; one batch is decided in
// the order given.
func TestDecideManyOneStructureAfterAnother(t *testing.T) {
	testEach(t, func(t *testing.T, e *env) {
		service.SetDecideBatchSize(e.svc, 4)
		_, a := e.register("Organisme E", domain.KindTrainingOrg, 4)
		_, b := e.register("Organisme F", domain.KindTrainingOrg, 4)
		var batches [][]int64
		var referents []int64
		approve := func(ids []int64) {
			t.Helper()
			batches = nil
			err := e.svc.DecideMany(e.ctx, e.manager, ids, service.DecideInput{Decision: domain.Approve}, func(ds []service.Decision) {
				var batch []int64
				for _, d := range ds {
					if d.Err != nil {
						t.Errorf("request %d: %v", d.ID, d.Err)
					}
					if d.Outcome.Referent {
						referents = append(referents, d.ID)
					}
					batch = append(batch, d.ID)
				}
				batches = append(batches, batch)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		approve([]int64{a[1], b[1], a[0], b[0], a[2], b[2]})
		if want := [][]int64{{a[1], a[0], a[2], b[1]}, {b[0], b[2]}}; fmt.Sprint(batches) != fmt.Sprint(want) {
			t.Errorf("batches decided as %v, want %v", batches, want)
		}
		if want := []int64{a[1], b[1]}; fmt.Sprint(referents) != fmt.Sprint(want) {
			t.Errorf("référents made by requests %v, want %v (the first approved of each structure)", referents, want)
		}
		approve([]int64{b[3], a[3]})
		if want := [][]int64{{b[3], a[3]}}; fmt.Sprint(batches) != fmt.Sprint(want) {
			t.Errorf("one batch decided as %v, want %v", batches, want)
		}
	})
}

// A bulk decision without a report (a client of the server that asks for no results) decides
// all the same.
func TestDecideManyWithoutReport(t *testing.T) {
	testEach(t, func(t *testing.T, e *env) {
		_, ids := e.register("Organisme G", domain.KindTrainingOrg, 3)
		if err := e.svc.DecideMany(e.ctx, e.manager, ids, service.DecideInput{Decision: domain.Approve}, nil); err != nil {
			t.Fatal(err)
		}
		if n := len(e.audit("request.approve")); n != len(ids) {
			t.Errorf("%d requests approved, want %d", n, len(ids))
		}
	})
}

// A bulk decision and single decisions of the same requests at the same time, in opposite
// orders, each decide every request once and neither stops on a deadlock: every decider locks
// requests before structures.
func TestDecideManyAlongsideSingleDecisions(t *testing.T) {
	testEach(t, func(t *testing.T, e *env) {
		var ids []int64
		for i := range 30 {
			_, rs := e.register(fmt.Sprintf("Structure %02d", i), domain.KindTrainingOrg, 4)
			ids = append(ids, rs...)
		}
		approved := map[int64]int{}
		var mu sync.Mutex
		done := make(chan error, 1)
		go func() {
			done <- e.svc.DecideMany(e.ctx, e.manager, ids, service.DecideInput{Decision: domain.Approve}, func(ds []service.Decision) {
				mu.Lock()
				defer mu.Unlock()
				for _, d := range ds {
					if d.Err == nil {
						approved[d.ID]++
					} else if !errors.Is(d.Err, domain.ErrConflict) {
						t.Errorf("bulk, request %d: %v", d.ID, d.Err)
					}
				}
			})
		}()
		for i := len(ids) - 1; i >= 0; i-- {
			_, err := e.svc.Decide(e.ctx, e.manager, ids[i], service.DecideInput{Decision: domain.Approve})
			mu.Lock()
			if err == nil {
				approved[ids[i]]++
			} else if !errors.Is(err, domain.ErrConflict) {
				t.Errorf("single, request %d: %v", ids[i], err)
			}
			mu.Unlock()
		}
		if err := <-done; err != nil {
			t.Fatalf("the bulk decision stopped: %v", err)
		}
		for _, id := range ids {
			if approved[id] != 1 {
				t.Errorf("request %d approved %d times", id, approved[id])
			}
		}
		if n := len(e.audit("referent.set")); n != 30 {
			t.Errorf("%d référents for 30 structures", n)
		}
	})
}
