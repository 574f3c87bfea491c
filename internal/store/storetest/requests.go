package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// RunRequests holds the engines to the same behaviour for requests, memberships and the
// référent role, savepoints, the person-wide lookups, and a transaction run again. failNextCommit
// makes the next commit of st fail as a transaction the database aborted (a serialization
// failure), which Update must run again from the start.
func RunRequests(t *testing.T, newStore NewStore, failNextCommit func(store.Store)) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"RequestLifecycle", testRequestLifecycle},
		{"DecideOnce", testDecideOnce},
		{"MembershipsAndReferent", testMembershipsAndReferent},
		{"DecidableMatchesTheRule", testDecidableMatchesTheRule},
		{"Savepoint", testSavepoint},
		{"PersonLookups", testPersonLookups},
		{"UpdateRunAgain", func(t *testing.T, st store.Store) { testUpdateRunAgain(t, st, failNextCommit) }},
	}
	for _, tc := range tests {
		t.Run("Requests/"+tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

func newUser(t *testing.T, st store.Store, email string, status domain.UserStatus) domain.User {
	t.Helper()
	u := domain.User{Email: email, LastName: "Nom", FirstName: "Prénom", Status: status}
	update(t, st, func(tx store.Tx) error { return tx.CreateUser(context.Background(), &u) })
	return u
}

func testRequestLifecycle(t *testing.T, st store.Store) {
	ctx := context.Background()
	s := mustCreate(t, st, domain.Structure{Name: "GRETA Sud"})
	u := newUser(t, st, "lea@x.fr", domain.UserPending)
	r := domain.Request{Kind: domain.RequestAccount, UserID: u.ID, RequesterEmail: u.Email, StructureID: s.ID}
	sr := domain.Request{Kind: domain.RequestStructure, UserID: u.ID, RequesterEmail: u.Email, Structure: domain.Structure{Name: "CFA Nord"}}
	other := domain.Request{Kind: domain.RequestStructure, RequesterEmail: "LEA@x.fr", Structure: domain.Structure{Name: "CFA Est"}}
	update(t, st, func(tx store.Tx) error {
		for _, r := range []*domain.Request{&r, &sr, &other} {
			if err := tx.CreateRequest(ctx, r); err != nil {
				return err
			}
		}
		return tx.LockRequests(ctx, []int64{r.ID, sr.ID, other.ID, 99_999})
	})
	if r.ID == 0 || r.Status != domain.StatusPending {
		t.Fatalf("CreateRequest = %+v, want an id and pending", r)
	}
	update(t, st, func(tx store.Tx) error {
		got, err := tx.RequestForUpdate(ctx, r.ID)
		if err != nil {
			return err
		}
		if got.Kind != domain.RequestAccount || got.UserID != u.ID || got.StructureID != s.ID || got.Status != domain.StatusPending {
			t.Errorf("RequestForUpdate = %+v", got)
		}
		if _, err := tx.RequestForUpdate(ctx, 99_999); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("RequestForUpdate of an unknown id: %v, want ErrNotFound", err)
		}
		return tx.SetRequestStructure(ctx, sr.ID, s.ID)
	})
	view(t, st, func(tx store.Tx) error {
		got, err := tx.RequestByID(ctx, sr.ID)
		if err != nil {
			return err
		}
		if got.StructureID != s.ID {
			t.Errorf("after SetRequestStructure: structure %d, want %d", got.StructureID, s.ID)
		}
		// A person's requests: by account, or asked from their address in any case.
		mine, err := tx.RequestsOf(ctx, u.ID, u.Email)
		if err != nil {
			return err
		}
		var ids []int64
		for _, m := range mine {
			ids = append(ids, m.ID)
		}
		slices.Sort(ids)
		if !slices.Equal(ids, []int64{r.ID, sr.ID, other.ID}) {
			t.Errorf("RequestsOf = %v, want %v", ids, []int64{r.ID, sr.ID, other.ID})
		}
		return nil
	})
	err := st.Update(ctx, func(tx store.Tx) error { return tx.SetRequestStructure(ctx, 99_999, s.ID) })
	if !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("SetRequestStructure of an unknown request: %v, want ErrNotFound", err)
	}
}

