package storetest

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// RunTrainee runs the conformance tests of the trainee portal: case files, secret questions,
// forgotten-password counts, terms of use, FranceConnect identities and e-mail changes.
func RunTrainee(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"TraineeColumns", testTraineeColumns},
		{"Cases", testCases},
		{"ClaimCase", testClaimCase},
		{"Trainees", testTrainees},
		{"SecretQuestion", testSecretQuestion},
		{"ResetLock", testResetLock},
		{"Terms", testTerms},
		{"TermsNeverChange", testTermsNeverChange},
		{"FranceConnect", testFranceConnect},
		{"EmailChange", testEmailChange},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t)
			tc.fn(t, st)
		})
	}
}

func newTrainee(t *testing.T, st store.Store, email, last, first, birth string) domain.User {
	t.Helper()
	u := domain.User{Email: email, LastName: last, FirstName: first, Status: domain.UserActive, Trainee: true, BirthDate: birth}
	update(t, st, func(tx store.Tx) error { return tx.CreateUser(context.Background(), &u) })
	return u
}

func testTraineeColumns(t *testing.T, st store.Store) {
	ctx := context.Background()
	u := newTrainee(t, st, "lea.moreau@exemple.fr", "Moreau", "Léa", "2001-03-14")
	got := readUser(t, st, u.ID)
	if !got.Trainee || got.BirthDate != "2001-03-14" {
		t.Fatalf("trainee columns not kept: %+v", got)
	}
	update(t, st, func(tx store.Tx) error {
		got.BirthDate = "2001-03-15"
		return tx.UpdateUser(ctx, &got)
	})
	if again := readUser(t, st, u.ID); again.BirthDate != "2001-03-15" || !again.Trainee {
		t.Errorf("UpdateUser did not write the birth date: %+v", again)
	}
	var staff domain.User
	update(t, st, func(tx store.Tx) error {
		staff = domain.User{Email: "staff@exemple.fr", LastName: "Staff", Status: domain.UserActive}
		return tx.CreateUser(ctx, &staff)
	})
	if s := readUser(t, st, staff.ID); s.Trainee || s.BirthDate != "" {
		t.Errorf("a staff account is no trainee: %+v", s)
	}
}

func testCases(t *testing.T, st store.Store) {
	ctx := context.Background()
	c := domain.Case{Number: "DPC-2026-001", LastName: "Moreau", FirstName: "Léa", BirthDate: "2001-03-14", Email: "lea@exemple.fr", SIRET: "82422814201072"}
	update(t, st, func(tx store.Tx) error {
		created, err := tx.InsertCase(ctx, &c)
		if err != nil || !created || c.ID == 0 || !c.CreatedAt.Equal(Clock) {
			t.Errorf("InsertCase = %v, %v, %+v", created, err, c)
		}
		dup := domain.Case{Number: "DPC-2026-001", LastName: "Autre", FirstName: "X", BirthDate: "1990-01-01"}
		created, err = tx.InsertCase(ctx, &dup)
		if err != nil || created || dup.ID != 0 {
			t.Errorf("a second case with the number: %v, %v, id %d", created, err, dup.ID)
		}
		other := domain.Case{Number: "DPC-2026-002", LastName: "Petit", FirstName: "Hugo", BirthDate: "1999-12-31"}
		_, err = tx.InsertCase(ctx, &other)
		return err
	})
	view(t, st, func(tx store.Tx) error {
		got, err := tx.CaseByNumber(ctx, "DPC-2026-001")
		if err != nil || got.LastName != "Moreau" || got.FirstName != "Léa" || got.Email != "lea@exemple.fr" || got.SIRET != "82422814201072" || got.UserID != 0 {
			t.Errorf("CaseByNumber = %+v, %v", got, err)
		}
		if _, err := tx.CaseByNumber(ctx, "NOPE"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("unknown number: %v", err)
		}
		cs, err := tx.CasesByNumber(ctx, []string{"DPC-2026-002", "NOPE", "DPC-2026-001"})
		if err != nil || len(cs) != 2 {
			t.Errorf("CasesByNumber = %v, %v", cs, err)
		}
		all, err := tx.ListCases(ctx, store.CaseQuery{})
		if err != nil || len(all) != 2 || all[0].Number != "DPC-2026-001" {
			t.Errorf("ListCases = %v, %v", all, err)
		}
		return nil
	})
}

