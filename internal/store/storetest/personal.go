package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// RunPersonal holds the engines to the same behaviour for personal data: finding a person in
// free text, the one path that rewrites audit events, erasing an account, and pruning.
func RunPersonal(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"FindTextEscapesAndFolds", testFindText},
		{"RewriteTextOnlyPersonalColumns", testRewriteText},
		{"EraseUser", testEraseUser},
		{"EraseUserDeletesTheirDocuments", testEraseUserDocuments},
		{"Prune", testPrune},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

func personalUser(t *testing.T, st store.Store, email string) domain.User {
	t.Helper()
	u := domain.User{Email: email, LastName: "Zabulon", FirstName: "Zoé", Phone: "+33559000000", Function: "Formatrice",
		Status: domain.UserActive, PasswordHash: "hash"}
	update(t, st, func(tx store.Tx) error { return tx.CreateUser(context.Background(), &u) })
	return u
}

func personalAudit(t *testing.T, st store.Store, actorID int64, actor, target, details string) {
	t.Helper()
	update(t, st, func(tx store.Tx) error {
		return tx.AppendAudit(context.Background(), &domain.AuditEvent{ActorID: actorID, Actor: actor, Action: "test.event", Target: target, Details: details})
	})
}

func testFindText(t *testing.T, st store.Store) {
	ctx := context.Background()
	zoe := personalUser(t, st, "z_b@horizons.fr")
	other := personalUser(t, st, "zxb@horizons.fr")
	personalAudit(t, st, 0, "anonymous", "z_b@horizons.fr", `{}`)
	personalAudit(t, st, 0, "anonymous", "zxb@horizons.fr", `{}`)
	personalAudit(t, st, 0, "anonymous", "", `{"user":"Z_B@Horizons.fr"}`)
	personalAudit(t, st, zoe.ID, "gestion@x.fr", "", `{}`)
	personalAudit(t, st, other.ID, "zxb@horizons.fr", "", `{}`)
	view(t, st, func(tx store.Tx) error {
		fields, err := tx.FindText(ctx, zoe.ID, []string{"z_b@horizons.fr"})
		if err != nil {
			return err
		}
		rows := map[int64]bool{}
		for _, f := range fields {
			if f.Table != "audit_events" {
				t.Errorf("found in %s.%s: %q", f.Table, f.Column, f.Value)
			}
			if f.Value == "zxb@horizons.fr" {
				t.Errorf("the _ of the e-mail matched any character: %+v", f)
			}
			rows[f.ID] = true
		}
		if len(rows) != 3 {
			t.Errorf("found %d audit events, want the target, the details in another case and the one she made", len(rows))
		}
		return nil
	})
}

