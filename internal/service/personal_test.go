package service_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/testdb"
)

const (
	zoeEmail = "zoe.zabulon@horizons.fr"
	zoeLast  = "Zabulon"
)

// personWorld is a gestionnaire, a structure whose référent is Anne, and Zoé Zabulon: member of
// it with a profile, a pending affiliation elsewhere, a structure request asked from her
// address, a session and an API token, and mails to her and about her.
type personWorld struct {
	*signWorld
	a, b          domain.Structure
	anne, zoe     domain.Actor
	zoeSession    string
	zoeAPIToken   string
	structureReqs int64
}

func newPersonWorld(t *testing.T, dsn string) *personWorld {
	t.Helper()
	w := &personWorld{signWorld: newSignWorld(t, dsn)}
	ctx := w.ctx
	mk := func(name, city string) domain.Structure {
		st, err := w.svc.CreateStructure(ctx, w.manager, domain.StructureInput{Name: str(name), Address: str("1 rue Lormand"),
			PostalCode: str("64100"), City: str(city), Kinds: &[]domain.Kind{domain.KindTrainingOrg}})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	w.a, w.b = mk("Horizons Formation", "Bayonne"), mk("Atelier Océan", "Biarritz")
	register := func(email, first, last string, st domain.Structure, decider domain.Actor, profiles ...string) domain.Actor {
		r, u, err := w.svc.Register(ctx, domain.Anonymous, service.RegisterInput{Email: email, FirstName: first, LastName: last,
			Function: "Formatrice", Phone: "05 59 00 00 00", Structure: domain.StructureRef{ID: st.ID}, Password: signPassword})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Decide(ctx, decider, r.ID, service.DecideInput{Decision: domain.Approve, Profiles: profiles}); err != nil {
			t.Fatal(err)
		}
		return domain.Actor{UserID: u.ID, Email: u.Email}
	}
	w.anne = register("anne.martin@horizons.fr", "Anne", "Martin", w.a, w.manager)
	w.zoe = register("Zoe.Zabulon@Horizons.fr", "Zoé", zoeLast, w.a, w.anne, "rafael.of-general")
	if _, err := w.svc.Affiliate(ctx, w.zoe, domain.StructureRef{ID: w.b.ID}, ""); err != nil {
		t.Fatal(err)
	}
	req, err := w.svc.RequestStructure(ctx, domain.Anonymous, domain.StructureInput{Name: str("Zabulon Conseil"),
		Address: str("3 quai de la Nive"), PostalCode: str("64100"), City: str("Bayonne")}, "ZOE.ZABULON@horizons.fr")
	if err != nil {
		t.Fatal(err)
	}
	w.structureReqs = req.ID
	if w.zoeSession, _, err = w.svc.Login(ctx, zoeEmail, signPassword); err != nil {
		t.Fatal(err)
	}
	if w.zoeAPIToken, _, err = w.svc.CreateAPIToken(ctx, w.zoe, "script de Zabulon", 0, ""); err != nil {
		t.Fatal(err)
	}
	// A failed sign-in with her address in another case: audited with what was typed.
	if _, _, err := w.svc.Login(ctx, "ZOE.Zabulon@horizons.fr", wrongTyped); err == nil {
		t.Fatal("a wrong password signed in")
	}
	return w
}

func (w *personWorld) auditCount() int {
	w.t.Helper()
	var n int
	if err := w.db.SQL().QueryRowContext(w.ctx, `SELECT COUNT(*) FROM audit_events`).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// dump is every row of every table of the database as text, lower-cased.
func (w *personWorld) dump() string {
	w.t.Helper()
	ctx, db := w.ctx, w.db.SQL()
	var tables []string
	q := `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`
	if w.db.Dialect() == "postgres" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		w.t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			w.t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 8 {
		w.t.Fatalf("dump found only the tables %v", tables)
	}
	var b strings.Builder
	for _, table := range tables {
		rows, err := db.QueryContext(ctx, `SELECT * FROM `+table)
		if err != nil {
			w.t.Fatalf("dump %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				w.t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s:", table)
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, " %v", v)
			}
			b.WriteByte('\n')
		}
		rows.Close()
	}
	return strings.ToLower(b.String())
}

