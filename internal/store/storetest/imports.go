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

// RunImports checks the bulk reads and writes of the imports: ids set on what was created and
// left at 0 on what existed, lookups by lists longer than one statement carries, and rows that
// read back as the one-row methods write them.
func RunImports(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"InsertStructures", testInsertStructures},
		{"InsertUsersMembershipsGrants", testInsertUsersMembershipsGrants},
		{"InsertNew", testInsertNew},
		{"BulkManyRows", testBulkManyRows},
		{"BulkRollsBack", testBulkRollsBack},
		{"BulkKeepsConstraints", testBulkKeepsConstraints},
		{"BulkAuditsInOrder", testBulkAuditsInOrder},
		{"BulkStructures", testBulkStructures},
	}
	for _, tc := range tests {
		t.Run("Imports/"+tc.name, func(t *testing.T) {
			tc.fn(t, newStore(t))
		})
	}
}

func testInsertStructures(t *testing.T, st store.Store) {
	ctx := context.Background()
	taken := mustCreate(t, st, domain.Structure{SIRET: "73282932000074", Name: "Cap Métiers", Address: "102 av. de Canéjan"})
	in := []domain.Structure{
		{SIRET: "44306184100047", Name: "Horizons Emploi", Acronym: "HE", APE: "85.59A", Address: "1 rue X",
			PostalCode: "33000", City: "Bordeaux", Department: "33", Kinds: []domain.Kind{domain.KindTrainingOrg, domain.KindEmployer},
			AdhesionYear: 2026},
		{SIRET: "73282932000074", Name: "Doublon de Cap Métiers"},
		{Name: "Ministère du Travail", Address: "127 rue de Grenelle", Ministry: true},
	}
	update(t, st, func(tx store.Tx) error { return tx.InsertStructures(ctx, in) })
	if in[0].ID == 0 || in[2].ID == 0 || in[0].ID == in[2].ID || in[0].ID == taken.ID {
		t.Fatalf("ids of created structures: %d, %d", in[0].ID, in[2].ID)
	}
	if in[1].ID != 0 {
		t.Errorf("a SIRET already taken got id %d, want 0", in[1].ID)
	}
	if !in[0].CreatedAt.Equal(Clock) {
		t.Errorf("CreatedAt = %v, want the transaction's time", in[0].CreatedAt)
	}
	view(t, st, func(tx store.Tx) error {
		got, err := tx.StructureByID(ctx, in[0].ID)
		if err != nil {
			return err
		}
		want := in[0]
		if got.SIRET != want.SIRET || got.Name != want.Name || got.Acronym != want.Acronym || got.APE != want.APE ||
			got.PostalCode != want.PostalCode || got.Department != want.Department || !slices.Equal(got.Kinds, want.Kinds) ||
			got.AdhesionYear != 2026 || got.Ministry || !got.CreatedAt.Equal(Clock) {
			t.Errorf("read back %+v\nwant %+v", got, want)
		}
		min, err := tx.StructureByID(ctx, in[2].ID)
		if err != nil {
			return err
		}
		if min.SIRET != "" || !min.Ministry || min.AdhesionYear != 0 || len(min.Kinds) != 0 {
			t.Errorf("structure without SIRET read back as %+v", min)
		}

		bySIRET, err := tx.StructuresBySIRET(ctx, []string{"44306184100047", "73282932000074", "12345678900007"})
		if err != nil {
			return err
		}
		var names []string
		for _, s := range bySIRET {
			names = append(names, s.Name)
		}
		slices.Sort(names)
		if !slices.Equal(names, []string{"Cap Métiers", "Horizons Emploi"}) {
			t.Errorf("StructuresBySIRET found %v", names)
		}
		none, err := tx.StructuresWithoutSIRET(ctx, []string{domain.Fold("Ministère du Travail"), domain.Fold("Cap Métiers")})
		if err != nil {
			return err
		}
		if len(none) != 1 || none[0].ID != in[2].ID {
			t.Errorf("StructuresWithoutSIRET found %+v", none)
		}
		// Bulk-created structures are found by search like the others.
		found, err := tx.SearchStructures(ctx, store.StructureQuery{Text: "horizons emploi"})
		if err != nil {
			return err
		}
		if len(found) != 1 || found[0].ID != in[0].ID {
			t.Errorf("search found %+v", found)
		}
		return nil
	})
	// The one-row method still works after a bulk insert: the ids do not collide.
	after := mustCreate(t, st, domain.Structure{Name: "Après", Address: "2 rue Y"})
	if after.ID <= in[2].ID {
		t.Errorf("id %d after bulk ids up to %d", after.ID, in[2].ID)
	}
}

