// Package storetest is the conformance suite of store.Store. Every engine's test calls Run
// with a constructor; the same assertions then hold SQLite and PostgreSQL to the same
// behaviour.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// Clock is the fixed time the suite's stores must use (pass it to the constructor).
var Clock = time.Date(2026, 11, 23, 9, 30, 0, 123456000, time.UTC)

// NewStore opens a new, empty, migrated store for t whose clock returns Clock.
type NewStore func(t *testing.T) store.Store

// Run runs every conformance test against the stores newStore makes.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"StructureRoundTrip", testStructureRoundTrip},
		{"StructureSIRETUnique", testStructureSIRETUnique},
		{"StructureUpdate", testStructureUpdate},
		{"StructureNotFound", testStructureNotFound},
		{"SearchRanking", testSearchRanking},
		{"SearchFolding", testSearchFolding},
		{"SearchSIRETPrefix", testSearchSIRETPrefix},
		{"SearchFilters", testSearchFilters},
		{"UserRoundTrip", testUserRoundTrip},
		{"UserEmailUnique", testUserEmailUnique},
		{"Tokens", testTokens},
		{"AuditFilters", testAuditFilters},
		{"AppendAudits", testAppendAudits},
		{"UpdateRollsBack", testUpdateRollsBack},
		{"OneTimePerTransaction", testOneTimePerTransaction},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t)
			tc.fn(t, st)
		})
	}
}

func update(t *testing.T, st store.Store, fn func(tx store.Tx) error) {
	t.Helper()
	if err := st.Update(context.Background(), fn); err != nil {
		t.Fatalf("update: %v", err)
	}
}

func view(t *testing.T, st store.Store, fn func(tx store.Tx) error) {
	t.Helper()
	if err := st.View(context.Background(), fn); err != nil {
		t.Fatalf("view: %v", err)
	}
}

func mustCreate(t *testing.T, st store.Store, s domain.Structure) domain.Structure {
	t.Helper()
	update(t, st, func(tx store.Tx) error { return tx.CreateStructure(context.Background(), &s) })
	return s
}

func testStructureRoundTrip(t *testing.T, st store.Store) {
	ctx := context.Background()
	in := domain.Structure{
		SIRET: "73282932000074", Name: "Cap Métiers Nouvelle-Aquitaine", Acronym: "CMNA", APE: "85.59A",
		Address: "102 avenue de Canéjan", PostalCode: "33600", City: "Pessac", Department: "33",
		Kinds: []domain.Kind{domain.KindTrainingOrg, domain.KindEmployer}, Ministry: false, AdhesionYear: 2026,
	}
	created := mustCreate(t, st, in)
	if created.ID == 0 {
		t.Fatal("CreateStructure left ID at 0")
	}
	if !created.CreatedAt.Equal(Clock.Truncate(time.Microsecond)) {
		t.Errorf("CreatedAt = %v, want the store clock %v", created.CreatedAt, Clock)
	}
	view(t, st, func(tx store.Tx) error {
		byID, err := tx.StructureByID(ctx, created.ID)
		if err != nil {
			return err
		}
		bySIRET, err := tx.StructureBySIRET(ctx, "73282932000074")
		if err != nil {
			return err
		}
		for _, got := range []domain.Structure{byID, bySIRET} {
			if got.Name != in.Name || got.SIRET != in.SIRET || got.APE != in.APE || got.Department != "33" ||
				got.AdhesionYear != 2026 || len(got.Kinds) != 2 || got.Kinds[0] != domain.KindTrainingOrg ||
				got.Kinds[1] != domain.KindEmployer || got.City != "Pessac" || got.Acronym != "CMNA" {
				t.Errorf("read back %+v, want the fields of %+v", got, in)
			}
			if !got.CreatedAt.Equal(created.CreatedAt) || got.CreatedAt.Location() != time.UTC {
				t.Errorf("CreatedAt read back %v, want %v in UTC", got.CreatedAt, created.CreatedAt)
			}
		}
		return nil
	})

	// Without SIRET: several may coexist, kinds may be empty.
	a := mustCreate(t, st, domain.Structure{Name: "Ministère du Travail", Address: "127 rue de Grenelle", Ministry: true})
	b := mustCreate(t, st, domain.Structure{Name: "Association sans SIRET", Address: "1 place X"})
	view(t, st, func(tx store.Tx) error {
		got, err := tx.StructureByID(ctx, a.ID)
		if err != nil {
			return err
		}
		if got.SIRET != "" || !got.Ministry || got.Kinds == nil || len(got.Kinds) != 0 || got.AdhesionYear != 0 {
			t.Errorf("structure without SIRET read back as %+v", got)
		}
		return nil
	})
	if a.ID == b.ID {
		t.Error("two structures got the same id")
	}
}

