package service_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
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

// signWorld is a database with a gestionnaire, and a clock the test moves.
type signWorld struct {
	t       *testing.T
	ctx     context.Context
	db      *sqlstore.DB
	svc     *service.Service
	manager domain.Actor

	mu  sync.Mutex
	now time.Time
	// delivered are the bodies of the messages delivered, by recipient, as the server got them.
	delivered map[string][]string
}

const (
	signPassword = "un mot de passe solide"
	wrongTyped   = "ceci n'est pas le bon mot de passe"
)

var temporaryPattern = regexp.MustCompile(`[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}`)

func newSignWorld(t *testing.T, dsn string) *signWorld {
	t.Helper()
	w := &signWorld{t: t, ctx: context.Background(), now: time.Date(2026, 10, 5, 8, 0, 0, 0, time.UTC), delivered: map[string][]string{}}
	db, err := sqlstore.Open(w.ctx, dsn, sqlstore.Options{Now: w.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(w.ctx); err != nil {
		t.Fatal(err)
	}
	w.db, w.svc = db, service.New(db)
	m, err := w.svc.Bootstrap(w.ctx, service.BootstrapInput{Email: "gestion@cap-metiers.fr", FirstName: "Camille", LastName: "Gestion", Password: signPassword})
	if err != nil {
		t.Fatal(err)
	}
	w.manager = domain.Actor{UserID: m.ID, Email: m.Email, Manager: true}
	// The expectations below read the mails in English.
	if _, err := w.svc.SetSetting(w.ctx, w.manager, domain.SettingMailLanguage, "en"); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *signWorld) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *signWorld) advance(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(d)
}

// account writes an active account; password "" leaves it without one, as an import does.
func (w *signWorld) account(email, password string) domain.User {
	w.t.Helper()
	u := domain.User{Email: email, LastName: "Martin", FirstName: "Claire", Status: domain.UserActive}
	if password != "" {
		h, err := secret.HashPassword(password)
		if err != nil {
			w.t.Fatal(err)
		}
		u.PasswordHash = h
	}
	if err := w.db.Update(w.ctx, func(tx store.Tx) error { return tx.CreateUser(w.ctx, &u) }); err != nil {
		w.t.Fatal(err)
	}
	return u
}

func (w *signWorld) user(email string) domain.User {
	w.t.Helper()
	var u domain.User
	if err := w.db.View(w.ctx, func(tx store.Tx) error {
		var err error
		u, err = tx.UserByEmail(w.ctx, email)
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
	return u
}

func (w *signWorld) setStatus(email string, status domain.UserStatus) {
	w.t.Helper()
	u := w.user(email)
	u.Status = status
	if err := w.db.Update(w.ctx, func(tx store.Tx) error { return tx.UpdateUser(w.ctx, &u) }); err != nil {
		w.t.Fatal(err)
	}
}

// login signs in and returns the actor the session stands for.
func (w *signWorld) login(email, password string) (string, domain.Actor) {
	w.t.Helper()
	token, _, err := w.svc.Login(w.ctx, email, password)
	if err != nil {
		w.t.Fatalf("sign in as %s: %v", email, err)
	}
	a, err := w.svc.Authenticate(w.ctx, token)
	if err != nil {
		w.t.Fatalf("authenticate %s: %v", email, err)
	}
	return token, a
}

// refused signs in and wants the one answer every failed sign-in gets.
func (w *signWorld) refused(email, password string) {
	w.t.Helper()
	_, _, err := w.svc.Login(w.ctx, email, password)
	if !errors.Is(err, domain.ErrForbidden) || err.Error() != uniformRefusal() {
		w.t.Fatalf("sign in as %s: %v, want the uniform refusal", email, err)
	}
}

func uniformRefusal() string {
	return domain.Errorf(domain.ErrForbidden, "auth.sign_in_refused").Error()
}

// send delivers the outbox, keeping what the server received.
func (w *signWorld) send() service.MailReport {
	w.t.Helper()
	rep, err := w.svc.DeliverMail(w.ctx, w.manager, func(_ context.Context, m domain.Mail) error {
		w.delivered[m.To] = append(w.delivered[m.To], m.Body)
		return nil
	}, 10)
	if err != nil {
		w.t.Fatal(err)
	}
	return rep
}

// temporaryMailed is the temporary password in the last message delivered to email.
func (w *signWorld) temporaryMailed(email string) string {
	w.t.Helper()
	bodies := w.delivered[email]
	if len(bodies) == 0 {
		w.t.Fatalf("no message delivered to %s", email)
	}
	temp := temporaryPattern.FindString(bodies[len(bodies)-1])
	if temp == "" {
		w.t.Fatalf("no temporary password in the message to %s: %q", email, bodies[len(bodies)-1])
	}
	return temp
}

// secretMails counts the temporary-password messages queued for email.
func (w *signWorld) secretMails(email string) int {
	w.t.Helper()
	n := 0
	if err := w.db.View(w.ctx, func(tx store.Tx) error {
		ms, err := tx.ListMail(w.ctx, store.MailQuery{})
		for _, m := range ms {
			if m.To == email && m.SecretFor != 0 {
				n++
			}
		}
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
	return n
}

func (w *signWorld) audit(action string) []domain.AuditEvent {
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

// rawSecrets reads the outbox and users tables as they are on disk and returns every text that
// holds one of the secrets.
func (w *signWorld) rawSecrets(secrets ...string) []string {
	w.t.Helper()
	var found []string
	scan := func(query string) {
		rows, err := w.db.SQL().QueryContext(w.ctx, query)
		if err != nil {
			w.t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var v *string
			if err := rows.Scan(&v); err != nil {
				w.t.Fatal(err)
			}
			for _, s := range secrets {
				if v != nil && s != "" && strings.Contains(*v, s) {
					found = append(found, *v)
				}
			}
		}
		if err := rows.Err(); err != nil {
			w.t.Fatal(err)
		}
	}
	scan(`SELECT body FROM mail_outbox`)
	scan(`SELECT subject FROM mail_outbox`)
	scan(`SELECT password_hash FROM users`)
	scan(`SELECT details FROM audit_events`)
	return found
}

func TestTemporaryPasswordFirstSignIn(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSignWorld(t, dsn)
		const claire = "claire.martin@horizons.fr"
		w.account(claire, "")

		// The first attempt, whatever the password, queues one mail; the next ones do not.
		for range 3 {
			w.refused(claire, "n'importe quoi")
		}
		if n := w.secretMails(claire); n != 1 {
			t.Fatalf("%d temporary-password mails queued after 3 attempts, want 1", n)
		}
		pending, err := w.svc.ListMail(w.ctx, w.manager, true)
		if err != nil || len(pending) != 1 || !strings.Contains(pending[0].Body, domain.TemporaryPasswordPlaceholder) {
			t.Fatalf("pending outbox: %+v, %v; want one message holding the placeholder", pending, err)
		}
		if temporaryPattern.MatchString(pending[0].Body) || w.user(claire).PasswordHash != "" {
			t.Fatal("a temporary password exists before its message is sent")
		}

		rep := w.send()
		if rep.Sent != 1 {
			t.Fatalf("sent %d, want 1", rep.Sent)
		}
		temp := w.temporaryMailed(claire)
		if strings.Contains(w.delivered[claire][0], domain.TemporaryPasswordPlaceholder) {
			t.Error("the delivered message still holds the placeholder")
		}
		if found := w.rawSecrets(temp); len(found) > 0 {
			t.Fatalf("the temporary password is readable in the database: %q", found)
		}
		all, _ := w.svc.ListMail(w.ctx, w.manager, false)
		for _, m := range all {
			if strings.Contains(m.Body, temp) {
				t.Fatalf("mail list shows the temporary password: %q", m.Body)
			}
		}

		// Signed in with it: only the password may be changed.
		_, a := w.login(claire, temp)
		if !a.MustChangePassword {
			t.Fatal("a temporary password gave a full session")
		}
		if _, err := w.svc.User(w.ctx, a, ""); !errors.Is(err, domain.ErrForbidden) || !strings.Contains(err.Error(), "profil user passwd") {
			t.Fatalf("user show with a temporary password: %v, want a refusal naming profil user passwd", err)
		}
		if _, err := w.svc.Me(w.ctx, a); err != nil {
			t.Fatalf("whoami with a temporary password: %v", err)
		}
		if u := w.user(claire); u.LastLoginAt == nil || !u.LastLoginAt.Equal(w.clock()) {
			t.Errorf("last_login_at = %v, want %v", u.LastLoginAt, w.clock())
		}

		// It works once.
		w.refused(claire, temp)

		if err := w.svc.ChangePassword(w.ctx, a, temp, "mon nouveau mot de passe"); err != nil {
			t.Fatal(err)
		}
		_, a = w.login(claire, "mon nouveau mot de passe")
		if a.MustChangePassword {
			t.Fatal("still a temporary session after the change")
		}
		if _, err := w.svc.User(w.ctx, a, ""); err != nil {
			t.Fatalf("after the change: %v", err)
		}
		if found := w.rawSecrets(temp, "mon nouveau mot de passe"); len(found) > 0 {
			t.Fatalf("a password is readable in the database: %q", found)
		}
	})
}

func TestTemporaryPasswordExpires(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSignWorld(t, dsn)
		const paul = "paul.leroy@horizons.fr"
		w.account(paul, "")
		w.refused(paul, "x")
		w.send()
		temp := w.temporaryMailed(paul)

		w.advance(domain.DefaultTemporaryPasswordTTL)
		w.refused(paul, temp)
		// The attempt on an expired password asked for a new one (the last mail is 72 h old).
		if n := w.secretMails(paul); n != 2 {
			t.Fatalf("%d temporary-password mails, want a second one after the first expired", n)
		}
		w.send()
		next := w.temporaryMailed(paul)
		if next == temp {
			t.Fatal("the same temporary password was mailed twice")
		}
		w.refused(paul, temp)
		w.advance(domain.DefaultTemporaryPasswordTTL - time.Second)
		session, a := w.login(paul, next)
		if !a.MustChangePassword {
			t.Fatal("the new temporary password gave a full session")
		}
		// The session it opened ends with the temporary password.
		w.advance(time.Second)
		if _, err := w.svc.Authenticate(w.ctx, session); !errors.Is(err, domain.ErrForbidden) {
			t.Fatalf("a session opened with a temporary password outlived it: %v", err)
		}
	})
}

func TestLockout(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSignWorld(t, dsn)
		const lea = "lea.bernard@horizons.fr"
		w.account(lea, signPassword)

		for range domain.MaxFailedSignIns - 1 {
			w.refused(lea, wrongTyped)
		}
		w.login(lea, signPassword) // 4 failures do not lock, and a success forgets them
		for i := range domain.MaxFailedSignIns {
			if u := w.user(lea); u.LockedAt(w.clock()) {
				t.Fatalf("locked after %d failures", i)
			}
			w.refused(lea, wrongTyped)
		}
		u := w.user(lea)
		if u.LockedUntil == nil || !u.LockedUntil.Equal(w.clock().Add(15*time.Minute)) {
			t.Fatalf("locked until %v, want 15 minutes from now", u.LockedUntil)
		}
		// Locked: the right password is refused like a wrong one, and not even counted.
		w.refused(lea, signPassword)
		w.advance(15*time.Minute - time.Second)
		w.refused(lea, signPassword)
		w.advance(time.Second)

		// The next lock in a row lasts twice as long.
		for range domain.MaxFailedSignIns {
			w.refused(lea, wrongTyped)
		}
		if u := w.user(lea); u.LockedUntil == nil || !u.LockedUntil.Equal(w.clock().Add(30*time.Minute)) {
			t.Fatalf("second lock until %v, want 30 minutes from now", u.LockedUntil)
		}

		// A gestionnaire unlocks; the account signs in at once.
		member := w.account("paul.leroy@horizons.fr", signPassword)
		if _, _, err := w.svc.UnlockUser(w.ctx, domain.Actor{UserID: member.ID, Email: member.Email}, lea); !errors.Is(err, domain.ErrForbidden) {
			t.Fatalf("a member unlocked an account: %v", err)
		}
		if _, changed, err := w.svc.UnlockUser(w.ctx, w.manager, lea); err != nil || !changed {
			t.Fatalf("unlock: changed=%v err=%v", changed, err)
		}
		w.login(lea, signPassword)
		if _, changed, err := w.svc.UnlockUser(w.ctx, w.manager, lea); err != nil || changed {
			t.Fatalf("unlocking an account that is not locked: changed=%v err=%v", changed, err)
		}

		// Every failure is audited with the e-mail typed, never the password.
		failed := w.audit(service.ActionSignInFailed)
		if len(failed) != 4+5+2+5 {
			t.Errorf("%d failed sign-ins audited, want 16", len(failed))
		}
		for _, e := range failed {
			if e.Target != lea || !strings.Contains(e.Action, "failed") {
				t.Errorf("audit event %+v, want the e-mail typed as target", e)
			}
		}
		if found := w.rawSecrets(wrongTyped, signPassword); len(found) > 0 {
			t.Fatalf("a typed password is in the database: %q", found)
		}
		if n := len(w.audit(service.ActionUserLocked)); n != 2 {
			t.Errorf("%d locks audited, want 2", n)
		}
		// Each lock is told to the person.
		w.send()
		if bodies := w.delivered[lea]; len(bodies) != 2 || !strings.Contains(bodies[0], "5 wrong passwords in a row") {
			t.Errorf("messages to %s: %q", lea, bodies)
		}
		if n := len(w.audit(service.ActionUserUnlock)); n != 1 {
			t.Errorf("%d unlocks audited, want 1", n)
		}
	})
}