func testClaimCase(t *testing.T, st store.Store) {
	ctx := context.Background()
	u := newTrainee(t, st, "lea.moreau@exemple.fr", "Moreau", "Léa", "2001-03-14")
	v := newTrainee(t, st, "hugo@exemple.fr", "Petit", "Hugo", "1999-12-31")
	c := domain.Case{Number: "A1", LastName: "Moreau", FirstName: "Léa", BirthDate: "2001-03-14", Email: "lea.moreau@exemple.fr"}
	c2 := domain.Case{Number: "A2", LastName: "X", FirstName: "Y", BirthDate: "1980-01-01"}
	update(t, st, func(tx store.Tx) error {
		if _, err := tx.InsertCase(ctx, &c); err != nil {
			return err
		}
		if _, err := tx.InsertCase(ctx, &c2); err != nil {
			return err
		}
		waiting, err := tx.UnattachedTrainees(ctx)
		if err != nil || len(waiting) != 2 {
			t.Errorf("UnattachedTrainees before = %v, %v", waiting, err)
		}
		return tx.ClaimCase(ctx, c.ID, u.ID)
	})
	err := st.Update(ctx, func(tx store.Tx) error { return tx.ClaimCase(ctx, c.ID, v.ID) })
	if !errors.Is(err, domain.ErrConflict) {
		t.Errorf("claiming a claimed case: %v", err)
	}
	err = st.Update(ctx, func(tx store.Tx) error { return tx.ClaimCase(ctx, c2.ID, u.ID) })
	if !errors.Is(err, domain.ErrConflict) {
		t.Errorf("an account claims two cases: %v", err)
	}
	view(t, st, func(tx store.Tx) error {
		got, err := tx.CaseOf(ctx, u.ID)
		if err != nil || got.Number != "A1" || got.UserID != u.ID || got.ClaimedAt == nil {
			t.Errorf("CaseOf = %+v, %v", got, err)
		}
		if _, err := tx.CaseOf(ctx, v.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("CaseOf an account without case: %v", err)
		}
		waiting, err := tx.UnattachedTrainees(ctx)
		if err != nil || len(waiting) != 1 || waiting[0].ID != v.ID {
			t.Errorf("UnattachedTrainees after = %v, %v", waiting, err)
		}
		unclaimed, err := tx.ListCases(ctx, store.CaseQuery{Unclaimed: true})
		if err != nil || len(unclaimed) != 1 || unclaimed[0].Number != "A2" {
			t.Errorf("ListCases unclaimed = %v, %v", unclaimed, err)
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error { return tx.ReleaseCase(ctx, u.ID) })
	view(t, st, func(tx store.Tx) error {
		got, err := tx.CaseByNumber(ctx, "A1")
		if err != nil || got.UserID != 0 || got.ClaimedAt != nil || got.Email != "" {
			t.Errorf("after ReleaseCase: %+v, %v", got, err)
		}
		return nil
	})
}

func testTrainees(t *testing.T, st store.Store) {
	ctx := context.Background()
	u := newTrainee(t, st, "lea@exemple.fr", "Moreau", "Léa", "2001-03-14")
	newTrainee(t, st, "hugo@exemple.fr", "Aubert", "Hugo", "1999-12-31")
	update(t, st, func(tx store.Tx) error {
		staff := domain.User{Email: "staff@exemple.fr", LastName: "Staff", Status: domain.UserActive}
		if err := tx.CreateUser(ctx, &staff); err != nil {
			return err
		}
		c := domain.Case{Number: "A1", LastName: "Moreau", FirstName: "Léa", BirthDate: "2001-03-14"}
		if _, err := tx.InsertCase(ctx, &c); err != nil {
			return err
		}
		if err := tx.ClaimCase(ctx, c.ID, u.ID); err != nil {
			return err
		}
		for _, v := range []string{"v1", "v2"} {
			if err := tx.PublishTerms(ctx, &domain.TermsVersion{Version: v, Body: "CGU " + v, SHA256: "x"}); err != nil {
				return err
			}
		}
		if _, err := tx.AcceptTerms(ctx, u.ID, "v2"); err != nil {
			return err
		}
		_, err := tx.AcceptTerms(ctx, u.ID, "v1")
		return err
	})
	view(t, st, func(tx store.Tx) error {
		ts, err := tx.ListTrainees(ctx)
		if err != nil || len(ts) != 2 {
			t.Fatalf("ListTrainees = %+v, %v", ts, err)
		}
		if ts[0].User.LastName != "Aubert" || ts[0].CaseNumber != "" || ts[0].Terms != "" {
			t.Errorf("first trainee = %+v", ts[0])
		}
		if ts[1].User.ID != u.ID || ts[1].CaseNumber != "A1" || ts[1].Terms != "v2" || ts[1].User.BirthDate != "2001-03-14" {
			t.Errorf("second trainee = %+v (the last version accepted is the one published last)", ts[1])
		}
		return nil
	})
}

func testSecretQuestion(t *testing.T, st store.Store) {
	ctx := context.Background()
	u := newTrainee(t, st, "lea@exemple.fr", "Moreau", "Léa", "2001-03-14")
	view(t, st, func(tx store.Tx) error {
		if _, err := tx.SecretQuestion(ctx, u.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("no question yet: %v", err)
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		return tx.SetSecretQuestion(ctx, &domain.SecretQuestion{UserID: u.ID, Question: "Prénom fils ?", AnswerHash: "h1"})
	})
	update(t, st, func(tx store.Tx) error {
		return tx.SetSecretQuestion(ctx, &domain.SecretQuestion{UserID: u.ID, Question: "Ville natale ?", AnswerHash: "h2"})
	})
	view(t, st, func(tx store.Tx) error {
		q, err := tx.SecretQuestion(ctx, u.ID)
		if err != nil || q.Question != "Ville natale ?" || q.AnswerHash != "h2" || !q.SetAt.Equal(Clock) {
			t.Errorf("SecretQuestion = %+v, %v", q, err)
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error { return tx.DeleteSecretQuestion(ctx, u.ID) })
	view(t, st, func(tx store.Tx) error {
		if _, err := tx.SecretQuestion(ctx, u.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("after delete: %v", err)
		}
		return nil
	})
}

func testResetLock(t *testing.T, st store.Store) {
	ctx := context.Background()
	until := Clock.Add(15 * time.Minute)
	update(t, st, func(tx store.Tx) error {
		l, err := tx.ResetLock(ctx, "inconnu@exemple.fr")
		if err != nil || l.Failed != 0 || l.LockedUntil != nil || l.Email != "inconnu@exemple.fr" {
			t.Errorf("no count yet: %+v, %v", l, err)
		}
		l.Failed = 4
		if err := tx.SaveResetLock(ctx, &l); err != nil {
			return err
		}
		l.Failed, l.LockedUntil = 0, &until
		return tx.SaveResetLock(ctx, &l)
	})
	update(t, st, func(tx store.Tx) error {
		l, err := tx.ResetLock(ctx, "inconnu@exemple.fr")
		if err != nil || l.Failed != 0 || l.LockedUntil == nil || !l.LockedUntil.Equal(until) {
			t.Errorf("ResetLock = %+v, %v", l, err)
		}
		return tx.DeleteResetLock(ctx, "inconnu@exemple.fr")
	})
	update(t, st, func(tx store.Tx) error {
		l, err := tx.ResetLock(ctx, "inconnu@exemple.fr")
		if err != nil || l.LockedUntil != nil {
			t.Errorf("after delete: %+v, %v", l, err)
		}
		return nil
	})
}

func testTerms(t *testing.T, st store.Store) {
	ctx := context.Background()
	u := newTrainee(t, st, "lea@exemple.fr", "Moreau", "Léa", "2001-03-14")
	view(t, st, func(tx store.Tx) error {
		if _, err := tx.CurrentTerms(ctx); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("no terms yet: %v", err)
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		v1 := domain.TermsVersion{Version: "2026-01", Body: "Conditions générales\nv1", SHA256: "a", PublishedBy: u.ID}
		if err := tx.PublishTerms(ctx, &v1); err != nil || v1.ID == 0 {
			t.Errorf("PublishTerms = %v, %+v", err, v1)
		}
		return tx.PublishTerms(ctx, &domain.TermsVersion{Version: "2026-02", Body: "v2", SHA256: "b"})
	})
	err := st.Update(ctx, func(tx store.Tx) error {
		return tx.PublishTerms(ctx, &domain.TermsVersion{Version: "2026-01", Body: "autre", SHA256: "c"})
	})
	if !errors.Is(err, domain.ErrConflict) {
		t.Errorf("publishing a version again: %v", err)
	}
	update(t, st, func(tx store.Tx) error {
		added, err := tx.AcceptTerms(ctx, u.ID, "2026-01")
		if err != nil || !added {
			t.Errorf("AcceptTerms = %v, %v", added, err)
		}
		added, err = tx.AcceptTerms(ctx, u.ID, "2026-01")
		if err != nil || added {
			t.Errorf("AcceptTerms again = %v, %v (no-op)", added, err)
		}
		return nil
	})
	view(t, st, func(tx store.Tx) error {
		cur, err := tx.CurrentTerms(ctx)
		if err != nil || cur.Version != "2026-02" || cur.Body != "v2" {
			t.Errorf("CurrentTerms = %+v, %v", cur, err)
		}
		v1, err := tx.TermsByVersion(ctx, "2026-01")
		if err != nil || v1.Body != "Conditions générales\nv1" || v1.PublishedBy != u.ID || !v1.PublishedAt.Equal(Clock) {
			t.Errorf("TermsByVersion = %+v, %v", v1, err)
		}
		if _, err := tx.TermsByVersion(ctx, "nope"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("unknown version: %v", err)
		}
		list, err := tx.ListTerms(ctx)
		if err != nil || len(list) != 2 || list[0].Version != "2026-01" || list[1].Body != "" {
			t.Errorf("ListTerms = %+v, %v", list, err)
		}
		ok, err := tx.TermsAccepted(ctx, u.ID, "2026-01")
		if err != nil || !ok {
			t.Errorf("TermsAccepted v1 = %v, %v", ok, err)
		}
		ok, err = tx.TermsAccepted(ctx, u.ID, "2026-02")
		if err != nil || ok {
			t.Errorf("TermsAccepted v2 = %v, %v", ok, err)
		}
		for _, id := range []int64{u.ID, 0} {
			acc, err := tx.TermsAcceptances(ctx, id)
			if err != nil || len(acc) != 1 || acc[0].Version != "2026-01" || acc[0].UserID != u.ID {
				t.Errorf("TermsAcceptances(%d) = %+v, %v", id, acc, err)
			}
		}
		return nil
	})
}

// A published version is never changed, whatever writes to the database.
func testTermsNeverChange(t *testing.T, st store.Store) {
	ctx := context.Background()
	update(t, st, func(tx store.Tx) error {
		return tx.PublishTerms(ctx, &domain.TermsVersion{Version: "v1", Body: "texte", SHA256: "a"})
	})
	db, ok := st.(interface {
		SQL() *sql.DB
	})
	if !ok {
		t.Skip("the store gives no access to its SQL")
	}
	if _, err := db.SQL().ExecContext(ctx, `UPDATE terms_versions SET body = 'autre'`); err == nil {
		t.Error("the database let a published version change")
	}
}

func testFranceConnect(t *testing.T, st store.Store) {
	ctx := context.Background()
	u := newTrainee(t, st, "lea@exemple.fr", "Moreau", "Léa", "2001-03-14")
	v := newTrainee(t, st, "hugo@exemple.fr", "Petit", "Hugo", "1999-12-31")
	iss := domain.DefaultFranceConnectIssuer
	update(t, st, func(tx store.Tx) error {
		l := domain.FranceConnectLink{UserID: u.ID, Issuer: iss, Sub: "sub-lea"}
		if err := tx.LinkFranceConnect(ctx, &l); err != nil || !l.LinkedAt.Equal(Clock) {
			t.Errorf("LinkFranceConnect = %v, %+v", err, l)
		}
		return nil
	})
	for _, l := range []domain.FranceConnectLink{{UserID: v.ID, Issuer: iss, Sub: "sub-lea"}, {UserID: u.ID, Issuer: iss, Sub: "sub-2"}} {
		err := st.Update(ctx, func(tx store.Tx) error { return tx.LinkFranceConnect(ctx, &l) })
		if !errors.Is(err, domain.ErrConflict) {
			t.Errorf("link %+v: %v, want a conflict", l, err)
		}
	}
	view(t, st, func(tx store.Tx) error {
		got, err := tx.FranceConnectOf(ctx, u.ID)
		if err != nil || got.Sub != "sub-lea" || got.Issuer != iss {
			t.Errorf("FranceConnectOf = %+v, %v", got, err)
		}
		by, err := tx.FranceConnectBySub(ctx, iss, "sub-lea")
		if err != nil || by.UserID != u.ID {
			t.Errorf("FranceConnectBySub = %+v, %v", by, err)
		}
		if _, err := tx.FranceConnectBySub(ctx, "https://autre.fr", "sub-lea"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("another issuer: %v", err)
		}
		if _, err := tx.FranceConnectOf(ctx, v.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("no link: %v", err)
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		removed, err := tx.UnlinkFranceConnect(ctx, u.ID)
		if err != nil || !removed {
			t.Errorf("UnlinkFranceConnect = %v, %v", removed, err)
		}
		removed, err = tx.UnlinkFranceConnect(ctx, u.ID)
		if err != nil || removed {
			t.Errorf("UnlinkFranceConnect again = %v, %v", removed, err)
		}
		l := domain.FranceConnectLink{UserID: v.ID, Issuer: iss, Sub: "sub-lea"}
		return tx.LinkFranceConnect(ctx, &l) // free again
	})
}

func testEmailChange(t *testing.T, st store.Store) {
	ctx := context.Background()
	u := newTrainee(t, st, "lea@exemple.fr", "Moreau", "Léa", "2001-03-14")
	exp := Clock.Add(24 * time.Hour)
	update(t, st, func(tx store.Tx) error {
		if _, err := tx.EmailChangeOf(ctx, u.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("no change yet: %v", err)
		}
		if err := tx.SaveEmailChange(ctx, &domain.EmailChange{UserID: u.ID, NewEmail: "lea.new@exemple.fr"}); err != nil {
			return err
		}
		c, err := tx.EmailChangeOf(ctx, u.ID)
		if err != nil || c.NewEmail != "lea.new@exemple.fr" || c.CodeHash != "" || c.ExpiresAt != nil || !c.CreatedAt.Equal(Clock) {
			t.Errorf("EmailChangeOf = %+v, %v", c, err)
		}
		c.CodeHash, c.ExpiresAt, c.Tries = "hash", &exp, 2
		return tx.SaveEmailChange(ctx, &c)
	})
	update(t, st, func(tx store.Tx) error {
		c, err := tx.EmailChangeOf(ctx, u.ID)
		if err != nil || c.CodeHash != "hash" || c.ExpiresAt == nil || !c.ExpiresAt.Equal(exp) || c.Tries != 2 {
			t.Errorf("EmailChangeOf after save = %+v, %v", c, err)
		}
		return tx.DeleteEmailChange(ctx, u.ID)
	})
	view(t, st, func(tx store.Tx) error {
		if _, err := tx.EmailChangeOf(ctx, u.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("after delete: %v", err)
		}
		return nil
	})
}
