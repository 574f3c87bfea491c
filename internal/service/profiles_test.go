package service_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/testdb"
)

// member makes a structure of the given kinds with a référent and one member, and returns the
// structure, the référent and the member.
func (e *env) member(kinds ...domain.Kind) (domain.StructureRef, domain.Actor, domain.Actor) {
	e.t.Helper()
	st, err := e.svc.CreateStructure(e.ctx, e.manager, domain.StructureInput{Name: str("S " + strings.Join(kindsOf(kinds), " ")), Address: str("x"), Kinds: &kinds})
	if err != nil {
		e.t.Fatal(err)
	}
	ref := domain.StructureRef{ID: st.ID}
	var actors []domain.Actor
	for _, email := range []string{fmt.Sprintf("ref%d@x.fr", st.ID), fmt.Sprintf("mem%d@x.fr", st.ID)} {
		r, _, err := e.svc.Register(e.ctx, domain.Anonymous, service.RegisterInput{Email: email, LastName: "L", FirstName: "F", Structure: ref})
		if err != nil {
			e.t.Fatal(err)
		}
		if _, err := e.svc.Decide(e.ctx, e.manager, r.ID, service.DecideInput{Decision: domain.Approve}); err != nil {
			e.t.Fatal(err)
		}
		actors = append(actors, e.actor(email))
	}
	return ref, actors[0], actors[1]
}

func kindsOf(ks []domain.Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

func TestGrantAndRevokeFollowTheCatalogue(t *testing.T) {
	testEach(t, func(t *testing.T, e *env) {
		ref, referent, mem := e.member(domain.KindTrainingOrg)
		// The référent grants; granting again changes nothing.
		res, err := e.svc.Grant(e.ctx, referent, mem.Email, ref, []string{"rafael.of-general", "parcourspro.employer"})
		if err != nil || len(res) != 2 || !res[0].Changed || !res[1].Changed {
			t.Fatalf("grant = %+v, %v", res, err)
		}
		if res, err = e.svc.Grant(e.ctx, referent, mem.Email, ref, []string{"rafael.of-general"}); err != nil || res[0].Changed {
			t.Fatalf("granting a held profile again = %+v, %v; want no change", res, err)
		}
		// The exclusive family: another training-org profile is a conflict naming the holder.
		_, err = e.svc.Grant(e.ctx, referent, mem.Email, ref, []string{"rafael.of-catalogue"})
		if !errors.Is(err, domain.ErrConflict) || !strings.Contains(err.Error(), "rafael.of-general") {
			t.Fatalf("second training-org profile: %v, want a conflict naming rafael.of-general", err)
		}
		// A prescriber level on a training org only: conflict. Unknown code: invalid.
		if _, err = e.svc.Grant(e.ctx, referent, mem.Email, ref, []string{"rafael.prescriber-1"}); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("prescriber level on a training org: %v", err)
		}
		if _, err = e.svc.Grant(e.ctx, referent, mem.Email, ref, []string{"rafael.chef"}); !errors.Is(err, domain.ErrInvalid) {
			t.Fatalf("unknown code: %v", err)
		}
		// A member may not grant; the bénéficiaire cannot be revoked.
		if _, err = e.svc.Grant(e.ctx, mem, mem.Email, ref, []string{"parcourspro.provider"}); !errors.Is(err, domain.ErrForbidden) {
			t.Fatalf("a member granting: %v", err)
		}
		if _, err = e.svc.Revoke(e.ctx, referent, mem.Email, ref, []string{"parcourspro.beneficiary"}); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("revoking the bénéficiaire: %v", err)
		}
		// Revoke, then revoke again: no change the second time.
		if res, err = e.svc.Revoke(e.ctx, referent, mem.Email, ref, []string{"rafael.of-general"}); err != nil || !res[0].Changed {
			t.Fatalf("revoke = %+v, %v", res, err)
		}
		if res, err = e.svc.Revoke(e.ctx, referent, mem.Email, ref, []string{"rafael.of-general"}); err != nil || res[0].Changed {
			t.Fatalf("revoking again = %+v, %v", res, err)
		}
		// Now the place is free.
		if _, err = e.svc.Grant(e.ctx, referent, mem.Email, ref, []string{"rafael.of-catalogue", "parcourspro.provider"}); err != nil {
			t.Fatalf("grant after revoke: %v", err)
		}
		if got := len(e.audit("profile.grant")); got != 2 {
			t.Errorf("%d profile.grant events, want 2 (no event for a grant that changed nothing)", got)
		}
		// Changing the kinds would break the training-org grants: refused, naming them.
		_, err = e.svc.UpdateStructure(e.ctx, e.manager, ref, domain.StructureInput{Kinds: &[]domain.Kind{domain.KindEmployer}})
		if !errors.Is(err, domain.ErrConflict) || !strings.Contains(err.Error(), "rafael.of-catalogue") || !strings.Contains(err.Error(), "parcourspro.provider") ||
			strings.ContainsAny(err.Error(), "[]") {
			t.Fatalf("kinds change breaking grants: %v", err)
		}
		// A change request for those kinds is refused the same way when it is filed, not
		// only when a gestionnaire approves it.
		_, err = e.svc.RequestChange(e.ctx, e.manager, ref, domain.StructureInput{Kinds: &[]domain.Kind{domain.KindEmployer}}, "")
		if !errors.Is(err, domain.ErrConflict) || !strings.Contains(err.Error(), "rafael.of-catalogue") {
			t.Fatalf("a change request breaking grants: %v", err)
		}
		if _, err = e.svc.UpdateStructure(e.ctx, e.manager, ref, domain.StructureInput{Kinds: &[]domain.Kind{domain.KindTrainingOrg, domain.KindEmployer}}); err != nil {
			t.Fatalf("a kinds change that keeps the grants: %v", err)
		}
	})
}