func TestSignInRefusalIsUniform(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSignWorld(t, dsn)
		for _, e := range []string{"active@x.fr", "pending@x.fr", "refused@x.fr", "disabled@x.fr", "locked@x.fr"} {
			w.account(e, signPassword)
		}
		w.setStatus("pending@x.fr", domain.UserPending)
		w.setStatus("refused@x.fr", domain.UserRefused)
		w.setStatus("disabled@x.fr", domain.UserDisabled)
		for range domain.MaxFailedSignIns {
			w.refused("locked@x.fr", wrongTyped)
		}
		for _, e := range []string{"active@x.fr", "pending@x.fr", "refused@x.fr", "disabled@x.fr", "locked@x.fr", "nobody@x.fr"} {
			w.refused(e, wrongTyped)
		}
		w.refused("locked@x.fr", signPassword)
		// Only the right password of an account that may not sign in says why.
		_, _, err := w.svc.Login(w.ctx, "disabled@x.fr", signPassword)
		if !errors.Is(err, domain.ErrForbidden) || !strings.Contains(err.Error(), "disabled") {
			t.Fatalf("right password of a disabled account: %v", err)
		}
		events := w.audit(service.ActionSignInFailed)
		seen := map[string]bool{}
		for _, e := range events {
			seen[e.Target] = true
		}
		if len(seen) != 6 {
			t.Errorf("failed sign-ins audited for %v, want all 6 e-mails typed", seen)
		}
	})
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSignWorld(t, dsn)
		const claire = "claire.martin@horizons.fr"
		w.account(claire, signPassword)
		laptop, a := w.login(claire, signPassword)
		phone, _ := w.login(claire, signPassword)
		api, _, err := w.svc.CreateAPIToken(w.ctx, a, "cron", 0, service.ScopeAll)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.svc.ChangePassword(w.ctx, a, signPassword, "un autre mot de passe"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Authenticate(w.ctx, phone); !errors.Is(err, domain.ErrForbidden) {
			t.Fatalf("the other session still works after a password change: %v", err)
		}
		for name, tok := range map[string]string{"this session": laptop, "the API token": api} {
			if _, err := w.svc.Authenticate(w.ctx, tok); err != nil {
				t.Errorf("%s stopped after a password change: %v", name, err)
			}
		}
		w.refused(claire, signPassword)
		w.login(claire, "un autre mot de passe")
		// The person is told, in case it was not them.
		w.send()
		if bodies := w.delivered[claire]; len(bodies) != 1 || !strings.Contains(bodies[0], "password of your account was just changed") {
			t.Errorf("messages to %s: %q", claire, bodies)
		}
	})
}

