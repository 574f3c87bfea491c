package service_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/secret"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

// tokenWorld is a database with a gestionnaire and a member, and a clock the test moves.
type tokenWorld struct {
	t       *testing.T
	ctx     context.Context
	db      *sqlstore.DB
	svc     *service.Service
	manager domain.Actor
	member  domain.Actor

	mu  sync.Mutex
	now time.Time
}

func newTokenWorld(t *testing.T, dsn string) *tokenWorld {
	t.Helper()
	w := &tokenWorld{t: t, ctx: context.Background(), now: time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)}
	db, err := sqlstore.Open(w.ctx, dsn, sqlstore.Options{Now: w.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(w.ctx); err != nil {
		t.Fatal(err)
	}
	w.db, w.svc = db, service.New(db)
	m, err := w.svc.Bootstrap(w.ctx, service.BootstrapInput{Email: "gestion@cap-metiers.fr", FirstName: "Camille", LastName: "Gestion", Password: "un mot de passe solide"})
	if err != nil {
		t.Fatal(err)
	}
	w.manager = domain.Actor{UserID: m.ID, Email: m.Email, Manager: true}
	u := domain.User{Email: "paul.martin@exemple.fr", LastName: "Martin", FirstName: "Paul", Status: domain.UserActive}
	if err := db.Update(w.ctx, func(tx store.Tx) error { return tx.CreateUser(w.ctx, &u) }); err != nil {
		t.Fatal(err)
	}
	w.member = domain.Actor{UserID: u.ID, Email: u.Email}
	return w
}

func (w *tokenWorld) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *tokenWorld) advance(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(d)
}

func (w *tokenWorld) create(actor domain.Actor, name string, ttl time.Duration, scope string) (string, domain.Token) {
	w.t.Helper()
	tok, rec, err := w.svc.CreateAPIToken(w.ctx, actor, name, ttl, scope)
	if err != nil {
		w.t.Fatalf("create token %q: %v", name, err)
	}
	return tok, rec
}

func (w *tokenWorld) auditOf(action string) []domain.AuditEvent {
	w.t.Helper()
	var es []domain.AuditEvent
	if err := w.db.View(w.ctx, func(tx store.Tx) error {
		var err error
		es, err = tx.ListAudit(w.ctx, store.AuditQuery{Action: action})
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
	return es
}

func wantTokenErr(t *testing.T, err, sentinel error, msgPart string) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("err = %v, want %v", err, sentinel)
	}
	if msgPart != "" && !strings.Contains(err.Error(), msgPart) {
		t.Fatalf("err = %q, want it to mention %q", err, msgPart)
	}
}

func TestCreateAPIToken(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newTokenWorld(t, dsn)
		token, rec, err := w.svc.CreateAPIToken(w.ctx, w.member, "  cron-export ", 90*24*time.Hour, "")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(token, service.APITokenPrefix+"_") || len(token) < 40 {
			t.Errorf("token = %q, want a long %s_ token", token, service.APITokenPrefix)
		}
		wantExp := w.clock().Add(90 * 24 * time.Hour)
		if rec.ID == 0 || rec.Name != "cron-export" || rec.Kind != domain.TokenAPI || rec.UserID != w.member.UserID ||
			rec.Hash != secret.HashToken(token) || rec.ExpiresAt == nil || !rec.ExpiresAt.Equal(wantExp) || rec.Scope != "" {
			t.Errorf("token record = %+v", rec)
		}

		// The token acts as its owner, named in the audit log.
		actor, err := w.svc.Authenticate(w.ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if actor.UserID != w.member.UserID || actor.TokenID != rec.ID || actor.TokenName != "cron-export" || actor.Scope != "" {
			t.Errorf("actor = %+v", actor)
		}
		if got := actor.Label(); got != "paul.martin@exemple.fr (token cron-export)" {
			t.Errorf("label = %q", got)
		}

		es := w.auditOf(service.ActionTokenCreate)
		if len(es) != 1 || es[0].ActorID != w.member.UserID || es[0].Actor != w.member.Email || !strings.Contains(es[0].Target, "cron-export") {
			t.Fatalf("token.create events = %+v", es)
		}
		if strings.Contains(es[0].Details, token) || strings.Contains(es[0].Details, rec.Hash) || strings.Contains(es[0].Details, strings.TrimPrefix(token, service.APITokenPrefix+"_")) {
			t.Errorf("audit details reveal the token: %s", es[0].Details)
		}
		if !strings.Contains(es[0].Details, `"name":"cron-export"`) {
			t.Errorf("audit details = %s", es[0].Details)
		}

		// Last use is recorded.
		list, err := w.svc.ListTokens(w.ctx, w.member)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].LastUsedAt == nil || !list[0].LastUsedAt.Equal(w.clock()) {
			t.Errorf("list after use = %+v", list)
		}
	})
}

