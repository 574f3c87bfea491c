package service_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/testdb"
)

var emailCodePattern = regexp.MustCompile(`--code ([a-z0-9]{5}-[a-z0-9]{5})`)

func (w *signWorld) importCases(csv string, opts service.ImportOptions) service.ImportSummary {
	w.t.Helper()
	opts.File = "dossiers.csv"
	sum, err := w.svc.ImportCases(w.ctx, w.manager, strings.NewReader(csv), opts)
	if err != nil {
		w.t.Fatalf("import cases: %v", err)
	}
	return sum
}

func (w *signWorld) actorOf(token string) domain.Actor {
	w.t.Helper()
	a, err := w.svc.Authenticate(w.ctx, token)
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

func registration(last, first, birth, number, email string) service.TraineeRegistration {
	return service.TraineeRegistration{LastName: last, FirstName: first, BirthDate: birth, CaseNumber: number, NoCase: number == "",
		Email: email, EmailConfirm: email, AcceptTerms: true}
}

const casesFile = "case_number,last_name,first_name,birth_date,email,siret\n" +
	"DPC-2026-001,N'Diaye-Lefèvre,Marie Ève,14/03/2001,,82422814201072\n" +
	"DPC-2026-002,Moreau,Léa,2000-01-31,lea.moreau@exemple.fr,\n"

// Registering with a case: the case must exist, be unclaimed and carry the names (folded) and
// birth date typed; every mismatch reads the same and is audited. Without a case, the account
// waits for the import of its case.
func TestTraineeRegistration(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSignWorld(t, dsn)
		sum := w.importCases(casesFile, service.ImportOptions{})
		if sum.Counts[service.ResultCreated] != 2 {
			t.Fatalf("import: %+v", sum)
		}
		if again := w.importCases(casesFile, service.ImportOptions{}); again.Counts[service.ResultSkipped] != 2 {
			t.Errorf("importing the same file again: %+v, want every line skipped", again)
		}
		if _, err := w.svc.PublishTerms(w.ctx, w.manager, "2026-01", "Conditions générales d'utilisation\n"); err != nil {
			t.Fatal(err)
		}

		// Every way of failing reads the same.
		var refusal string
		for _, in := range []service.TraineeRegistration{
			registration("N'Diaye-Lefèvre", "Marie Ève", "15/03/2001", "DPC-2026-001", "marie@exemple.fr"),
			registration("Ndiaye", "Marie Ève", "14/03/2001", "DPC-2026-001", "marie@exemple.fr"),
			registration("N'Diaye-Lefèvre", "Marie Ève", "14/03/2001", "DPC-2026-999", "marie@exemple.fr"),
		} {
			_, err := w.svc.RegisterTrainee(w.ctx, domain.Anonymous, in)
			if !errors.Is(err, domain.ErrInvalid) {
				t.Fatalf("%+v: %v, want invalid input", in, err)
			}
			if refusal == "" {
				refusal = err.Error()
			} else if err.Error() != refusal {
				t.Errorf("refusals differ: %q and %q", refusal, err)
			}
		}
		if n := len(w.audit(service.ActionTraineeRefused)); n != 3 {
			t.Errorf("%d refused registrations audited, want 3", n)
		}

		res, err := w.svc.RegisterTrainee(w.ctx, domain.Anonymous, registration("NDIAYE LEFEVRE", "marie-eve", "2001-03-14", "dpc-2026-001", "marie@exemple.fr"))
		if err != nil {
			t.Fatal(err)
		}
		u := w.user("marie@exemple.fr")
		if !u.Trainee || u.Status != domain.UserActive || u.LastName != "N'Diaye-Lefèvre" || u.BirthDate != "2001-03-14" || u.PasswordHash != "" {
			t.Errorf("account = %+v", u)
		}
		if res.CaseNumber != "DPC-2026-001" || res.Terms != "2026-01" || !res.Mailed {
			t.Errorf("registration = %+v", res)
		}
		// The case is claimed: registering with it again reads as any mismatch.
		_, err = w.svc.RegisterTrainee(w.ctx, domain.Anonymous, registration("N'Diaye-Lefèvre", "Marie Ève", "14/03/2001", "DPC-2026-001", "autre@exemple.fr"))
		if err == nil || err.Error() != refusal {
			t.Errorf("a claimed case: %v, want %q", err, refusal)
		}
		// The e-mails typed twice must match; the terms must be accepted.
		in := registration("Petit", "Hugo", "01/02/1999", "", "hugo@exemple.fr")
		in.EmailConfirm = "hugo@exemple.com"
		var fe *domain.FieldError
		if _, err := w.svc.RegisterTrainee(w.ctx, domain.Anonymous, in); !errors.As(err, &fe) || fe.Field != "email-confirm" {
			t.Errorf("e-mails differ: %v", err)
		}
		in = registration("Petit", "Hugo", "01/02/1999", "", "hugo@exemple.fr")
		in.AcceptTerms = false
		if _, err := w.svc.RegisterTrainee(w.ctx, domain.Anonymous, in); !errors.As(err, &fe) || fe.Field != "accept-terms" {
			t.Errorf("terms not accepted: %v", err)
		}

		// Without a case: the account waits, and the import of its case attaches it.
		if _, err := w.svc.RegisterTrainee(w.ctx, domain.Anonymous, registration("Petit", "Hugo", "01/02/1999", "", "hugo@exemple.fr")); err != nil {
			t.Fatal(err)
		}
		waiting, err := w.svc.Trainees(w.ctx, w.manager, service.TraineeFilter{WithoutCase: true})
		if err != nil || len(waiting) != 1 || waiting[0].User.Email != "hugo@exemple.fr" {
			t.Fatalf("waiting trainees = %+v, %v", waiting, err)
		}
		dry := w.importCases("case_number,nom,prenom,date de naissance\nDPC-2026-003,PETIT,Hugo,01/02/1999\n", service.ImportOptions{DryRun: true})
		if dry.Counts[service.ResultWouldAttach] != 1 {
			t.Errorf("dry run: %+v", dry)
		}
		sum = w.importCases("case_number,nom,prenom,date de naissance\nDPC-2026-003,PETIT,Hugo,01/02/1999\n", service.ImportOptions{})
		if sum.Counts[service.ResultAttached] != 1 {
			t.Errorf("import attaching the waiting account: %+v", sum)
		}
		d, err := w.svc.User(w.ctx, w.manager, "hugo@exemple.fr")
		if err != nil || d.Case == nil || d.Case.Number != "DPC-2026-003" || d.User.LastName != "PETIT" {
			t.Errorf("user show after the import: %+v, %v", d, err)
		}
		if len(w.audit(service.ActionCaseClaim)) != 1 {
			t.Error("the attachment is not audited")
		}

		// A number known with other data is a bad line; all or nothing.
		_, err = w.svc.ImportCases(w.ctx, w.manager, strings.NewReader("case_number,last_name,first_name,birth_date\nDPC-2026-002,Moreau,Lea,2000-01-30\nDPC-2026-010,Roy,Paul,2000-01-01\n"), service.ImportOptions{})
		var ie *service.ImportError
		if !errors.As(err, &ie) || ie.Count != 1 {
			t.Errorf("a case changed by an import: %v", err)
		}
		cases, err := w.svc.Cases(w.ctx, w.manager, false)
		if err != nil || len(cases) != 3 {
			t.Errorf("cases = %v, %v (nothing written by a refused import)", cases, err)
		}
		if _, err := w.svc.Cases(w.ctx, domain.Actor{UserID: u.ID, Email: u.Email}, false); !errors.Is(err, domain.ErrForbidden) {
			t.Errorf("a trainee lists cases: %v", err)
		}
	})
}

