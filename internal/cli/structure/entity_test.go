package structure_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/testdb"
)

type entityRequestJSON struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	Status      string `json:"status"`
	UserEmail   string `json:"user_email"`
	Account     bool   `json:"account"`
	PublicBody  bool   `json:"public_body"`
	MandateDate string `json:"mandate_date"`
	MandateAge  *int   `json:"mandate_age_days"`
	Asked       struct {
		Name, Address, City string
		PostalCode          string `json:"postal_code"`
		Ministry            bool
	} `json:"asked_structure"`
	Documents []struct {
		Name        string `json:"name"`
		Kind        string `json:"kind"`
		ContentType string `json:"content_type"`
		Size        int64  `json:"size"`
		SHA256      string `json:"sha256"`
	} `json:"documents"`
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestEntityRequest walks guide 004: a ministry without SIRET asked for by a person who has
// no account, with a decree and a mandate; the gestionnaire reads the documents and approves;
// the person is the structure's référent.
func TestEntityRequest(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *membersWorld) {
		dir := t.TempDir()
		decree := append([]byte("%PDF-1.7\n%âãÏÓ\n1 0 obj\n"), bytes.Repeat([]byte{0, 0xff, '\r', '\n'}, 1000)...)
		proof := writeFile(t, dir, "décret.pdf", decree)
		mandateBytes := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
		mandate := writeFile(t, dir, "mandat.png", mandateBytes)
		fresh := time.Now().UTC().AddDate(0, 0, -10).Format(time.DateOnly)
		const who = "claire.martin@travail.gouv.fr"
		fields := []string{"structure", "request", "--no-siret", "--ministry", "--name", "Ministère du Travail",
			"--address", "127 rue de Grenelle", "--postal-code", "75007", "--city", "Paris",
			"--requester-email", who, "--last-name", "Martin", "--first-name", "Claire", "--function", "Cheffe de bureau"}

		// A ministry without a mandate: refused, naming the mandate; nothing is created.
		r := w.run(t, "", append(fields, "--proof", proof, "--named-on-proof")...).Want(t, cmdutil.ExitInvalid)
		if !strings.Contains(r.Stderr, "mandate") {
			t.Errorf("want the mandate named:\n%s", r)
		}
		// --no-siret requires the city; --no-siret with a SIRET is a usage error.
		w.run(t, "", "structure", "request", "--no-siret", "--name", "X", "--address", "1 rue", "--postal-code", "75007",
			"--requester-email", who).Want(t, cmdutil.ExitInvalid)
		w.run(t, "", "structure", "request", "--no-siret", "--siret", w.st.SIRET, "--name", "X", "--requester-email", who).Want(t, cmdutil.ExitUsage)
		// A ministry is not a public body.
		w.run(t, "", append(fields, "--public-body", "--mandate", mandate, "--mandate-date", fresh)...).Want(t, cmdutil.ExitInvalid)

		// Files are recognised by their content, at most 10 MB, regular files only.
		html := writeFile(t, dir, "kbis.pdf", []byte("<html><script>alert(1)</script></html>"))
		r = w.run(t, "", append(fields, "--proof", html, "--mandate", mandate, "--mandate-date", fresh)...).Want(t, cmdutil.ExitInvalid)
		if !strings.Contains(r.Stderr, "kbis.pdf") || !strings.Contains(r.Stderr, "PDF, JPEG or PNG") {
			t.Errorf("want the file named and why:\n%s", r)
		}
		big := writeFile(t, dir, "big.pdf", append([]byte("%PDF-"), make([]byte, domain.MaxDocumentSize)...))
		r = w.run(t, "", append(fields, "--proof", big, "--mandate", mandate, "--mandate-date", fresh)...).Want(t, cmdutil.ExitInvalid)
		if !strings.Contains(r.Stderr, "big.pdf") || !strings.Contains(r.Stderr, "10 MB") {
			t.Errorf("want the file named and the limit:\n%s", r)
		}
		w.run(t, "", append(fields, "--proof", dir, "--mandate", mandate, "--mandate-date", fresh)...).Want(t, cmdutil.ExitInvalid)
		w.run(t, "", append(fields, "--proof", filepath.Join(dir, "none.pdf"), "--mandate", mandate, "--mandate-date", fresh)...).Want(t, cmdutil.ExitInvalid)
		// A mandate in the future, or 3 months old: refused.
		future := time.Now().UTC().AddDate(0, 0, 2).Format(time.DateOnly)
		w.run(t, "", append(fields, "--mandate", mandate, "--mandate-date", future)...).Want(t, cmdutil.ExitInvalid)
		old := time.Now().UTC().AddDate(0, -3, -1).Format(time.DateOnly)
		w.run(t, "", append(fields, "--mandate", mandate, "--mandate-date", old)...).Want(t, cmdutil.ExitInvalid)
		if rs, err := w.svc.ListRequests(t.Context(), w.admin, listAll()); err != nil || len(rs) != 0 {
			t.Fatalf("refused requests left %d requests (%v)", len(rs), err)
		}

		// The request, with the person's own account and password.
		env := w.env
		env.Stdin = "Un mot de passe solide 2026\n"
		args := append([]string{"-o", "json"}, append(fields, "--proof", proof, "--mandate", mandate, "--mandate-date", fresh, "--password-stdin")...)
		r = clitest.Run(t, env, args...).Want(t, cmdutil.ExitOK)
		var req entityRequestJSON
		if err := json.Unmarshal([]byte(r.Stdout), &req); err != nil {
			t.Fatalf("%v\n%s", err, r)
		}
		if req.Kind != "structure" || req.Status != "pending" || req.UserEmail != who || !req.Account || req.MandateDate != fresh ||
			req.MandateAge == nil || *req.MandateAge != 10 || len(req.Documents) != 2 {
			t.Fatalf("request = %+v", req)
		}
		if a := req.Asked; a.Name != "Ministère du Travail" || a.Address != "127 rue de Grenelle" || a.PostalCode != "75007" || a.City != "Paris" || !a.Ministry {
			t.Errorf("asked_structure = %+v", a)
		}
		if d := req.Documents[0]; d.Name != "décret.pdf" || d.Kind != "proof" || d.ContentType != "application/pdf" || d.Size != int64(len(decree)) || len(d.SHA256) != 64 {
			t.Errorf("proof = %+v", d)
		}
		// The same address again: the account exists, a conflict.
		w.run(t, "", append(fields, "--mandate", mandate, "--mandate-date", fresh)...).Want(t, cmdutil.ExitConflict)
		// The account cannot sign in before the approval.
		env.Stdin = "Un mot de passe solide 2026\n"
		clitest.Run(t, env, "login", "--email", who, "--password-stdin").Want(t, cmdutil.ExitForbidden)

		id := strconv.FormatInt(req.ID, 10)
		// The gestionnaire sees the documents, and writes one out byte for byte, 0600.
		r = w.run(t, adminEmail, "request", "show", id).Want(t, cmdutil.ExitOK)
		for _, want := range []string{"décret.pdf", "mandat.png", "image/png", "dated " + fresh + " (10 days old)",
			"Structure asked:", "127 rue de Grenelle, 75007 Paris", "ministry"} {
			if !strings.Contains(r.Stdout, want) {
				t.Errorf("request show lacks %q:\n%s", want, r)
			}
		}
		out := filepath.Join(dir, "out", "copie.pdf")
		if err := os.Mkdir(filepath.Dir(out), 0o700); err != nil {
			t.Fatal(err)
		}
		w.run(t, adminEmail, "request", "document", id, "proof", "-f", out).Want(t, cmdutil.ExitOK)
		got, err := os.ReadFile(out)
		if err != nil || !bytes.Equal(got, decree) {
			t.Fatalf("document written = %d bytes (%v), want the %d bytes filed", len(got), err, len(decree))
		}
		if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want 0600", fi.Mode().Perm())
		}
		w.run(t, adminEmail, "request", "document", id, "mandat.png", "--file", filepath.Join(dir, "out", "m.png")).Want(t, cmdutil.ExitOK)
		// Unknown document: not found, nothing written, the file already there untouched.
		w.run(t, adminEmail, "request", "document", id, "kbis", "-f", out).Want(t, cmdutil.ExitNotFound)
		if got, _ := os.ReadFile(out); !bytes.Equal(got, decree) {
			t.Error("a failed document command changed the file")
		}
		w.run(t, adminEmail, "request", "document", id, "proof").Want(t, cmdutil.ExitUsage)
		w.run(t, adminEmail, "request", "document", id, "proof", "-f", dir).Want(t, cmdutil.ExitInvalid)
		// Nobody else reads them: not signed in, or another person.
		w.run(t, "", "request", "document", id, "proof", "-f", filepath.Join(dir, "x")).Want(t, cmdutil.ExitForbidden)
		w.member(t, paul)
		w.run(t, paul, "request", "document", id, "proof", "-f", filepath.Join(dir, "x")).Want(t, cmdutil.ExitForbidden)
		w.run(t, paul, "request", "show", id).Want(t, cmdutil.ExitForbidden)
		if _, err := os.Stat(filepath.Join(dir, "x")); !os.IsNotExist(err) {
			t.Errorf("a refused reader got a file: %v", err)
		}
		// Reading a document is audited.
		r = w.run(t, adminEmail, "audit", "list", "--action", "request.document").Want(t, cmdutil.ExitOK)
		if strings.Count(r.Stdout, "request "+id) != 2 {
			t.Errorf("want two readings audited:\n%s", r)
		}
		// -f - writes it to standard output, unless that is a terminal.
		r = w.run(t, adminEmail, "request", "document", id, "proof", "-f", "-").Want(t, cmdutil.ExitOK)
		if r.Stdout != string(decree) {
			t.Errorf("-f -: %d bytes on stdout, want the %d bytes filed", len(r.Stdout), len(decree))
		}
		if _, err := os.Stat("-"); err == nil {
			t.Error("-f - created a file named -")
		}
		onTerminal := w.env
		onTerminal.StdoutTTY = true
		r = clitest.Run(t, onTerminal, "--token", w.tokens[adminEmail], "request", "document", id, "proof", "-f", "-").Want(t, cmdutil.ExitUsage)
		if r.Stdout != "" || !strings.Contains(r.Stderr, "standard output is a terminal") {
			t.Errorf("-f - on a terminal:\n%s", r)
		}

		// Approved: the structure exists, the account is active and its référent.
		r = w.run(t, adminEmail, "request", "approve", id).Want(t, cmdutil.ExitOK)
		env.Stdin = "Un mot de passe solide 2026\n"
		clitest.Run(t, env, "login", "--email", who, "--password-stdin").Want(t, cmdutil.ExitOK)
		r = w.run(t, adminEmail, "structure", "search", "Ministère du Travail", "-o", "json").Want(t, cmdutil.ExitOK)
		var found []struct {
			ID       int64  `json:"id"`
			Referent string `json:"referent_email"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &found); err != nil || len(found) != 1 {
			t.Fatalf("search: %v\n%s", err, r)
		}
		st, err := w.svc.Structure(t.Context(), w.admin, domain.StructureRef{ID: found[0].ID})
		if err != nil || st.ReferentEmail != who || !st.Ministry || st.SIRET != "" {
			t.Errorf("structure = %+v, %v", st, err)
		}
		mails, err := w.svc.ListMail(t.Context(), w.admin, false)
		if err != nil {
			t.Fatal(err)
		}
		last := mails[len(mails)-1]
		if last.To != who || !strings.Contains(last.Body, "référent") {
			t.Errorf("last mail = %+v", last)
		}
		// Decided once.
		w.run(t, adminEmail, "request", "approve", id).Want(t, cmdutil.ExitConflict)
	})
}

// TestEntityRequestMandateAgesBeforeApproval: a mandate fresh when filed but 3 months old when
// the gestionnaire approves is a conflict that names its date; nothing is created.
func TestEntityRequestMandateAgesBeforeApproval(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *membersWorld) {
		dir := t.TempDir()
		mandate := writeFile(t, dir, "mandat.jpg", []byte{0xFF, 0xD8, 0xFF, 0xE0, 'J', 'F', 'I', 'F'})
		filed := time.Now().UTC().AddDate(0, 0, -80)
		dated := filed.AddDate(0, 0, -20).Format(time.DateOnly)
		env := w.env
		env.Now = func() time.Time { return filed }
		r := clitest.Run(t, env, "-q", "structure", "request", "--no-siret", "--public-body", "--name", "Université de Bordeaux",
			"--address", "351 cours de la Libération", "--postal-code", "33400", "--city", "Talence",
			"--requester-email", "dgs@u-bordeaux.fr", "--last-name", "Petit", "--first-name", "Luc",
			"--mandate", mandate, "--mandate-date", dated).Want(t, cmdutil.ExitOK)
		id := strings.TrimSpace(r.Stdout)
		r = w.run(t, adminEmail, "request", "approve", id).Want(t, cmdutil.ExitConflict)
		if !strings.Contains(r.Stdout+r.Stderr, dated) {
			t.Errorf("want the mandate's date named:\n%s", r)
		}
		w.run(t, adminEmail, "structure", "search", "Université de Bordeaux", "-o", "json").Want(t, cmdutil.ExitOK)
		got, err := w.svc.Request(t.Context(), w.admin, mustID(t, id))
		if err != nil || got.Status != domain.StatusPending {
			t.Errorf("request after the refused approval: %+v, %v", got, err)
		}
		// Rejecting it refuses the account.
		w.run(t, adminEmail, "request", "reject", id, "--reason", "Mandat trop ancien").Want(t, cmdutil.ExitOK)
		u, err := w.svc.User(t.Context(), w.admin, "dgs@u-bordeaux.fr")
		if err != nil || u.User.Status != domain.UserRefused {
			t.Errorf("account after rejection: %+v, %v", u.User, err)
		}
	})
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		t.Fatalf("not an id: %q", s)
	}
	return id
}

func eachEngine(t *testing.T, fn func(t *testing.T, w *membersWorld)) {
	testdb.Each(t, func(t *testing.T, dsn string) { fn(t, newMembersWorld(t, dsn)) })
}

func listAll() service.RequestFilter { return service.RequestFilter{} }

// TestRegistrationSettings: the portal's settings decide whether a proof is required and
// whether requests wait for their e-mail address to be confirmed.
func TestRegistrationSettings(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *membersWorld) {
		w.run(t, adminEmail, "settings", "set", "registration.proof", "always").Want(t, cmdutil.ExitInvalid)
		w.run(t, adminEmail, "settings", "set", "activation.ttl", "1s").Want(t, cmdutil.ExitInvalid)
		w.run(t, adminEmail, "settings", "set", "referent.label", "\x1b[31m").Want(t, cmdutil.ExitInvalid)
		w.member(t, claire)
		w.run(t, claire, "settings", "set", "registration.proof", "required").Want(t, cmdutil.ExitForbidden)
		r := w.run(t, adminEmail, "settings", "list").Want(t, cmdutil.ExitOK)
		for _, key := range []string{"registration.activation", "registration.proof", "activation.ttl", "referent.label"} {
			if !strings.Contains(r.Stdout, key) {
				t.Errorf("settings list lacks %s:\n%s", key, r)
			}
		}

		w.run(t, adminEmail, "settings", "set", "registration.proof", "required").Want(t, cmdutil.ExitOK)
		r = w.run(t, "", "structure", "request", "--name", "Sans justificatif", "--address", "1 rue", "--requester-email", paul).Want(t, cmdutil.ExitInvalid)
		if !strings.Contains(r.Stderr, "--proof") {
			t.Errorf("want the proof asked for:\n%s", r)
		}
		w.run(t, adminEmail, "settings", "set", "registration.proof", "off").Want(t, cmdutil.ExitOK)

		w.run(t, adminEmail, "settings", "set", "registration.activation", "on").Want(t, cmdutil.ExitOK)
		r = w.run(t, "", "user", "register", "--email", lea, "--last-name", "Bernard", "--first-name", "Léa",
			"--structure", strconv.FormatInt(w.st.ID, 10)).Want(t, cmdutil.ExitOK)
		rs, err := w.svc.ListRequests(t.Context(), w.admin, listAll())
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range rs {
			if q.UserEmail == lea {
				t.Errorf("an unverified request is in the queue: %+v", q)
			}
		}
		got, err := w.svc.ListRequests(t.Context(), w.admin, service.RequestFilter{Query: store.RequestQuery{Status: domain.StatusUnverified}})
		if err != nil || len(got) != 1 || got[0].UserEmail != lea {
			t.Fatalf("unverified requests = %+v, %v\n%s", got, err, r)
		}
		id := strconv.FormatInt(got[0].ID, 10)
		w.run(t, adminEmail, "request", "approve", id).Want(t, cmdutil.ExitConflict)
		w.run(t, "", "request", "activate", id, "--code", "aaaaa-aaaaa").Want(t, cmdutil.ExitForbidden)
		w.run(t, "", "request", "resend-activation", lea).Want(t, cmdutil.ExitOK)
		w.run(t, "", "request", "resend-activation", "personne@example.org").Want(t, cmdutil.ExitOK)
		w.run(t, claire, "request", "purge", "--unverified", "--older-than", "30d").Want(t, cmdutil.ExitForbidden)
		r = w.run(t, adminEmail, "-q", "request", "purge", "--unverified", "--older-than", "30d").Want(t, cmdutil.ExitOK)
		if strings.TrimSpace(r.Stdout) != "0" {
			t.Errorf("purged fresh requests: %s", r)
		}
	})
}