func testInsertUsersMembershipsGrants(t *testing.T, st store.Store) {
	ctx := context.Background()
	s := mustCreate(t, st, domain.Structure{SIRET: "44306184100047", Name: "Horizons Emploi", Address: "1 rue X"})
	var existing domain.User
	update(t, st, func(tx store.Tx) error {
		existing = domain.User{Email: "deja@x.fr", LastName: "Déjà", FirstName: "Là", Status: domain.UserActive}
		return tx.CreateUser(ctx, &existing)
	})
	us := []domain.User{
		{Email: "claire@x.fr", LastName: "Martin", FirstName: "Claire", Function: "Formatrice", Phone: "+33556000000",
			Status: domain.UserActive, Source: "synapse"},
		{Email: "deja@x.fr", LastName: "Autre", FirstName: "Personne", Status: domain.UserActive, Source: "synapse"},
		{Email: "paul@x.fr", LastName: "Leroy", FirstName: "Paul", Status: domain.UserActive, Source: "prisme"},
	}
	update(t, st, func(tx store.Tx) error { return tx.InsertUsers(ctx, us) })
	if us[0].ID == 0 || us[2].ID == 0 || us[1].ID != 0 {
		t.Fatalf("ids %d %d %d: want the existing e-mail left out", us[0].ID, us[1].ID, us[2].ID)
	}
	var ms []domain.Membership
	view(t, st, func(tx store.Tx) error {
		got, err := tx.UserByEmail(ctx, "claire@x.fr")
		if err != nil {
			return err
		}
		if got.ID != us[0].ID || got.LastName != "Martin" || got.Function != "Formatrice" || got.Phone != "+33556000000" ||
			got.Status != domain.UserActive || got.PasswordHash != "" || got.MustChangePassword || got.Manager ||
			got.Source != "synapse" || !got.CreatedAt.Equal(Clock) {
			t.Errorf("read back %+v", got)
		}
		kept, err := tx.UserByEmail(ctx, "deja@x.fr")
		if err != nil {
			return err
		}
		if kept.LastName != "Déjà" || kept.Source != "" {
			t.Errorf("the existing account changed: %+v", kept)
		}
		ids, err := tx.UserIDsByEmail(ctx, []string{"claire@x.fr", "deja@x.fr", "inconnu@x.fr"})
		if err != nil {
			return err
		}
		if len(ids) != 2 || ids["claire@x.fr"] != us[0].ID || ids["deja@x.fr"] != existing.ID {
			t.Errorf("UserIDsByEmail = %v", ids)
		}
		return nil
	})

	ms = []domain.Membership{
		{UserID: us[0].ID, StructureID: s.ID},
		{UserID: existing.ID, StructureID: s.ID},
		{UserID: us[2].ID, StructureID: s.ID},
	}
	update(t, st, func(tx store.Tx) error { return tx.InsertMemberships(ctx, ms) })
	for i, m := range ms {
		if m.ID == 0 || !m.CreatedAt.Equal(Clock) {
			t.Fatalf("membership %d = %+v", i, m)
		}
	}
	again := []domain.Membership{{UserID: us[0].ID, StructureID: s.ID}}
	update(t, st, func(tx store.Tx) error { return tx.InsertMemberships(ctx, again) })
	if again[0].ID != 0 {
		t.Errorf("an active membership was created twice (id %d)", again[0].ID)
	}
	update(t, st, func(tx store.Tx) error {
		if err := tx.InsertGrants(ctx, []int64{ms[0].ID, ms[1].ID, ms[0].ID}, []string{domain.ProfileBeneficiary, domain.ProfileBeneficiary, domain.ProfileEmployer}, existing.ID); err != nil {
			return err
		}
		// Granting what is held changes nothing and is no error.
		return tx.InsertGrants(ctx, []int64{ms[0].ID}, []string{domain.ProfileBeneficiary}, 0)
	})
	view(t, st, func(tx store.Tx) error {
		got, err := tx.MembershipsOf(ctx, []int64{us[0].ID, existing.ID, 999999})
		if err != nil {
			return err
		}
		if len(got) != 2 {
			t.Errorf("MembershipsOf = %+v", got)
		}
		for _, m := range got {
			if m.StructureID != s.ID || m.Referent || !m.Active() {
				t.Errorf("membership %+v", m)
			}
		}
		return nil
	})
	// An ended membership is still listed, as ended.
	update(t, st, func(tx store.Tx) error { return tx.EndMembership(ctx, ms[1].ID) })
	view(t, st, func(tx store.Tx) error {
		got, err := tx.MembershipsOf(ctx, []int64{existing.ID})
		if err != nil {
			return err
		}
		if len(got) != 1 || got[0].ID != ms[1].ID || got[0].Active() {
			t.Errorf("MembershipsOf after the membership ended = %+v", got)
		}
		held, err := tx.Grants(ctx, ms[0].ID)
		if err != nil {
			return err
		}
		if !slices.Equal(held, []string{domain.ProfileBeneficiary, domain.ProfileEmployer}) {
			t.Errorf("grants of the first membership: %v", held)
		}
		members, err := tx.ListMembers(ctx, store.MemberQuery{StructureID: s.ID})
		if err != nil {
			return err
		}
		if len(members) != 2 {
			t.Errorf("%d members, want 2 (3 attached, 1 ended)", len(members))
		}
		return nil
	})
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.InsertGrants(ctx, []int64{1}, nil, 0) }); err == nil {
		t.Error("InsertGrants accepted memberships and codes of different lengths")
	}
}