// The first sign-in, in order: temporary password, secret question, terms; a new version of the
// terms blocks sessions, not API tokens. Then a forgotten password goes through the secret
// question.
func TestTraineeFirstSignInAndForgottenPassword(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSignWorld(t, dsn)
		w.importCases(casesFile, service.ImportOptions{})
		if _, err := w.svc.RegisterTrainee(w.ctx, domain.Anonymous, registration("Moreau", "Léa", "31/01/2000", "DPC-2026-002", "lea.moreau@exemple.fr")); err != nil {
			t.Fatal(err)
		}
		w.send()
		temp := w.temporaryMailed("lea.moreau@exemple.fr")
		token, a := w.login("lea.moreau@exemple.fr", temp)
		if domain.PendingStep(a) != domain.StepPassword {
			t.Fatalf("first step = %q", domain.PendingStep(a))
		}
		if err := w.svc.SetSecretQuestion(w.ctx, a, "Prénom fils ?", "Charles"); err == nil || !strings.Contains(err.Error(), "profil user passwd") {
			t.Errorf("secret question before the password: %v", err)
		}
		const password = "mon nouveau mot de passe"
		if err := w.svc.ChangePassword(w.ctx, a, temp, password); err != nil {
			t.Fatal(err)
		}
		a = w.actorOf(token)
		if domain.PendingStep(a) != domain.StepSecret {
			t.Fatalf("second step = %q", domain.PendingStep(a))
		}
		if _, err := w.svc.UpdateUser(w.ctx, a, "", service.UserUpdate{Phone: str("06 12 34 56 78")}); err == nil || !strings.Contains(err.Error(), "profil user secret set") {
			t.Errorf("user update before the secret question: %v", err)
		}
		if err := w.svc.SetSecretQuestion(w.ctx, a, "Prénom fils ?", "  Chârles "); err != nil {
			t.Fatal(err)
		}
		a = w.actorOf(token)
		if domain.PendingStep(a) != domain.StepNone {
			t.Fatalf("after the secret question: step %q", domain.PendingStep(a))
		}
		if _, err := w.svc.UpdateUser(w.ctx, a, "", service.UserUpdate{Phone: str("06 12 34 56 78")}); err != nil {
			t.Fatal(err)
		}

		// A new version of the terms: the session waits for its acceptance; an API token does not.
		tok, _, err := w.svc.CreateAPIToken(w.ctx, w.manager, "cron", time.Hour, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.PublishTerms(w.ctx, w.manager, "2026-02", "CGU v2"); err != nil {
			t.Fatal(err)
		}
		a = w.actorOf(token)
		if a.TermsPending != "2026-02" {
			t.Fatalf("terms pending = %q", a.TermsPending)
		}
		if _, err := w.svc.UpdateUser(w.ctx, a, "", service.UserUpdate{Phone: str("06 12 34 56 79")}); err == nil || !strings.Contains(err.Error(), "profil terms accept") {
			t.Errorf("user update with terms pending: %v", err)
		}
		if api := w.actorOf(tok); domain.PendingStep(api) != domain.StepNone {
			t.Errorf("an API token is held back by the terms: %+v", api)
		}
		status, err := w.svc.TermsStatus(w.ctx, w.manager)
		if err != nil || status.Current != "2026-02" || status.Accepted != 0 || status.Pending != 2 {
			t.Errorf("terms status = %+v, %v", status, err)
		}
		if res, err := w.svc.AcceptTerms(w.ctx, a, ""); err != nil || res.Already || res.Version != "2026-02" {
			t.Errorf("accept = %+v, %v", res, err)
		}
		if res, err := w.svc.AcceptTerms(w.ctx, w.actorOf(token), ""); err != nil || !res.Already {
			t.Errorf("accept again = %+v, %v (a no-op)", res, err)
		}
		if n := len(w.audit(service.ActionTermsAccept)); n != 1 {
			t.Errorf("%d acceptances audited, want 1", n)
		}
		if a = w.actorOf(token); domain.PendingStep(a) != domain.StepNone {
			t.Errorf("after accepting: %q", domain.PendingStep(a))
		}
		if _, err := w.svc.PublishTerms(w.ctx, w.manager, "2026-02", "autre texte"); !errors.Is(err, domain.ErrConflict) {
			t.Errorf("a published version changed: %v", err)
		}

		// Forgotten password: the question, wrong answers, the right one.
		q, err := w.svc.SecretQuestionOf(w.ctx, domain.Anonymous, "Lea.Moreau@exemple.fr")
		if err != nil || q != "Prénom fils ?" {
			t.Errorf("question = %q, %v", q, err)
		}
		decoy, err := w.svc.SecretQuestionOf(w.ctx, domain.Anonymous, "inconnu@exemple.fr")
		if err != nil || decoy == "" {
			t.Errorf("an unknown address gets no question: %q, %v", decoy, err)
		}
		const reset = "encore un autre mot de passe"
		refusal := ""
		for _, in := range []service.ForgotInput{
			{Email: "lea.moreau@exemple.fr", Answer: "Charlie", Password: reset},
			{Email: "inconnu@exemple.fr", Answer: "Charles", Password: reset},
		} {
			err := w.svc.ForgotPassword(w.ctx, domain.Anonymous, in)
			if !errors.Is(err, domain.ErrForbidden) {
				t.Fatalf("%s: %v", in.Email, err)
			}
			if refusal == "" {
				refusal = err.Error()
			} else if refusal != err.Error() {
				t.Errorf("an unknown address reads differently: %q, %q", refusal, err)
			}
		}
		if err := w.svc.ForgotPassword(w.ctx, domain.Anonymous, service.ForgotInput{Email: "lea.moreau@exemple.fr", Answer: " CHARLES ", Password: reset}); err != nil {
			t.Fatalf("the right answer: %v", err)
		}
		if _, err := w.svc.Authenticate(w.ctx, token); err == nil {
			t.Error("the session outlived the reset")
		}
		w.login("lea.moreau@exemple.fr", reset)
		// Five wrong answers lock the reset of the address, known or not.
		for _, email := range []string{"lea.moreau@exemple.fr", "inconnu@exemple.fr"} {
			var last error
			for range domain.MaxResetFailures + 1 {
				last = w.svc.ForgotPassword(w.ctx, domain.Anonymous, service.ForgotInput{Email: email, Answer: "non", Password: reset})
			}
			if !errors.Is(last, domain.ErrForbidden) || !strings.Contains(last.Error(), "15") {
				t.Errorf("%s: after 6 wrong answers: %v, want the lock", email, last)
			}
			err := w.svc.ForgotPassword(w.ctx, domain.Anonymous, service.ForgotInput{Email: email, Answer: "Charles", Password: reset})
			if err == nil || err.Error() != last.Error() {
				t.Errorf("%s: the right answer while locked: %v", email, err)
			}
		}
		w.advance(16 * time.Minute)
		if err := w.svc.ForgotPassword(w.ctx, domain.Anonymous, service.ForgotInput{Email: "lea.moreau@exemple.fr", Answer: "charles", Password: "le mot de passe final"}); err != nil {
			t.Errorf("after the lock: %v", err)
		}
		// A staff account has no secret question: a temporary password is mailed, and the answer
		// is the same.
		before := w.secretMails("gestion@cap-metiers.fr")
		err = w.svc.ForgotPassword(w.ctx, domain.Anonymous, service.ForgotInput{Email: "gestion@cap-metiers.fr", Answer: "x", Password: reset})
		if err == nil || err.Error() != refusal {
			t.Errorf("staff: %v", err)
		}
		if w.secretMails("gestion@cap-metiers.fr") != before+1 {
			t.Error("staff: no temporary password mailed")
		}
		// The message goes, though the account has the password its owner forgot, and its
		// password signs in.
		w.send()
		if _, _, err := w.svc.Login(w.ctx, "gestion@cap-metiers.fr", w.temporaryMailed("gestion@cap-metiers.fr")); err != nil {
			t.Errorf("staff: the temporary password mailed: %v", err)
		}
		events := w.audit(service.ActionForgotPassword)
		if len(events) != 3+2*(domain.MaxResetFailures+2)+2 { // every attempt
			t.Errorf("%d attempts audited", len(events))
		}
		for _, e := range events {
			if strings.Contains(e.Details, "harles") || strings.Contains(e.Details, reset) {
				t.Errorf("an answer or a password in the audit trail: %s", e.Details)
			}
		}
		if found := w.rawSecrets("Charles", "charles"); len(found) != 0 {
			t.Errorf("the answer is stored readable: %v", found)
		}
	})
}

