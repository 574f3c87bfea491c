package service_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

// The use cases of entity requests, account security, personal data, the outbox and the
// trainee portal, run again after PostgreSQL refused their first commit: each returns what
// the committed attempt did, and the audit trail holds one attempt's events.
func TestPortalUseCasesRunAgainAfterSerializationFailure(t *testing.T) {
	w := newSignWorld(t, testdb.Postgres(t))
	f := newFailOnceIn(t, w.ctx, w.db, w.audit)
	ctx, m := w.ctx, w.manager

	f.run(t, "SetSetting", service.ActionSettingsSet, 1, func() error {
		res, err := w.svc.SetSetting(ctx, m, domain.SettingRegistrationActivation, "on")
		if err == nil && (!res.Changed || res.Setting.Value != "on") {
			err = fmt.Errorf("setting after a retry: %+v", res)
		}
		return err
	})

	// An entity request with its requester's account waits for the code mailed to it.
	entity := func(email string) domain.Request {
		t.Helper()
		name, address, pc, city, ministry := "Ministère "+email, "127 rue de Grenelle", "75007", "Paris", true
		mandate, err := domain.NewDocument("mandate", domain.DocumentMandate, "mandat.pdf", []byte("%PDF-1.7 mandat"))
		if err != nil {
			t.Fatal(err)
		}
		date := w.clock().AddDate(0, 0, -3)
		var r domain.Request
		f.run(t, "RequestEntity", "request.create", 1, func() (err error) {
			r, err = w.svc.RequestEntity(ctx, domain.Anonymous, service.EntityRequestInput{
				Structure:      domain.StructureInput{Name: &name, Address: &address, PostalCode: &pc, City: &city, Ministry: &ministry},
				RequesterEmail: email, NoSIRET: true, Account: &service.AccountInput{LastName: "Martin", FirstName: "Claire"},
				Mandate: &mandate, MandateDate: &date,
			})
			if err == nil && r.Status != domain.StatusUnverified {
				err = fmt.Errorf("entity request %s", r.Status)
			}
			return err
		})
		return r
	}
	req := entity("claire.martin@travail.gouv.fr")
	f.run(t, "SendMail", service.ActionActivationIssued, 1, func() error {
		if rep := w.send(); rep.Sent != 1 {
			return fmt.Errorf("delivery after a retry: %+v", rep)
		}
		return nil
	})
	w.advance(16 * time.Minute)
	f.run(t, "ResendActivation", service.ActionActivationResend, 1, func() error {
		return w.svc.ResendActivation(ctx, domain.Anonymous, "claire.martin@travail.gouv.fr")
	})
	w.send()
	bodies := w.delivered["claire.martin@travail.gouv.fr"]
	code := emailCodePattern.FindStringSubmatch(bodies[len(bodies)-1])
	if len(bodies) != 2 || code == nil {
		t.Fatalf("activation messages: %q", bodies)
	}
	f.run(t, "Activate", service.ActionActivate, 1, func() error {
		r, err := w.svc.Activate(ctx, domain.Anonymous, req.ID, code[1])
		if err == nil && r.Status != domain.StatusPending {
			err = fmt.Errorf("activated request %s", r.Status)
		}
		return err
	})
	f.run(t, "RequestDocument", service.ActionDocumentRead, 1, func() error {
		d, err := w.svc.RequestDocument(ctx, m, req.ID, "mandate")
		if err == nil && !strings.HasPrefix(string(d.Content), "%PDF") {
			err = fmt.Errorf("document %q", d.Content)
		}
		return err
	})
	stale := entity("jamais.confirme@travail.gouv.fr")
	w.advance(30 * 24 * time.Hour)
	f.run(t, "PurgeUnverified", service.ActionPurgeUnverified, 1, func() error {
		n, err := w.svc.PurgeUnverified(ctx, m, 7*24*time.Hour)
		if err == nil && n != 1 {
			err = fmt.Errorf("%d requests purged, want 1 (request %d)", n, stale.ID)
		}
		return err
	})
	out, err := w.svc.Decide(ctx, m, req.ID, service.DecideInput{Decision: domain.Approve})
	if err != nil || !out.Referent {
		t.Fatalf("approve the entity request: %+v, %v", out, err)
	}
	ref := domain.StructureRef{ID: out.Request.StructureID}
	cu := w.user("claire.martin@travail.gouv.fr")
	claire := domain.Actor{UserID: cu.ID, Email: cu.Email}
	f.run(t, "RequestChange", "request.create", 1, func() error {
		city := "Lyon"
		r, err := w.svc.RequestChange(ctx, claire, ref, domain.StructureInput{City: &city}, "déménagement")
		if err == nil && r.ID == 0 {
			err = errors.New("no change request")
		}
		return err
	})

	// Account security.
	w.account("hugo.petit@exemple.fr", signPassword)
	for range domain.MaxFailedSignIns {
		w.refused("hugo.petit@exemple.fr", wrongTyped)
	}
	f.run(t, "UnlockUser", service.ActionUserUnlock, 1, func() error {
		_, changed, err := w.svc.UnlockUser(ctx, m, "hugo.petit@exemple.fr")
		if err == nil && !changed {
			err = errors.New("not unlocked")
		}
		return err
	})
	token, _ := w.login("hugo.petit@exemple.fr", signPassword)
	f.run(t, "Logout", domain.ActionSessionEnd, 1, func() error { return w.svc.Logout(ctx, token) })
	if _, err := w.svc.Authenticate(ctx, token); err == nil {
		t.Error("the session outlived a retried sign-out")
	}
	w.login("hugo.petit@exemple.fr", signPassword)
	f.run(t, "DisableUser", service.ActionUserDisable, 1, func() error {
		res, err := w.svc.DisableUser(ctx, m, service.DisableInput{Email: "hugo.petit@exemple.fr", Reason: "départ"})
		if err == nil && (res.User.Status != domain.UserDisabled || res.TokensRevoked != 1) {
			err = fmt.Errorf("disable after a retry: %+v", res)
		}
		return err
	})
	f.run(t, "EnableUser", service.ActionUserEnable, 1, func() error {
		u, err := w.svc.EnableUser(ctx, m, "hugo.petit@exemple.fr")
		if err == nil && u.Status != domain.UserActive {
			err = fmt.Errorf("enable after a retry: %s", u.Status)
		}
		return err
	})
	f.run(t, "ListMail", service.ActionMailListRead, 1, func() error {
		ms, err := w.svc.ListMail(ctx, m, false)
		if err == nil && len(ms) == 0 {
			err = errors.New("no mail listed")
		}
		return err
	})

	// Personal data.
	f.run(t, "PersonalData", service.ActionUserData, 1, func() error {
		pd, err := w.svc.PersonalData(ctx, m, "hugo.petit@exemple.fr")
		if err == nil && pd.User.Email != "hugo.petit@exemple.fr" {
			err = fmt.Errorf("personal data of %s", pd.User.Email)
		}
		return err
	})
	f.run(t, "EraseUser", service.ActionUserErase, 1, func() error {
		res, err := w.svc.EraseUser(ctx, m, "hugo.petit@exemple.fr")
		if err == nil && !strings.HasPrefix(res.Pseudonym, "erased-") {
			err = fmt.Errorf("erase after a retry: %+v", res)
		}
		return err
	})
	if found := w.rawTable("SELECT email FROM users UNION ALL SELECT target FROM audit_events", "hugo.petit@exemple.fr"); len(found) != 0 {
		t.Errorf("left after a retried erasure: %v", found)
	}
	f.run(t, "Prune", service.ActionAuditPrune, 1, func() error {
		_, err := w.svc.Prune(ctx, m, service.PruneInput{Audit: &domain.Retention{N: 5, Unit: 'y'}, Requests: &domain.Retention{N: 5, Unit: 'y'}})
		return err
	})

	// The trainee portal.
	f.run(t, "PublishTerms", service.ActionTermsPublish, 1, func() error {
		v, err := w.svc.PublishTerms(ctx, m, "2026-01", "Conditions générales d'utilisation\n")
		if err == nil && v.Version != "2026-01" {
			err = fmt.Errorf("terms %+v", v)
		}
		return err
	})
	f.run(t, "ImportCases", service.ActionCaseImport, 1, func() error {
		sum, err := w.svc.ImportCases(ctx, m, strings.NewReader(casesFile), service.ImportOptions{File: "dossiers.csv"})
		if err == nil && sum.Counts[service.ResultCreated] != 2 {
			err = fmt.Errorf("case import after a retry: %v", sum.Counts)
		}
		return err
	})
	f.run(t, "RegisterTrainee", service.ActionTraineeRegister, 1, func() error {
		res, err := w.svc.RegisterTrainee(ctx, domain.Anonymous, registration("Moreau", "Léa", "31/01/2000", "DPC-2026-002", "lea.moreau@exemple.fr"))
		if err == nil && (res.CaseNumber != "DPC-2026-002" || !res.Mailed) {
			err = fmt.Errorf("registration after a retry: %+v", res)
		}
		return err
	})
	f.run(t, "SendMail", service.ActionTemporaryIssued, 1, func() error {
		w.send()
		return nil
	})
	temp := w.temporaryMailed("lea.moreau@exemple.fr")
	if n := len(w.delivered["lea.moreau@exemple.fr"]); n != 1 {
		t.Errorf("%d messages to the trainee after a retried delivery, want 1", n)
	}
	token, lea := w.login("lea.moreau@exemple.fr", temp) // the password mailed is the one kept
	const password = "mon nouveau mot de passe"
	if err := w.svc.ChangePassword(ctx, lea, temp, password); err != nil {
		t.Fatal(err)
	}
	f.run(t, "SetSecretQuestion", service.ActionSecretSet, 1, func() error {
		return w.svc.SetSecretQuestion(ctx, w.actorOf(token), "Ville natale ?", "Bayonne")
	})
	if _, err := w.svc.PublishTerms(ctx, m, "2026-02", "CGU v2\n"); err != nil {
		t.Fatal(err)
	}
	f.run(t, "AcceptTerms", service.ActionTermsAccept, 1, func() error {
		res, err := w.svc.AcceptTerms(ctx, w.actorOf(token), "")
		if err == nil && (res.Already || res.Version != "2026-02") {
			err = fmt.Errorf("accept after a retry: %+v", res)
		}
		return err
	})
	lea = w.actorOf(token)
	if _, err := w.svc.UpdateUser(ctx, lea, "", service.UserUpdate{Email: str("lea@nouveau.fr")}); err != nil {
		t.Fatal(err)
	}
	f.run(t, "SendMail", service.ActionEmailChangeCode, 1, func() error {
		w.send()
		return nil
	})
	newBodies := w.delivered["lea@nouveau.fr"]
	if len(newBodies) != 1 {
		t.Fatalf("messages to the new address: %d, want 1", len(newBodies))
	}
	emailCode := emailCodePattern.FindStringSubmatch(newBodies[0])
	if emailCode == nil {
		t.Fatalf("no code in %q", newBodies[0])
	}
	f.run(t, "ConfirmEmail", "user.update", 1, func() error {
		u, err := w.svc.ConfirmEmail(ctx, lea, emailCode[1]) // the code mailed is the one kept
		if err == nil && u.Email != "lea@nouveau.fr" {
			err = fmt.Errorf("address after a retry: %s", u.Email)
		}
		return err
	})
	lea.Email = "lea@nouveau.fr"
	f.run(t, "LinkFranceConnect", service.ActionFranceConnect, 1, func() error {
		_, changed, err := w.svc.LinkFranceConnect(ctx, lea, "", "", "fc-sub-lea")
		if err == nil && !changed {
			err = errors.New("not linked")
		}
		return err
	})
	f.run(t, "UnlinkFranceConnect", service.ActionFranceConnectOff, 1, func() error {
		changed, err := w.svc.UnlinkFranceConnect(ctx, lea, "")
		if err == nil && !changed {
			err = errors.New("not unlinked")
		}
		return err
	})
	const reset = "encore un autre mot de passe"
	f.run(t, "ForgotPassword", service.ActionForgotPassword, 1, func() error {
		return w.svc.ForgotPassword(ctx, domain.Anonymous, service.ForgotInput{Email: "lea@nouveau.fr", Answer: "bayonne", Password: reset})
	})
	w.login("lea@nouveau.fr", reset)
	expectKnownActions(t, ctx, w.db)
}

