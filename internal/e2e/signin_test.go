package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/mail/mailtest"
	"github.com/profil-cli/profil/internal/store/sqlstore"
)

var temporaryInMail = regexp.MustCompile(`[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}`)

// stdin is a file holding content, for --password-stdin.
func stdin(t *testing.T, content string) *os.File {
	t.Helper()
	p := filepath.Join(t.TempDir(), "stdin")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// want fails t unless r exited with code and its stderr says every part.
func want(t *testing.T, r result, code int, parts ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("want exit %d:\n%s", code, r)
	}
	for _, p := range parts {
		if !strings.Contains(r.stderr, p) {
			t.Fatalf("stderr does not say %q:\n%s", p, r)
		}
	}
}

// rawHolds reads the outbox and the accounts as stored in the SQLite file and reports whether
// any of their text holds s.
func rawHolds(t *testing.T, dbPath, s string) bool {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), dbPath, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{`SELECT body FROM mail_outbox`, `SELECT subject FROM mail_outbox`,
		`SELECT COALESCE(password_hash, '') FROM users`, `SELECT details FROM audit_events`} {
		rows, err := db.SQL().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(v, s) {
				rows.Close()
				return true
			}
		}
		rows.Close()
	}
	return false
}

// An imported account's first sign-in, through the real binary: a mail is queued, `mail send`
// makes the temporary password and delivers it, the person signs in with it once, may only
// change it, and then works; failures lock; a gestionnaire unlocks, disables, enables, resets.
func TestBinaryTemporaryPasswordAndLockout(t *testing.T) {
	const (
		admin     = "jeanne.durand@cap-metiers.fr"
		adminPass = "correct horse battery staple"
		lucie     = "lucie.moreau@horizons.example"
		newPass   = "mon nouveau mot de passe"
		refusal   = "wrong e-mail or password"
	)
	gest := newNewcomer(t)
	dbPath := filepath.Join(gest.dir, "profil.db")
	gest.env = append(gest.env, "PROFIL_DB="+dbPath)
	want(t, gest.run(t, 60*time.Second, stdin(t, adminPass+"\n"), "init", "--admin-email", admin, "--admin-name", "Jeanne Durand", "--password-stdin"), 0)
	siret := domain.MakeSIRET("44306184", "0004")
	want(t, gest.run(t, 30*time.Second, nil, "structure", "create", "--name", "Horizons Emploi", "--siret", siret,
		"--address", "1 rue du Port", "--postal-code", "33000", "--city", "Bordeaux"), 0)
	csvPath := filepath.Join(gest.dir, "legacy.csv")
	if err := os.WriteFile(csvPath, []byte("email,last_name,first_name,siret\n"+lucie+",Moreau,Lucie,"+siret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	want(t, gest.run(t, 30*time.Second, nil, "user", "import", "--source", "synapse", csvPath), 0)

	// Lucie's own machine, and a second one.
	laptop, phone := newNewcomer(t), newNewcomer(t)
	laptop.env = append(laptop.env, "PROFIL_DB="+dbPath)
	phone.env = append(phone.env, "PROFIL_DB="+dbPath)
	login := func(h newcomer, password string) result {
		return h.run(t, 30*time.Second, stdin(t, password+"\n"), "login", "--email", lucie, "--password-stdin")
	}

	// The first attempts answer as any failure does, and queue one mail that holds no secret.
	for range 3 {
		want(t, login(laptop, "mon ancien mot de passe Synapse"), 4, refusal, "temporary one by mail")
	}
	r := gest.run(t, 30*time.Second, nil, "mail", "list", "--pending", "-o", "json")
	var pending []struct {
		To   string `json:"to"`
		Body string `json:"body"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &pending); err != nil || len(pending) != 1 || pending[0].To != lucie {
		t.Fatalf("pending outbox (%v):\n%s", err, r)
	}
	if temporaryInMail.MatchString(pending[0].Body) {
		t.Fatalf("mail list shows a password before the message is sent:\n%s", pending[0].Body)
	}

	srv := mailtest.NewServer(t, mailtest.Options{})
	want(t, gest.run(t, 60*time.Second, nil, "mail", "send", "--smtp", srv.URL()), 0, "sent 1")
	msgs := srv.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != lucie {
		t.Fatalf("messages delivered: %+v", msgs)
	}
	temp := temporaryInMail.FindString(msgs[0].Body)
	if temp == "" {
		t.Fatalf("no temporary password in the message:\n%s", msgs[0].Body)
	}
	if rawHolds(t, dbPath, temp) {
		t.Fatal("the temporary password is readable in the database")
	}
	if r := gest.run(t, 30*time.Second, nil, "mail", "list", "-o", "json"); strings.Contains(r.stdout, temp) {
		t.Fatalf("mail list shows the delivered password:\n%s", r)
	}

	// Signed in with it: only user passwd, whoami and logout run.
	want(t, login(laptop, temp), 0, "temporary")
	want(t, laptop.run(t, 30*time.Second, nil, "structure", "search", "horizons"), 4, "profil user passwd")
	want(t, laptop.run(t, 30*time.Second, nil, "user", "show"), 4, "profil user passwd")
	want(t, laptop.run(t, 30*time.Second, nil, "token", "create", "--name", "cron"), 4, "profil user passwd")
	if r := laptop.run(t, 30*time.Second, nil, "whoami"); r.code != 0 || !strings.Contains(r.stdout+r.stderr, lucie) {
		t.Fatalf("whoami with a temporary password:\n%s", r)
	}
	// It works once.
	want(t, login(phone, temp), 4, refusal)
	want(t, laptop.run(t, 30*time.Second, stdin(t, temp+"\n"+newPass+"\n"), "user", "passwd", "--password-stdin"), 0)
	want(t, laptop.run(t, 30*time.Second, nil, "structure", "search", "horizons"), 0)

	// A password change ends the other sessions, not this one.
	want(t, login(phone, newPass), 0)
	const newer = "un mot de passe encore plus neuf"
	want(t, laptop.run(t, 30*time.Second, stdin(t, newPass+"\n"+newer+"\n"), "user", "passwd", "--password-stdin"), 0)
	want(t, phone.run(t, 30*time.Second, nil, "user", "show"), 4)
	want(t, laptop.run(t, 30*time.Second, nil, "user", "show"), 0)

	// Five wrong passwords lock the account; then even the right one is refused, alike.
	for range domain.MaxFailedSignIns {
		want(t, login(phone, "une supposition"), 4, refusal)
	}
	wrong := login(phone, "une supposition")
	locked := login(phone, newer)
	want(t, locked, 4)
	if locked.stderr != wrong.stderr {
		t.Fatalf("a locked account answers the right password differently:\n%s\n%s", locked, wrong)
	}
	r = gest.run(t, 30*time.Second, nil, "user", "show", lucie, "-o", "json")
	var shown struct {
		Status             string     `json:"status"`
		MustChangePassword bool       `json:"must_change_password"`
		LockedUntil        *time.Time `json:"locked_until"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &shown); err != nil || shown.Status != "active" || shown.MustChangePassword || shown.LockedUntil == nil {
		t.Fatalf("user show of a locked account (%v):\n%s", err, r)
	}
	r = gest.run(t, 30*time.Second, nil, "audit", "list", "--action", "auth.sign-in-failed", "-o", "json")
	if r.code != 0 || strings.Count(r.stdout, `"target": "`+lucie+`"`) < 8 || strings.Contains(r.stdout, "une supposition") {
		t.Fatalf("failed sign-ins in the audit trail:\n%s", r)
	}
	want(t, laptop.run(t, 30*time.Second, nil, "user", "unlock", lucie), 4)
	want(t, gest.run(t, 30*time.Second, nil, "user", "unlock", lucie), 0, "unlocked")
	want(t, login(phone, newer), 0)

	// Disabled: no session, no sign-in; enabled: sign-in again.
	want(t, gest.run(t, 30*time.Second, nil, "user", "disable", lucie, "--reason", "départ"), 0, "disabled")
	want(t, laptop.run(t, 30*time.Second, nil, "user", "show"), 4)
	want(t, phone.run(t, 30*time.Second, nil, "user", "show"), 4)
	want(t, login(phone, "une supposition"), 4, refusal)
	want(t, login(phone, newer), 4, "disabled")
	want(t, gest.run(t, 30*time.Second, nil, "user", "enable", lucie), 0, "enabled")
	want(t, login(phone, newer), 0)

	// A reset ends every session at once.
	want(t, gest.run(t, 30*time.Second, nil, "user", "reset-password", lucie), 0, "profil mail send")
	want(t, phone.run(t, 30*time.Second, nil, "user", "show"), 4)
	want(t, login(phone, newer), 4, refusal)

	// Disabled before the message went: no password is made, the message is dropped.
	want(t, gest.run(t, 30*time.Second, nil, "user", "disable", lucie), 0)
	r = gest.run(t, 60*time.Second, nil, "mail", "send", "--smtp", srv.URL(), "-o", "json")
	want(t, r, 0, "not sent")
	withPassword := 0
	for _, m := range srv.Messages() {
		if temporaryInMail.MatchString(m.Body) {
			withPassword++
		}
	}
	if !strings.Contains(r.stdout, `"result": "skipped"`) || withPassword != 1 {
		t.Fatalf("mail send for a disabled account (%d messages with a password):\n%s", withPassword, r)
	}
}