func TestCreateAPITokenRules(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newTokenWorld(t, dsn)
		ctx := w.ctx
		_, _, err := w.svc.CreateAPIToken(ctx, domain.Anonymous, "cron", 0, "")
		wantTokenErr(t, err, domain.ErrForbidden, "not signed in")

		token, _ := w.create(w.member, "cron", time.Hour, "")
		viaToken, err := w.svc.Authenticate(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = w.svc.CreateAPIToken(ctx, viaToken, "another", 0, "")
		wantTokenErr(t, err, domain.ErrForbidden, "sign in with your password")

		_, _, err = w.svc.CreateAPIToken(ctx, w.member, "   ", 0, "")
		wantTokenErr(t, err, domain.ErrInvalid, "name")
		_, _, err = w.svc.CreateAPIToken(ctx, w.member, strings.Repeat("x", 65), 0, "")
		wantTokenErr(t, err, domain.ErrInvalid, "too long")
		_, _, err = w.svc.CreateAPIToken(ctx, w.member, "bad\nname", 0, "")
		wantTokenErr(t, err, domain.ErrInvalid, "control")
		_, _, err = w.svc.CreateAPIToken(ctx, w.member, "x", 0, "admin")
		wantTokenErr(t, err, domain.ErrInvalid, "scope")
		_, _, err = w.svc.CreateAPIToken(ctx, w.member, "x", -time.Hour, "")
		wantTokenErr(t, err, domain.ErrInvalid, "expires")

		// Names are unique among the tokens not revoked, whatever the case.
		_, _, err = w.svc.CreateAPIToken(ctx, w.member, "CRON", 0, "")
		wantTokenErr(t, err, domain.ErrConflict, "cron")
		// Another person may use the same name.
		w.create(w.manager, "cron", 0, "")
		// Once revoked, the name is free again.
		list, err := w.svc.ListTokens(ctx, w.member)
		if err != nil || len(list) != 1 {
			t.Fatalf("list = %+v, %v", list, err)
		}
		if _, err := w.svc.RevokeAPIToken(ctx, w.member, list[0].ID); err != nil {
			t.Fatal(err)
		}
		w.create(w.member, "cron", 0, "")

		if n := len(w.auditOf(service.ActionTokenCreate)); n != 3 {
			t.Errorf("%d token.create events, want 3 (refusals write nothing)", n)
		}
	})
}

func TestAPITokenScopeAndExpiry(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newTokenWorld(t, dsn)
		ctx := w.ctx
		forever, rec := w.create(w.member, "forever", 0, "read")
		if rec.ExpiresAt != nil || rec.Scope != service.ScopeRead {
			t.Errorf("ttl 0, scope read: %+v", rec)
		}
		short, _ := w.create(w.member, "short", time.Minute, "all")
		a, err := w.svc.Authenticate(ctx, forever)
		if err != nil {
			t.Fatal(err)
		}
		if a.Scope != service.ScopeRead {
			t.Errorf("read token actor = %+v", a)
		}
		// A read-only token may not revoke.
		_, err = w.svc.RevokeAPIToken(ctx, a, rec.ID)
		wantTokenErr(t, err, domain.ErrForbidden, "read-only")

		w.advance(time.Minute)
		_, err = w.svc.Authenticate(ctx, short)
		wantTokenErr(t, err, domain.ErrForbidden, "expired")
		w.advance(10 * 365 * 24 * time.Hour)
		if _, err := w.svc.Authenticate(ctx, forever); err != nil {
			t.Errorf("a token without expiry stopped working: %v", err)
		}
	})
}

