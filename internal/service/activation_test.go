package service_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/testdb"
)

type activationWorld struct {
	t       *testing.T
	ctx     context.Context
	clock   *outboxClock
	st      store.Store
	svc     *service.Service
	manager domain.Actor
	sent    []domain.Mail // what the mail server received
}

func newActivationWorld(t *testing.T, dsn string) *activationWorld {
	c := newOutboxClock()
	st := openOutboxStore(t, dsn, c)
	svc := service.New(st)
	rs := domain.DefaultRegistrationSettings()
	rs.Activation, rs.ReferentLabel = true, "gestionnaire entité"
	svc.Registration = &rs
	ctx := context.Background()
	u, err := svc.Bootstrap(ctx, service.BootstrapInput{Email: outboxManager.Email, LastName: "Durand", Password: "un mot de passe solide"})
	if err != nil {
		t.Fatal(err)
	}
	return &activationWorld{t: t, ctx: ctx, clock: c, st: st, svc: svc, manager: domain.Actor{UserID: u.ID, Email: u.Email, Manager: true}}
}

// deliver sends the outbox and returns the codes the messages carried, in order.
func (w *activationWorld) deliver() []string {
	w.t.Helper()
	var codes []string
	re := regexp.MustCompile(`--code ([a-z0-9]{5}-[a-z0-9]{5})`)
	_, err := w.svc.DeliverMail(w.ctx, w.manager, func(_ context.Context, m domain.Mail) error {
		w.sent = append(w.sent, m)
		if g := re.FindStringSubmatch(m.Body); g != nil {
			codes = append(codes, g[1])
		}
		return nil
	}, 10)
	if err != nil {
		w.t.Fatal(err)
	}
	return codes
}

