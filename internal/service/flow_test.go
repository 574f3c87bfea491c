package service_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

type env struct {
	t       testing.TB
	ctx     context.Context
	db      *sqlstore.DB
	svc     *service.Service
	manager domain.Actor
}

func newEnv(t testing.TB, dsn string) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc := service.New(db)
	u, err := svc.Bootstrap(ctx, service.BootstrapInput{Email: "gestion@cap-metiers.fr", FirstName: "Camille", LastName: "Gestion", Password: "un mot de passe solide"})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, ctx: ctx, db: db, svc: svc, manager: domain.Actor{UserID: u.ID, Email: u.Email, Manager: true}}
}

// actor is how a signed-in member is seen by the service.
func (e *env) actor(email string) domain.Actor {
	e.t.Helper()
	var u domain.User
	if err := e.db.View(e.ctx, func(tx store.Tx) error {
		var err error
		u, err = tx.UserByEmail(e.ctx, email)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return domain.Actor{UserID: u.ID, Email: u.Email, Manager: u.Manager}
}

// mailInEnglish sets the portal's mails in English (they are French by default), for the
// tests that read them.
func (e *env) mailInEnglish() {
	e.t.Helper()
	if _, err := e.svc.SetSetting(e.ctx, e.manager, domain.SettingMailLanguage, "en"); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) mails() []domain.Mail {
	e.t.Helper()
	var ms []domain.Mail
	if err := e.db.View(e.ctx, func(tx store.Tx) error {
		var err error
		ms, err = tx.ListMail(e.ctx, store.MailQuery{})
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return ms
}

func (e *env) audit(action string) []domain.AuditEvent {
	e.t.Helper()
	var es []domain.AuditEvent
	if err := e.db.View(e.ctx, func(tx store.Tx) error {
		var err error
		es, err = tx.ListAudit(e.ctx, store.AuditQuery{Action: action})
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return es
}

// mailTo returns the subjects of the mails sent to addr after the first `from` mails.
func mailsTo(ms []domain.Mail, addr string) []string {
	var out []string
	for _, m := range ms {
		if m.To == addr {
			out = append(out, m.Subject)
		}
	}
	return out
}

func hasSubject(subjects []string, part string) bool {
	return slices.ContainsFunc(subjects, func(s string) bool { return strings.Contains(s, part) })
}

func wantErr(t *testing.T, err, sentinel error, msgPart string) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("err = %v, want %v", err, sentinel)
	}
	if msgPart != "" && !strings.Contains(err.Error(), msgPart) {
		t.Fatalf("err = %q, want it to mention %q", err, msgPart)
	}
}

func str(s string) *string { return &s }

// testEach runs fn on a fresh environment of each engine.
func testEach(t *testing.T, fn func(t *testing.T, e *env)) {
	testdb.Each(t, func(t *testing.T, dsn string) { fn(t, newEnv(t, dsn)) })
}

func TestSeedFlow(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.mailInEnglish()
		ctx := e.ctx
		siret := domain.MakeSIRET("44306184", "0004")

		// 1. Anyone asks for a structure to be referenced.
		req, err := e.svc.RequestStructure(ctx, domain.Anonymous, domain.StructureInput{
			SIRET: str(siret), Name: str("Lycée professionnel Jean Moulin"), Address: str("1 rue de l'École"),
			PostalCode: str("33000"), Kinds: &[]domain.Kind{domain.KindTrainingOrg},
		}, "direction@lp-moulin.fr")
		if err != nil {
			t.Fatal(err)
		}
		// A plain member cannot decide it; a duplicate SIRET request is refused.
		_, err = e.svc.RequestStructure(ctx, domain.Anonymous, domain.StructureInput{SIRET: str(siret), Name: str("Doublon")}, "x@y.fr")
		wantErr(t, err, domain.ErrConflict, "request")

		// 2. A gestionnaire approves: the structure exists.
		out, err := e.svc.Decide(ctx, e.manager, req.ID, service.DecideInput{Decision: domain.Approve})
		if err != nil {
			t.Fatal(err)
		}
		sref := domain.StructureRef{SIRET: siret}
		st, err := e.svc.Structure(ctx, e.manager, sref)
		if err != nil || st.Name != "Lycée professionnel Jean Moulin" || out.Request.StructureID != st.ID {
			t.Fatalf("approved structure request: %+v, %v", st, err)
		}
		if !hasSubject(mailsTo(e.mails(), "direction@lp-moulin.fr"), "Structure referenced") {
			t.Error("the requester got no mail saying the structure is referenced")
		}
		// Decided twice: conflict.
		_, err = e.svc.Decide(ctx, e.manager, req.ID, service.DecideInput{Decision: domain.Approve})
		wantErr(t, err, domain.ErrConflict, "already approved")

		// 3. The first account of the structure: gestionnaires decide, the person becomes référent.
		r1, _, err := e.svc.Register(ctx, domain.Anonymous, service.RegisterInput{Email: "Anne.Martin@LP-Moulin.fr", LastName: "Martin", FirstName: "Anne", Structure: sref})
		if err != nil {
			t.Fatal(err)
		}
		if subj := mailsTo(e.mails(), "gestion@cap-metiers.fr"); !hasSubject(subj, "request waiting") {
			t.Errorf("gestionnaires were not told a request waits: %q", subj)
		}
		_, _, err = e.svc.Register(ctx, domain.Anonymous, service.RegisterInput{Email: "anne.martin@lp-moulin.fr", LastName: "M", FirstName: "A", Structure: sref})
		wantErr(t, err, domain.ErrConflict, "already exists")
		if _, _, err := e.svc.Login(ctx, "anne.martin@lp-moulin.fr", "whatever password"); !errors.Is(err, domain.ErrForbidden) {
			t.Fatalf("a pending account signed in: %v", err)
		}
		out, err = e.svc.Decide(ctx, e.manager, r1.ID, service.DecideInput{Decision: domain.Approve})
		if err != nil || !out.Referent {
			t.Fatalf("first account: referent=%v err=%v, want the first member to become référent", out.Referent, err)
		}
		anne := e.actor("anne.martin@lp-moulin.fr")
		if st, _ = e.svc.Structure(ctx, e.manager, sref); st.ReferentEmail != anne.Email {
			t.Fatalf("référent of the structure = %q, want %q", st.ReferentEmail, anne.Email)
		}

		// 4. The second account is decided by the référent; another member may not.
		r2, _, err := e.svc.Register(ctx, domain.Anonymous, service.RegisterInput{Email: "paul.durand@lp-moulin.fr", LastName: "Durand", FirstName: "Paul", Phone: "05 56 00 00 00", Structure: sref})
		if err != nil {
			t.Fatal(err)
		}
		if subj := mailsTo(e.mails(), anne.Email); !hasSubject(subj, "request waiting") {
			t.Errorf("the référent was not told a request waits: %q", subj)
		}
		out, err = e.svc.Decide(ctx, anne, r2.ID, service.DecideInput{Decision: domain.Approve, Profiles: []string{"rafael.of-general"}})
		if err != nil || out.Referent {
			t.Fatalf("second account by the référent: referent=%v err=%v", out.Referent, err)
		}
		paul := e.actor("paul.durand@lp-moulin.fr")
		members, _, err := e.svc.Members(ctx, paul, sref, false)
		if err != nil || len(members) != 2 {
			t.Fatalf("members seen by a member: %d, %v", len(members), err)
		}
		for _, m := range members {
			if m.User.Email == paul.Email && !slices.Equal(m.Profiles, []string{"parcourspro.beneficiary", "rafael.of-general"}) {
				t.Errorf("Paul's profiles = %v, want the automatic bénéficiaire and the granted one", m.Profiles)
			}
		}
		r3, _, err := e.svc.Register(ctx, domain.Anonymous, service.RegisterInput{Email: "zoe@lp-moulin.fr", LastName: "Zoé", FirstName: "Z", Structure: sref})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Decide(ctx, paul, r3.ID, service.DecideInput{Decision: domain.Approve})
		wantErr(t, err, domain.ErrForbidden, "référent")
		_, err = e.svc.Decide(ctx, anne, r3.ID, service.DecideInput{Decision: domain.Reject})
		wantErr(t, err, domain.ErrInvalid, "reason")
		if _, err = e.svc.Decide(ctx, anne, r3.ID, service.DecideInput{Decision: domain.Reject, Reason: "Inconnue au lycée"}); err != nil {
			t.Fatal(err)
		}
		if subj := mailsTo(e.mails(), "zoe@lp-moulin.fr"); !hasSubject(subj, "rejected") {
			t.Errorf("the refused person got %q, want a refusal", subj)
		}
		for _, m := range e.mails() {
			if m.To == "zoe@lp-moulin.fr" && strings.Contains(m.Subject, "rejected") && !strings.Contains(m.Body, "Inconnue au lycée") {
				t.Error("the refusal mail does not give the reason")
			}
		}

		// 5. Paul asks to join a second structure (without référent): gestionnaires decide.
		other, err := e.svc.CreateStructure(ctx, e.manager, domain.StructureInput{Name: str("Association Sans Siret"), Address: str("2 place X")})
		if err != nil {
			t.Fatal(err)
		}
		oref := domain.StructureRef{ID: other.ID}
		aff, err := e.svc.Affiliate(ctx, paul, oref, "")
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Affiliate(ctx, paul, oref, "")
		wantErr(t, err, domain.ErrConflict, "pending")
		_, err = e.svc.Decide(ctx, anne, aff.ID, service.DecideInput{Decision: domain.Approve})
		wantErr(t, err, domain.ErrForbidden, "gestionnaire")
		if out, err = e.svc.Decide(ctx, e.manager, aff.ID, service.DecideInput{Decision: domain.Approve}); err != nil || !out.Referent {
			t.Fatalf("affiliation to a structure without référent: referent=%v err=%v", out.Referent, err)
		}
		mine, err := e.svc.ListRequests(ctx, paul, service.RequestFilter{Mine: true})
		if err != nil || len(mine) != 2 {
			t.Fatalf("Paul's own requests: %d, %v", len(mine), err)
		}

		// 6. Hand-over: Anne gives the role to Paul; a plain member may not.
		_, _, err = e.svc.SetReferent(ctx, paul, sref, paul.Email)
		wantErr(t, err, domain.ErrForbidden, "référent")
		if _, _, err = e.svc.SetReferent(ctx, anne, sref, paul.Email); err != nil {
			t.Fatal(err)
		}
		if st, _ = e.svc.Structure(ctx, e.manager, sref); st.ReferentEmail != paul.Email {
			t.Fatalf("after hand-over the référent is %q", st.ReferentEmail)
		}
		if !hasSubject(mailsTo(e.mails(), paul.Email), "référent") {
			t.Error("the new référent got no mail")
		}

		// 7. Detach: the référent cannot detach themself; they detach Anne; a gestionnaire
		// detaching the référent must say who follows.
		_, _, err = e.svc.Detach(ctx, paul, service.DetachInput{Email: paul.Email, Structure: sref})
		wantErr(t, err, domain.ErrForbidden, "ask a gestionnaire")
		if _, _, err = e.svc.Detach(ctx, paul, service.DetachInput{Email: anne.Email, Structure: sref}); err != nil {
			t.Fatal(err)
		}
		_, _, err = e.svc.Detach(ctx, e.manager, service.DetachInput{Email: paul.Email, Structure: sref})
		wantErr(t, err, domain.ErrConflict, "--new-referent")
		if _, _, err = e.svc.Detach(ctx, e.manager, service.DetachInput{Email: paul.Email, Structure: sref, LeaveNoReferent: true}); err != nil {
			t.Fatal(err)
		}
		members, _, err = e.svc.Members(ctx, e.manager, sref, false)
		if err != nil || len(members) != 0 {
			t.Fatalf("members after detaching both: %d, %v", len(members), err)
		}
		if st, _ = e.svc.Structure(ctx, e.manager, sref); st.ReferentEmail != "" {
			t.Errorf("the structure kept référent %q", st.ReferentEmail)
		}

		// Every step left its audit event.
		for action, want := range map[string]int{"request.create": 5, "request.approve": 4, "request.reject": 1,
			"referent.set": 3, "membership.end": 2, "structure.create": 2} {
			if got := len(e.audit(action)); got != want {
				t.Errorf("%d %q audit events, want %d", got, action, want)
			}
		}
		decided, err := e.svc.ListRequests(ctx, anne, service.RequestFilter{Query: store.RequestQuery{DecidedBy: anne.UserID}})
		if err != nil || len(decided) != 2 {
			t.Errorf("Anne's own decisions: %d, %v; want 2", len(decided), err)
		}
	})
}

func TestDryRunChangesNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		st, err := e.svc.CreateStructure(e.ctx, e.manager, domain.StructureInput{Name: str("Essai"), Address: str("x")})
		if err != nil {
			t.Fatal(err)
		}
		r, _, err := e.svc.Register(e.ctx, domain.Anonymous, service.RegisterInput{Email: "a@essai.fr", LastName: "A", FirstName: "B", Structure: domain.StructureRef{ID: st.ID}})
		if err != nil {
			t.Fatal(err)
		}
		before := len(e.mails())
		out, err := e.svc.Decide(e.ctx, e.manager, r.ID, service.DecideInput{Decision: domain.Approve, DryRun: true})
		if err != nil || !out.DryRun || !out.Referent {
			t.Fatalf("dry run: %+v %v", out, err)
		}
		got, err := e.svc.Request(e.ctx, e.manager, r.ID)
		if err != nil || got.Status != domain.StatusPending {
			t.Fatalf("after a dry run the request is %s (%v), want pending", got.Status, err)
		}
		if len(e.mails()) != before || len(e.audit("request.approve")) != 0 {
			t.Error("a dry run wrote mail or audit events")
		}
	})
}

var _ = time.Second