func TestRevokeAPIToken(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newTokenWorld(t, dsn)
		ctx := w.ctx
		token, rec := w.create(w.member, "cron", 0, "")
		mine, mineRec := w.create(w.manager, "mine", 0, "")

		// Someone else's token: refused to a member, not found when it does not exist.
		_, err := w.svc.RevokeAPIToken(ctx, w.member, mineRec.ID)
		wantTokenErr(t, err, domain.ErrForbidden, "owner")
		_, err = w.svc.RevokeAPIToken(ctx, w.member, 999999)
		wantTokenErr(t, err, domain.ErrNotFound, "999999")
		_, err = w.svc.RevokeAPIToken(ctx, domain.Anonymous, rec.ID)
		wantTokenErr(t, err, domain.ErrForbidden, "")

		// A session is not an API token.
		_, u, err := w.svc.Login(ctx, "gestion@cap-metiers.fr", "un mot de passe solide")
		if err != nil {
			t.Fatal(err)
		}
		var sessionID int64
		if err := w.db.View(ctx, func(tx store.Tx) error {
			ts, err := tx.ListTokens(ctx, u.ID, domain.TokenSession)
			if len(ts) == 1 {
				sessionID = ts[0].ID
			}
			return err
		}); err != nil || sessionID == 0 {
			t.Fatalf("session: %d, %v", sessionID, err)
		}
		_, err = w.svc.RevokeAPIToken(ctx, w.manager, sessionID)
		wantTokenErr(t, err, domain.ErrNotFound, "")

		// The owner revokes: the token stops at once; twice is a conflict.
		got, err := w.svc.RevokeAPIToken(ctx, w.member, rec.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.RevokedAt == nil || got.Name != "cron" {
			t.Errorf("revoked = %+v", got)
		}
		_, err = w.svc.Authenticate(ctx, token)
		wantTokenErr(t, err, domain.ErrForbidden, "revoked")
		_, err = w.svc.RevokeAPIToken(ctx, w.member, rec.ID)
		wantTokenErr(t, err, domain.ErrConflict, "already revoked")

		// A gestionnaire revokes anyone's token, and the audit names the owner.
		_, other := w.create(w.member, "other", 0, "")
		if _, err := w.svc.RevokeAPIToken(ctx, w.manager, other.ID); err != nil {
			t.Fatal(err)
		}
		// An API token manages no token, not even itself: tokens are managed from a password
		// session.
		viaMine, err := w.svc.Authenticate(ctx, mine)
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.RevokeAPIToken(ctx, viaMine, mineRec.ID)
		wantTokenErr(t, err, domain.ErrForbidden, "sign in with your password")

		es := w.auditOf(service.ActionTokenRevoke)
		if len(es) != 2 {
			t.Fatalf("token.revoke events = %+v", es)
		}
		var byGestionnaire domain.AuditEvent
		for _, e := range es {
			if e.Actor == "gestion@cap-metiers.fr" {
				byGestionnaire = e
			}
		}
		if !strings.Contains(byGestionnaire.Details, `"owner":"paul.martin@exemple.fr"`) || !strings.Contains(byGestionnaire.Target, "other") {
			t.Errorf("revoked by a gestionnaire: %+v", byGestionnaire)
		}

		// Lists show one's own tokens only, revoked ones included.
		list, err := w.svc.ListTokens(ctx, w.member)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Name != "cron" || list[1].Name != "other" || list[0].RevokedAt == nil {
			t.Errorf("member's list = %+v", list)
		}
		if _, err := w.svc.ListTokens(ctx, domain.Anonymous); !errors.Is(err, domain.ErrForbidden) {
			t.Errorf("anonymous list: %v", err)
		}
	})
}

// Signing out with an API token (profil logout with --token or PROFIL_TOKEN) revokes it, and
// the trail says so as for any revoked token; a session's sign-out is a session.end.
func TestLogoutRecordsWhatItEnded(t *testing.T) {
	testEach(t, func(t *testing.T, e *env) {
		secret, tok, err := e.svc.CreateAPIToken(e.ctx, e.manager, "cron", 0, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Logout(e.ctx, secret); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(e.ctx, secret); err == nil {
			t.Error("the API token works after logout")
		}
		revoked := e.audit("token.revoke")
		if len(revoked) != 1 || !strings.Contains(revoked[0].Details, `"by":"logout"`) || !strings.Contains(revoked[0].Target, strconv.FormatInt(tok.ID, 10)) {
			t.Errorf("token.revoke events = %+v", revoked)
		}
		session, _, err := e.svc.Login(e.ctx, e.manager.Email, "un mot de passe solide")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Logout(e.ctx, session); err != nil {
			t.Fatal(err)
		}
		if n, m := len(e.audit("session.end")), len(e.audit("token.revoke")); n != 1 || m != 1 {
			t.Errorf("%d session.end and %d token.revoke events after a session's sign-out, want 1 and 1", n, m)
		}
		if err := e.svc.Logout(e.ctx, session); err != nil || len(e.audit("session.end")) != 1 {
			t.Errorf("signing out twice: %v, or a second event", err)
		}
	})
}
