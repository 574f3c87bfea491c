package service_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

// failOnce makes PostgreSQL itself refuse the next commit that writes an audit event with
// SQLSTATE 40001 (serialization_failure), as it does when two serializable transactions
// collide: a deferred constraint trigger on audit_events raises it when the sequence it draws
// from gives 1. A sequence is not rolled back with the transaction, so the attempt that Update
// runs again draws 2 and commits. The use cases write an audit event in every transaction
// that changes something, so each one meets the failure at its commit, after all its work.
type failOnce struct {
	ctx   context.Context
	db    *sqlstore.DB
	audit func(action string) []domain.AuditEvent
}

func newFailOnce(t *testing.T, e *env) failOnce {
	t.Helper()
	return newFailOnceIn(t, e.ctx, e.db, e.audit)
}

func newFailOnceIn(t *testing.T, ctx context.Context, db *sqlstore.DB, audit func(string) []domain.AuditEvent) failOnce {
	t.Helper()
	for _, q := range []string{
		`CREATE SEQUENCE retry_probe MINVALUE 1 START 2`, // disarmed until arm
		`CREATE FUNCTION retry_probe_fail() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF nextval('retry_probe') = 1 THEN
				RAISE EXCEPTION 'forced by the test' USING ERRCODE = 'serialization_failure';
			END IF;
			RETURN NULL;
		END $$`,
		`CREATE CONSTRAINT TRIGGER retry_probe AFTER INSERT ON audit_events
			DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION retry_probe_fail()`,
	} {
		if _, err := db.SQL().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return failOnce{ctx: ctx, db: db, audit: audit}
}

// run arms the failure, runs fn (one use case: method of service.API), and checks that its
// first commit failed, that it was run again, and that the attempt kept wrote want events of
// action: those of the failed attempt are gone with it.
func (f failOnce) run(t *testing.T, method, action string, want int, fn func() error) {
	t.Helper()
	before := len(f.audit(action))
	if _, err := f.db.SQL().ExecContext(f.ctx, `SELECT setval('retry_probe', 1, false)`); err != nil {
		t.Fatal(err)
	}
	if err := fn(); err != nil {
		t.Fatalf("%s (%s) after a serialization failure: %v", method, action, err)
	}
	if got := len(f.audit(action)) - before; got != want {
		t.Errorf("%s: %d %s events after a retried transaction, want %d", method, got, action, want)
	}
	var drawn int64
	if err := f.db.SQL().QueryRowContext(f.ctx, `SELECT last_value FROM retry_probe`).Scan(&drawn); err != nil {
		t.Fatal(err)
	}
	if drawn < 2 {
		t.Errorf("%s: no audit event was written after the failed commit (probe at %d)", method, drawn)
	}
}

// expectSessions checks how many sessions of the user are open.
func (e *env) expectSessions(t *testing.T, userID int64, want int) {
	t.Helper()
	open := 0
	if err := e.db.View(e.ctx, func(tx store.Tx) error {
		ts, err := tx.ListTokens(e.ctx, userID, domain.TokenSession)
		for _, t := range ts {
			if t.RevokedAt == nil {
				open++
			}
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if open != want {
		t.Errorf("%d sessions open, want %d", open, want)
	}
}

func (e *env) mailCount(to string) int {
	n := 0
	for _, m := range e.mails() {
		if m.To == to {
			n++
		}
	}
	return n
}

// Every use case that returns data returns what the committed attempt did, once, after
// PostgreSQL aborted its first attempt at commit; the audit trail and the outbox hold one
// attempt's events and mails.
func TestUseCasesRunAgainAfterSerializationFailure(t *testing.T) {
	e := newEnv(t, testdb.Postgres(t))
	f := newFailOnce(t, e)
	ctx := e.ctx

	var st domain.Structure
	f.run(t, "CreateStructure", domain.ActionStructureCreate, 1, func() (err error) {
		kinds := []domain.Kind{domain.KindTrainingOrg}
		st, err = e.svc.CreateStructure(ctx, e.manager, domain.StructureInput{Name: str("Organisme Retry"), Address: str("1 rue X"), Kinds: &kinds})
		return err
	})
	if st.ID == 0 {
		t.Fatal("create structure returned no id")
	}
	ref := domain.StructureRef{ID: st.ID}

	var reqs []domain.Request
	for i := range 4 {
		f.run(t, "Register", "request.create", 1, func() error {
			r, _, err := e.svc.Register(ctx, domain.Anonymous, service.RegisterInput{Email: fmt.Sprintf("r%d@retry.fr", i), LastName: "L", FirstName: "F", Structure: ref})
			reqs = append(reqs, r)
			return err
		})
		if n := e.mailCount(fmt.Sprintf("r%d@retry.fr", i)); n != 1 {
			t.Errorf("register: %d mails to the person, want 1", n)
		}
	}

	var out service.Outcome
	f.run(t, "Decide", "request.approve", 1, func() (err error) {
		out, err = e.svc.Decide(ctx, e.manager, reqs[0].ID, service.DecideInput{Decision: domain.Approve})
		return err
	})
	if !out.Referent || out.Request.Status != domain.StatusApproved {
		t.Errorf("decide: %+v, want approved and référent", out)
	}
	if n := len(e.audit("referent.set")); n != 1 {
		t.Errorf("%d referent.set events, want 1", n)
	}

	var decisions []service.Decision
	reports := 0
	f.run(t, "DecideMany", "request.approve", 3, func() error {
		return e.svc.DecideMany(ctx, e.manager, []int64{reqs[1].ID, reqs[2].ID, reqs[3].ID}, service.DecideInput{Decision: domain.Approve},
			func(ds []service.Decision) { reports++; decisions = append(decisions, ds...) })
	})
	if reports != 1 || len(decisions) != 3 {
		t.Errorf("bulk decision reported %d times, %d results, want once, 3", reports, len(decisions))
	}
	for _, d := range decisions {
		if d.Err != nil || d.Outcome.Request.Status != domain.StatusApproved {
			t.Errorf("bulk decision of %d: %+v", d.ID, d)
		}
	}

	referent, member := e.actor("r0@retry.fr"), e.actor("r1@retry.fr")
	var granted []service.GrantResult
	f.run(t, "Grant", "profile.grant", 1, func() (err error) {
		granted, err = e.svc.Grant(ctx, referent, member.Email, ref, []string{"rafael.of-general", "parcourspro.employer"})
		return err
	})
	if len(granted) != 2 || !granted[0].Changed || !granted[1].Changed {
		t.Errorf("grant after a retry = %+v, want the two profiles, each granted", granted)
	}
	events := e.audit("profile.grant")
	if len(events) != 1 || !strings.Contains(events[0].Details, "rafael.of-general") {
		t.Errorf("grant events = %+v", events)
	}

	var revoked []service.GrantResult
	f.run(t, "Revoke", "profile.revoke", 1, func() (err error) {
		revoked, err = e.svc.Revoke(ctx, referent, member.Email, ref, []string{"parcourspro.employer"})
		return err
	})
	if len(revoked) != 1 || !revoked[0].Changed {
		t.Errorf("revoke after a retry = %+v", revoked)
	}

	f.run(t, "UpdateUser", "user.update", 1, func() error {
		u, err := e.svc.UpdateUser(ctx, member, "", service.UserUpdate{Function: str("Formatrice")})
		if err == nil && u.Function != "Formatrice" {
			err = fmt.Errorf("function %q", u.Function)
		}
		return err
	})

	f.run(t, "ResetPassword", service.ActionPasswordReset, 1, func() error {
		res, err := e.svc.ResetPassword(ctx, e.manager, "r2@retry.fr")
		if err == nil && !res.Mailed {
			err = fmt.Errorf("no temporary-password mail queued")
		}
		return err
	})

	f.run(t, "SetAdhesion", domain.ActionStructureAdhesion, 1, func() error {
		s, err := e.svc.SetAdhesion(ctx, e.manager, ref, 2026)
		if err == nil && s.AdhesionYear != 2026 {
			err = fmt.Errorf("adhesion %d", s.AdhesionYear)
		}
		return err
	})

	f.run(t, "SetReferent", "referent.set", 1, func() error {
		u, _, err := e.svc.SetReferent(ctx, e.manager, ref, "r3@retry.fr")
		if err == nil && u.Email != "r3@retry.fr" {
			err = fmt.Errorf("référent %s", u.Email)
		}
		return err
	})
	f.run(t, "Detach", "membership.end", 1, func() error {
		_, _, err := e.svc.Detach(ctx, e.manager, service.DetachInput{Email: "r2@retry.fr", Structure: ref})
		return err
	})

	var token string
	var tok domain.Token
	f.run(t, "CreateAPIToken", service.ActionTokenCreate, 1, func() (err error) {
		token, tok, err = e.svc.CreateAPIToken(ctx, e.manager, "cron", 0, "")
		return err
	})
	if token == "" || tok.ID == 0 {
		t.Errorf("token create returned %q, %+v", token, tok)
	}
	if tokens, err := e.svc.ListTokens(ctx, e.manager); err != nil || len(tokens) != 1 {
		t.Errorf("tokens after a retried create: %d, %v; want 1", len(tokens), err)
	}
	f.run(t, "RevokeAPIToken", service.ActionTokenRevoke, 1, func() error {
		t, err := e.svc.RevokeAPIToken(ctx, e.manager, tok.ID)
		if err == nil && t.RevokedAt == nil {
			err = fmt.Errorf("not revoked")
		}
		return err
	})

	f.run(t, "RequestStructure", "request.create", 1, func() error {
		r, err := e.svc.RequestStructure(ctx, domain.Anonymous, domain.StructureInput{Name: str("Nouvelle"), Address: str("x")}, "demande@retry.fr")
		if err == nil && r.ID == 0 {
			err = fmt.Errorf("no request id")
		}
		return err
	})
	f.run(t, "Affiliate", "request.create", 1, func() error {
		_, err := e.svc.Affiliate(ctx, e.manager, ref, "r2@retry.fr")
		return err
	})

	var lines []service.LineResult
	var sum service.ImportSummary
	f.run(t, "ImportStructures", "structure.import", 1, func() (err error) {
		sum, err = e.svc.ImportStructures(ctx, e.manager, strings.NewReader("siret,name\n73282932000074,Cap Métiers\n44306184100047,Horizons\n"),
			service.ImportOptions{File: "s.csv", OnResult: func(r service.LineResult) { lines = append(lines, r) }})
		return err
	})
	if sum.Counts[service.ResultCreated] != 2 || len(lines) != 2 {
		t.Errorf("structure import after a retry: counts %v, %d lines reported; want 2 created, 2 lines", sum.Counts, len(lines))
	}
	lines = nil
	f.run(t, "ImportUsers", "user.import", 1, func() (err error) {
		sum, err = e.svc.ImportUsers(ctx, e.manager, strings.NewReader("email,last_name,first_name,siret\na@imp.fr,A,B,73282932000074\nb@imp.fr,C,D,44306184100047\n"),
			service.ImportOptions{Source: "synapse", OnResult: func(r service.LineResult) { lines = append(lines, r) }})
		return err
	})
	if sum.Counts[service.ResultCreated] != 2 || len(lines) != 2 {
		t.Errorf("user import after a retry: counts %v, %d lines reported; want 2 created, 2 lines", sum.Counts, len(lines))
	}

	f.run(t, "UpdateStructure", domain.ActionStructureUpdate, 1, func() error {
		kinds := []domain.Kind{domain.KindTrainingOrg, domain.KindEmployer}
		s, err := e.svc.UpdateStructure(ctx, e.manager, ref, domain.StructureInput{Kinds: &kinds, City: str("Pessac")})
		if err == nil && (len(s.Kinds) != 2 || s.City != "Pessac") {
			err = fmt.Errorf("structure after update: %+v", s)
		}
		return err
	})

	// A first sign-in queues one temporary-password mail; delivering it makes the password,
	// and signing in with it opens one session, the one whose token is returned.
	f.run(t, "Login", service.ActionTemporaryQueued, 1, func() error {
		_, _, err := e.svc.Login(ctx, "r3@retry.fr", "anything")
		if errors.Is(err, domain.ErrForbidden) {
			return nil
		}
		return fmt.Errorf("first sign-in: %v", err)
	})
	var temp string
	if _, err := e.svc.DeliverMail(ctx, e.manager, func(_ context.Context, m domain.Mail) error {
		if m.To == "r3@retry.fr" {
			if found := temporaryPattern.FindString(m.Body); found != "" {
				if temp != "" {
					t.Fatal("two temporary passwords mailed for one first sign-in")
				}
				temp = found
			}
		}
		return nil
	}, 100); err != nil {
		t.Fatal(err)
	}
	if temp == "" {
		t.Fatal("no temporary password delivered to r3@retry.fr")
	}
	var session string
	f.run(t, "Login", domain.ActionSessionCreate, 1, func() (err error) {
		session, _, err = e.svc.Login(ctx, "r3@retry.fr", temp)
		return err
	})
	r3 := e.actor("r3@retry.fr")
	e.expectSessions(t, r3.UserID, 1)
	a, err := e.svc.Authenticate(ctx, session)
	if err != nil {
		t.Fatalf("the session returned after a retried sign-in does not work: %v", err)
	}
	f.run(t, "ChangePassword", "user.password", 1, func() error {
		return e.svc.ChangePassword(ctx, a, temp, "un nouveau mot de passe")
	})

	// An export reads outside any transaction and records itself once.
	f.run(t, "ExportMembers", string(domain.Export), 1, func() error {
		rows := 0
		sum, err := e.svc.ExportMembers(ctx, e.manager, service.ExportScope{Structure: &ref}, func(domain.Member) error { rows++; return nil })
		if err == nil && (sum.Members != rows || rows == 0) {
			err = fmt.Errorf("export summary says %d members, %d rows handed out", sum.Members, rows)
		}
		return err
	})

	// The outbox holds one attempt's mails.
	if n := e.mailCount("r3@retry.fr"); n != 6 {
		t.Errorf("%d mails to r3 (request received, approved, référent, affiliation waiting, temporary password, password changed), want 6", n)
	}
	var users int
	if err := e.db.View(ctx, func(tx store.Tx) error {
		us, err := tx.ListUsers(ctx, store.UserQuery{})
		users = len(us)
		return err
	}); err != nil || users != 1+4+2 {
		t.Errorf("%d accounts, want 7 (gestionnaire, 4 registered, 2 imported): %v", users, err)
	}

	// An export of trainee accounts reads in its transaction: run again, it hands no account
	// out twice.
	if _, err := e.svc.PublishTerms(ctx, e.manager, "2026-01", "Conditions\n"); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"s1@retry.fr", "s2@retry.fr"} {
		if _, err := e.svc.RegisterTrainee(ctx, domain.Anonymous, registration("Stagiaire", email[:2], "01/02/2000", "", email)); err != nil {
			t.Fatal(err)
		}
	}
	f.run(t, "ExportTrainees", string(domain.ExportTrainees), 1, func() error {
		var rows []string
		sum, err := e.svc.ExportTrainees(ctx, e.manager, service.TraineeFilter{}, func(tr domain.Trainee) error {
			rows = append(rows, tr.User.Email)
			return nil
		})
		if err == nil && (sum.Members != 2 || strings.Join(rows, ",") != "s1@retry.fr,s2@retry.fr") {
			err = fmt.Errorf("export summary says %d accounts, rows handed out: %v", sum.Members, rows)
		}
		return err
	})
	expectKnownActions(t, ctx, e.db)
}

// The first gestionnaire, created once even when its transaction runs twice.
func TestBootstrapRunsAgainAfterSerializationFailure(t *testing.T) {
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, testdb.Postgres(t), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: ctx, db: db, svc: service.New(db)}
	f := newFailOnce(t, e)
	var u domain.User
	f.run(t, "Bootstrap", domain.ActionUserCreate, 1, func() (err error) {
		u, err = e.svc.Bootstrap(ctx, service.BootstrapInput{Email: "gestion@cap-metiers.fr", LastName: "Gestion", Password: "un mot de passe solide"})
		return err
	})
	var managers int
	if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE manager`).Scan(&managers); err != nil {
		t.Fatal(err)
	}
	if managers != 1 || u.ID == 0 {
		t.Errorf("%d gestionnaires, returned %+v; want 1, with its id", managers, u)
	}
}