// A trainee's own new address waits for the code mailed to it; FranceConnect identities belong
// to one account and freeze the identity; personal data shows it all, erasure removes it.
func TestTraineeAccount(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSignWorld(t, dsn)
		w.importCases(casesFile, service.ImportOptions{})
		if _, err := w.svc.RegisterTrainee(w.ctx, domain.Anonymous, registration("Moreau", "Léa", "31/01/2000", "DPC-2026-002", "lea.moreau@exemple.fr")); err != nil {
			t.Fatal(err)
		}
		u := w.user("lea.moreau@exemple.fr")
		lea := domain.Actor{UserID: u.ID, Email: u.Email, SessionID: 1}
		if err := w.svc.SetSecretQuestion(w.ctx, domain.Actor{UserID: u.ID, Email: u.Email}, "Ville natale ?", "Bayonne"); err != nil {
			t.Fatal(err)
		}
		got, err := w.svc.UpdateUser(w.ctx, lea, "", service.UserUpdate{Email: str("lea@nouveau.fr")})
		if err != nil || got.Email != "lea.moreau@exemple.fr" {
			t.Fatalf("update = %+v, %v: the address waits for its code", got, err)
		}
		w.send()
		bodies := w.delivered["lea@nouveau.fr"]
		if len(bodies) != 1 {
			t.Fatalf("messages to the new address: %v", bodies)
		}
		code := emailCodePattern.FindStringSubmatch(bodies[0])
		if code == nil {
			t.Fatalf("no code in %q", bodies[0])
		}
		if found := w.rawSecrets(code[1]); len(found) != 0 {
			t.Errorf("the code is stored readable: %v", found)
		}
		if _, err := w.svc.ConfirmEmail(w.ctx, lea, "aaaaa-aaaaa"); !errors.Is(err, domain.ErrForbidden) {
			t.Errorf("a wrong code: %v", err)
		}
		if got, err := w.svc.ConfirmEmail(w.ctx, lea, strings.ToUpper(code[1])); err != nil || got.Email != "lea@nouveau.fr" {
			t.Fatalf("confirm = %+v, %v", got, err)
		}
		lea.Email = "lea@nouveau.fr"
		w.send()
		if old := w.delivered["lea.moreau@exemple.fr"]; len(old) == 0 || !strings.Contains(old[len(old)-1], "now uses another one") ||
			strings.Contains(old[len(old)-1], "nouveau.fr") {
			t.Errorf("the address given up is not told of the change, or is told where it went: %q", old)
		}

		// Names and birth date: gestionnaires only.
		if _, err := w.svc.UpdateUser(w.ctx, lea, "", service.UserUpdate{BirthDate: str("01/01/2000")}); !errors.Is(err, domain.ErrForbidden) {
			t.Errorf("a trainee changes their birth date: %v", err)
		}
		if got, err := w.svc.UpdateUser(w.ctx, w.manager, "lea@nouveau.fr", service.UserUpdate{BirthDate: str("30/01/2000")}); err != nil || got.BirthDate != "2000-01-30" {
			t.Errorf("a gestionnaire changes the birth date: %+v, %v", got, err)
		}

		// FranceConnect.
		hugo := w.account("hugo@exemple.fr", "")
		if _, changed, err := w.svc.LinkFranceConnect(w.ctx, lea, "", "", "fc-sub-lea"); err != nil || !changed {
			t.Fatalf("link = %v, %v", changed, err)
		}
		if _, changed, err := w.svc.LinkFranceConnect(w.ctx, lea, "", "", "fc-sub-lea"); err != nil || changed {
			t.Errorf("link again = %v, %v (a no-op)", changed, err)
		}
		if _, _, err := w.svc.LinkFranceConnect(w.ctx, w.manager, hugo.Email, "", "fc-sub-lea"); !errors.Is(err, domain.ErrConflict) {
			t.Errorf("one identity, two accounts: %v", err)
		}
		if _, _, err := w.svc.LinkFranceConnect(w.ctx, domain.Actor{UserID: hugo.ID, Email: hugo.Email}, lea.Email, "", "autre"); !errors.Is(err, domain.ErrForbidden) {
			t.Errorf("linking someone else's account: %v", err)
		}
		if _, err := w.svc.UpdateUser(w.ctx, w.manager, lea.Email, service.UserUpdate{LastName: str("Autre")}); !errors.Is(err, domain.ErrConflict) {
			t.Errorf("names of a linked account: %v", err)
		}
		d, err := w.svc.User(w.ctx, lea, "")
		if err != nil || d.FranceConnect == nil || d.FranceConnect.Sub != "fc-sub-lea" || d.Case == nil {
			t.Errorf("user show = %+v, %v", d, err)
		}

		if _, err := w.svc.PublishTerms(w.ctx, w.manager, "v1", "CGU"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.AcceptTerms(w.ctx, lea, ""); err != nil {
			t.Fatal(err)
		}
		pd, err := w.svc.PersonalData(w.ctx, w.manager, lea.Email)
		if err != nil {
			t.Fatal(err)
		}
		if pd.Trainee == nil || pd.Trainee.Number != "DPC-2026-002" || pd.Trainee.SecretQuestion != "Ville natale ?" || pd.Trainee.BirthDate != "2000-01-30" ||
			len(pd.Terms) != 1 || pd.FranceConnect == nil || pd.FranceConnect.Subject != "fc-sub-lea" {
			t.Errorf("personal data: %+v %+v %+v", pd.Trainee, pd.Terms, pd.FranceConnect)
		}
		if _, err := w.svc.EraseUser(w.ctx, w.manager, lea.Email); err != nil {
			t.Fatal(err)
		}
		if found := w.rawTable("SELECT email FROM cases UNION ALL SELECT question FROM secret_questions UNION ALL SELECT sub FROM franceconnect_links",
			"lea@nouveau.fr", "lea.moreau@exemple.fr", "Ville natale", "fc-sub-lea"); len(found) != 0 {
			t.Errorf("left after the erasure: %v", found)
		}
		// The address given up for a new one, confirmed by code, is hers too.
		if found := w.rawTable("SELECT target FROM audit_events UNION ALL SELECT details FROM audit_events UNION ALL SELECT to_addr FROM mail_outbox",
			"lea.moreau@exemple.fr", "lea@nouveau.fr"); len(found) != 0 {
			t.Errorf("her addresses are left in the audit trail or the outbox: %v", found)
		}
		cases, err := w.svc.Cases(w.ctx, w.manager, true)
		if err != nil || len(cases) != 2 {
			t.Errorf("the case goes back to the unclaimed ones: %v, %v", cases, err)
		}
	})
}

func (w *signWorld) rawTable(query string, needles ...string) []string {
	w.t.Helper()
	rows, err := w.db.SQL().QueryContext(w.ctx, query)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			w.t.Fatal(err)
		}
		for _, n := range needles {
			if strings.Contains(v, n) {
				found = append(found, v)
			}
		}
	}
	return found
}