// readsOnly are the methods of service.API that change nothing, so no commit of theirs can
// fail; every other method is run through a forced serialization failure above or in
// retry_test.go.
var readsOnly = []string{
	"Whoami", "Me", "Structure", "SearchStructures", "Members", "User", "ListMembersOf", "Catalogue",
	"RevokeWouldChange", "Profiles", "ListRequests", "Request", "Audit", "ListTokens", "APIToken",
	"Settings", "Setting", "Cases", "Case", "Trainees", "SecretQuestionOf", "Terms", "TermsStatus",
}

// A method added to service.API that changes something has its retry tested, or the test
// says it reads only. The first argument of f.run is the method of service.API its closure
// runs (through *Service, whose DeliverMail is SendMail).
func TestEveryChangeOfTheAPIIsRetriedInATest(t *testing.T) {
	retried := map[string]bool{}
	for _, file := range []string{"retry_test.go", "retry_portal_test.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`f\.run\(t, "(\w+)"`).FindAllStringSubmatch(string(src), -1) {
			retried[m[1]] = true
		}
	}
	reads := map[string]bool{}
	for _, m := range readsOnly {
		reads[m] = true
	}
	api := reflect.TypeFor[service.API]()
	for i := range api.NumMethod() {
		name := api.Method(i).Name
		switch {
		case retried[name] && reads[name]:
			t.Errorf("%s is said to read only, and its retry is tested", name)
		case !retried[name] && !reads[name]:
			t.Errorf("%s: no test runs it again after a failed commit (f.run), and it is not listed as reading only", name)
		}
		delete(reads, name)
	}
	for name := range reads {
		t.Errorf("readsOnly names %s, which service.API does not have", name)
	}
}

// expectKnownActions checks that every action in the audit trail is one of
// domain.AuditActions, which `audit list --action` completes.
func expectKnownActions(t *testing.T, ctx context.Context, db *sqlstore.DB) {
	t.Helper()
	rows, err := db.SQL().QueryContext(ctx, `SELECT DISTINCT action FROM audit_events ORDER BY action`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var action string
		if err := rows.Scan(&action); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(domain.AuditActions(), action) {
			t.Errorf("the audit trail holds %q, which domain.AuditActions does not list", action)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