// InsertNewUsers, InsertNewMemberships and InsertNewGrants write every row as the methods
// that leave out conflicts do, ids and times set, accounts and memberships read back alike;
// but one row that exists already (an e-mail with an account, a pair already active, a
// profile already held) fails the call with ErrConflict, and the transaction keeps nothing.
func testInsertNew(t *testing.T, st store.Store) {
	ctx := context.Background()
	s := mustCreate(t, st, domain.Structure{SIRET: "44306184100047", Name: "Horizons Emploi", Address: "1 rue X"})
	var existing domain.User
	update(t, st, func(tx store.Tx) error {
		existing = domain.User{Email: "deja@x.fr", LastName: "Déjà", FirstName: "Là", Status: domain.UserActive, Manager: true}
		return tx.CreateUser(ctx, &existing)
	})
	const n = 1100 // more than one statement carries on SQLite
	us := make([]domain.User, n)
	for i := range us {
		us[i] = domain.User{Email: fmt.Sprintf("p%04d@x.fr", i), LastName: "Élise", FirstName: "Ï", Function: "F",
			Phone: "+33556000000", Status: domain.UserActive, Source: "synapse"}
	}
	var ms []domain.Membership
	update(t, st, func(tx store.Tx) error {
		if err := tx.InsertNewUsers(ctx, us); err != nil {
			return err
		}
		ms = make([]domain.Membership, n)
		for i, u := range us {
			ms[i] = domain.Membership{UserID: u.ID, StructureID: s.ID}
		}
		if err := tx.InsertNewMemberships(ctx, ms); err != nil {
			return err
		}
		ids, codes := make([]int64, n), make([]string, n)
		for i, m := range ms {
			ids[i], codes[i] = m.ID, domain.ProfileBeneficiary
		}
		return tx.InsertNewGrants(ctx, ids, codes, existing.ID)
	})
	seen := map[int64]bool{existing.ID: true}
	for i := range n {
		if seen[us[i].ID] || seen[-ms[i].ID] || ms[i].ID == 0 || !us[i].CreatedAt.Equal(Clock) || !ms[i].CreatedAt.Equal(Clock) {
			t.Fatalf("row %d: account %+v, membership %+v", i, us[i], ms[i])
		}
		seen[us[i].ID], seen[-ms[i].ID] = true, true
	}
	view(t, st, func(tx store.Tx) error {
		for _, i := range []int{0, n - 1} {
			got, err := tx.UserByEmail(ctx, us[i].Email)
			if err != nil {
				return err
			}
			if got.ID != us[i].ID || got.LastName != "Élise" || got.Function != "F" || got.Phone != "+33556000000" ||
				got.Status != domain.UserActive || got.PasswordHash != "" || got.Manager || got.Source != "synapse" || !got.CreatedAt.Equal(Clock) {
				t.Errorf("read back %+v", got)
			}
			held, err := tx.Grants(ctx, ms[i].ID)
			if err != nil {
				return err
			}
			if !slices.Equal(held, []string{domain.ProfileBeneficiary}) {
				t.Errorf("grants of membership %d: %v", i, held)
			}
		}
		got, err := tx.MembershipsOf(ctx, []int64{us[0].ID, us[n-1].ID})
		if err != nil {
			return err
		}
		if len(got) != 2 || got[0].StructureID != s.ID || got[1].StructureID != s.ID || !got[0].Active() || got[0].Referent {
			t.Errorf("MembershipsOf = %+v", got)
		}
		members, err := tx.ListMembers(ctx, store.MemberQuery{StructureID: s.ID})
		if err != nil {
			return err
		}
		if len(members) != n {
			t.Errorf("%d members, want %d", len(members), n)
		}
		return nil
	})

	// Each kind of row that exists already fails its call, and nothing of the transaction is kept.
	fresh := func(email string) domain.User {
		return domain.User{Email: email, LastName: "N", FirstName: "P", Status: domain.UserActive, Source: "prisme"}
	}
	for _, tc := range []struct {
		name  string
		write func(tx store.Tx) error
	}{
		{"an e-mail with an account", func(tx store.Tx) error {
			return tx.InsertNewUsers(ctx, []domain.User{fresh("nouveau@x.fr"), fresh(existing.Email)})
		}},
		{"an active membership", func(tx store.Tx) error {
			more := []domain.User{fresh("nouveau@x.fr")}
			if err := tx.InsertNewUsers(ctx, more); err != nil {
				return err
			}
			return tx.InsertNewMemberships(ctx, []domain.Membership{{UserID: more[0].ID, StructureID: s.ID}, {UserID: us[1].ID, StructureID: s.ID}})
		}},
		{"a profile held", func(tx store.Tx) error {
			more := []domain.User{fresh("nouveau@x.fr")}
			if err := tx.InsertNewUsers(ctx, more); err != nil {
				return err
			}
			return tx.InsertNewGrants(ctx, []int64{ms[2].ID}, []string{domain.ProfileBeneficiary}, 0)
		}},
	} {
		if err := st.Update(ctx, tc.write); !errors.Is(err, domain.ErrConflict) {
			t.Errorf("%s: Update = %v, want a conflict", tc.name, err)
		}
		view(t, st, func(tx store.Tx) error {
			ids, err := tx.UserIDsByEmail(ctx, []string{"nouveau@x.fr"})
			if err == nil && len(ids) != 0 {
				t.Errorf("%s: the failed transaction kept an account", tc.name)
			}
			return err
		})
	}
	view(t, st, func(tx store.Tx) error {
		members, err := tx.ListMembers(ctx, store.MemberQuery{StructureID: s.ID})
		if err == nil && len(members) != n {
			t.Errorf("%d members after the conflicts, want %d", len(members), n)
		}
		return err
	})
	if err := st.View(ctx, func(tx store.Tx) error { return tx.InsertNewUsers(ctx, []domain.User{fresh("vue@x.fr")}) }); err == nil {
		t.Error("InsertNewUsers ran in a read-only view")
	}
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.InsertNewGrants(ctx, []int64{1}, nil, 0) }); err == nil {
		t.Error("InsertNewGrants accepted memberships and codes of different lengths")
	}
}