func TestResetEndsEverySessionAndToken(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSignWorld(t, dsn)
		const claire = "claire.martin@horizons.fr"
		w.account(claire, signPassword)
		session, a := w.login(claire, signPassword)
		api, _, err := w.svc.CreateAPIToken(w.ctx, a, "cron", 0, service.ScopeAll)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.ResetPassword(w.ctx, a, claire); !errors.Is(err, domain.ErrForbidden) {
			t.Fatalf("a member reset a password: %v", err)
		}
		res, err := w.svc.ResetPassword(w.ctx, w.manager, claire)
		if err != nil || !res.Mailed || res.TokensRevoked != 2 {
			t.Fatalf("reset: %+v, %v; want a mail queued and 2 tokens ended", res, err)
		}
		for name, tok := range map[string]string{"session": session, "API token": api} {
			if _, err := w.svc.Authenticate(w.ctx, tok); !errors.Is(err, domain.ErrForbidden) {
				t.Errorf("the %s still works after a reset: %v", name, err)
			}
		}
		w.refused(claire, signPassword)
		// A second reset while the first mail waits queues no second one.
		if res, err := w.svc.ResetPassword(w.ctx, w.manager, claire); err != nil || res.Mailed {
			t.Fatalf("second reset: %+v, %v; want no second mail", res, err)
		}
		w.refused(claire, "x") // nor does a sign-in attempt
		if n := w.secretMails(claire); n != 1 {
			t.Fatalf("%d temporary-password mails, want 1", n)
		}
		w.send()
		temp := w.temporaryMailed(claire)
		if found := w.rawSecrets(temp); len(found) > 0 {
			t.Fatalf("the temporary password is readable in the database: %q", found)
		}
		_, a = w.login(claire, temp)
		if !a.MustChangePassword {
			t.Fatal("a reset password gave a full session")
		}
	})
}

