package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// RunExport checks EachMember, the streaming read behind `export users`, against ListMembers:
// the same rows, in the same order, with the same profiles, for every filter.
func RunExport(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"EachMemberMatchesListMembers", testEachMemberMatchesListMembers},
		{"EachMemberEmpty", testEachMemberEmpty},
		{"EachMemberStopsAtError", testEachMemberStopsAtError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t)
			tc.fn(t, st)
		})
	}
}

// exportWorld is three structures whose names sort differently folded and raw, people with
// the same last name, a référent, ended memberships, revoked and active grants.
type exportWorld struct {
	structures []domain.Structure
	users      []domain.User
}

func newExportWorld(t *testing.T, st store.Store) exportWorld {
	t.Helper()
	ctx := context.Background()
	var w exportWorld
	update(t, st, func(tx store.Tx) error {
		for _, s := range []domain.Structure{
			{SIRET: "73282932000074", Name: "Zénith Formation", Address: "1 rue A"},
			{Name: "École des Métiers", Address: "2 rue B"}, // no SIRET; sorts before Zénith folded
			{SIRET: "44306184100047", Name: "atelier Bordelais", Address: "3 rue C"},
		} {
			if err := tx.CreateStructure(ctx, &s); err != nil {
				return err
			}
			w.structures = append(w.structures, s)
		}
		for i, u := range []domain.User{
			{Email: "elodie.lefevre@example.fr", LastName: "Lefèvre", FirstName: "Élodie", Function: "Directrice", Phone: "+33556000001"},
			{Email: "adrien.lefevre@example.fr", LastName: "Lefèvre", FirstName: "Adrien"},
			{Email: "anne.martin@example.fr", LastName: "Martin", FirstName: "Anne", Phone: "+442071838750"},
			{Email: "bob.durand@example.fr", LastName: "Durand", FirstName: "Bob", Function: `=HYPERLINK("http://evil","x")`},
			{Email: "left@example.fr", LastName: "Ancien", FirstName: "Parti"},
		} {
			u.Status, u.PasswordHash, u.Source = domain.UserActive, fmt.Sprintf("$argon2id$v=19$fake%d", i), "synapse"
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			w.users = append(w.users, u)
		}
		join := func(u, s int, referent bool, profiles ...string) (int64, error) {
			m := domain.Membership{UserID: w.users[u].ID, StructureID: w.structures[s].ID}
			if err := tx.AddMembership(ctx, &m); err != nil {
				return 0, err
			}
			if referent {
				if err := tx.SetReferent(ctx, m.ID, true); err != nil {
					return 0, err
				}
			}
			for _, p := range profiles {
				if err := tx.AddGrant(ctx, m.ID, p, 0); err != nil {
					return 0, err
				}
			}
			return m.ID, nil
		}
		steps := []struct {
			u, s     int
			referent bool
			profiles []string
		}{
			{0, 0, true, []string{"parcourspro.employer", domain.ProfileBeneficiary, "rafael.of-general"}},
			{1, 0, false, []string{domain.ProfileBeneficiary}},
			{2, 0, false, nil},
			{0, 1, false, []string{"rafael.prescriber-2"}},
			{3, 1, true, []string{domain.ProfileBeneficiary, "parcourspro.provider"}},
			{2, 2, false, []string{"rafael.of-catalogue"}},
		}
		for _, s := range steps {
			if _, err := join(s.u, s.s, s.referent, s.profiles...); err != nil {
				return err
			}
		}
		// A revoked grant is not listed; an ended membership is not exported.
		revoked, err := join(1, 2, false, "rafael.of-catalogue", domain.ProfileBeneficiary)
		if err != nil {
			return err
		}
		if err := tx.RevokeGrant(ctx, revoked, "rafael.of-catalogue", 0); err != nil {
			return err
		}
		gone, err := join(4, 0, false, "parcourspro.employer")
		if err != nil {
			return err
		}
		if err := tx.RevokeAllGrants(ctx, gone, 0); err != nil {
			return err
		}
		return tx.EndMembership(ctx, gone)
	})
	return w
}

// eachMember collects what EachMember streams.
func eachMember(t *testing.T, st store.Store, q store.MemberQuery) []domain.Member {
	t.Helper()
	out := []domain.Member{}
	view(t, st, func(tx store.Tx) error {
		return tx.EachMember(context.Background(), q, func(m domain.Member) error {
			out = append(out, m)
			return nil
		})
	})
	return out
}