// The store records one decision per request, whatever the use case checked before: the
// second is a conflict and changes nothing.
func testDecideOnce(t *testing.T, st store.Store) {
	ctx := context.Background()
	s := mustCreate(t, st, domain.Structure{Name: "GRETA Sud"})
	u := newUser(t, st, "lea@x.fr", domain.UserPending)
	d1, d2 := newUser(t, st, "d1@x.fr", domain.UserActive), newUser(t, st, "d2@x.fr", domain.UserActive)
	r := domain.Request{Kind: domain.RequestAccount, UserID: u.ID, RequesterEmail: u.Email, StructureID: s.ID}
	update(t, st, func(tx store.Tx) error { return tx.CreateRequest(ctx, &r) })
	first := r
	first.Status, first.DecidedBy = domain.StatusApproved, d1.ID
	update(t, st, func(tx store.Tx) error { return tx.DecideRequest(ctx, &first) })
	second := r
	second.Status, second.DecidedBy, second.Reason = domain.StatusRejected, d2.ID, "non"
	err := st.Update(ctx, func(tx store.Tx) error { return tx.DecideRequest(ctx, &second) })
	if !errors.Is(err, domain.ErrConflict) {
		t.Errorf("a second decision: %v, want ErrConflict", err)
	}
	view(t, st, func(tx store.Tx) error {
		got, err := tx.RequestByID(ctx, r.ID)
		if err == nil && (got.Status != domain.StatusApproved || got.DecidedBy != d1.ID || got.Reason != "" || got.DecidedAt == nil || !got.DecidedAt.Equal(Clock)) {
			t.Errorf("after two decisions: %+v, want the first one's", got)
		}
		return err
	})
	// An unverified request is not decided either.
	un := domain.Request{Kind: domain.RequestAccount, UserID: u.ID, RequesterEmail: u.Email, StructureID: s.ID, Status: domain.StatusUnverified}
	update(t, st, func(tx store.Tx) error { return tx.CreateRequest(ctx, &un) })
	un.Status, un.DecidedBy = domain.StatusApproved, d1.ID
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.DecideRequest(ctx, &un) }); !errors.Is(err, domain.ErrConflict) {
		t.Errorf("deciding an unverified request: %v, want ErrConflict", err)
	}
}