func TestTemporaryPasswordNotMadeForInactiveAccount(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSignWorld(t, dsn)
		const paul = "paul.leroy@horizons.fr"
		w.account(paul, signPassword)
		if _, err := w.svc.ResetPassword(w.ctx, w.manager, paul); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.DisableUser(w.ctx, w.manager, service.DisableInput{Email: paul}); err != nil {
			t.Fatal(err)
		}
		rep := w.send()
		if rep.Skipped != 1 || rep.Sent != 0 || len(w.delivered[paul]) != 0 {
			t.Fatalf("report %+v, delivered %q: want the message skipped", rep, w.delivered[paul])
		}
		if u := w.user(paul); u.PasswordHash != "" {
			t.Fatal("a temporary password was made for a disabled account")
		}

		// Nor for an account whose address changed since: the old one may be someone else's.
		const lea = "lea.bernard@horizons.fr"
		w.account(lea, "")
		w.refused(lea, "x")
		if _, err := w.svc.UpdateUser(w.ctx, w.manager, lea, service.UserUpdate{Email: str("lea.bernard@nouvelle.fr")}); err != nil {
			t.Fatal(err)
		}
		rep = w.send()
		if rep.Skipped != 1 || rep.Sent != 1 || len(w.delivered[lea]) != 1 {
			t.Fatalf("report %+v, delivered %q: want the temporary password skipped, and the notice of the change sent", rep, w.delivered[lea])
		}
		// The old mailbox may be someone else's: it is told of the change, not where the
		// account went nor whose it is.
		if notice := w.delivered[lea][0]; !strings.Contains(notice, "now uses another one") || temporaryPattern.MatchString(notice) ||
			strings.Contains(notice, "nouvelle.fr") || strings.Contains(notice, "Martin") {
			t.Errorf("the old address got %q, want the notice of the change alone", notice)
		}
		if u := w.user("lea.bernard@nouvelle.fr"); u.PasswordHash != "" {
			t.Fatal("a temporary password was made for a message to an old address")
		}
	})
}

