package mail_test

import (
	"context"
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/mail"
	"github.com/profil-cli/profil/internal/mail/mailtest"
)

var created = time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)

func frenchMails() []domain.Mail {
	return []domain.Mail{
		{ID: 1, CreatedAt: created, To: "elodie.durand@example.fr", Subject: "Compte validé : Cap Métiers Nouvelle-Aquitaine",
			Body: "Bonjour Élodie Durand,\n\nVotre compte est rattaché à la structure « Cap Métiers ».\nVous êtes le ou la référent·e : à bientôt !\n"},
		{ID: 2, CreatedAt: created, To: "jean.dupont@example.fr", Subject: "Demande refusée : GRETA Sud-Aquitaine",
			Body: "Bonjour,\n\nMotif : la structure n'est pas éligible (« ça arrive »).\n" + strings.Repeat("Une très longue ligne, pour voir les coupures douces du quoted-printable. ", 5) + "\n"},
		{ID: 3, CreatedAt: created, To: "marie@example.fr", Subject: "Plain ASCII subject", Body: "Hello.\n"},
	}
}

func newSender(t *testing.T, rawURL, from string, edit func(*mail.Config)) *mail.Sender {
	t.Helper()
	cfg, err := mail.ParseSMTPURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Timeout = 5 * time.Second
	if edit != nil {
		edit(&cfg)
	}
	s, err := mail.NewSender(cfg, from)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func crlfToLF(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// checkReceived asserts the server got exactly the messages want, in order, intact.
func checkReceived(t *testing.T, got []mailtest.Message, want []domain.Mail) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("server received %d messages, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if len(g.To) != 1 || g.To[0] != w.To {
			t.Errorf("message %d: RCPT TO %v, want %s", w.ID, g.To, w.To)
		}
		if g.Subject != w.Subject {
			t.Errorf("message %d: Subject %q, want %q", w.ID, g.Subject, w.Subject)
		}
		if crlfToLF(g.Body) != w.Body {
			t.Errorf("message %d: body %q, want %q", w.ID, g.Body, w.Body)
		}
		for _, line := range strings.Split(string(g.Raw), "\r\n") {
			if len(line) > 998 {
				t.Errorf("message %d: a line of %d bytes (SMTP allows 998)", w.ID, len(line))
			}
			for _, c := range []byte(line) {
				if c >= 0x80 {
					t.Fatalf("message %d: 8-bit byte on the wire in %q: the text must be encoded", w.ID, line)
				}
			}
		}
	}
}