// More rows than one statement carries, and more keys than one IN list.
func testBulkManyRows(t *testing.T, st store.Store) {
	ctx := context.Background()
	const n = 1234
	s := mustCreate(t, st, domain.Structure{SIRET: "44306184100047", Name: "Horizons Emploi", Address: "1 rue X"})
	us := make([]domain.User, n)
	emails := make([]string, n)
	for i := range us {
		emails[i] = fmt.Sprintf("p%04d@x.fr", i)
		us[i] = domain.User{Email: emails[i], LastName: "P", FirstName: "Q", Status: domain.UserActive, Source: "prisme"}
	}
	update(t, st, func(tx store.Tx) error {
		if err := tx.InsertUsers(ctx, us); err != nil {
			return err
		}
		ms := make([]domain.Membership, n)
		for i, u := range us {
			if u.ID == 0 {
				return fmt.Errorf("user %d not created", i)
			}
			ms[i] = domain.Membership{UserID: u.ID, StructureID: s.ID}
		}
		if err := tx.InsertMemberships(ctx, ms); err != nil {
			return err
		}
		ids, codes := make([]int64, n), make([]string, n)
		for i, m := range ms {
			ids[i], codes[i] = m.ID, domain.ProfileBeneficiary
		}
		return tx.InsertGrants(ctx, ids, codes, 0)
	})
	// The same rows again, half of them new: only the new ones are created.
	more := make([]domain.User, n)
	for i := range more {
		more[i] = domain.User{Email: fmt.Sprintf("p%04d@x.fr", i+n/2), LastName: "P", FirstName: "Q", Status: domain.UserActive}
	}
	update(t, st, func(tx store.Tx) error { return tx.InsertUsers(ctx, more) })
	created := 0
	for i, u := range more {
		if (u.ID != 0) != (i+n/2 >= n) {
			t.Fatalf("user %s: id %d", u.Email, u.ID)
		}
		if u.ID != 0 {
			created++
		}
	}
	if created != n/2 {
		t.Errorf("%d created, want %d", created, n/2)
	}
	view(t, st, func(tx store.Tx) error {
		ids, err := tx.UserIDsByEmail(ctx, append(emails, "absent@x.fr"))
		if err != nil {
			return err
		}
		if len(ids) != n {
			t.Errorf("UserIDsByEmail found %d of %d", len(ids), n)
		}
		userIDs := make([]int64, 0, n)
		for _, id := range ids {
			userIDs = append(userIDs, id)
		}
		ms, err := tx.MembershipsOf(ctx, userIDs)
		if err != nil {
			return err
		}
		if len(ms) != n {
			t.Errorf("MembershipsOf found %d of %d", len(ms), n)
		}
		members, err := tx.ListMembers(ctx, store.MemberQuery{StructureID: s.ID, WithoutProfiles: true})
		if err != nil {
			return err
		}
		if len(members) != 0 {
			t.Errorf("%d members without a profile, want 0", len(members))
		}
		return nil
	})
}