func TestPersonalDataAndErase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newPersonWorld(t, dsn)
		ctx := w.ctx

		// Before: the person reads everything held on her.
		d, err := w.svc.PersonalData(ctx, w.zoe, "")
		if err != nil {
			t.Fatal(err)
		}
		if d.User.Email != zoeEmail || len(d.Memberships) != 1 || len(d.Profiles) < 2 || len(d.Requests) != 3 ||
			len(d.Mails) == 0 || len(d.Tokens) != 2 || len(d.Terms) != 0 || d.Trainee != nil {
			t.Fatalf("personal data: user %q, %d memberships, %d profiles, %d requests, %d mails, %d tokens",
				d.User.Email, len(d.Memberships), len(d.Profiles), len(d.Requests), len(d.Mails), len(d.Tokens))
		}
		if d.User.PasswordHash != "" || d.Tokens[0].Hash != "" || d.Mails[0].Body != "" {
			t.Error("personal data shows a password hash, a token hash or a mail body")
		}
		actions := map[string]bool{}
		for _, e := range d.Audit {
			actions[e.Action] = true
		}
		for _, a := range []string{"request.create", "request.approve", "session.create", "token.create", "auth.sign-in-failed"} {
			if !actions[a] {
				t.Errorf("no %s event in her data: %v", a, actions)
			}
		}
		if n := len(w.auditOf("user.data")); n != 1 {
			t.Errorf("%d user.data events, want the reading audited once", n)
		}
		// The référent of her structure may not; nor anyone asking about an unknown address.
		_, err = w.svc.PersonalData(ctx, w.anne, zoeEmail)
		wantErr(t, err, domain.ErrForbidden, "")
		_, err = w.svc.PersonalData(ctx, w.anne, "personne@nulle-part.fr")
		wantErr(t, err, domain.ErrForbidden, "")
		if _, err := w.svc.PersonalData(ctx, w.manager, zoeEmail); err != nil {
			t.Fatal(err)
		}

		// Who may not erase, and whom.
		_, err = w.svc.EraseUser(ctx, w.anne, zoeEmail)
		wantErr(t, err, domain.ErrForbidden, "")
		_, err = w.svc.EraseUser(ctx, w.manager, w.anne.Email)
		wantErr(t, err, domain.ErrConflict, "Horizons Formation")
		_, err = w.svc.EraseUser(ctx, w.manager, w.manager.Email)
		wantErr(t, err, domain.ErrForbidden, "")

		if dump := w.dump(); !strings.Contains(dump, zoeEmail) || !strings.Contains(dump, "zabulon conseil") {
			t.Fatal("the dump does not show her before the erasure: it would prove nothing after")
		}
		// She changed her address, and a gestionnaire her last name: the earlier ones go too.
		if _, err := w.svc.UpdateUser(ctx, w.zoe, "", service.UserUpdate{Email: str("zoe.ortiz@ocean.fr"), Password: signPassword}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.UpdateUser(ctx, w.manager, "zoe.ortiz@ocean.fr", service.UserUpdate{LastName: str("Ortiz")}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.ResetPassword(ctx, w.manager, "zoe.ortiz@ocean.fr"); err != nil {
			t.Fatal(err)
		}
		if d, err := w.svc.PersonalData(ctx, w.manager, "zoe.ortiz@ocean.fr"); err != nil || len(d.Requests) != 3 {
			t.Fatalf("her data under her new address: %d requests, %v", len(d.Requests), err)
		}
		before := w.auditCount()
		res, err := w.svc.EraseUser(ctx, w.manager, "Zoe.Ortiz@ocean.fr")
		if err != nil {
			t.Fatal(err)
		}
		pseudonym := domain.Pseudonym(w.zoe.UserID)
		if res.Pseudonym != pseudonym || res.MembershipsEnded != 1 || res.RequestsClosed != 2 || // the reset ended her tokens
			res.MailsDeleted == 0 || res.AuditRewritten == 0 {
			t.Errorf("erase result: %+v", res)
		}
		if after := w.auditCount(); after != before+1 {
			t.Errorf("audit events: %d before, %d after, want the trail kept plus the erasure", before, after)
		}

		// The e-mail and the last name are nowhere in the database.
		dump := w.dump()
		for _, needle := range []string{zoeEmail, strings.ToLower(zoeLast), "zoe.ortiz@ocean.fr", "ortiz"} {
			if i := strings.Index(dump, needle); i >= 0 {
				t.Errorf("%q still in the database: …%s…", needle, dump[max(0, i-200):min(len(dump), i+100)])
			}
		}
		if !strings.Contains(dump, pseudonym) {
			t.Error("the pseudonym is nowhere in the database")
		}
		if w.db.Dialect() == "sqlite" {
			path := w.db.Target().Path
			for _, f := range []string{path, path + "-wal"} {
				raw, err := os.ReadFile(f)
				if errors.Is(err, os.ErrNotExist) {
					continue
				} else if err != nil {
					t.Fatal(err)
				}
				low := bytes.ToLower(raw)
				for _, needle := range []string{"zabulon", "zoe.zabulon", "ortiz"} {
					if bytes.Contains(low, []byte(needle)) {
						t.Errorf("%q is still in the bytes of %s", needle, f)
					}
				}
			}
		}

		// The account is gone for every purpose but history.
		if _, err := w.svc.Authenticate(ctx, w.zoeSession); err == nil {
			t.Error("her session still works")
		}
		if _, err := w.svc.Authenticate(ctx, w.zoeAPIToken); err == nil {
			t.Error("her API token still works")
		}
		if _, _, err := w.svc.Login(ctx, zoeEmail, signPassword); err == nil {
			t.Error("she still signs in")
		}
		_, err = w.svc.EraseUser(ctx, w.manager, pseudonym)
		wantErr(t, err, domain.ErrConflict, pseudonym)
		after, err := w.svc.PersonalData(ctx, w.manager, pseudonym)
		if err != nil {
			t.Fatal(err)
		}
		if after.User.ErasedAt == nil || after.User.Status != domain.UserDisabled || after.User.Phone != "" ||
			after.User.LastName != pseudonym || len(after.Mails) != 0 {
			t.Errorf("after the erasure: %+v, %d mails", after.User, len(after.Mails))
		}
		for _, m := range after.Memberships {
			if m.Active() {
				t.Error("a membership is still active")
			}
		}
		for _, g := range after.Profiles {
			if g.RevokedAt == nil {
				t.Errorf("profile %s still held", g.Profile)
			}
		}
		for _, r := range after.Requests {
			if r.Status == domain.StatusPending {
				t.Errorf("request %d still pending", r.ID)
			}
		}
		if len(after.Audit) < len(d.Audit) {
			t.Errorf("%d audit events name the pseudonym, %d named her", len(after.Audit), len(d.Audit))
		}
		erase := w.auditOf("user.erase")
		if len(erase) != 1 || erase[0].Target != pseudonym || erase[0].ActorID != w.manager.UserID {
			t.Errorf("erasure audit: %+v", erase)
		}
		// Nothing is ever queued to the pseudonym.
		if err := w.db.Update(ctx, func(tx store.Tx) error {
			return tx.EnqueueMail(ctx, &domain.Mail{To: pseudonym, Subject: "x", Body: "y"})
		}); err != nil {
			t.Fatal(err)
		}
		if ms := mailsTo(w.outbox(), pseudonym); len(ms) != 0 {
			t.Errorf("a mail was queued to the pseudonym: %q", ms)
		}
		// Anne, Zoé's référent, is intact.
		if d, err := w.svc.PersonalData(ctx, w.anne, ""); err != nil || d.User.LastName != "Martin" || len(d.Memberships) != 1 {
			t.Errorf("Anne after Zoé's erasure: %+v, %v", d.User, err)
		}
	})
}