func TestSenderDeliversFrenchTextOnOneConnection(t *testing.T) {
	srv := mailtest.NewServer(t, mailtest.Options{})
	s := newSender(t, srv.URL(), "", nil)
	ctx := context.Background()
	mails := frenchMails()
	for _, m := range mails {
		if err := s.Deliver(ctx, m); err != nil {
			t.Fatalf("Deliver %d: %v", m.ID, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	got := srv.Messages()
	checkReceived(t, got, mails)
	if n := srv.Connections(); n != 1 {
		t.Errorf("%d SMTP connections for one run, want 1", n)
	}
	h := got[0].Header
	if from := h.Get("From"); !strings.Contains(from, "no-reply@localhost") || got[0].From != "no-reply@localhost" {
		t.Errorf("From header %q, MAIL FROM %q; want the default no-reply@localhost", from, got[0].From)
	}
	if ct := h.Get("Content-Type"); !strings.Contains(strings.ToLower(ct), "charset=utf-8") || !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q, want text/plain UTF-8", ct)
	}
	if id := h.Get("Message-Id"); !strings.HasPrefix(id, "<profil.1.") || !strings.HasSuffix(id, "@localhost>") {
		t.Errorf("Message-ID %q, want one made from the outbox row", id)
	}
	if h.Get("Auto-Submitted") != "auto-generated" || h.Get("Date") == "" {
		t.Errorf("headers %v, want Auto-Submitted and Date", h)
	}
	if got[0].Header.Get("Message-Id") == got[1].Header.Get("Message-Id") {
		t.Error("two messages share a Message-ID")
	}
}

func TestSenderFromAddress(t *testing.T) {
	srv := mailtest.NewServer(t, mailtest.Options{})
	s := newSender(t, srv.URL(), "Cap Métiers – comptes <comptes@cap-metiers.fr>", nil)
	if err := s.Deliver(context.Background(), frenchMails()[0]); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()[0]
	from, err := got.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Cap Métiers – comptes" || from[0].Address != "comptes@cap-metiers.fr" {
		t.Errorf("From = %v (%v), want the configured name and address", from, err)
	}
	if got.From != "comptes@cap-metiers.fr" {
		t.Errorf("MAIL FROM %q", got.From)
	}
	if id := got.Header.Get("Message-Id"); !strings.HasSuffix(id, "@cap-metiers.fr>") {
		t.Errorf("Message-ID %q, want the domain of the From address", id)
	}
	if _, err := mail.NewSender(mail.Config{Host: "localhost"}, "not an address"); err == nil {
		t.Error("NewSender accepted an invalid From")
	}
}

func TestSenderSTARTTLSAndAuth(t *testing.T) {
	srv := mailtest.NewServer(t, mailtest.Options{StartTLS: true, Username: "relay", Password: "s3cret-é"})
	s := newSender(t, srv.URL(), "", func(c *mail.Config) {
		c.TLSConfig = &tls.Config{RootCAs: srv.RootCAs}
	})
	if err := s.Deliver(context.Background(), frenchMails()[0]); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 || !got[0].TLS || got[0].Authenticated != "relay" {
		t.Fatalf("received %d messages, TLS %v, user %q; want one, encrypted, authenticated", len(got), len(got) == 1 && got[0].TLS, got[0].Authenticated)
	}

	// A wrong password fails, and says nothing of the password.
	bad := newSender(t, strings.Replace(srv.URL(), "s3cret", "wrong", 1), "", func(c *mail.Config) {
		c.TLSConfig = &tls.Config{RootCAs: srv.RootCAs}
	})
	err := bad.Deliver(context.Background(), frenchMails()[1])
	if err == nil || strings.Contains(err.Error(), "wrong-") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Deliver with a wrong password: %v", err)
	}

	// An untrusted certificate is refused.
	untrusted := newSender(t, srv.URL(), "", nil)
	if err := untrusted.Deliver(context.Background(), frenchMails()[1]); err == nil {
		t.Error("Deliver trusted a self-signed certificate")
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("server holds %d messages, want only the first", n)
	}
}

func TestSenderImplicitTLS(t *testing.T) {
	srv := mailtest.NewServer(t, mailtest.Options{ImplicitTLS: true})
	if !strings.HasPrefix(srv.URL(), "smtps://") {
		t.Fatalf("URL %s", srv.URL())
	}
	s := newSender(t, srv.URL(), "", func(c *mail.Config) { c.TLSConfig = &tls.Config{RootCAs: srv.RootCAs} })
	if err := s.Deliver(context.Background(), frenchMails()[0]); err != nil {
		t.Fatal(err)
	}
	checkReceived(t, srv.Messages(), frenchMails()[:1])
}

func TestSenderSTARTTLSRequiredRefusesPlainServer(t *testing.T) {
	srv := mailtest.NewServer(t, mailtest.Options{})
	s := newSender(t, strings.Replace(srv.URL(), "starttls=none", "starttls=required", 1), "", nil)
	err := s.Deliver(context.Background(), frenchMails()[0])
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("Deliver to a server without STARTTLS under starttls=required: %v", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages went out in clear", n)
	}
}