func testMembershipsAndReferent(t *testing.T, st store.Store) {
	ctx := context.Background()
	s := mustCreate(t, st, domain.Structure{Name: "GRETA Sud", Kinds: []domain.Kind{domain.KindTrainingOrg}})
	a, b := newUser(t, st, "a@x.fr", domain.UserActive), newUser(t, st, "b@x.fr", domain.UserActive)
	g := domain.User{Email: "g@x.fr", LastName: "G", Status: domain.UserActive, Manager: true}
	update(t, st, func(tx store.Tx) error { return tx.CreateUser(ctx, &g) })
	ma := domain.Membership{UserID: a.ID, StructureID: s.ID, Referent: true}
	mb := domain.Membership{UserID: b.ID, StructureID: s.ID}
	update(t, st, func(tx store.Tx) error {
		locked, err := tx.LockStructure(ctx, s.ID)
		if err != nil {
			return err
		}
		if locked.Name != s.Name {
			t.Errorf("LockStructure = %+v", locked)
		}
		if _, err := tx.LockStructure(ctx, 99_999); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("LockStructure of an unknown id: %v, want ErrNotFound", err)
		}
		if _, err := tx.Referent(ctx, s.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("Referent of a structure without one: %v, want ErrNotFound", err)
		}
		if err := tx.AddMembership(ctx, &ma); err != nil {
			return err
		}
		if err := tx.AddMembership(ctx, &mb); err != nil {
			return err
		}
		return tx.AddGrant(ctx, mb.ID, "rafael.of-general", g.ID)
	})
	view(t, st, func(tx store.Tx) error {
		ref, err := tx.Referent(ctx, s.ID)
		if err != nil || ref.ID != ma.ID || ref.UserID != a.ID || !ref.Referent {
			t.Errorf("Referent = %+v, %v; want a's membership", ref, err)
		}
		got, err := tx.ActiveMembership(ctx, b.ID, s.ID)
		if err != nil || got.ID != mb.ID || got.Referent || !got.Active() {
			t.Errorf("ActiveMembership(b) = %+v, %v", got, err)
		}
		if _, err := tx.ActiveMembership(ctx, g.ID, s.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("ActiveMembership of a non-member: %v, want ErrNotFound", err)
		}
		emails, err := tx.ManagerEmails(ctx)
		if err != nil || !slices.Equal(emails, []string{"g@x.fr"}) {
			t.Errorf("ManagerEmails = %v, %v", emails, err)
		}
		users, err := tx.ListUsers(ctx, store.UserQuery{Status: domain.UserActive})
		if err != nil || len(users) != 3 {
			t.Errorf("ListUsers(active) = %d accounts, %v; want 3", len(users), err)
		}
		return nil
	})
	// The hand-over: the old référent steps down, the new one takes the role; the one who
	// leaves has their membership ended and their profiles revoked.
	update(t, st, func(tx store.Tx) error {
		if err := tx.SetReferent(ctx, ma.ID, false); err != nil {
			return err
		}
		if err := tx.SetReferent(ctx, mb.ID, true); err != nil {
			return err
		}
		if err := tx.RevokeAllGrants(ctx, ma.ID, g.ID); err != nil {
			return err
		}
		return tx.EndMembership(ctx, ma.ID)
	})
	view(t, st, func(tx store.Tx) error {
		ref, err := tx.Referent(ctx, s.ID)
		if err != nil || ref.UserID != b.ID {
			t.Errorf("Referent after the hand-over = %+v, %v; want b", ref, err)
		}
		if _, err := tx.ActiveMembership(ctx, a.ID, s.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("ActiveMembership of a detached member: %v, want ErrNotFound", err)
		}
		hist, err := tx.MembershipHistory(ctx, a.ID)
		if err != nil || len(hist) != 1 || hist[0].EndedAt == nil || hist[0].StructureName != s.Name {
			t.Errorf("MembershipHistory(a) = %+v, %v; want one ended membership", hist, err)
		}
		grants, err := tx.GrantHistory(ctx, b.ID)
		if err != nil || len(grants) != 1 || grants[0].Profile != "rafael.of-general" || grants[0].GrantedBy != g.Email || grants[0].RevokedAt != nil {
			t.Errorf("GrantHistory(b) = %+v, %v", grants, err)
		}
		return nil
	})
}