// A bulk insert in a transaction that fails leaves nothing, and the next one works.
func testBulkRollsBack(t *testing.T, st store.Store) {
	ctx := context.Background()
	boom := errors.New("boom")
	us := []domain.User{{Email: "a@x.fr", LastName: "A", FirstName: "B", Status: domain.UserActive}}
	err := st.Update(ctx, func(tx store.Tx) error {
		if err := tx.InsertUsers(ctx, us); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v", err)
	}
	view(t, st, func(tx store.Tx) error {
		ids, err := tx.UserIDsByEmail(ctx, []string{"a@x.fr"})
		if len(ids) != 0 {
			t.Errorf("rolled-back account found: %v", ids)
		}
		return err
	})
	update(t, st, func(tx store.Tx) error { return tx.InsertUsers(ctx, us) })
	if us[0].ID == 0 {
		t.Error("the account was not created after the rollback")
	}
	// Bulk writes need a write transaction.
	if err := st.View(ctx, func(tx store.Tx) error { return tx.InsertUsers(ctx, us) }); err == nil {
		t.Error("InsertUsers ran in a read-only view")
	}
}

// Bulk inserts of more rows than one statement holds (staged first: INSERT … SELECT on SQLite,
// COPY on PostgreSQL) still refuse what the schema refuses, a CHECK constraint (an e-mail in
// upper case, the 600th of its bulk) or a foreign key (a membership of a structure that is
// not, a grant on a membership that is not), and the transaction leaves nothing.
func testBulkKeepsConstraints(t *testing.T, st store.Store) {
	ctx := context.Background()
	const n = 600
	s := mustCreate(t, st, domain.Structure{SIRET: "44306184100047", Name: "Horizons Emploi", Address: "1 rue X"})
	users := func(prefix string) []domain.User {
		us := make([]domain.User, n)
		for i := range us {
			us[i] = domain.User{Email: fmt.Sprintf("%s%04d@x.fr", prefix, i), LastName: "P", FirstName: "Q", Status: domain.UserActive, Source: "prisme"}
		}
		return us
	}
	count := func(prefix string) int {
		var found int
		view(t, st, func(tx store.Tx) error {
			emails := make([]string, n)
			for i := range emails {
				emails[i] = fmt.Sprintf("%s%04d@x.fr", prefix, i)
			}
			ids, err := tx.UserIDsByEmail(ctx, emails)
			found = len(ids)
			return err
		})
		return found
	}
	us := users("c")
	us[n-1].Email = "C0599@x.fr"
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.InsertUsers(ctx, us) }); err == nil {
		t.Error("an e-mail in upper case was written")
	}
	if got := count("c"); got != 0 {
		t.Errorf("%d accounts of the refused bulk written", got)
	}

	for _, broken := range []string{"structure", "membership"} {
		us := users("f" + broken[:1])
		err := st.Update(ctx, func(tx store.Tx) error {
			if err := tx.InsertUsers(ctx, us); err != nil {
				return err
			}
			ms := make([]domain.Membership, n)
			for i, u := range us {
				ms[i] = domain.Membership{UserID: u.ID, StructureID: s.ID}
			}
			if broken == "structure" {
				ms[n-1].StructureID = s.ID + 1000
			}
			if err := tx.InsertMemberships(ctx, ms); err != nil {
				return err
			}
			ids, codes := make([]int64, n), make([]string, n)
			for i, m := range ms {
				ids[i], codes[i] = m.ID, domain.ProfileBeneficiary
			}
			if broken == "membership" {
				ids[n-1] = ms[n-1].ID + 1000
			}
			return tx.InsertGrants(ctx, ids, codes, 0)
		})
		if err == nil {
			t.Errorf("a bulk referring to a %s that is not was written", broken)
		}
		if got := count("f" + broken[:1]); got != 0 {
			t.Errorf("%d accounts of the refused bulk (%s) written", got, broken)
		}
	}
	// The same rows, right, are written.
	update(t, st, func(tx store.Tx) error { return tx.InsertUsers(ctx, users("c")) })
	if got := count("c"); got != n {
		t.Errorf("%d accounts written, want %d", got, n)
	}
}