func TestDisableAndEnable(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSignWorld(t, dsn)
		const (
			claire = "claire.martin@horizons.fr" // référent of the structure
			paul   = "paul.leroy@horizons.fr"
		)
		st, err := w.svc.CreateStructure(w.ctx, w.manager, domain.StructureInput{Name: str("Horizons Emploi"), Address: str("1 rue du Port")})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range []string{claire, paul} {
			u := w.account(e, signPassword)
			m := domain.Membership{UserID: u.ID, StructureID: st.ID, Referent: e == claire}
			if err := w.db.Update(w.ctx, func(tx store.Tx) error { return tx.AddMembership(w.ctx, &m) }); err != nil {
				t.Fatal(err)
			}
		}
		session, a := w.login(claire, signPassword)
		api, _, err := w.svc.CreateAPIToken(w.ctx, a, "cron", 0, service.ScopeAll)
		if err != nil {
			t.Fatal(err)
		}

		// Refusals change nothing.
		_, err = w.svc.DisableUser(w.ctx, a, service.DisableInput{Email: paul})
		wantErr(t, err, domain.ErrForbidden, "gestionnaire")
		_, err = w.svc.DisableUser(w.ctx, w.manager, service.DisableInput{Email: claire})
		wantErr(t, err, domain.ErrConflict, "--new-referent")
		_, err = w.svc.DisableUser(w.ctx, w.manager, service.DisableInput{Email: w.manager.Email})
		wantErr(t, err, domain.ErrForbidden, "your own account")
		_, err = w.svc.DisableUser(w.ctx, w.manager, service.DisableInput{Email: paul, NewReferent: claire})
		wantErr(t, err, domain.ErrInvalid, "new-referent")
		if _, err := w.svc.Authenticate(w.ctx, session); err != nil {
			t.Fatalf("a refused disable ended a session: %v", err)
		}

		res, err := w.svc.DisableUser(w.ctx, w.manager, service.DisableInput{Email: claire, Reason: "a quitté la structure", NewReferent: paul})
		if err != nil || res.TokensRevoked != 2 || len(res.ReferentHanded) != 1 || res.ReferentHanded[0].ReferentEmail != paul {
			t.Fatalf("disable: %+v, %v", res, err)
		}
		if s, _ := w.svc.Structure(w.ctx, w.manager, domain.StructureRef{ID: st.ID}); s.ReferentEmail != paul {
			t.Errorf("référent after the disable: %q, want %s", s.ReferentEmail, paul)
		}
		for name, tok := range map[string]string{"session": session, "API token": api} {
			if _, err := w.svc.Authenticate(w.ctx, tok); !errors.Is(err, domain.ErrForbidden) {
				t.Errorf("the %s still works after a disable: %v", name, err)
			}
		}
		w.refused(claire, wrongTyped)
		if _, _, err := w.svc.Login(w.ctx, claire, signPassword); !errors.Is(err, domain.ErrForbidden) {
			t.Fatalf("a disabled account signed in: %v", err)
		}
		ev := w.audit(service.ActionUserDisable)
		if len(ev) != 1 || !strings.Contains(ev[0].Details, "a quitté la structure") || ev[0].Target != claire {
			t.Errorf("disable audit: %+v", ev)
		}
		_, err = w.svc.DisableUser(w.ctx, w.manager, service.DisableInput{Email: claire})
		wantErr(t, err, domain.ErrConflict, "disabled")

		// The last active gestionnaire stays, whoever asks.
		other := w.account("second@cap-metiers.fr", signPassword)
		other.Manager = true
		if err := w.db.Update(w.ctx, func(tx store.Tx) error { return tx.UpdateUser(w.ctx, &other) }); err != nil {
			t.Fatal(err)
		}
		second := domain.Actor{UserID: other.ID, Email: other.Email, Manager: true}
		if _, err := w.svc.DisableUser(w.ctx, second, service.DisableInput{Email: w.manager.Email}); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.DisableUser(w.ctx, w.manager, service.DisableInput{Email: second.Email})
		if err == nil {
			t.Fatal("a disabled gestionnaire disabled the last active one")
		}
		if _, err := w.svc.EnableUser(w.ctx, second, w.manager.Email); err != nil {
			t.Fatal(err)
		}

		if _, err := w.svc.EnableUser(w.ctx, w.manager, claire); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.EnableUser(w.ctx, w.manager, claire)
		wantErr(t, err, domain.ErrConflict, "not disabled")
		w.login(claire, signPassword)
		if _, err := w.svc.Authenticate(w.ctx, api); !errors.Is(err, domain.ErrForbidden) {
			t.Error("an API token ended by a disable works again after enable")
		}
	})
}