func testEachMemberMatchesListMembers(t *testing.T, st store.Store) {
	w := newExportWorld(t, st)
	queries := []store.MemberQuery{
		{},
		{StructureID: w.structures[0].ID},
		{StructureID: w.structures[1].ID},
		{UserID: w.users[0].ID},
		{WithoutProfiles: true, IgnoreProfiles: []string{domain.ProfileBeneficiary}},
		{StructureID: w.structures[0].ID, WithoutProfiles: true},
		{StructureID: 999999},
	}
	for _, q := range queries {
		var want []domain.Member
		view(t, st, func(tx store.Tx) error {
			var err error
			want, err = tx.ListMembers(context.Background(), q)
			return err
		})
		got := eachMember(t, st, q)
		for _, m := range got {
			if m.User.PasswordHash != "" {
				t.Errorf("%+v: EachMember read the password hash of %s", q, m.User.Email)
			}
			if m.Profiles == nil {
				t.Errorf("%+v: profiles of %s are nil, want an empty list", q, m.User.Email)
			}
		}
		for i := range want {
			want[i].User.PasswordHash = ""
			want[i].User.CreatedAt, want[i].User.UpdatedAt = time.Time{}, time.Time{}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%+v: EachMember streamed\n%s\nListMembers lists\n%s", q, describeMembers(got), describeMembers(want))
		}
	}

	// The whole export: 7 active memberships, by folded structure name then person.
	all := eachMember(t, st, store.MemberQuery{})
	wantOrder := []string{
		"atelier Bordelais/Lefèvre Adrien [parcourspro.beneficiary]",
		"atelier Bordelais/Martin Anne [rafael.of-catalogue]",
		"École des Métiers/Durand Bob [parcourspro.beneficiary parcourspro.provider]",
		"École des Métiers/Lefèvre Élodie [rafael.prescriber-2]",
		"Zénith Formation/Lefèvre Adrien [parcourspro.beneficiary]",
		"Zénith Formation/Lefèvre Élodie [parcourspro.beneficiary parcourspro.employer rafael.of-general]",
		"Zénith Formation/Martin Anne []",
	}
	var gotOrder []string
	for _, m := range all {
		gotOrder = append(gotOrder, fmt.Sprintf("%s/%s %s %v", m.StructureName, m.User.LastName, m.User.FirstName, m.Profiles))
	}
	if !reflect.DeepEqual(gotOrder, wantOrder) {
		t.Errorf("export order:\n%q\nwant\n%q", gotOrder, wantOrder)
	}
	for _, m := range all {
		if m.User.Email == "elodie.lefevre@example.fr" && m.StructureID == w.structures[0].ID {
			if !m.Referent || m.SIRET != "73282932000074" || m.User.Phone != "+33556000001" || m.User.Function != "Directrice" ||
				m.User.Status != domain.UserActive || m.User.Source != "synapse" || m.MembershipID == 0 ||
				!m.Since.Equal(Clock.Truncate(time.Microsecond)) || m.Since.Location().String() != "UTC" {
				t.Errorf("row read back as %+v", m)
			}
		}
		if m.StructureName == "École des Métiers" && m.SIRET != "" {
			t.Errorf("structure without SIRET exported with %q", m.SIRET)
		}
	}
}

func testEachMemberEmpty(t *testing.T, st store.Store) {
	if got := eachMember(t, st, store.MemberQuery{}); len(got) != 0 {
		t.Errorf("empty database: EachMember streamed %d rows", len(got))
	}
}

func testEachMemberStopsAtError(t *testing.T, st store.Store) {
	newExportWorld(t, st)
	stop := errors.New("disk full")
	calls := 0
	err := st.View(context.Background(), func(tx store.Tx) error {
		return tx.EachMember(context.Background(), store.MemberQuery{}, func(domain.Member) error {
			calls++
			return stop
		})
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("fn failing on the first row: err = %v after %d calls, want %v after 1", err, calls, stop)
	}
	// The connection went back to the pool in a usable state.
	if got := eachMember(t, st, store.MemberQuery{}); len(got) != 7 {
		t.Errorf("after a stopped export, EachMember streamed %d rows, want 7", len(got))
	}

	ctx, cancel := context.WithCancel(context.Background())
	calls = 0
	err = st.View(ctx, func(tx store.Tx) error {
		return tx.EachMember(ctx, store.MemberQuery{}, func(domain.Member) error {
			calls++
			cancel()
			return nil
		})
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("export cancelled during the first row: err = %v after %d calls, want context.Canceled after 1", err, calls)
	}
}

func describeMembers(ms []domain.Member) string {
	s := ""
	for _, m := range ms {
		s += fmt.Sprintf("  #%d %s@%d ref=%v %v since=%s\n", m.MembershipID, m.User.Email, m.StructureID, m.Referent, m.Profiles, m.Since)
	}
	return s
}