func TestSenderRefusalKeepsConnection(t *testing.T) {
	srv := mailtest.NewServer(t, mailtest.Options{
		RefuseRcpt: func(to string) error {
			if strings.HasPrefix(to, "jean.dupont") {
				return mailtest.Reply(550, "5.1.1 mailbox unavailable")
			}
			return nil
		},
		RefuseData: func(m mailtest.Message) error {
			if strings.HasPrefix(m.Subject, "Plain") {
				return mailtest.Reply(451, "4.3.0 try again later")
			}
			return nil
		},
	})
	s := newSender(t, srv.URL(), "", nil)
	ctx := context.Background()
	mails := frenchMails()
	errs := make([]error, len(mails))
	for i, m := range mails {
		errs[i] = s.Deliver(ctx, m)
	}
	if errs[0] != nil {
		t.Errorf("message 1: %v", errs[0])
	}
	if errs[1] == nil || !strings.Contains(errs[1].Error(), "550") {
		t.Errorf("message 2 (recipient refused): %v, want the 550 answer", errs[1])
	}
	if errs[2] == nil || !strings.Contains(errs[2].Error(), "451") {
		t.Errorf("message 3 (refused at DATA): %v, want the 451 answer", errs[2])
	}
	// The session survives refusals: the next message goes through on the same connection.
	if err := s.Deliver(ctx, mails[0]); err != nil {
		t.Errorf("after refusals: %v", err)
	}
	if got, n := len(srv.Messages()), srv.Connections(); got != 2 || n != 1 {
		t.Errorf("server accepted %d messages over %d connections, want 2 over 1", got, n)
	}
}

func TestSenderReconnectsAfterIdleTimeout(t *testing.T) {
	srv := mailtest.NewServer(t, mailtest.Options{ReadTimeout: 300 * time.Millisecond})
	s := newSender(t, srv.URL(), "", nil)
	ctx := context.Background()
	mails := frenchMails()
	if err := s.Deliver(ctx, mails[0]); err != nil {
		t.Fatal(err)
	}
	// The server hangs up on the idle session; wait until it has.
	for deadline := time.Now().Add(10 * time.Second); srv.Closed() < 1; {
		if time.Now().After(deadline) {
			t.Fatal("the server never closed the idle session")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.Deliver(ctx, mails[1]); err != nil {
		t.Fatalf("after the server closed the idle connection: %v", err)
	}
	checkReceived(t, srv.Messages(), mails[:2])
	if n := srv.Connections(); n != 2 {
		t.Errorf("%d connections, want 2 (one reconnection)", n)
	}
}

func TestSenderUnreachableFailsFast(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more
	s := newSender(t, "smtp://relay:topsecret@"+addr+"?starttls=none", "", nil)
	ctx := context.Background()
	err1 := s.Deliver(ctx, frenchMails()[0])
	if err1 == nil {
		t.Fatal("Deliver to a closed port succeeded")
	}
	if strings.Contains(err1.Error(), "topsecret") || !strings.Contains(err1.Error(), addr) {
		t.Errorf("error %q: want the address, never the password", err1)
	}
	start := time.Now()
	err2 := s.Deliver(ctx, frenchMails()[1])
	if err2 == nil || err2.Error() != err1.Error() || time.Since(start) > time.Second {
		t.Errorf("second Deliver: %v after %s, want the same error at once", err2, time.Since(start))
	}
}

func TestSenderInvalidRecipient(t *testing.T) {
	srv := mailtest.NewServer(t, mailtest.Options{})
	s := newSender(t, srv.URL(), "", nil)
	err := s.Deliver(context.Background(), domain.Mail{ID: 9, To: "pas une adresse", Subject: "x", Body: "x"})
	if err == nil || !strings.Contains(err.Error(), "pas une adresse") {
		t.Errorf("Deliver to an invalid address: %v", err)
	}
	if srv.Connections() != 0 {
		t.Error("connected for a message that cannot be sent")
	}
}

func TestSenderCancelled(t *testing.T) {
	srv := mailtest.NewServer(t, mailtest.Options{})
	s := newSender(t, srv.URL(), "", nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Deliver(ctx, frenchMails()[0]); err == nil {
		t.Error("Deliver with a cancelled context succeeded")
	}
	if len(srv.Messages()) != 0 {
		t.Error("a message went out after cancellation")
	}
}