func TestDisableReferentWithoutSuccessor(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSignWorld(t, dsn)
		st, err := w.svc.CreateStructure(w.ctx, w.manager, domain.StructureInput{Name: str("Horizons Emploi"), Address: str("1 rue du Port")})
		if err != nil {
			t.Fatal(err)
		}
		u := w.account("claire.martin@horizons.fr", signPassword)
		m := domain.Membership{UserID: u.ID, StructureID: st.ID, Referent: true}
		if err := w.db.Update(w.ctx, func(tx store.Tx) error { return tx.AddMembership(w.ctx, &m) }); err != nil {
			t.Fatal(err)
		}
		res, err := w.svc.DisableUser(w.ctx, w.manager, service.DisableInput{Email: u.Email, LeaveNoReferent: true})
		if err != nil || len(res.ReferentHanded) != 1 {
			t.Fatalf("disable --no-referent: %+v, %v", res, err)
		}
		if s, _ := w.svc.Structure(w.ctx, w.manager, domain.StructureRef{ID: st.ID}); s.ReferentEmail != "" {
			t.Errorf("référent after disable --no-referent: %q", s.ReferentEmail)
		}
	})
}

func TestConcurrentFailuresAllCount(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSignWorld(t, dsn)
		const lea = "lea.bernard@horizons.fr"
		w.account(lea, signPassword)
		const attempts = 2 * domain.MaxFailedSignIns
		var wg sync.WaitGroup
		errs := make(chan error, attempts)
		for range attempts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := w.svc.Login(w.ctx, lea, wrongTyped)
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if !errors.Is(err, domain.ErrForbidden) {
				t.Fatalf("a concurrent wrong sign-in: %v", err)
			}
		}
		if u := w.user(lea); !u.LockedAt(w.clock()) || u.LockCount != 1 {
			t.Fatalf("after %d concurrent failures: locked until %v, %d locks; want locked once", attempts, u.LockedUntil, u.LockCount)
		}
		if n := len(w.audit(service.ActionSignInFailed)); n != attempts {
			t.Errorf("%d failures audited, want %d", n, attempts)
		}
	})
}