func TestApproveWithProfilesFollowsTheCatalogue(t *testing.T) {
	testEach(t, func(t *testing.T, e *env) {
		ref, referent, _ := e.member(domain.KindPrescriber)
		r, _, err := e.svc.Register(e.ctx, domain.Anonymous, service.RegisterInput{Email: "new@x.fr", LastName: "N", FirstName: "P", Structure: ref})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Decide(e.ctx, referent, r.ID, service.DecideInput{Decision: domain.Approve, Profiles: []string{"rafael.prescriber-1", "rafael.prescriber-2"}})
		if !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("approving with two prescriber levels: %v, want a conflict", err)
		}
		if got, _ := e.svc.Request(e.ctx, e.manager, r.ID); got.Status != domain.StatusPending {
			t.Fatalf("a refused approval left the request %s", got.Status)
		}
		if _, err = e.svc.Decide(e.ctx, referent, r.ID, service.DecideInput{Decision: domain.Approve, Profiles: []string{"rafael.nope"}}); !errors.Is(err, domain.ErrInvalid) {
			t.Fatalf("approving with an unknown code: %v, want invalid", err)
		}
		if _, err = e.svc.Decide(e.ctx, referent, r.ID, service.DecideInput{Decision: domain.Approve, Profiles: []string{"rafael.prescriber-2"}}); err != nil {
			t.Fatal(err)
		}
	})
}

// The catalogue is read under the policy (CatalogueRead): anybody, signed in or not, but not
// a session that must change its temporary password first.
func TestCatalogueFollowsThePolicy(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t))
	for _, a := range []domain.Actor{domain.Anonymous, e.manager, {UserID: e.manager.UserID, TokenID: 3, Scope: domain.ScopeRead}} {
		if cat, err := e.svc.Catalogue(e.ctx, a); err != nil || len(cat) == 0 {
			t.Errorf("Catalogue(%+v) = %d profiles, %v", a, len(cat), err)
		}
	}
	temporary := e.manager
	temporary.MustChangePassword = true
	if _, err := e.svc.Catalogue(e.ctx, temporary); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("Catalogue with a temporary password: %v, want ErrForbidden", err)
	}
}

// Profiles given together at a decision: two of one exclusive family are refused as such,
// and the decision changes nothing.
func TestApproveWithTwoExclusiveProfiles(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t))
	ref, _, _ := e.member(domain.KindTrainingOrg)
	r, _, err := e.svc.Register(e.ctx, domain.Anonymous, service.RegisterInput{Email: "new@x.fr", LastName: "L", FirstName: "F", Structure: ref})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Decide(e.ctx, e.manager, r.ID, service.DecideInput{Decision: domain.Approve, Profiles: []string{"rafael.of-general", "rafael.of-catalogue"}})
	if !errors.Is(err, domain.ErrConflict) || !strings.Contains(err.Error(), "are both training-org profiles") {
		t.Fatalf("approving with two training-org profiles: %v, want a conflict naming both", err)
	}
	got, err := e.svc.Request(e.ctx, e.manager, r.ID)
	if err != nil || got.Status != domain.StatusPending {
		t.Errorf("after the refusal: %s, %v; want still pending", got.Status, err)
	}
}