func (w *personWorld) auditOf(action string) []domain.AuditEvent {
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

func (w *personWorld) outbox() []domain.Mail {
	w.t.Helper()
	var ms []domain.Mail
	if err := w.db.View(w.ctx, func(tx store.Tx) error {
		var err error
		ms, err = tx.ListMail(w.ctx, store.MailQuery{})
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
	return ms
}

// The audit trail stays append-only outside the two permitted paths, on both engines.
func TestAuditStaysAppendOnly(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newPersonWorld(t, dsn)
		ctx, db := context.Background(), w.db.SQL()
		for _, q := range []string{
			`UPDATE audit_events SET actor = 'x'`,
			`UPDATE audit_events SET details = '{}'`,
			`DELETE FROM audit_events`,
		} {
			if _, err := db.ExecContext(ctx, q); err == nil {
				t.Errorf("%s: accepted", q)
			}
		}
	})
}

func TestPrune(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newPersonWorld(t, dsn)
		ctx := w.ctx
		// Anne rejects Zoé's affiliation: a decided request, today.
		reqs, err := w.svc.ListRequests(ctx, w.manager, service.RequestFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range reqs {
			if r.Kind == domain.RequestAffiliation {
				if _, err := w.svc.Decide(ctx, w.manager, r.ID, service.DecideInput{Decision: domain.Reject, Reason: "inconnue"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		old := w.auditCount()
		w.advance(400 * 24 * time.Hour)
		if _, err := w.svc.CreateStructure(ctx, w.manager, domain.StructureInput{Name: str("Récente"), Address: str("2 rue Neuve"),
			PostalCode: str("64100"), City: str("Bayonne")}); err != nil {
			t.Fatal(err)
		}
		year, _ := domain.ParseRetention("audit", "1y")
		_, err = w.svc.Prune(ctx, w.anne, service.PruneInput{Audit: &year, Requests: &year})
		wantErr(t, err, domain.ErrForbidden, "")

		dry, err := w.svc.Prune(ctx, w.manager, service.PruneInput{Audit: &year, Requests: &year, DryRun: true})
		if err != nil || dry.AuditRemoved != old || dry.RequestsRemoved < 3 {
			t.Fatalf("dry run: %+v, %v (audit events before: %d)", dry, err, old)
		}
		if n := w.auditCount(); n != old+1 {
			t.Fatalf("the dry run changed the trail: %d events, want %d", n, old+1)
		}
		forever, _ := domain.ParseRetention("audit", "forever")
		res, err := w.svc.Prune(ctx, w.manager, service.PruneInput{Audit: &year, Requests: &forever})
		if err != nil || res.AuditRemoved != old || res.RequestsRemoved != 0 {
			t.Fatalf("prune: %+v, %v", res, err)
		}
		if n := w.auditCount(); n != 2 {
			t.Errorf("%d events after the prune, want the recent one and the prune's own", n)
		}
		if ev := w.auditOf("audit.prune"); len(ev) != 1 || !strings.Contains(ev[0].Details, `"audit_removed":`+fmt.Sprint(old)) {
			t.Errorf("prune audit: %+v", ev)
		}
		res, err = w.svc.Prune(ctx, w.manager, service.PruneInput{Audit: &forever, Requests: &year})
		if err != nil || res.RequestsRemoved != dry.RequestsRemoved {
			t.Fatalf("prune requests: %+v, %v", res, err)
		}
		left, err := w.svc.ListRequests(ctx, w.manager, service.RequestFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range left {
			if r.Status != domain.StatusPending {
				t.Errorf("decided request %d kept", r.ID)
			}
		}

		// Without a retention given, the portal's settings apply.
		_, err = w.svc.SetSetting(ctx, w.manager, domain.SettingRetentionAudit, "5x")
		wantErr(t, err, domain.ErrInvalid, "")
		if _, err := w.svc.SetSetting(ctx, w.manager, domain.SettingRetentionAudit, "1D"); err != nil {
			t.Fatal(err)
		}
		w.advance(48 * time.Hour)
		res, err = w.svc.Prune(ctx, w.manager, service.PruneInput{})
		if err != nil || res.Audit.String() != "1d" || !res.Requests.IsForever() || res.AuditRemoved == 0 {
			t.Fatalf("prune with the settings: %+v, %v", res, err)
		}
	})
}

// Changes that name the person, made while she is erased, either come before the erasure (and
// are rewritten with the rest) or find no account after it: none leaves her e-mail behind.
func TestEraseWhileOthersWrite(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newPersonWorld(t, dsn)
		ctx := w.ctx
		var wg sync.WaitGroup
		errs := make(chan error, 200)
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 15 {
					phone := fmt.Sprintf("05 59 %02d %02d 00", g, i)
					_, err := w.svc.UpdateUser(ctx, w.manager, zoeEmail, service.UserUpdate{Phone: &phone})
					if err != nil && !errors.Is(err, domain.ErrNotFound) {
						errs <- err
					}
				}
			}()
		}
		if _, err := w.svc.EraseUser(ctx, w.manager, zoeEmail); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("a concurrent change: %v", err)
		}
		if dump := w.dump(); strings.Contains(dump, zoeEmail) || strings.Contains(dump, "zabulon") {
			t.Error("her e-mail or name is still in the database after concurrent changes")
		}
		d, err := w.svc.PersonalData(ctx, w.manager, domain.Pseudonym(w.zoe.UserID))
		if err != nil || d.User.Phone != "" {
			t.Errorf("erased account after concurrent changes: phone %q, %v", d.User.Phone, err)
		}
	})
}