// Thousands of audit events in one bulk (staged first: COPY on PostgreSQL) are written once
// each, in the order given, with their null actor or structure; a second bulk in the same
// transaction stages afresh; a failed transaction leaves none of them.
func testBulkAuditsInOrder(t *testing.T, st store.Store) {
	ctx := context.Background()
	s := mustCreate(t, st, domain.Structure{SIRET: "44306184100047", Name: "Horizons Emploi", Address: "1 rue X"})
	events := func(from, n int) []domain.AuditEvent {
		es := make([]domain.AuditEvent, n)
		for i := range es {
			es[i] = domain.AuditEvent{Actor: "import", Action: "member.import", Target: fmt.Sprintf("p%05d@x.fr", from+i),
				Details: fmt.Sprintf(`{"line":%d}`, from+i)}
			if i%2 == 0 {
				es[i].StructureID = s.ID
			}
		}
		return es
	}
	boom := errors.New("boom")
	err := st.Update(ctx, func(tx store.Tx) error {
		if err := tx.AppendAudits(ctx, events(0, 1500)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v", err)
	}
	update(t, st, func(tx store.Tx) error {
		if err := tx.AppendAudits(ctx, events(0, 1500)); err != nil {
			return err
		}
		return tx.AppendAudits(ctx, events(1500, 1200))
	})
	view(t, st, func(tx store.Tx) error {
		got, err := tx.ListAudit(ctx, store.AuditQuery{Action: "member.import"})
		if err != nil {
			return err
		}
		if len(got) != 2700 {
			t.Fatalf("%d events, want 2700", len(got))
		}
		for i, e := range got {
			want := fmt.Sprintf("p%05d@x.fr", i)
			if e.Target != want || e.Details != fmt.Sprintf(`{"line":%d}`, i) || e.ActorID != 0 || (e.StructureID == s.ID) != (i%2 == 0) || !e.At.Equal(Clock) {
				t.Fatalf("event %d: %+v, want target %s", i, e, want)
			}
		}
		return nil
	})
}

// More structures than one statement carries (staged first: COPY on PostgreSQL), with and
// without SIRET, one SIRET taken already: all but that one are created with their ids, and
// read back as written.
func testBulkStructures(t *testing.T, st store.Store) {
	ctx := context.Background()
	const n = 1200
	taken := mustCreate(t, st, domain.Structure{SIRET: domain.MakeSIRET("12345678", "0007"), Name: "Déjà là", Address: "1 rue X"})
	ss := make([]domain.Structure, n)
	for i := range ss {
		ss[i] = domain.Structure{Name: fmt.Sprintf("Organisme n°%04d", i), Acronym: "OF", Address: "2 rue Y", PostalCode: "33000",
			City: "Bordeaux", Department: "33", Kinds: []domain.Kind{domain.KindTrainingOrg}}
		if i%3 != 0 {
			ss[i].SIRET = domain.MakeSIRET(fmt.Sprintf("2%07d", i), "0001")
		}
		if i%5 == 0 {
			ss[i].AdhesionYear, ss[i].Ministry = 2026, true
		}
	}
	ss[7].SIRET = taken.SIRET
	update(t, st, func(tx store.Tx) error { return tx.InsertStructures(ctx, ss) })
	for i, s := range ss {
		if (s.ID == 0) != (i == 7) {
			t.Fatalf("structure %d (%s): id %d", i, s.SIRET, s.ID)
		}
	}
	view(t, st, func(tx store.Tx) error {
		got, err := tx.StructureByID(ctx, ss[10].ID)
		if err != nil {
			return err
		}
		if got.SIRET != ss[10].SIRET || got.Name != "Organisme n°0010" || got.AdhesionYear != 2026 || !got.Ministry ||
			got.City != "Bordeaux" || !slices.Equal(got.Kinds, []domain.Kind{domain.KindTrainingOrg}) {
			t.Errorf("read back %+v", got)
		}
		got, err = tx.StructureByID(ctx, ss[3].ID)
		if err != nil {
			return err
		}
		if got.SIRET != "" || got.AdhesionYear != 0 || got.Ministry {
			t.Errorf("read back %+v", got)
		}
		kept, err := tx.StructureBySIRET(ctx, taken.SIRET)
		if err != nil {
			return err
		}
		if kept.ID != taken.ID || kept.Name != "Déjà là" {
			t.Errorf("the structure that was there: %+v", kept)
		}
		return nil
	})
}