func (w *activationWorld) request(id int64) domain.Request {
	w.t.Helper()
	r, err := w.svc.Request(w.ctx, w.manager, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

func (w *activationWorld) entity(email string) domain.Request {
	w.t.Helper()
	name, address, pc, city := "Ministère du Travail", "127 rue de Grenelle", "75007", "Paris"
	ministry := true
	mandate, err := domain.NewDocument("mandate", domain.DocumentMandate, "mandat.pdf", []byte("%PDF-1.7 mandat"))
	if err != nil {
		w.t.Fatal(err)
	}
	date := w.clock.Now().AddDate(0, 0, -3)
	r, err := w.svc.RequestEntity(w.ctx, domain.Anonymous, service.EntityRequestInput{
		Structure:      domain.StructureInput{Name: &name, Address: &address, PostalCode: &pc, City: &city, Ministry: &ministry},
		RequesterEmail: email, NoSIRET: true, Account: &service.AccountInput{LastName: "Martin", FirstName: "Claire"},
		Mandate: &mandate, MandateDate: &date,
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

func TestActivation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newActivationWorld(t, dsn)
		const who = "claire.martin@travail.gouv.fr"
		r := w.entity(who)
		if r.Status != domain.StatusUnverified {
			t.Fatalf("status %s, want unverified", r.Status)
		}
		// The outbox holds no code: it is made when the mail is sent.
		pending, err := w.svc.ListMail(w.ctx, w.manager, true)
		if err != nil || len(pending) != 1 || !strings.Contains(pending[0].Body, domain.ActivationCodePlaceholder) || pending[0].To != who {
			t.Fatalf("outbox = %+v, %v", pending, err)
		}
		// Unverified: in nobody's queue, and nobody decides it.
		queue, err := w.svc.ListRequests(w.ctx, w.manager, service.RequestFilter{})
		if err != nil || len(queue) != 0 {
			t.Errorf("queue = %+v, %v", queue, err)
		}
		if _, err := w.svc.Decide(w.ctx, w.manager, r.ID, service.DecideInput{Decision: domain.Approve}); !errors.Is(err, domain.ErrConflict) {
			t.Errorf("deciding an unverified request: %v, want a conflict", err)
		}

		codes := w.deliver()
		if len(codes) != 1 {
			t.Fatalf("codes mailed: %v", codes)
		}
		code := codes[0]
		stored := w.request(r.ID)
		if stored.ActivationHash == "" || strings.Contains(stored.ActivationHash, code) || stored.ActivationExpiresAt == nil ||
			!stored.ActivationExpiresAt.Equal(w.clock.Now().Add(48*time.Hour)) {
			t.Errorf("stored activation = %q until %v", stored.ActivationHash, stored.ActivationExpiresAt)
		}
		all, _ := w.svc.ListMail(w.ctx, w.manager, false)
		for _, m := range all {
			if strings.Contains(m.Body, code) {
				t.Errorf("the outbox holds the code after delivery: %q", m.Body)
			}
		}

		// Wrong codes read as a refusal; the right one, typed in capitals with a space, works.
		if _, err := w.svc.Activate(w.ctx, domain.Anonymous, r.ID, "aaaaa-aaaaa"); !errors.Is(err, domain.ErrForbidden) {
			t.Errorf("wrong code: %v", err)
		}
		_, errUnknown := w.svc.Activate(w.ctx, domain.Anonymous, r.ID+100, code)
		_, errWrong := w.svc.Activate(w.ctx, domain.Anonymous, r.ID, "bbbbb-bbbbb")
		if errUnknown == nil || errWrong == nil || errUnknown.Error() != errWrong.Error() {
			t.Errorf("an unknown request and a wrong code read differently: %v / %v", errUnknown, errWrong)
		}
		typed := strings.ToUpper(strings.Replace(code, "-", " ", 1))
		got, err := w.svc.Activate(w.ctx, domain.Anonymous, r.ID, typed)
		if err != nil || got.Status != domain.StatusPending {
			t.Fatalf("activate: %+v, %v", got, err)
		}
		// Single use.
		if _, err := w.svc.Activate(w.ctx, domain.Anonymous, r.ID, code); !errors.Is(err, domain.ErrForbidden) {
			t.Errorf("the code worked twice: %v", err)
		}
		// In the queue now, the requester told the request is received; approval makes the
		// account the référent, with the portal's word for it.
		queue, _ = w.svc.ListRequests(w.ctx, w.manager, service.RequestFilter{})
		if len(queue) != 1 || queue[0].ID != r.ID {
			t.Errorf("queue after activation = %+v", queue)
		}
		out, err := w.svc.Decide(w.ctx, w.manager, r.ID, service.DecideInput{Decision: domain.Approve})
		if err != nil || !out.Referent {
			t.Fatalf("approve: %+v, %v", out, err)
		}
		w.deliver()
		last := w.sent[len(w.sent)-1]
		if last.To != who || !strings.Contains(last.Body, "gestionnaire entité") {
			t.Errorf("approval mail = %q", last.Body)
		}
	})
}

func TestActivationTriesResendAndPurge(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newActivationWorld(t, dsn)
		const who = "luc.petit@u-bordeaux.fr"
		r := w.entity(who)
		code := w.deliver()[0]
		// Five wrong codes void the code: the right one no longer works.
		for range domain.ActivationMaxTries {
			if _, err := w.svc.Activate(w.ctx, domain.Anonymous, r.ID, "zzzzz-zzzzz"); !errors.Is(err, domain.ErrForbidden) {
				t.Fatalf("wrong code: %v", err)
			}
		}
		if _, err := w.svc.Activate(w.ctx, domain.Anonymous, r.ID, code); !errors.Is(err, domain.ErrForbidden) {
			t.Fatalf("the code works after 5 wrong tries: %v", err)
		}
		// A new code, but not within 15 minutes of the last mail; an unknown address reads the same.
		if err := w.svc.ResendActivation(w.ctx, domain.Anonymous, who); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.ResendActivation(w.ctx, domain.Anonymous, "nobody@example.org"); err != nil {
			t.Fatal(err)
		}
		if codes := w.deliver(); len(codes) != 0 {
			t.Fatalf("a code mailed within 15 minutes: %v", codes)
		}
		w.clock.Add(16 * time.Minute)
		// Asking again with the same address mails the code again instead of failing.
		again := w.entity(who)
		if again.ID != r.ID {
			t.Fatalf("asking again made request %d, want %d again", again.ID, r.ID)
		}
		codes := w.deliver()
		if len(codes) != 1 || codes[0] == code {
			t.Fatalf("codes after asking again: %v", codes)
		}
		w.clock.Add(16 * time.Minute)
		if err := w.svc.ResendActivation(w.ctx, domain.Anonymous, who); err != nil {
			t.Fatal(err)
		}
		newer := w.deliver()
		if len(newer) != 1 {
			t.Fatalf("resend: %v", newer)
		}
		// The old code is void, the new one works... until it expires.
		if _, err := w.svc.Activate(w.ctx, domain.Anonymous, r.ID, codes[0]); !errors.Is(err, domain.ErrForbidden) {
			t.Errorf("the code replaced still works: %v", err)
		}
		w.clock.Add(48 * time.Hour)
		if _, err := w.svc.Activate(w.ctx, domain.Anonymous, r.ID, newer[0]); !errors.Is(err, domain.ErrForbidden) {
			t.Errorf("an expired code works: %v", err)
		}

		// Purge: gestionnaires only; the stale request, its documents and its account go.
		if _, err := w.svc.PurgeUnverified(w.ctx, domain.Anonymous, 30*24*time.Hour); !errors.Is(err, domain.ErrForbidden) {
			t.Errorf("anonymous purge: %v", err)
		}
		if n, err := w.svc.PurgeUnverified(w.ctx, w.manager, 30*24*time.Hour); err != nil || n != 0 {
			t.Errorf("purge of fresh requests: %d, %v", n, err)
		}
		// Less than a day is refused, in the words it was typed in.
		for d, typed := range map[time.Duration]string{time.Hour: `"1h"`, 0: `"0h"`, 90 * time.Minute: `"1h30m0s"`} {
			if _, err := w.svc.PurgeUnverified(w.ctx, w.manager, d); !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), typed) {
				t.Errorf("purge older than %v: %v, want %s refused", d, err, typed)
			}
		}
		w.clock.Add(30 * 24 * time.Hour)
		if n, err := w.svc.PurgeUnverified(w.ctx, w.manager, 30*24*time.Hour); err != nil || n != 1 {
			t.Fatalf("purge: %d, %v", n, err)
		}
		if _, err := w.svc.Request(w.ctx, w.manager, r.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("purged request: %v", err)
		}
		u, err := w.svc.User(w.ctx, w.manager, who)
		if err != nil || u.User.Status != domain.UserRefused {
			t.Errorf("account of a purged request: %+v, %v", u.User, err)
		}
		events, err := w.svc.Audit(w.ctx, w.manager, store.AuditQuery{Action: service.ActionPurgeUnverified}, "", nil)
		if err != nil || len(events) != 1 {
			t.Errorf("purge audited %d times (%v)", len(events), err)
		}
	})
}