func testStructureSIRETUnique(t *testing.T, st store.Store) {
	mustCreate(t, st, domain.Structure{SIRET: "73282932000074", Name: "A"})
	err := st.Update(context.Background(), func(tx store.Tx) error {
		return tx.CreateStructure(context.Background(), &domain.Structure{SIRET: "73282932000074", Name: "B"})
	})
	if !errors.Is(err, domain.ErrConflict) {
		t.Fatalf("second structure with the same SIRET: err = %v, want ErrConflict", err)
	}
}

func testStructureUpdate(t *testing.T, st store.Store) {
	ctx := context.Background()
	s := mustCreate(t, st, domain.Structure{SIRET: "73282932000074", Name: "Ancien nom", Address: "x"})
	s.Name, s.SIRET, s.Kinds, s.AdhesionYear = "Nouvel Élan", "", []domain.Kind{domain.KindPrescriber}, 2025
	update(t, st, func(tx store.Tx) error { return tx.UpdateStructure(ctx, &s) })
	view(t, st, func(tx store.Tx) error {
		got, err := tx.StructureByID(ctx, s.ID)
		if err != nil {
			return err
		}
		if got.Name != "Nouvel Élan" || got.SIRET != "" || len(got.Kinds) != 1 || got.AdhesionYear != 2025 {
			t.Errorf("after update: %+v", got)
		}
		found, err := tx.SearchStructures(ctx, store.StructureQuery{Text: "nouvel elan"})
		if err != nil {
			return err
		}
		if len(found) != 1 {
			t.Errorf("search after rename found %d structures, want 1 (the index must follow updates)", len(found))
		}
		old, err := tx.SearchStructures(ctx, store.StructureQuery{Text: "ancien"})
		if err != nil {
			return err
		}
		if len(old) != 0 {
			t.Errorf("search for the old name still finds %d structures", len(old))
		}
		return nil
	})
	missing := domain.Structure{ID: 999999, Name: "x"}
	err := st.Update(ctx, func(tx store.Tx) error { return tx.UpdateStructure(ctx, &missing) })
	if !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("update of a missing structure: err = %v, want ErrNotFound", err)
	}
}

func testStructureNotFound(t *testing.T, st store.Store) {
	ctx := context.Background()
	_ = st.View(ctx, func(tx store.Tx) error {
		if _, err := tx.StructureByID(ctx, 42); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("StructureByID(42) err = %v, want ErrNotFound", err)
		}
		if _, err := tx.StructureBySIRET(ctx, "73282932000074"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("StructureBySIRET err = %v, want ErrNotFound", err)
		}
		return nil
	})
}

func names(ss []domain.Structure) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Name
	}
	return out
}