// The store's filter of the requests a user may decide (RequestQuery.DecidableBy) and the
// domain's rule (domain.MayDecide) agree on every actor, kind, status and structure.
func testDecidableMatchesTheRule(t *testing.T, st store.Store) {
	ctx := context.Background()
	s1 := mustCreate(t, st, domain.Structure{Name: "S1"})
	s2 := mustCreate(t, st, domain.Structure{Name: "S2"})
	s3 := mustCreate(t, st, domain.Structure{Name: "S3"}) // without référent
	ref1 := newUser(t, st, "ref1@x.fr", domain.UserActive)
	ref2 := newUser(t, st, "ref2@x.fr", domain.UserActive)
	member1 := newUser(t, st, "m1@x.fr", domain.UserActive)
	former := newUser(t, st, "former@x.fr", domain.UserActive) // référent of S2 once
	outsider := newUser(t, st, "out@x.fr", domain.UserActive)
	var requests []domain.Request
	update(t, st, func(tx store.Tx) error {
		old := domain.Membership{UserID: former.ID, StructureID: s2.ID, Referent: true}
		if err := tx.AddMembership(ctx, &old); err != nil {
			return err
		}
		if err := tx.SetReferent(ctx, old.ID, false); err != nil {
			return err
		}
		if err := tx.EndMembership(ctx, old.ID); err != nil {
			return err
		}
		for _, m := range []domain.Membership{{UserID: ref1.ID, StructureID: s1.ID, Referent: true},
			{UserID: ref2.ID, StructureID: s2.ID, Referent: true}, {UserID: member1.ID, StructureID: s1.ID},
			{UserID: ref1.ID, StructureID: s2.ID}} {
			if err := tx.AddMembership(ctx, &m); err != nil {
				return err
			}
		}
		for _, s := range []domain.Structure{s1, s2, s3} {
			for _, k := range []domain.RequestKind{domain.RequestAccount, domain.RequestAffiliation, domain.RequestChange, domain.RequestStructure} {
				for _, status := range []domain.RequestStatus{domain.StatusUnverified, domain.StatusPending, domain.StatusApproved, domain.StatusRejected} {
					// One requester each: a person has one pending request per structure.
					p := domain.User{Email: fmt.Sprintf("p%d@x.fr", len(requests)), LastName: "P", Status: domain.UserPending}
					if err := tx.CreateUser(ctx, &p); err != nil {
						return err
					}
					r := domain.Request{Kind: k, UserID: p.ID, RequesterEmail: p.Email, StructureID: s.ID, Status: status}
					if k == domain.RequestStructure {
						r.Structure = domain.Structure{Name: "new " + s.Name}
					}
					if err := tx.CreateRequest(ctx, &r); err != nil {
						return err
					}
					if status == domain.StatusApproved || status == domain.StatusRejected {
						r.Status, r.DecidedBy = status, outsider.ID
						if err := tx.DecideRequest(ctx, &r); err != nil {
							return err
						}
					}
					requests = append(requests, r)
				}
			}
		}
		return nil
	})
	referentOf := map[int64]int64{s1.ID: ref1.ID, s2.ID: ref2.ID}
	for _, u := range []domain.User{ref1, ref2, member1, former, outsider} {
		a := domain.Actor{UserID: u.ID, Email: u.Email}
		var want []int64
		for _, r := range requests {
			if domain.MayDecide(a, r, domain.StructureRole{ReferentID: referentOf[r.StructureID]}) {
				want = append(want, r.ID)
			}
		}
		var got []int64
		view(t, st, func(tx store.Tx) error {
			rs, err := tx.ListRequests(ctx, store.RequestQuery{DecidableBy: u.ID})
			for _, r := range rs {
				got = append(got, r.ID)
			}
			return err
		})
		slices.Sort(got)
		slices.Sort(want)
		if u.ID == ref1.ID && len(want) != 2*4 { // account and affiliation, every status, of S1
			t.Errorf("the rule lets ref1 decide %d requests, want 8", len(want))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: the store finds %v decidable, the rule %v", u.Email, got, want)
		}
	}
	if n := len(requests); n != 3*4*4 {
		t.Fatalf("%d requests made, want %d", n, 3*4*4)
	}
}