func TestActivationOfAccountRequest(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newActivationWorld(t, dsn)
		name, siret := "Horizons", domain.MakeSIRET("44306184", "0004")
		st, err := w.svc.CreateStructure(w.ctx, w.manager, domain.StructureInput{Name: &name, SIRET: &siret})
		if err != nil {
			t.Fatal(err)
		}
		in := service.RegisterInput{Email: "paul@horizons.fr", LastName: "Paul", FirstName: "P", Structure: domain.StructureRef{ID: st.ID},
			Password: "le mot de passe du premier"}
		r, _, err := w.svc.Register(w.ctx, domain.Anonymous, in)
		if err != nil || r.Status != domain.StatusUnverified {
			t.Fatalf("register: %+v, %v", r, err)
		}
		code := w.deliver()[0]
		// A bulk decision of an unverified request and a change request: the first is refused,
		// the second applied.
		city := "Mérignac"
		change, err := w.svc.RequestChange(w.ctx, w.manager, domain.StructureRef{ID: st.ID}, domain.StructureInput{City: &city}, "")
		if err != nil {
			t.Fatal(err)
		}
		var results []service.Decision
		err = w.svc.DecideMany(w.ctx, w.manager, []int64{r.ID, change.ID}, service.DecideInput{Decision: domain.Approve},
			func(ds []service.Decision) { results = append(results, ds...) })
		if err != nil || len(results) != 2 || !errors.Is(results[0].Err, domain.ErrConflict) || results[1].Err != nil {
			t.Fatalf("bulk decision: %+v, %v", results, err)
		}
		if got, _ := w.svc.Structure(w.ctx, w.manager, domain.StructureRef{ID: st.ID}); got.City != "Mérignac" {
			t.Errorf("the change approved in bulk was not applied: %+v", got)
		}
		// Registering again while unverified: no failure, the same request.
		w.clock.Add(20 * time.Minute)
		retyped := in
		retyped.FirstName = "Paulo"
		retyped.Password = "le mot de passe du second"
		again, _, err := w.svc.Register(w.ctx, domain.Anonymous, retyped)
		if err != nil || again.ID != r.ID {
			t.Fatalf("register again: %+v, %v", again, err)
		}
		// What was typed last is what the account holds: only the mailbox's owner activates.
		if u, err := w.svc.User(w.ctx, w.manager, in.Email); err != nil || u.User.FirstName != "Paulo" {
			t.Errorf("account after registering again: %+v, %v", u.User, err)
		}
		if _, err := w.svc.Activate(w.ctx, domain.Anonymous, r.ID, code); !errors.Is(err, domain.ErrForbidden) {
			t.Errorf("the code of before asking again still works: %v", err)
		}
		code = w.deliver()[0]
		before := len(w.sent)
		if _, err := w.svc.Activate(w.ctx, domain.Anonymous, r.ID, code); err != nil {
			t.Fatal(err)
		}
		// Activated: the person and the gestionnaires (no référent yet) are told.
		w.deliver()
		var to []string
		for _, m := range w.sent[before:] {
			to = append(to, m.To)
		}
		if len(to) != 2 || !strings.Contains(strings.Join(to, " "), "paul@horizons.fr") || !strings.Contains(strings.Join(to, " "), w.manager.Email) {
			t.Errorf("mails after activation to %v", to)
		}
		if _, err := w.svc.Decide(w.ctx, w.manager, r.ID, service.DecideInput{Decision: domain.Approve}); err != nil {
			t.Error(err)
		}
		// The address asked twice: the code proved who reads the mailbox, not who typed which
		// password, so neither signs in; the first sign-in mails a temporary password there.
		for _, pw := range []string{in.Password, retyped.Password} {
			if _, _, err := w.svc.Login(w.ctx, in.Email, pw); !errors.Is(err, domain.ErrForbidden) {
				t.Errorf("a password typed while unverified signs in after asking twice: %v", err)
			}
		}
	})
}