// TestEraseLeavesNamesakesAlone: a row that names the person only by their full name is
// someone else's (a namesake, a structure called like them), and an erasure leaves it as it is.
func TestEraseLeavesNamesakesAlone(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newPersonWorld(t, dsn)
		name := "Zoé " + zoeLast
		r, err := w.svc.RequestStructure(w.ctx, domain.Anonymous, domain.StructureInput{Name: &name,
			Address: str("3 rue des Homonymes"), PostalCode: str("33000"), City: str("Bordeaux")}, "homonyme@ailleurs.fr")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.EraseUser(w.ctx, w.manager, zoeEmail); err != nil {
			t.Fatal(err)
		}
		got, err := w.svc.Request(w.ctx, w.manager, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Structure.Name != name || got.RequesterEmail != "homonyme@ailleurs.fr" {
			t.Errorf("a namesake's request after the erasure: structure %q, requester %q", got.Structure.Name, got.RequesterEmail)
		}
	})
}

// TestEraseDeletesTheDocumentsTheyJoined: a structure request filed without signing in, with
// the person's address as requester, carries a mandate naming them: it goes with the erasure.
func TestEraseDeletesTheDocumentsTheyJoined(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newPersonWorld(t, dsn)
		mandate, err := domain.NewDocument("mandate", domain.DocumentMandate, "mandat Zabulon.pdf", []byte("%PDF-1.7 mandat"))
		if err != nil {
			t.Fatal(err)
		}
		day := w.clock().Truncate(24*time.Hour).AddDate(0, 0, -3) // the world's clock
		name := "Agence des Essais"
		r, err := w.svc.RequestEntity(w.ctx, domain.Anonymous, service.EntityRequestInput{RequesterEmail: zoeEmail,
			Structure: domain.StructureInput{Name: &name, Address: str("1 rue de la Paix"), PostalCode: str("75002"), City: str("Paris")},
			NoSIRET:   true, Mandate: &mandate, MandateDate: &day})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.RequestDocument(w.ctx, w.manager, r.ID, "mandate"); err != nil {
			t.Fatalf("the mandate before the erasure: %v", err)
		}
		if _, err := w.svc.EraseUser(w.ctx, w.manager, zoeEmail); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.RequestDocument(w.ctx, w.manager, r.ID, "mandate"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("the mandate after the erasure of its requester: %v", err)
		}
	})
}