func search(t *testing.T, st store.Store, q store.StructureQuery) []string {
	t.Helper()
	var got []domain.Structure
	view(t, st, func(tx store.Tx) error {
		var err error
		got, err = tx.SearchStructures(context.Background(), q)
		return err
	})
	if got == nil {
		t.Errorf("SearchStructures(%+v) returned nil, want an empty slice", q)
	}
	return names(got)
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func testSearchRanking(t *testing.T, st store.Store) {
	for _, n := range []string{"Les Amis de l'AFPA", "AFPA Bordeaux", "AFPA", "Centre AFPAR", "Autre chose"} {
		mustCreate(t, st, domain.Structure{Name: n, Address: "x"})
	}
	got := search(t, st, store.StructureQuery{Text: "afpa"})
	want := []string{"AFPA", "AFPA Bordeaux", "Centre AFPAR", "Les Amis de l'AFPA"}
	if !equal(got, want) {
		t.Errorf("search afpa = %q, want exact, then prefix, then substrings by name: %q", got, want)
	}
	if got := search(t, st, store.StructureQuery{Text: "afpa", Limit: 2}); !equal(got, want[:2]) {
		t.Errorf("limit 2 = %q, want %q", got, want[:2])
	}
	if got := search(t, st, store.StructureQuery{Text: "zzzz"}); len(got) != 0 {
		t.Errorf("search zzzz = %q, want nothing", got)
	}
}

func testSearchFolding(t *testing.T, st store.Store) {
	mustCreate(t, st, domain.Structure{Name: "Cap Métiers Nouvelle-Aquitaine", Acronym: "CMNA", Address: "x"})
	mustCreate(t, st, domain.Structure{Name: "Œuvre d'Éducation Populaire", Acronym: "OEP", Address: "x"})
	mustCreate(t, st, domain.Structure{Name: "Greta Sud Aquitaine", Address: "x"})
	cases := []struct {
		text string
		want []string
	}{
		{"cap metiers", []string{"Cap Métiers Nouvelle-Aquitaine"}},
		{"CAP MÉTIERS", []string{"Cap Métiers Nouvelle-Aquitaine"}},
		{"metiers cap", []string{"Cap Métiers Nouvelle-Aquitaine"}},
		{"nouvelle-aquitaine", []string{"Cap Métiers Nouvelle-Aquitaine"}},
		{"cmna", []string{"Cap Métiers Nouvelle-Aquitaine"}},
		{"oeuvre education", []string{"Œuvre d'Éducation Populaire"}},
		{"aquitaine", []string{"Cap Métiers Nouvelle-Aquitaine", "Greta Sud Aquitaine"}},
		{"su", []string{"Greta Sud Aquitaine"}}, // shorter than a trigram
		{"d", []string{"Greta Sud Aquitaine", "Œuvre d'Éducation Populaire"}},
	}
	for _, c := range cases {
		if got := search(t, st, store.StructureQuery{Text: c.text}); !equal(got, c.want) {
			t.Errorf("search %q = %q, want %q", c.text, got, c.want)
		}
	}
}

func testSearchSIRETPrefix(t *testing.T, st store.Store) {
	mustCreate(t, st, domain.Structure{SIRET: "73282932000074", Name: "Un", Address: "x"})
	mustCreate(t, st, domain.Structure{SIRET: "73282932000090", Name: "Deux", Address: "x"})
	mustCreate(t, st, domain.Structure{SIRET: "35600000000048", Name: "La Poste", Address: "x"})
	cases := []struct {
		text string
		want []string
	}{
		{"732829320", []string{"Deux", "Un"}},
		{"732 829 320", []string{"Deux", "Un"}},
		{"732 829 320 00074", []string{"Un"}},
		{"356", []string{"La Poste"}},
		{"999", nil},
	}
	for _, c := range cases {
		got := search(t, st, store.StructureQuery{Text: c.text})
		if !equal(got, c.want) {
			t.Errorf("search %q = %q, want %q", c.text, got, c.want)
		}
	}
}

func testSearchFilters(t *testing.T, st store.Store) {
	mustCreate(t, st, domain.Structure{Name: "OF Bordeaux", Address: "x", Department: "33", Kinds: []domain.Kind{domain.KindTrainingOrg}})
	mustCreate(t, st, domain.Structure{Name: "OF Limoges", Address: "x", Department: "87", Kinds: []domain.Kind{domain.KindTrainingOrg, domain.KindPrescriber}})
	mustCreate(t, st, domain.Structure{Name: "Employeur Bordeaux", Address: "x", Department: "33", Kinds: []domain.Kind{domain.KindEmployer}})
	if got := search(t, st, store.StructureQuery{Department: "33"}); !equal(got, []string{"Employeur Bordeaux", "OF Bordeaux"}) {
		t.Errorf("department 33 = %q", got)
	}
	if got := search(t, st, store.StructureQuery{Kind: domain.KindPrescriber}); !equal(got, []string{"OF Limoges"}) {
		t.Errorf("kind prescriber = %q", got)
	}
	if got := search(t, st, store.StructureQuery{Text: "bordeaux", Kind: domain.KindTrainingOrg}); !equal(got, []string{"OF Bordeaux"}) {
		t.Errorf("bordeaux + training-org = %q", got)
	}
}

func testUserRoundTrip(t *testing.T, st store.Store) {
	ctx := context.Background()
	u := domain.User{Email: "elodie.martin@exemple.fr", LastName: "Martin", FirstName: "Élodie", Function: "Chargée de mission",
		Phone: "+33556000000", Status: domain.UserActive, Manager: true, PasswordHash: "$argon2id$x"}
	update(t, st, func(tx store.Tx) error { return tx.CreateUser(ctx, &u) })
	legacy := domain.User{Email: "ancien@exemple.fr", LastName: "Ancien", Status: domain.UserActive, Source: "synapse"}
	update(t, st, func(tx store.Tx) error { return tx.CreateUser(ctx, &legacy) })
	view(t, st, func(tx store.Tx) error {
		got, err := tx.UserByEmail(ctx, "elodie.martin@exemple.fr")
		if err != nil {
			return err
		}
		if got.ID != u.ID || got.FirstName != "Élodie" || !got.Manager || got.PasswordHash != u.PasswordHash || got.Status != domain.UserActive {
			t.Errorf("read back %+v", got)
		}
		l, err := tx.UserByID(ctx, legacy.ID)
		if err != nil {
			return err
		}
		if l.PasswordHash != "" || l.Source != "synapse" || l.Manager {
			t.Errorf("legacy user read back %+v", l)
		}
		n, err := tx.CountManagers(ctx)
		if err != nil {
			return err
		}
		if n != 1 {
			t.Errorf("CountManagers = %d, want 1", n)
		}
		if _, err := tx.UserByEmail(ctx, "nobody@exemple.fr"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("unknown e-mail: err = %v, want ErrNotFound", err)
		}
		return nil
	})
	u.Phone, u.MustChangePassword = "", true
	update(t, st, func(tx store.Tx) error { return tx.UpdateUser(ctx, &u) })
	view(t, st, func(tx store.Tx) error {
		got, err := tx.UserByID(ctx, u.ID)
		if err == nil && (got.Phone != "" || !got.MustChangePassword) {
			t.Errorf("after update %+v", got)
		}
		return err
	})
}

func testUserEmailUnique(t *testing.T, st store.Store) {
	ctx := context.Background()
	update(t, st, func(tx store.Tx) error {
		return tx.CreateUser(ctx, &domain.User{Email: "a@exemple.fr", Status: domain.UserActive})
	})
	err := st.Update(ctx, func(tx store.Tx) error {
		return tx.CreateUser(ctx, &domain.User{Email: "a@exemple.fr", Status: domain.UserPending})
	})
	if !errors.Is(err, domain.ErrConflict) {
		t.Errorf("duplicate e-mail: err = %v, want ErrConflict", err)
	}
}

func testTokens(t *testing.T, st store.Store) {
	ctx := context.Background()
	u := domain.User{Email: "a@exemple.fr", Status: domain.UserActive}
	exp := Clock.Add(time.Hour)
	tok := domain.Token{Kind: domain.TokenAPI, Name: "cron", Hash: "abc123", Scope: "export", ExpiresAt: &exp}
	update(t, st, func(tx store.Tx) error {
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		tok.UserID = u.ID
		return tx.CreateToken(ctx, &tok)
	})
	update(t, st, func(tx store.Tx) error { return tx.TouchToken(ctx, tok.ID) })
	view(t, st, func(tx store.Tx) error {
		got, err := tx.TokenByHash(ctx, "abc123")
		if err != nil {
			return err
		}
		if got.ID != tok.ID || got.UserID != u.ID || got.Kind != domain.TokenAPI || got.Name != "cron" || got.Scope != "export" ||
			got.ExpiresAt == nil || !got.ExpiresAt.Equal(exp.Truncate(time.Microsecond)) || got.LastUsedAt == nil || got.RevokedAt != nil {
			t.Errorf("token read back %+v", got)
		}
		if _, err := tx.TokenByHash(ctx, "nope"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("unknown hash: err = %v, want ErrNotFound", err)
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error { return tx.RevokeToken(ctx, tok.ID) })
	err := st.Update(ctx, func(tx store.Tx) error { return tx.RevokeToken(ctx, tok.ID) })
	if !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("revoking twice: err = %v, want ErrNotFound", err)
	}
	view(t, st, func(tx store.Tx) error {
		got, err := tx.TokenByHash(ctx, "abc123")
		if err == nil && got.RevokedAt == nil {
			t.Error("revoked token has no RevokedAt")
		}
		return err
	})
}

func testAuditFilters(t *testing.T, st store.Store) {
	ctx := context.Background()
	u := domain.User{Email: "g@exemple.fr", Status: domain.UserActive, Manager: true}
	var s domain.Structure
	update(t, st, func(tx store.Tx) error {
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		s = domain.Structure{Name: "S", Address: "x"}
		if err := tx.CreateStructure(ctx, &s); err != nil {
			return err
		}
		for _, e := range []domain.AuditEvent{
			{ActorID: u.ID, Actor: u.Email, Action: "structure.create", StructureID: s.ID, Target: "S", Details: `{"a":1}`},
			{ActorID: u.ID, Actor: u.Email, Action: "structure.update", StructureID: s.ID, Target: "S"},
			{Actor: "anonymous", Action: "request.create", Target: "x"},
		} {
			if err := tx.AppendAudit(ctx, &e); err != nil {
				return err
			}
		}
		return nil
	})
	count := func(q store.AuditQuery) int {
		var got []domain.AuditEvent
		view(t, st, func(tx store.Tx) error {
			var err error
			got, err = tx.ListAudit(ctx, q)
			return err
		})
		return len(got)
	}
	cases := []struct {
		q    store.AuditQuery
		want int
	}{
		{store.AuditQuery{}, 3},
		{store.AuditQuery{ActorID: u.ID}, 2},
		{store.AuditQuery{StructureID: s.ID}, 2},
		{store.AuditQuery{Action: "structure."}, 2},
		{store.AuditQuery{Action: "structure.update"}, 1},
		{store.AuditQuery{Since: Clock.Add(-time.Minute)}, 3},
		{store.AuditQuery{Since: Clock.Add(time.Minute)}, 0},
		{store.AuditQuery{Limit: 1}, 1},
	}
	for _, c := range cases {
		if got := count(c.q); got != c.want {
			t.Errorf("ListAudit(%+v) = %d events, want %d", c.q, got, c.want)
		}
	}
	var first domain.AuditEvent
	view(t, st, func(tx store.Tx) error {
		got, err := tx.ListAudit(ctx, store.AuditQuery{Limit: 1})
		if err == nil {
			first = got[0]
		}
		return err
	})
	if first.Details != `{"a":1}` || first.StructureID != s.ID || !first.At.Equal(Clock.Truncate(time.Microsecond)) {
		t.Errorf("first event read back %+v", first)
	}
}

// AppendAudits writes many events at once, in their order, each as AppendAudit would: its
// structure, target and details, no actor id or structure for zero.
func testAppendAudits(t *testing.T, st store.Store) {
	ctx := context.Background()
	u := domain.User{Email: "g@exemple.fr", Status: domain.UserActive, Manager: true}
	var a, b domain.Structure
	const n = 1200 // more than one multi-row statement
	update(t, st, func(tx store.Tx) error {
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		a, b = domain.Structure{Name: "A", Address: "x"}, domain.Structure{Name: "B", Address: "y"}
		if err := tx.CreateStructure(ctx, &a); err != nil {
			return err
		}
		if err := tx.CreateStructure(ctx, &b); err != nil {
			return err
		}
		es := make([]domain.AuditEvent, 0, n+1)
		for i := range n {
			s := a.ID
			if i%3 == 0 {
				s = b.ID
			}
			es = append(es, domain.AuditEvent{ActorID: u.ID, Actor: u.Email, Action: "user.import", StructureID: s,
				Target: fmt.Sprintf("p%04d@exemple.fr", i), Details: fmt.Sprintf(`{"line":%d}`, i+2)})
		}
		es = append(es, domain.AuditEvent{Actor: "anonymous", Action: "request.create", Target: "x"})
		if err := tx.AppendAudits(ctx, es); err != nil {
			return err
		}
		return tx.AppendAudits(ctx, nil)
	})
	var all, onB []domain.AuditEvent
	view(t, st, func(tx store.Tx) error {
		var err error
		if all, err = tx.ListAudit(ctx, store.AuditQuery{}); err != nil {
			return err
		}
		onB, err = tx.ListAudit(ctx, store.AuditQuery{StructureID: b.ID})
		return err
	})
	if len(all) != n+1 || len(onB) != n/3 {
		t.Fatalf("read back %d events, %d on B; want %d and %d", len(all), len(onB), n+1, n/3)
	}
	for i, e := range all[:n] {
		if e.Target != fmt.Sprintf("p%04d@exemple.fr", i) || e.Details != fmt.Sprintf(`{"line":%d}`, i+2) || e.ActorID != u.ID ||
			e.Action != "user.import" || !e.At.Equal(Clock.Truncate(time.Microsecond)) {
			t.Fatalf("event %d read back %+v", i, e)
		}
	}
	if last := all[n]; last.ActorID != 0 || last.StructureID != 0 || last.Details != "{}" {
		t.Errorf("the anonymous event without structure read back %+v", last)
	}
}

func testUpdateRollsBack(t *testing.T, st store.Store) {
	ctx := context.Background()
	boom := errors.New("boom")
	err := st.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateStructure(ctx, &domain.Structure{Name: "Fantôme", Address: "x"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want the function's error", err)
	}
	if got := search(t, st, store.StructureQuery{Text: "fantome"}); len(got) != 0 {
		t.Errorf("a failed transaction left %q behind", got)
	}
}

func testOneTimePerTransaction(t *testing.T, st store.Store) {
	update(t, st, func(tx store.Tx) error {
		if !tx.Now().Equal(Clock.Truncate(time.Microsecond)) || tx.Now().Location() != time.UTC {
			t.Errorf("tx.Now() = %v, want the injected clock in UTC to the microsecond", tx.Now())
		}
		return nil
	})
}
