package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// RunDecisions checks the set-based reads and writes of bulk decisions: lookups by lists
// longer than one statement carries, decisions recorded on pending requests only, and audit
// events and mails that read back, in order, as the one-row methods write them.
func RunDecisions(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"Lookups", testDecisionLookups},
		{"DecideRequests", testDecideRequests},
		{"AuditsAndMails", testBulkAuditsAndMails},
		{"RowsPointingNowhere", testBulkRowsPointingNowhere},
	}
	for _, tc := range tests {
		t.Run("Decisions/"+tc.name, func(t *testing.T) {
			tc.fn(t, newStore(t))
		})
	}
}

// decisionRows are 700 structures, 700 pending accounts and one pending account request of
// each for the structure of the same rank: more than one IN list of SQLite carries.
func decisionRows(t *testing.T, st store.Store) ([]domain.Structure, []domain.User, []domain.Request) {
	t.Helper()
	ctx := context.Background()
	ss, us := make([]domain.Structure, 700), make([]domain.User, 700)
	rs := make([]domain.Request, len(us))
	for i := range ss {
		ss[i] = domain.Structure{Name: fmt.Sprintf("Organisme %03d", i), Kinds: []domain.Kind{domain.KindTrainingOrg}}
		us[i] = domain.User{Email: fmt.Sprintf("p%03d@x.fr", i), LastName: "L", FirstName: "F", Status: domain.UserPending}
	}
	update(t, st, func(tx store.Tx) error {
		if err := tx.InsertStructures(ctx, ss); err != nil {
			return err
		}
		if err := tx.InsertUsers(ctx, us); err != nil {
			return err
		}
		for i := range rs {
			rs[i] = domain.Request{Kind: domain.RequestAccount, UserID: us[i].ID, RequesterEmail: us[i].Email, StructureID: ss[i].ID}
			if err := tx.CreateRequest(ctx, &rs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return ss, us, rs
}

func testDecisionLookups(t *testing.T, st store.Store) {
	ctx := context.Background()
	ss, us, rs := decisionRows(t, st)
	// Structure 0 has a référent; structure 1 had one, who left; structure 2 has a member only.
	update(t, st, func(tx store.Tx) error {
		ms := []domain.Membership{{UserID: us[0].ID, StructureID: ss[0].ID, Referent: true},
			{UserID: us[1].ID, StructureID: ss[1].ID, Referent: true}, {UserID: us[2].ID, StructureID: ss[2].ID}}
		if err := tx.InsertMemberships(ctx, ms); err != nil {
			return err
		}
		return tx.EndMembership(ctx, ms[1].ID)
	})
	var structureIDs, userIDs []int64
	for i := range ss {
		structureIDs, userIDs = append(structureIDs, ss[i].ID), append(userIDs, us[i].ID)
	}
	unknown := int64(99_999_999)
	// A structure request, of nobody's account, for no structure yet.
	sr := domain.Request{Kind: domain.RequestStructure, RequesterEmail: "a@b.fr", Structure: domain.Structure{Name: "X", Address: "1 rue"}}
	update(t, st, func(tx store.Tx) error { return tx.CreateRequest(ctx, &sr) })
	view(t, st, func(tx store.Tx) error {
		gotS, err := tx.StructuresByID(ctx, append(slices.Clone(structureIDs), unknown))
		if err != nil {
			return err
		}
		if len(gotS) != len(ss) {
			t.Errorf("StructuresByID found %d of %d", len(gotS), len(ss))
		}
		for _, s := range gotS {
			if want := ss[slices.Index(structureIDs, s.ID)]; s.Name != want.Name || !slices.Equal(s.Kinds, want.Kinds) {
				t.Errorf("structure %d read back as %q %v, want %q %v", s.ID, s.Name, s.Kinds, want.Name, want.Kinds)
			}
		}
		gotU, err := tx.UsersByID(ctx, append(slices.Clone(userIDs), unknown))
		if err != nil {
			return err
		}
		if len(gotU) != len(us) {
			t.Errorf("UsersByID found %d of %d", len(gotU), len(us))
		}
		for _, u := range gotU {
			if want := us[slices.Index(userIDs, u.ID)]; u.Email != want.Email || u.Status != want.Status {
				t.Errorf("account %d read back as %s %s, want %s %s", u.ID, u.Email, u.Status, want.Email, want.Status)
			}
		}
		var requestIDs []int64
		for _, r := range rs {
			requestIDs = append(requestIDs, r.ID)
		}
		gotR, err := tx.RequestsByID(ctx, append(requestIDs, unknown))
		if err != nil {
			return err
		}
		if len(gotR) != len(rs) {
			t.Errorf("RequestsByID found %d of %d", len(gotR), len(rs))
		}
		for _, r := range gotR {
			i := slices.Index(requestIDs, r.ID)
			one, err := tx.RequestByID(ctx, r.ID)
			if err != nil {
				return err
			}
			if r.UserEmail != us[i].Email || r.StructureName != ss[i].Name || fmt.Sprint(r) != fmt.Sprint(one) {
				t.Errorf("request %d read back as %+v, RequestByID reads %+v", r.ID, r, one)
			}
		}
		keys, err := tx.RequestKeys(ctx, append(slices.Clone(requestIDs), unknown, sr.ID))
		if err != nil {
			return err
		}
		if len(keys) != len(rs)+1 {
			t.Errorf("RequestKeys found %d of %d", len(keys), len(rs)+1)
		}
		for _, k := range keys {
			want := store.RequestKey{ID: sr.ID, Kind: domain.RequestStructure}
			if i := slices.Index(requestIDs, k.ID); i >= 0 {
				want = store.RequestKey{ID: rs[i].ID, Kind: domain.RequestAccount, UserID: us[i].ID, StructureID: ss[i].ID}
			}
			if k != want {
				t.Errorf("RequestKeys read %+v, want %+v", k, want)
			}
		}
		refs, err := tx.Referents(ctx, structureIDs)
		if err != nil {
			return err
		}
		if len(refs) != 1 || refs[0].StructureID != ss[0].ID || refs[0].UserID != us[0].ID {
			t.Errorf("Referents = %+v, want the one of the first structure only", refs)
		}
		return nil
	})
}

func testDecideRequests(t *testing.T, st store.Store) {
	ctx := context.Background()
	_, us, rs := decisionRows(t, st)
	decided := rs[0].ID
	update(t, st, func(tx store.Tx) error {
		r := rs[0]
		r.Status, r.Reason = domain.StatusRejected, "avant"
		return tx.DecideRequest(ctx, &r)
	})
	var ids, userIDs []int64
	for i := range rs {
		ids, userIDs = append(ids, rs[i].ID), append(userIDs, us[i].ID)
	}
	update(t, st, func(tx store.Tx) error {
		n, err := tx.DecideRequests(ctx, ids, domain.StatusApproved, us[5].ID, "")
		if err != nil {
			return err
		}
		if n != len(ids)-1 {
			t.Errorf("DecideRequests decided %d requests, want %d (all but the one decided before)", n, len(ids)-1)
		}
		n, err = tx.SetUsersStatus(ctx, userIDs[1:], domain.UserActive)
		if err != nil {
			return err
		}
		if n != len(userIDs)-1 {
			t.Errorf("SetUsersStatus changed %d accounts, want %d", n, len(userIDs)-1)
		}
		return nil
	})
	view(t, st, func(tx store.Tx) error {
		got, err := tx.ListRequests(ctx, store.RequestQuery{})
		if err != nil {
			return err
		}
		for _, r := range got {
			switch {
			case r.ID == decided && (r.Status != domain.StatusRejected || r.Reason != "avant"):
				t.Errorf("the request decided before became %s %q", r.Status, r.Reason)
			case r.ID != decided && (r.Status != domain.StatusApproved || r.DecidedBy != us[5].ID || r.DecidedAt == nil || !r.DecidedAt.Equal(Clock)):
				t.Errorf("request %d: %s by %d at %v, want approved by %d at %v", r.ID, r.Status, r.DecidedBy, r.DecidedAt, us[5].ID, Clock)
			}
		}
		users, err := tx.UsersByID(ctx, userIDs)
		if err != nil {
			return err
		}
		for _, u := range users {
			want := domain.UserActive
			if u.ID == us[0].ID {
				want = domain.UserPending
			}
			if u.Status != want || (want == domain.UserActive && !u.UpdatedAt.Equal(Clock)) {
				t.Errorf("account %s: %s updated %v, want %s", u.Email, u.Status, u.UpdatedAt, want)
			}
		}
		return nil
	})
}

func testBulkAuditsAndMails(t *testing.T, st store.Store) {
	ctx := context.Background()
	s := mustCreate(t, st, domain.Structure{Name: "Cap Métiers"})
	var (
		one, bulk   []domain.AuditEvent
		oneM, bulkM []domain.Mail
	)
	for i := range 600 {
		e := domain.AuditEvent{Actor: "système", Action: "request.approve", Target: fmt.Sprintf("p%03d@x.fr", i), Details: `{"n":1}`}
		m := domain.Mail{To: fmt.Sprintf("p%03d@x.fr", i), Subject: "Objet é", Body: "Bonjour\n"}
		if i%2 == 0 {
			e.StructureID, e.Details = s.ID, ""
			m.Sensitive = true
		}
		one, bulk = append(one, e), append(bulk, e)
		oneM, bulkM = append(oneM, m), append(bulkM, m)
	}
	update(t, st, func(tx store.Tx) error {
		for i := range one {
			if err := tx.AppendAudit(ctx, &one[i]); err != nil {
				return err
			}
			if err := tx.EnqueueMail(ctx, &oneM[i]); err != nil {
				return err
			}
		}
		if err := tx.AppendAudits(ctx, bulk); err != nil {
			return err
		}
		return tx.EnqueueMails(ctx, bulkM)
	})
	view(t, st, func(tx store.Tx) error {
		events, err := tx.ListAudit(ctx, store.AuditQuery{})
		if err != nil {
			return err
		}
		mails, err := tx.ListMail(ctx, store.MailQuery{})
		if err != nil {
			return err
		}
		if len(events) != 2*len(one) || len(mails) != 2*len(oneM) {
			t.Fatalf("%d audit events and %d mails, want %d and %d", len(events), len(mails), 2*len(one), 2*len(oneM))
		}
		for i := range one {
			a, b := events[i], events[len(one)+i]
			if a.Action != b.Action || a.Actor != b.Actor || a.ActorID != b.ActorID || a.StructureID != b.StructureID ||
				a.Target != b.Target || a.Details != b.Details || !a.At.Equal(b.At) || b.ID <= events[len(one)+i-1].ID {
				t.Fatalf("audit event %d written in bulk reads back as %+v, one by one as %+v", i, b, a)
			}
			m, n := mails[i], mails[len(oneM)+i]
			if m.To != n.To || m.Subject != n.Subject || m.Body != n.Body || m.Status != n.Status || m.Sensitive != n.Sensitive ||
				!m.NextAttemptAt.Equal(n.NextAttemptAt) || !m.CreatedAt.Equal(n.CreatedAt) {
				t.Fatalf("mail %d written in bulk reads back as %+v, one by one as %+v", i, n, m)
			}
		}
		return nil
	})
}

// testBulkRowsPointingNowhere: a bulk write of rows one of which points to no row (an account,
// a structure, a membership that does not exist) fails its transaction, and nothing of the
// transaction is kept: the rows written before it in the same statement, and the statements
// before it. On SQLite these foreign keys are checked at commit (migration 14), on PostgreSQL
// at the statement.
func testBulkRowsPointingNowhere(t *testing.T, st store.Store) {
	ctx := context.Background()
	ss, us, rs := decisionRows(t, st)
	const nowhere = int64(99_999_999)
	var (
		member domain.Membership
		code   string
	)
	update(t, st, func(tx store.Tx) error {
		cat, err := tx.Catalogue(ctx)
		if err != nil || len(cat) == 0 {
			return fmt.Errorf("a profile to grant: %d in the catalogue (%v)", len(cat), err)
		}
		code = cat[0].Code
		ms := []domain.Membership{{UserID: us[0].ID, StructureID: ss[0].ID}}
		if err := tx.InsertMemberships(ctx, ms); err != nil {
			return err
		}
		member = ms[0]
		return nil
	})
	audit := func(structureID int64) domain.AuditEvent {
		return domain.AuditEvent{ActorID: us[0].ID, Actor: us[0].Email, Action: "request.approve", StructureID: structureID, Target: "x"}
	}
	for _, c := range []struct {
		what  string
		write func(tx store.Tx) error
	}{
		{"a membership of no account", func(tx store.Tx) error {
			return tx.InsertMemberships(ctx, []domain.Membership{{UserID: us[1].ID, StructureID: ss[1].ID},
				{UserID: nowhere, StructureID: ss[2].ID}, {UserID: us[3].ID, StructureID: ss[3].ID}})
		}},
		{"a membership of no structure", func(tx store.Tx) error {
			return tx.InsertMemberships(ctx, []domain.Membership{{UserID: us[1].ID, StructureID: ss[1].ID},
				{UserID: us[2].ID, StructureID: nowhere}, {UserID: us[3].ID, StructureID: ss[3].ID}})
		}},
		{"a grant on no membership", func(tx store.Tx) error {
			return tx.InsertGrants(ctx, []int64{member.ID, nowhere, member.ID}, []string{code, code, code + "x"}, us[0].ID)
		}},
		{"a grant by no account", func(tx store.Tx) error {
			return tx.InsertGrants(ctx, []int64{member.ID}, []string{code}, nowhere)
		}},
		{"an audit event on no structure", func(tx store.Tx) error {
			return tx.AppendAudits(ctx, []domain.AuditEvent{audit(ss[1].ID), audit(nowhere), audit(ss[1].ID)})
		}},
		{"a decision by no account", func(tx store.Tx) error {
			_, err := tx.DecideRequests(ctx, []int64{rs[1].ID, rs[2].ID}, domain.StatusApproved, nowhere, "")
			return err
		}},
	} {
		err := st.Update(ctx, func(tx store.Tx) error {
			// Something valid first, which the failure must take back too.
			if _, err := tx.SetUsersStatus(ctx, []int64{us[1].ID}, domain.UserActive); err != nil {
				return err
			}
			if err := tx.AppendAudits(ctx, []domain.AuditEvent{audit(ss[4].ID)}); err != nil {
				return err
			}
			return c.write(tx)
		})
		if err == nil {
			t.Errorf("%s: written", c.what)
		}
	}
	view(t, st, func(tx store.Tx) error {
		ms, err := tx.MembershipsOf(ctx, []int64{us[0].ID, us[1].ID, us[2].ID, us[3].ID})
		if err != nil {
			return err
		}
		if len(ms) != 1 || ms[0].ID != member.ID {
			t.Errorf("memberships %+v, want the one made before only", ms)
		}
		grants, err := tx.Grants(ctx, member.ID)
		if err != nil {
			return err
		}
		if len(grants) != 0 {
			t.Errorf("grants %v kept", grants)
		}
		for _, s := range []int64{ss[1].ID, ss[4].ID} {
			events, err := tx.ListAudit(ctx, store.AuditQuery{StructureID: s})
			if err != nil {
				return err
			}
			if len(events) != 0 {
				t.Errorf("%d audit events kept on structure %d", len(events), s)
			}
		}
		got, err := tx.RequestsByID(ctx, []int64{rs[1].ID, rs[2].ID})
		if err != nil {
			return err
		}
		for _, r := range got {
			if r.Status != domain.StatusPending {
				t.Errorf("request %d kept %s", r.ID, r.Status)
			}
		}
		users, err := tx.UsersByID(ctx, []int64{us[1].ID})
		if err != nil {
			return err
		}
		if len(users) != 1 || users[0].Status != domain.UserPending {
			t.Errorf("account %+v, want it pending still", users)
		}
		return nil
	})
}