// A savepoint undoes what its function wrote when it fails, and the transaction goes on.
func testSavepoint(t *testing.T, st store.Store) {
	ctx := context.Background()
	boom := errors.New("boom")
	update(t, st, func(tx store.Tx) error {
		err := tx.Savepoint(ctx, func() error {
			u := domain.User{Email: "undone@x.fr", LastName: "U", Status: domain.UserActive}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("Savepoint = %v, want the function's error", err)
		}
		for i := range 2 {
			if err := tx.Savepoint(ctx, func() error {
				u := domain.User{Email: fmt.Sprintf("kept%d@x.fr", i), LastName: "K", Status: domain.UserActive}
				return tx.CreateUser(ctx, &u)
			}); err != nil {
				return err
			}
		}
		// A unique violation inside a savepoint leaves the transaction usable (PostgreSQL
		// aborts a transaction at its first error without one).
		err = tx.Savepoint(ctx, func() error {
			u := domain.User{Email: "kept0@x.fr", LastName: "K", Status: domain.UserActive}
			return tx.CreateUser(ctx, &u)
		})
		if !errors.Is(err, domain.ErrConflict) {
			t.Errorf("a duplicate e-mail inside a savepoint: %v, want ErrConflict", err)
		}
		u := domain.User{Email: "after@x.fr", LastName: "A", Status: domain.UserActive}
		return tx.CreateUser(ctx, &u)
	})
	view(t, st, func(tx store.Tx) error {
		ids, err := tx.UserIDsByEmail(ctx, []string{"undone@x.fr", "kept0@x.fr", "kept1@x.fr", "after@x.fr"})
		if err == nil && (len(ids) != 3 || ids["undone@x.fr"] != 0) {
			t.Errorf("after the savepoints: %v, want kept0, kept1 and after only", ids)
		}
		return err
	})
}

// What is held on a person, found everywhere: audit events, mails; and deleted.
func testPersonLookups(t *testing.T, st store.Store) {
	ctx := context.Background()
	zoe := personalUser(t, st, "zoe@x.fr")
	personalAudit(t, st, zoe.ID, "zoe@x.fr", "", `{}`)
	personalAudit(t, st, 0, "anonymous", "ZOE@x.fr", `{}`)
	personalAudit(t, st, 0, "anonymous", "", `{"user":"zoe@x.fr"}`)
	personalAudit(t, st, 0, "anonymous", "other@x.fr", `{}`)
	update(t, st, func(tx store.Tx) error {
		if err := tx.LockPersonalText(ctx); err != nil {
			return err
		}
		for _, to := range []string{"zoe@x.fr", "Zoe@X.fr", "other@x.fr"} {
			if err := tx.EnqueueMail(ctx, &domain.Mail{To: to, Subject: "s", Body: "b"}); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, st, func(tx store.Tx) error {
		events, err := tx.AuditAbout(ctx, zoe.ID, []string{"zoe@x.fr"})
		if err != nil || len(events) != 3 {
			t.Errorf("AuditAbout = %d events, %v; want 3", len(events), err)
		}
		mails, err := tx.MailTo(ctx, "ZOE@x.fr")
		if err != nil || len(mails) != 2 {
			t.Errorf("MailTo = %d messages, %v; want 2", len(mails), err)
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		n, err := tx.DeleteMailTo(ctx, "zoe@x.fr")
		if err == nil && n != 2 {
			t.Errorf("DeleteMailTo deleted %d messages, want 2", n)
		}
		return err
	})
	view(t, st, func(tx store.Tx) error {
		left, err := tx.ListMail(ctx, store.MailQuery{})
		if err == nil && (len(left) != 1 || left[0].To != "other@x.fr") {
			t.Errorf("after DeleteMailTo: %+v, want the other's message only", left)
		}
		return err
	})
}

// A transaction the database aborts at its commit is run again from the start, and only the
// attempt that commits is kept; a function's own error is not retried.
func testUpdateRunAgain(t *testing.T, st store.Store, failNextCommit func(store.Store)) {
	ctx := context.Background()
	attempts := 0
	failNextCommit(st)
	err := st.Update(ctx, func(tx store.Tx) error {
		attempts++
		u := domain.User{Email: "again@x.fr", LastName: "A", Status: domain.UserActive}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, &domain.AuditEvent{ActorID: u.ID, Actor: u.Email, Action: "test.again", Target: fmt.Sprint(attempts)})
	})
	if err != nil || attempts != 2 {
		t.Fatalf("Update after an aborted commit: %v after %d attempts, want success at the second", err, attempts)
	}
	view(t, st, func(tx store.Tx) error {
		events, err := tx.ListAudit(ctx, store.AuditQuery{Action: "test.again"})
		if err == nil && (len(events) != 1 || events[0].Target != "2") {
			t.Errorf("audit after the retry: %+v, want the second attempt's only", events)
		}
		return err
	})
	attempts = 0
	boom := errors.New("boom")
	if err := st.Update(ctx, func(store.Tx) error { attempts++; return boom }); !errors.Is(err, boom) || attempts != 1 {
		t.Errorf("Update with a failing function: %v after %d attempts, want its error once", err, attempts)
	}
}
