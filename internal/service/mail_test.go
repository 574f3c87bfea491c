package service_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/mail"
	"github.com/profil-cli/profil/internal/mail/mailtest"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

var outboxManager = domain.Actor{UserID: 1, Email: "jeanne.durand@cap-metiers.fr", Manager: true}

// outboxClock is a store clock the test moves by hand.
type outboxClock struct {
	mu  sync.Mutex
	now time.Time
}

func newOutboxClock() *outboxClock {
	return &outboxClock{now: time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)}
}

func (c *outboxClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *outboxClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// openOutboxStore opens (and migrates) the database at dsn: each call is a new connection pool, as
// another process would have.
func openOutboxStore(t *testing.T, dsn string, c *outboxClock) *sqlstore.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

func outboxEnqueue(t *testing.T, st store.Store, mails ...domain.Mail) []domain.Mail {
	t.Helper()
	err := st.Update(context.Background(), func(tx store.Tx) error {
		for i := range mails {
			if err := tx.EnqueueMail(context.Background(), &mails[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return mails
}

func outboxRows(t *testing.T, st store.Store) map[int64]domain.Mail {
	t.Helper()
	out := map[int64]domain.Mail{}
	err := st.View(context.Background(), func(tx store.Tx) error {
		ms, err := tx.ListMail(context.Background(), store.MailQuery{})
		for _, m := range ms {
			out[m.ID] = m
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func outboxSender(t *testing.T, srv *mailtest.Server) *mail.Sender {
	t.Helper()
	cfg, err := mail.ParseSMTPURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Timeout = 10 * time.Second
	s, err := mail.NewSender(cfg, "Cap Métiers <comptes@cap-metiers.fr>")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func outboxFrenchMails() []domain.Mail {
	return []domain.Mail{
		{To: "elodie.durand@example.fr", Subject: "Compte validé : Cap Métiers Nouvelle-Aquitaine",
			Body: "Bonjour Élodie Durand,\n\nVotre compte est rattaché à la structure « Cap Métiers ».\nVous êtes le ou la référent·e.\n"},
		{To: "jean.dupont@example.fr", Subject: "Demande refusée : GRETA Sud-Aquitaine",
			Body: "Bonjour,\n\nVotre demande a été refusée.\nMotif : la structure n'est pas éligible (« ça arrive »).\n"},
		{To: "marie.lefevre@example.fr", Subject: "Votre nouveau mot de passe — à changer",
			Body: "Bonjour Marie Lefèvre,\n\nUn mot de passe provisoire a été créé : Été-2026-çà\n"},
	}
}

// outboxReceived counts the messages the server accepted, by subject, and checks each against the
// outbox message of the same subject.
func outboxReceived(t *testing.T, srv *mailtest.Server, want []domain.Mail) map[string]int {
	t.Helper()
	bySubject := map[string]domain.Mail{}
	for _, m := range want {
		bySubject[m.Subject] = m
	}
	count := map[string]int{}
	for _, got := range srv.Messages() {
		w, ok := bySubject[got.Subject]
		if !ok {
			t.Errorf("server received an unexpected message: subject %q", got.Subject)
			continue
		}
		count[got.Subject]++
		if len(got.To) != 1 || got.To[0] != w.To {
			t.Errorf("%q went to %v, want %s", got.Subject, got.To, w.To)
		}
		if to := got.Header.Get("To"); !strings.Contains(to, w.To) {
			t.Errorf("%q: To header %q, want %s", got.Subject, to, w.To)
		}
		if body := strings.ReplaceAll(got.Body, "\r\n", "\n"); body != w.Body {
			t.Errorf("%q: body %q, want %q", got.Subject, body, w.Body)
		}
	}
	return count
}

func TestDeliverMail(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		c := newOutboxClock()
		st := openOutboxStore(t, dsn, c)
		svc := service.New(st)
		mails := outboxEnqueue(t, st, outboxFrenchMails()...)
		srv := mailtest.NewServer(t, mailtest.Options{})
		sender := outboxSender(t, srv)

		// Each delivery happens after its claim committed, outside any transaction: the
		// message reads as "sending" from another connection, and the database takes a write.
		probe := errors.New("probe")
		deliver := func(ctx context.Context, m domain.Mail) error {
			if got := outboxRows(t, st)[m.ID]; got.Status != domain.MailSending {
				t.Errorf("message %d is %s while being delivered, want sending (claim committed)", m.ID, got.Status)
			}
			wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			defer cancel()
			if err := st.Update(wctx, func(store.Tx) error { return probe }); !errors.Is(err, probe) {
				t.Errorf("a write during the delivery of %d: %v (a transaction is held open)", m.ID, err)
			}
			return sender.Deliver(ctx, m)
		}
		report, err := svc.DeliverMail(ctx, outboxManager, deliver, 2)
		if err != nil {
			t.Fatal(err)
		}
		if report.Sent != 3 || report.Failed != 0 || report.Remaining != 0 || len(report.Results) != 3 {
			t.Fatalf("report %+v, want 3 sent, none failed or left", report)
		}
		for subject, n := range outboxReceived(t, srv, mails) {
			if n != 1 {
				t.Errorf("%q received %d times, want once", subject, n)
			}
		}
		if n := len(srv.Messages()); n != 3 {
			t.Errorf("server received %d messages, want 3", n)
		}
		if n := srv.Connections(); n != 1 {
			t.Errorf("%d SMTP connections for the run (two batches), want 1", n)
		}
		for _, m := range mails {
			got := outboxRows(t, st)[m.ID]
			if got.Status != domain.MailSent || got.SentAt == nil || !got.SentAt.Equal(c.Now()) || got.Attempts != 0 {
				t.Errorf("message %d after delivery: %+v, want sent at %v", m.ID, got, c.Now())
			}
		}

		// Nothing is due any more: a second run sends nothing, even much later.
		c.Add(24 * time.Hour)
		report, err = svc.DeliverMail(ctx, outboxManager, sender.Deliver, 2)
		if err != nil || report.Sent != 0 || report.Failed != 0 {
			t.Errorf("second run: %+v, %v; want nothing done", report, err)
		}
		if n := len(srv.Messages()); n != 3 {
			t.Errorf("server holds %d messages after the second run, want 3", n)
		}
	})
}

func TestDeliverMailRefused(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		c := newOutboxClock()
		st := openOutboxStore(t, dsn, c)
		svc := service.New(st)
		mails := outboxEnqueue(t, st, outboxFrenchMails()...)
		srv := mailtest.NewServer(t, mailtest.Options{})
		refuseRcpt := func(to string) error {
			if strings.HasPrefix(to, "jean.dupont") {
				return mailtest.Reply(550, "5.1.1 Adresse inconnue")
			}
			return nil
		}
		refuseData := func(m mailtest.Message) error {
			if strings.HasPrefix(m.Subject, "Votre nouveau") {
				return mailtest.Reply(451, "4.3.0 Réessayez plus tard")
			}
			return nil
		}
		srv.SetOptions(refuseRcpt, refuseData)
		sender := outboxSender(t, srv)

		report, err := svc.DeliverMail(ctx, outboxManager, sender.Deliver, 10)
		if err != nil {
			t.Fatal(err)
		}
		if report.Sent != 1 || report.Failed != 2 || report.Remaining != 2 {
			t.Fatalf("report %+v, want 1 sent, 2 failed, 2 remaining", report)
		}
		retryAt := c.Now().Add(domain.MailRetryDelay(1))
		for _, m := range mails[1:] {
			got := outboxRows(t, st)[m.ID]
			if got.Status != domain.MailPending || got.Attempts != 1 || got.LastError == "" ||
				!got.NextAttemptAt.Equal(retryAt) || got.ClaimedUntil != nil {
				t.Errorf("refused message %d: %+v; want pending, attempts 1, an error, retried at %v", m.ID, got, retryAt)
			}
		}
		if e := outboxRows(t, st)[mails[1].ID].LastError; !strings.Contains(e, "550") || !strings.Contains(e, "Adresse inconnue") {
			t.Errorf("last_error %q, want the server's 550 answer", e)
		}
		if e := outboxRows(t, st)[mails[2].ID].LastError; !strings.Contains(e, "451") || !strings.Contains(e, "Réessayez") {
			t.Errorf("last_error %q, want the server's 451 answer", e)
		}
		for _, r := range report.Results {
			if !r.Sent && (r.Error == "" || r.Attempts != 1 || !r.NextTry.Equal(retryAt)) {
				t.Errorf("result %+v: want the error, attempt 1 and the next try", r)
			}
		}

		// Before the retry time, the next run sends nothing.
		srv.SetOptions(nil, nil)
		c.Add(domain.MailRetryDelay(1) - time.Second)
		report, err = svc.DeliverMail(ctx, outboxManager, sender.Deliver, 10)
		if err != nil || report.Sent != 0 || report.Failed != 0 || report.Remaining != 2 {
			t.Fatalf("run before the retry time: %+v, %v; want nothing done, 2 remaining", report, err)
		}
		if n := len(srv.Messages()); n != 1 {
			t.Fatalf("server holds %d messages, want 1", n)
		}

		// Once it has come, they go, each exactly once.
		c.Add(time.Second)
		report, err = svc.DeliverMail(ctx, outboxManager, sender.Deliver, 10)
		if err != nil || report.Sent != 2 || report.Failed != 0 || report.Remaining != 0 {
			t.Fatalf("run at the retry time: %+v, %v; want 2 sent", report, err)
		}
		for subject, n := range outboxReceived(t, srv, mails) {
			if n != 1 {
				t.Errorf("%q received %d times, want once", subject, n)
			}
		}
		if got := outboxRows(t, st)[mails[1].ID]; got.Status != domain.MailSent || got.Attempts != 1 {
			t.Errorf("retried message: %+v, want sent with 1 failed attempt on record", got)
		}
	})
}

func TestDeliverMailServerDown(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		c := newOutboxClock()
		st := openOutboxStore(t, dsn, c)
		mails := outboxEnqueue(t, st, outboxFrenchMails()...)
		cfg := mail.Config{Host: "127.0.0.1", Port: 1, Security: mail.NoTLS, Timeout: 2 * time.Second}
		sender, err := mail.NewSender(cfg, "")
		if err != nil {
			t.Fatal(err)
		}
		report, err := service.New(st).DeliverMail(context.Background(), outboxManager, sender.Deliver, 10)
		if err != nil {
			t.Fatal(err)
		}
		if report.Sent != 0 || report.Failed != 3 || report.Remaining != 3 {
			t.Fatalf("report %+v, want 3 failed and still queued", report)
		}
		for _, m := range mails {
			if got := outboxRows(t, st)[m.ID]; got.Status != domain.MailPending || !strings.Contains(got.LastError, "127.0.0.1:1") {
				t.Errorf("message %d: %+v", m.ID, got)
			}
		}
	})
}

func TestDeliverMailConcurrentSenders(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		c := newOutboxClock()
		first := openOutboxStore(t, dsn, c)
		second := openOutboxStore(t, dsn, c) // a second pool on the same database, like another process
		var mails []domain.Mail
		for i := range 40 {
			mails = append(mails, domain.Mail{To: fmt.Sprintf("personne%02d@example.fr", i),
				Subject: fmt.Sprintf("Compte validé n° %02d : Cap Métiers", i), Body: fmt.Sprintf("Bonjour n° %d,\n\nVotre compte est validé.\n", i)})
		}
		mails = outboxEnqueue(t, first, mails...)
		srv := mailtest.NewServer(t, mailtest.Options{})

		// Each sender's first delivery waits until the other's has begun: both then hold a
		// claimed batch at the same moment, which the outbox must not have handed to both.
		var mu sync.Mutex
		arrived := 0
		bothIn := make(chan struct{})
		var wg sync.WaitGroup
		reports := make([]service.MailReport, 2)
		errs := make([]error, 2)
		const batch = 3
		for i, st := range []store.Store{first, second} {
			sender := outboxSender(t, srv)
			wg.Add(1)
			go func() {
				defer wg.Done()
				waited := false
				deliver := func(ctx context.Context, m domain.Mail) error {
					if !waited {
						waited = true
						mu.Lock()
						if arrived++; arrived == 2 {
							close(bothIn)
						}
						mu.Unlock()
						select {
						case <-bothIn:
						case <-time.After(30 * time.Second):
							err := fmt.Errorf("sender %d: the other sender claimed nothing while this one held its first batch", i+1)
							t.Error(err)
							return err
						}
					}
					return sender.Deliver(ctx, m)
				}
				reports[i], errs[i] = service.New(st).DeliverMail(ctx, outboxManager, deliver, batch)
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("sender %d: %v", i, err)
			}
		}
		t.Logf("sender 1 sent %d, sender 2 sent %d", reports[0].Sent, reports[1].Sent)
		if sent := reports[0].Sent + reports[1].Sent; sent != len(mails) || reports[0].Failed+reports[1].Failed != 0 {
			t.Errorf("reports %+v and %+v, want %d sent in all", reports[0], reports[1], len(mails))
		}
		for i, r := range reports {
			if r.Sent < batch {
				t.Errorf("sender %d sent %d, want at least its first batch of %d", i+1, r.Sent, batch)
			}
		}
		count := outboxReceived(t, srv, mails)
		for _, m := range mails {
			if count[m.Subject] != 1 {
				t.Errorf("%q received %d times, want exactly once", m.Subject, count[m.Subject])
			}
		}
		if n := len(srv.Messages()); n != len(mails) {
			t.Errorf("server received %d messages, want %d", n, len(mails))
		}
		for id, m := range outboxRows(t, first) {
			if m.Status != domain.MailSent {
				t.Errorf("message %d is %s", id, m.Status)
			}
		}
	})
}

func TestDeliverMailLeaseExpired(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		c := newOutboxClock()
		st := openOutboxStore(t, dsn, c)
		mails := outboxEnqueue(t, st, outboxFrenchMails()[:1]...)
		// A sender claimed the message and died.
		err := st.Update(ctx, func(tx store.Tx) error {
			_, err := tx.ClaimMail(ctx, 10, tx.Now().Add(service.MailLease))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		srv := mailtest.NewServer(t, mailtest.Options{})
		sender := outboxSender(t, srv)
		svc := service.New(st)
		if r, err := svc.DeliverMail(ctx, outboxManager, sender.Deliver, 10); err != nil || r.Sent != 0 || r.Remaining != 1 {
			t.Fatalf("run while the lease runs: %+v, %v; want nothing sent, 1 remaining", r, err)
		}
		c.Add(service.MailLease + time.Second)
		if r, err := svc.DeliverMail(ctx, outboxManager, sender.Deliver, 10); err != nil || r.Sent != 1 {
			t.Fatalf("run after the lease ended: %+v, %v; want the message sent", r, err)
		}
		if got := outboxRows(t, st)[mails[0].ID]; got.Status != domain.MailSent {
			t.Errorf("message: %+v", got)
		}
	})
}

func TestMailOutboxNeedsManager(t *testing.T) {
	c := newOutboxClock()
	st := openOutboxStore(t, testdb.SQLite(t), c)
	outboxEnqueue(t, st, outboxFrenchMails()[:1]...)
	svc := service.New(st)
	called := false
	deliver := func(context.Context, domain.Mail) error { called = true; return nil }
	for _, actor := range []domain.Actor{domain.Anonymous, {UserID: 7, Email: "referent@example.fr"}} {
		if _, err := svc.ListMail(context.Background(), actor, false); !errors.Is(err, domain.ErrForbidden) {
			t.Errorf("ListMail as %s: %v, want ErrForbidden", actor.Label(), err)
		}
		if _, err := svc.DeliverMail(context.Background(), actor, deliver, 10); !errors.Is(err, domain.ErrForbidden) {
			t.Errorf("DeliverMail as %s: %v, want ErrForbidden", actor.Label(), err)
		}
	}
	if called {
		t.Error("a message was delivered for an actor who may not send")
	}
	if got := outboxRows(t, st); len(got) != 1 || got[1].Status != domain.MailPending {
		t.Errorf("outbox changed: %+v", got)
	}
}

func TestListMailPending(t *testing.T) {
	c := newOutboxClock()
	st := openOutboxStore(t, testdb.SQLite(t), c)
	mails := outboxEnqueue(t, st, outboxFrenchMails()...)
	svc := service.New(st)
	ctx := context.Background()
	// Reading the outbox is audited: the reader is a real account.
	u, err := svc.Bootstrap(ctx, service.BootstrapInput{Email: outboxManager.Email, LastName: "Durand", Password: "un mot de passe solide"})
	if err != nil {
		t.Fatal(err)
	}
	outboxManager := domain.Actor{UserID: u.ID, Email: u.Email, Manager: true}
	fail := errors.New("452 4.2.2 mailbox full")
	deliver := func(_ context.Context, m domain.Mail) error {
		if m.ID == mails[1].ID {
			return fail
		}
		return nil
	}
	if _, err := svc.DeliverMail(ctx, outboxManager, deliver, 10); err != nil {
		t.Fatal(err)
	}
	all, err := svc.ListMail(ctx, outboxManager, false)
	if err != nil || len(all) != 3 {
		t.Fatalf("ListMail: %d messages, %v", len(all), err)
	}
	pending, err := svc.ListMail(ctx, outboxManager, true)
	if err != nil || len(pending) != 1 || pending[0].ID != mails[1].ID || pending[0].LastError != fail.Error() {
		t.Fatalf("ListMail pending: %+v, %v; want message %d with its error", pending, err, mails[1].ID)
	}
	events, err := svc.Audit(ctx, outboxManager, store.AuditQuery{Action: service.ActionMailListRead}, "", nil)
	if err != nil || len(events) != 2 || events[0].Actor != outboxManager.Email {
		t.Fatalf("reading the outbox twice left %d audit events (%v), want 2 naming the reader", len(events), err)
	}
}

func TestDeliverMailCleansErrorText(t *testing.T) {
	// PostgreSQL refuses invalid UTF-8 in TEXT: what a server answers must be cleaned first.
	testdb.Each(t, func(t *testing.T, dsn string) {
		st := openOutboxStore(t, dsn, newOutboxClock())
		mails := outboxEnqueue(t, st, outboxFrenchMails()[:1]...)
		long := "550 \xff\xfe bad bytes\r\nsecond line " + strings.Repeat("é", 2000)
		_, err := service.New(st).DeliverMail(context.Background(), outboxManager, func(context.Context, domain.Mail) error {
			return errors.New(long)
		}, 10)
		if err != nil {
			t.Fatal(err)
		}
		got := outboxRows(t, st)[mails[0].ID].LastError
		if strings.ContainsAny(got, "\r\n") || !utf8.ValidString(got) || len(got) > 1100 ||
			!strings.HasPrefix(got, "550 ? bad bytes second line é") {
			t.Errorf("last_error %q (%d bytes): want one line of valid UTF-8, bounded", got, len(got))
		}
	})
}