func testRewriteText(t *testing.T, st store.Store) {
	ctx := context.Background()
	zoe := personalUser(t, st, "zoe@horizons.fr")
	personalAudit(t, st, zoe.ID, "zoe@horizons.fr", "zoe@horizons.fr", `{"user":"zoe@horizons.fr"}`)
	for _, bad := range []store.TextField{
		{Table: "audit_events", Column: "action", ID: 1, Value: "x"},
		{Table: "audit_events", Column: "at", ID: 1, Value: "x"},
		{Table: "users", Column: "email", ID: zoe.ID, Value: "x"},
	} {
		err := st.Update(ctx, func(tx store.Tx) error { return tx.RewriteText(ctx, []store.TextField{bad}) })
		if err == nil {
			t.Errorf("RewriteText of %s.%s accepted", bad.Table, bad.Column)
		}
	}
	// A failed transaction rewrites nothing.
	boom := errors.New("boom")
	var id int64
	view(t, st, func(tx store.Tx) error {
		es, err := tx.ListAudit(ctx, store.AuditQuery{Action: "test.event"})
		if len(es) == 1 {
			id = es[0].ID
		}
		return err
	})
	err := st.Update(ctx, func(tx store.Tx) error {
		if err := tx.RewriteText(ctx, []store.TextField{{Table: "audit_events", Column: "actor", ID: id, Value: "erased-1"}}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("update: %v", err)
	}
	update(t, st, func(tx store.Tx) error {
		return tx.RewriteText(ctx, []store.TextField{
			{Table: "audit_events", Column: "target", ID: id, Value: "erased-1"},
			{Table: "audit_events", Column: "details", ID: id, Value: `{"user":"erased-1"}`},
		})
	})
	view(t, st, func(tx store.Tx) error {
		es, err := tx.ListAudit(ctx, store.AuditQuery{Action: "test.event"})
		if err != nil {
			return err
		}
		if len(es) != 1 || es[0].Actor != "zoe@horizons.fr" || es[0].Target != "erased-1" || es[0].Details != `{"user":"erased-1"}` ||
			es[0].ActorID != zoe.ID || !es[0].At.Equal(Clock) {
			t.Errorf("after the rewrite: %+v", es)
		}
		return nil
	})
}

func testEraseUser(t *testing.T, st store.Store) {
	ctx := context.Background()
	zoe := personalUser(t, st, "zoe@horizons.fr")
	update(t, st, func(tx store.Tx) error {
		return tx.CreateToken(ctx, &domain.Token{UserID: zoe.ID, Kind: domain.TokenAPI, Name: "script de Zabulon", Hash: "h1"})
	})
	update(t, st, func(tx store.Tx) error {
		if _, err := tx.RevokeTokensOf(ctx, zoe.ID, "", 0); err != nil {
			return err
		}
		return tx.EraseUser(ctx, zoe.ID, domain.Pseudonym(zoe.ID))
	})
	update(t, st, func(tx store.Tx) error {
		m := &domain.Mail{To: domain.Pseudonym(zoe.ID), Subject: "s", Body: "b"}
		if err := tx.EnqueueMail(ctx, m); err != nil || m.ID != 0 {
			t.Errorf("a mail to the pseudonym was queued: id %d, %v", m.ID, err)
		}
		return tx.EnqueueMails(ctx, []domain.Mail{{To: domain.Pseudonym(zoe.ID), Subject: "s", Body: "b"},
			{To: "anne@horizons.fr", Subject: "s", Body: "b"}})
	})
	view(t, st, func(tx store.Tx) error {
		u, err := tx.UserByID(ctx, zoe.ID)
		if err != nil {
			return err
		}
		p := domain.Pseudonym(zoe.ID)
		if u.Email != p || u.LastName != p || u.FirstName != p || u.Phone != "" || u.Function != "" || u.PasswordHash != "" ||
			u.Status != domain.UserDisabled || u.Manager || u.ErasedAt == nil || !u.ErasedAt.Equal(Clock) {
			t.Errorf("erased account: %+v", u)
		}
		if _, err := tx.UserByEmail(ctx, "zoe@horizons.fr"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("the old e-mail still finds an account: %v", err)
		}
		ts, err := tx.ListTokens(ctx, zoe.ID, "")
		if err != nil {
			return err
		}
		if len(ts) != 1 || ts[0].Name != "" || ts[0].RevokedAt == nil {
			t.Errorf("tokens after the erasure: %+v", ts)
		}
		ms, err := tx.ListMail(ctx, store.MailQuery{})
		if len(ms) != 1 || ms[0].To != "anne@horizons.fr" {
			t.Errorf("outbox: %+v, want only the mail to anne@horizons.fr", ms)
		}
		return err
	})
	// Loaded before the erasure, written after: refused, the account stays as erased.
	stale := zoe
	stale.Phone = "+33559999999"
	err := st.Update(ctx, func(tx store.Tx) error { return tx.UpdateUser(ctx, &stale) })
	if !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("UpdateUser of an erased account: %v, want not found", err)
	}
}

func testPrune(t *testing.T, st store.Store) {
	ctx := context.Background()
	zoe := personalUser(t, st, "zoe@horizons.fr")
	personalAudit(t, st, 0, "anonymous", "a", `{}`)
	personalAudit(t, st, 0, "anonymous", "b", `{}`)
	var pending, decided domain.Request
	update(t, st, func(tx store.Tx) error {
		pending = domain.Request{Kind: domain.RequestStructure, Status: domain.StatusPending, RequesterEmail: "a@x.fr",
			Structure: domain.Structure{Name: "A"}}
		decided = domain.Request{Kind: domain.RequestStructure, Status: domain.StatusPending, RequesterEmail: "b@x.fr",
			Structure: domain.Structure{Name: "B"}}
		if err := tx.CreateRequest(ctx, &pending); err != nil {
			return err
		}
		if err := tx.CreateRequest(ctx, &decided); err != nil {
			return err
		}
		decided.Status, decided.DecidedBy = domain.StatusRejected, zoe.ID
		return tx.DecideRequest(ctx, &decided)
	})
	later := Clock.Add(time.Second)
	update(t, st, func(tx store.Tx) error {
		if n, err := tx.PruneAudit(ctx, Clock, false); err != nil || n != 0 {
			t.Errorf("prune before the events: %d, %v", n, err)
		}
		if n, err := tx.PruneAudit(ctx, later, true); err != nil || n != 2 {
			t.Errorf("dry run: %d, %v", n, err)
		}
		if n, err := tx.PruneRequests(ctx, later, true); err != nil || n != 1 {
			t.Errorf("dry run of requests: %d, %v", n, err)
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		if n, err := tx.PruneAudit(ctx, later, false); err != nil || n != 2 {
			t.Errorf("prune: %d, %v", n, err)
		}
		if n, err := tx.PruneRequests(ctx, later, false); err != nil || n != 1 {
			t.Errorf("prune requests: %d, %v", n, err)
		}
		// Written after the prune, in the same transaction: kept.
		return tx.AppendAudit(ctx, &domain.AuditEvent{Actor: "gestion@x.fr", Action: "audit.prune"})
	})
	view(t, st, func(tx store.Tx) error {
		es, err := tx.ListAudit(ctx, store.AuditQuery{})
		if err != nil {
			return err
		}
		if len(es) != 1 || es[0].Action != "audit.prune" {
			t.Errorf("audit after the prune: %+v", es)
		}
		if _, err := tx.RequestByID(ctx, decided.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("decided request kept: %v", err)
		}
		if r, err := tx.RequestByID(ctx, pending.ID); err != nil || r.Status != domain.StatusPending {
			t.Errorf("pending request: %+v, %v", r, err)
		}
		return nil
	})
}

// testEraseUserDocuments checks that an erasure deletes the documents the person joined to
// their requests (a mandate names them), and only theirs.
func testEraseUserDocuments(t *testing.T, st store.Store) {
	ctx := context.Background()
	zoe := personalUser(t, st, "zoe@ministere.gouv.fr")
	other := personalUser(t, st, "paul@universite.fr")
	var mine, theirs domain.Request
	update(t, st, func(tx store.Tx) error {
		for _, p := range []struct {
			u *domain.User
			r *domain.Request
		}{{&zoe, &mine}, {&other, &theirs}} {
			*p.r = domain.Request{Kind: domain.RequestStructure, UserID: p.u.ID, RequesterEmail: p.u.Email, Account: true,
				Structure: domain.Structure{Name: "Entité de " + p.u.Email, Address: "1 rue de la Paix", PostalCode: "75002", City: "Paris"}}
			if err := tx.CreateRequest(ctx, p.r); err != nil {
				return err
			}
			d := domain.Document{RequestID: p.r.ID, Kind: domain.DocumentMandate, Name: "mandat " + p.u.Email + ".pdf",
				ContentType: domain.TypePDF, Size: 9, SHA256: "x", Content: []byte("%PDF-1.7\n")}
			if err := tx.AddRequestDocument(ctx, &d); err != nil {
				return err
			}
		}
		return nil
	})
	// The erasure rewrites the requester's address before it erases the account.
	update(t, st, func(tx store.Tx) error {
		err := tx.RewriteText(ctx, []store.TextField{{Table: "requests", Column: "requester_email", ID: mine.ID, Value: domain.Pseudonym(zoe.ID)}})
		if err != nil {
			return err
		}
		return tx.EraseUser(ctx, zoe.ID, domain.Pseudonym(zoe.ID))
	})
	view(t, st, func(tx store.Tx) error {
		for _, c := range []struct {
			r    domain.Request
			want int
		}{{mine, 0}, {theirs, 1}} {
			ds, err := tx.RequestDocuments(ctx, c.r.ID)
			if err != nil {
				return err
			}
			if len(ds) != c.want {
				t.Errorf("request %d of %s: %d documents after the erasure of %s, want %d", c.r.ID, c.r.RequesterEmail, len(ds), zoe.Email, c.want)
			}
		}
		return nil
	})
}