func TestInvalidEmailIsAuditedWithoutTheText(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSignWorld(t, dsn)
		_, _, err := w.svc.Login(w.ctx, "mon mot de passe secret", wrongTyped)
		if !errors.Is(err, domain.ErrInvalid) {
			t.Fatalf("a sign-in with no e-mail address: %v", err)
		}
		ev := w.audit(service.ActionSignInFailed)
		if len(ev) != 1 || ev[0].Target != "" || !strings.Contains(ev[0].Details, "invalid_email") {
			t.Fatalf("audit: %+v", ev)
		}
		if found := w.rawSecrets("mon mot de passe secret", wrongTyped); len(found) > 0 {
			t.Fatalf("what was typed is in the database: %q", found)
		}
	})
}

// TestTemporaryPasswordNeverReplacesAChosenOne: between signing in with a temporary password
// and changing it, the account has no usable password, so anyone's sign-in attempt queues a
// new temporary one; if the person chose their password meanwhile, the message is dropped
// when it is sent, and their password stays.
func TestTemporaryPasswordNeverReplacesAChosenOne(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSignWorld(t, dsn)
		const claire = "claire.martin@horizons.fr"
		w.account(claire, "")
		w.refused(claire, "n'importe quoi")
		w.send()
		temp := w.temporaryMailed(claire)
		_, a := w.login(claire, temp)
		w.advance(domain.TemporaryMailInterval + time.Minute)
		w.refused(claire, "un essai de quelqu'un d'autre") // queues a new temporary password
		if n := w.secretMails(claire); n != 2 {
			t.Fatalf("%d temporary-password mails, want a second one queued", n)
		}
		if err := w.svc.ChangePassword(w.ctx, a, temp, "mon mot de passe choisi"); err != nil {
			t.Fatal(err)
		}
		if rep := w.send(); rep.Skipped != 1 {
			t.Errorf("delivery after the password was chosen: %+v, want the message dropped", rep)
		}
		w.login(claire, "mon mot de passe choisi")
	})
}

// TestPasswdGuessesCountTowardsTheLock: a wrong current password given to `user passwd` is a
// failed sign-in, audited, and five in a row lock the account, so that a stolen session is no
// way to guess the password.
func TestPasswdGuessesCountTowardsTheLock(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newSignWorld(t, dsn)
		const claire = "claire.martin@horizons.fr"
		w.account(claire, signPassword)
		_, a := w.login(claire, signPassword)
		for i := range domain.MaxFailedSignIns {
			err := w.svc.ChangePassword(w.ctx, a, fmt.Sprintf("essai numéro %d", i), "un nouveau mot de passe")
			if !errors.Is(err, domain.ErrForbidden) {
				t.Fatalf("passwd with a wrong current password: %v", err)
			}
		}
		if u := w.user(claire); !u.LockedAt(w.clock()) {
			t.Fatalf("after %d wrong current passwords the account is not locked: %+v", domain.MaxFailedSignIns, u.LockedUntil)
		}
		w.refused(claire, signPassword)
		// Locked, even the right current password is refused.
		if err := w.svc.ChangePassword(w.ctx, a, signPassword, "un nouveau mot de passe"); !errors.Is(err, domain.ErrForbidden) {
			t.Errorf("passwd while locked: %v", err)
		}
		failed, err := w.svc.Audit(w.ctx, w.manager, store.AuditQuery{Action: service.ActionSignInFailed}, "", nil)
		if err != nil || len(failed) < domain.MaxFailedSignIns {
			t.Errorf("%d failed sign-ins audited (%v), want the %d wrong current passwords", len(failed), err, domain.MaxFailedSignIns)
		}
	})
}
