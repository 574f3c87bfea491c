package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/mail/mailtest"
)

// A trainee's account through the real binary, on SQLite: the funder's cases imported, the
// terms published, registration, the temporary password mailed, the first sign-in's steps in
// order (password, secret question, terms), a new version of the terms, and a forgotten
// password reset with the secret question.
func TestBinaryTraineePortal(t *testing.T) {
	const (
		admin     = "jeanne.durand@cap-metiers.fr"
		adminPass = "correct horse battery staple"
		lea       = "lea.moreau@exemple.fr"
		newPass   = "mon nouveau mot de passe"
		resetPass = "encore un autre mot de passe"
	)
	gest := newNewcomer(t)
	dbPath := filepath.Join(gest.dir, "profil.db")
	gest.env = append(gest.env, "PROFIL_DB="+dbPath)
	want(t, gest.run(t, 60*time.Second, stdin(t, adminPass+"\n"), "init", "--admin-email", admin, "--admin-name", "Jeanne Durand", "--password-stdin"), 0)
	casesPath := filepath.Join(gest.dir, "dossiers.csv")
	if err := os.WriteFile(casesPath, []byte("numero de dossier;nom;prenom;date de naissance\nDPC-2026-002;Moreau;Léa;31/01/2000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, gest.run(t, 30*time.Second, nil, "case", "import", casesPath), 0)
	termsPath := filepath.Join(gest.dir, "cgu.txt")
	if err := os.WriteFile(termsPath, []byte("Conditions générales d'utilisation, version 1.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, gest.run(t, 30*time.Second, nil, "terms", "publish", "--version", "2026-01", "--file", termsPath), 0)
	want(t, gest.run(t, 30*time.Second, nil, "terms", "accept"), 0)

	laptop := newNewcomer(t)
	laptop.env = append(laptop.env, "PROFIL_DB="+dbPath)
	register := func(args ...string) result {
		base := []string{"--yes", "trainee", "register", "--last-name", "MOREAU", "--first-name", "lea", "--birth-date", "31/01/2000",
			"--email", lea, "--email-confirm", lea}
		return laptop.run(t, 30*time.Second, nil, append(base, args...)...)
	}
	// Terms not accepted with --yes: a usage error. A wrong birth date: the one refusal.
	want(t, register("--case-number", "DPC-2026-002"), 2, "--accept-terms")
	wrongDate := laptop.run(t, 30*time.Second, nil, "trainee", "register", "--last-name", "Moreau", "--first-name", "Léa", "--birth-date", "30/01/2000",
		"--case-number", "DPC-2026-002", "--email", lea, "--email-confirm", lea, "--accept-terms")
	want(t, wrongDate, 6, "no case matches")
	unknown := register("--case-number", "DPC-1999-999", "--accept-terms")
	if unknown.code != 6 || unknown.stderr != wrongDate.stderr {
		t.Fatalf("an unknown case reads differently from a wrong birth date:\n%s\n%s", unknown, wrongDate)
	}
	want(t, register("--case-number", "dpc-2026-002", "--accept-terms"), 0, "DPC-2026-002")

	srv := mailtest.NewServer(t, mailtest.Options{})
	want(t, gest.run(t, 60*time.Second, nil, "mail", "send", "--smtp", srv.URL()), 0, "sent 1")
	msgs := srv.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != lea {
		t.Fatalf("messages delivered: %+v", msgs)
	}
	temp := temporaryInMail.FindString(msgs[0].Body)
	if temp == "" || rawHolds(t, dbPath, temp) {
		t.Fatalf("temporary password %q, mailed:\n%s", temp, msgs[0].Body)
	}

	// The first sign-in, step by step; each refusal names the next command.
	want(t, laptop.run(t, 30*time.Second, stdin(t, temp+"\n"), "login", "--email", lea, "--password-stdin"), 0)
	want(t, laptop.run(t, 30*time.Second, nil, "user", "show"), 4, "profil user passwd")
	want(t, laptop.run(t, 30*time.Second, stdin(t, "Charles\n"), "user", "secret", "set", "--question", "Prénom de mon fils ?", "--answer-stdin"), 4, "profil user passwd")
	want(t, laptop.run(t, 30*time.Second, stdin(t, temp+"\n"+newPass+"\n"), "user", "passwd", "--password-stdin"), 0)
	want(t, laptop.run(t, 30*time.Second, nil, "user", "show"), 4, "profil user secret set")
	want(t, laptop.run(t, 30*time.Second, nil, "terms", "accept"), 4, "profil user secret set")
	if r := laptop.run(t, 30*time.Second, nil, "whoami"); r.code != 0 || !strings.Contains(r.stdout, lea) {
		t.Fatalf("whoami during the first sign-in:\n%s", r)
	}
	want(t, laptop.run(t, 30*time.Second, stdin(t, "  Chârles \n"), "user", "secret", "set", "--question", "Prénom de mon fils ?", "--answer-stdin"), 0)
	r := laptop.run(t, 30*time.Second, nil, "user", "show", "-o", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"case_number": "DPC-2026-002"`) || !strings.Contains(r.stdout, `"birth_date": "2000-01-31"`) {
		t.Fatalf("user show of a trainee:\n%s", r)
	}

	// A new version of the terms: the session waits for its acceptance.
	if err := os.WriteFile(termsPath, []byte("Conditions générales d'utilisation, version 2.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, gest.run(t, 30*time.Second, nil, "terms", "publish", "--version", "2026-02", "--file", termsPath), 0)
	want(t, laptop.run(t, 30*time.Second, nil, "user", "show"), 4, "profil terms accept")
	if r := laptop.run(t, 30*time.Second, nil, "terms", "show"); r.code != 0 || !strings.Contains(r.stdout, "version 2.") {
		t.Fatalf("terms show while they wait:\n%s", r)
	}
	want(t, laptop.run(t, 30*time.Second, nil, "terms", "accept"), 0, "2026-02")
	want(t, laptop.run(t, 30*time.Second, nil, "terms", "accept"), 0, "already")
	want(t, laptop.run(t, 30*time.Second, nil, "user", "show"), 0)
	r = gest.run(t, 30*time.Second, nil, "terms", "accept")
	want(t, r, 0)
	r = gest.run(t, 30*time.Second, nil, "terms", "status", "-o", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"accepted": 2`) || !strings.Contains(r.stdout, `"pending": 0`) {
		t.Fatalf("terms status:\n%s", r)
	}

	// A forgotten password, with the secret question.
	phone := newNewcomer(t)
	phone.env = append(phone.env, "PROFIL_DB="+dbPath)
	forgot := func(answer, password string) result {
		return phone.run(t, 60*time.Second, stdin(t, answer+"\n"+password+"\n"), "user", "forgot-password", "--email", lea, "--answer-stdin", "--password-stdin")
	}
	wrong := forgot("Charlie", resetPass)
	want(t, wrong, 4, "does not match")
	nobody := phone.run(t, 60*time.Second, stdin(t, "Charles\n"+resetPass+"\n"), "user", "forgot-password", "--email", "personne@exemple.fr", "--answer-stdin", "--password-stdin")
	if nobody.code != 4 || nobody.stderr != wrong.stderr {
		t.Fatalf("an unknown address reads differently from a wrong answer:\n%s\n%s", nobody, wrong)
	}
	want(t, forgot("CHARLES", resetPass), 0, "profil login")
	want(t, laptop.run(t, 30*time.Second, nil, "user", "show"), 4) // the reset ended the session
	want(t, phone.run(t, 30*time.Second, stdin(t, resetPass+"\n"), "login", "--email", lea, "--password-stdin"), 0)
	want(t, phone.run(t, 30*time.Second, nil, "user", "show"), 0)
	r = gest.run(t, 30*time.Second, nil, "audit", "list", "--action", "user.forgot-password", "-o", "json")
	if r.code != 0 || strings.Count(r.stdout, `"action": "user.forgot-password"`) != 3 || strings.Contains(r.stdout, "harl") {
		t.Fatalf("forgot-password attempts in the audit trail:\n%s", r)
	}
}
