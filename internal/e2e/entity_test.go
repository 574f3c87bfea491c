package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/mail/mailtest"
)

// An entity request of guide 004 through the real binary: a person without an account asks for
// a ministry with a decree and a mandate; the gestionnaire reads the decree back byte for byte
// and approves; the person signs in as the ministry's référent and reports a change of its
// data, which the gestionnaire applies; every decision is mailed.
func TestBinaryEntityRequest(t *testing.T) {
	const (
		admin     = "jeanne.durand@cap-metiers.fr"
		adminPass = "correct horse battery staple"
		claire    = "claire.martin@travail.gouv.fr"
		clairePw  = "un mot de passe pour le ministère"
	)
	gest := newNewcomer(t)
	dbPath := filepath.Join(gest.dir, "profil.db")
	gest.env = append(gest.env, "PROFIL_DB="+dbPath)
	want(t, gest.run(t, 60*time.Second, stdin(t, adminPass+"\n"), "init", "--admin-email", admin, "--admin-name", "Jeanne Durand", "--password-stdin"), 0)

	applicant := newNewcomer(t)
	applicant.env = append(applicant.env, "PROFIL_DB="+dbPath)
	decree := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 0x80, 0xff, '\n'}, 5000)...)
	decreePath := filepath.Join(applicant.dir, "décret.pdf")
	mandatePath := filepath.Join(applicant.dir, "mandat.jpg")
	if err := os.WriteFile(decreePath, decree, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mandatePath, []byte{0xFF, 0xD8, 0xFF, 0xE0, 'J', 'F', 'I', 'F'}, 0o600); err != nil {
		t.Fatal(err)
	}
	dated := time.Now().UTC().AddDate(0, 0, -7).Format(time.DateOnly)
	ask := []string{"-q", "structure", "request", "--no-siret", "--ministry", "--name", "Ministère du Travail",
		"--address", "127 rue de Grenelle", "--postal-code", "75007", "--city", "Paris",
		"--requester-email", claire, "--last-name", "Martin", "--first-name", "Claire",
		"--proof", decreePath, "--mandate", mandatePath, "--mandate-date", dated, "--password-stdin"}
	r := applicant.run(t, 30*time.Second, stdin(t, clairePw+"\n"), ask...)
	want(t, r, 0)
	id := strings.TrimSpace(r.stdout)

	r = gest.run(t, 30*time.Second, nil, "request", "show", id, "-o", "json")
	var shown struct {
		Account   bool `json:"account"`
		Documents []struct {
			Name   string `json:"name"`
			Kind   string `json:"kind"`
			Size   int64  `json:"size"`
			SHA256 string `json:"sha256"`
		} `json:"documents"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &shown); err != nil || !shown.Account || len(shown.Documents) != 2 ||
		shown.Documents[0].Name != "décret.pdf" || shown.Documents[0].Size != int64(len(decree)) {
		t.Fatalf("request show (%v):\n%s", err, r)
	}
	out := filepath.Join(gest.dir, "décret-lu.pdf")
	want(t, gest.run(t, 30*time.Second, nil, "request", "document", id, "proof", "-f", out), 0, shown.Documents[0].SHA256)
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, decree) {
		t.Fatalf("document written back: %d bytes, %v", len(got), err)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("document mode: %v, %v", fi.Mode().Perm(), err)
	}
	// The applicant cannot sign in before the decision; the decision makes them référent.
	want(t, applicant.run(t, 30*time.Second, stdin(t, clairePw+"\n"), "login", "--email", claire, "--password-stdin"), 4)
	want(t, gest.run(t, 30*time.Second, nil, "request", "approve", id), 0)
	want(t, applicant.run(t, 30*time.Second, stdin(t, clairePw+"\n"), "login", "--email", claire, "--password-stdin"), 0)
	r = applicant.run(t, 30*time.Second, nil, "user", "show", "-o", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"referent": true`) {
		t.Fatalf("the applicant is not the référent:\n%s", r)
	}
	var me struct {
		Structures []struct {
			StructureID int64 `json:"structure_id"`
		} `json:"structures"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &me); err != nil || len(me.Structures) != 1 {
		t.Fatalf("user show (%v):\n%s", err, r)
	}
	structure := jsonInt(me.Structures[0].StructureID)

	// The référent reports a move; the gestionnaire applies it.
	r = applicant.run(t, 30*time.Second, nil, "-q", "structure", "request-change", structure, "--address", "39-43 quai André Citroën",
		"--postal-code", "75015", "--comment", "Déménagement de l'administration centrale")
	want(t, r, 0)
	change := strings.TrimSpace(r.stdout)
	want(t, applicant.run(t, 30*time.Second, nil, "request", "approve", change), 4)
	want(t, gest.run(t, 30*time.Second, nil, "request", "approve", change), 0)
	r = gest.run(t, 30*time.Second, nil, "structure", "show", structure, "-o", "json")
	if !strings.Contains(r.stdout, "quai André Citroën") || !strings.Contains(r.stdout, "75015") {
		t.Fatalf("structure after the change:\n%s", r)
	}

	srv := mailtest.NewServer(t, mailtest.Options{})
	want(t, gest.run(t, 60*time.Second, nil, "mail", "send", "--smtp", srv.URL()), 0)
	var toClaire []string
	for _, m := range srv.Messages() {
		if m.To[0] == claire {
			toClaire = append(toClaire, m.Body)
		}
	}
	all := strings.Join(toClaire, "\n")
	if len(toClaire) != 3 || !strings.Contains(all, "référent") || !strings.Contains(all, "quai André Citroën") {
		t.Fatalf("mails to the applicant (%d):\n%s", len(toClaire), all)
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// E-mail activation through the real binary: with the setting on, a registration waits
// unverified; the code exists only in the delivered mail (not in the outbox, the audit trail
// or the database), activates once, and then the request is in the queue.
func TestBinaryActivation(t *testing.T) {
	const (
		admin     = "jeanne.durand@cap-metiers.fr"
		adminPass = "correct horse battery staple"
		paul      = "paul.leroy@horizons.example"
	)
	gest := newNewcomer(t)
	dbPath := filepath.Join(gest.dir, "profil.db")
	gest.env = append(gest.env, "PROFIL_DB="+dbPath)
	want(t, gest.run(t, 60*time.Second, stdin(t, adminPass+"\n"), "init", "--admin-email", admin, "--admin-name", "Jeanne Durand", "--password-stdin"), 0)
	want(t, gest.run(t, 30*time.Second, nil, "structure", "create", "--name", "Horizons Emploi", "--address", "1 rue du Port",
		"--postal-code", "33000", "--city", "Bordeaux"), 0)
	want(t, gest.run(t, 30*time.Second, nil, "settings", "set", "registration.activation", "on"), 0)

	visitor := newNewcomer(t)
	visitor.env = append(visitor.env, "PROFIL_DB="+dbPath)
	want(t, visitor.run(t, 30*time.Second, nil, "user", "register", "--email", paul, "--last-name", "Leroy", "--first-name", "Paul", "--structure", "1"), 0)
	r := gest.run(t, 30*time.Second, nil, "request", "list", "-o", "json")
	if r.code != 0 || strings.Contains(r.stdout, paul) {
		t.Fatalf("an unverified request is in the queue:\n%s", r)
	}
	want(t, gest.run(t, 30*time.Second, nil, "request", "approve", "1"), 5)

	srv := mailtest.NewServer(t, mailtest.Options{})
	want(t, gest.run(t, 60*time.Second, nil, "mail", "send", "--smtp", srv.URL()), 0)
	var code string
	for _, m := range srv.Messages() {
		if _, after, ok := strings.Cut(m.Body, "--code "); ok && m.To[0] == paul {
			code = strings.TrimSpace(strings.SplitN(after, "\n", 2)[0])
		}
	}
	if len(code) != 11 {
		t.Fatalf("no activation code delivered: %+v", srv.Messages())
	}
	if rawHolds(t, dbPath, code) {
		t.Fatal("the activation code is readable in the database")
	}
	want(t, visitor.run(t, 30*time.Second, nil, "request", "activate", "1", "--code", "zzzzz-zzzzz"), 4)
	want(t, visitor.run(t, 30*time.Second, nil, "request", "activate", "1", "--code", strings.ToUpper(code)), 0, "confirm")
	want(t, visitor.run(t, 30*time.Second, nil, "request", "activate", "1", "--code", code), 4)
	r = gest.run(t, 30*time.Second, nil, "request", "list", "-o", "json")
	if r.code != 0 || !strings.Contains(r.stdout, paul) {
		t.Fatalf("the activated request is not in the queue:\n%s", r)
	}
	want(t, gest.run(t, 30*time.Second, nil, "request", "approve", "1"), 0)
}
