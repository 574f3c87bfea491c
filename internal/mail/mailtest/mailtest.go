// Package mailtest runs a real SMTP server in the test process (github.com/emersion/go-smtp) that
// records what it accepts, decoded the way a mail client would read it: RFC 2047 headers,
// quoted-printable or base64 bodies. It can refuse recipients or messages with any SMTP code,
// require authentication, and speak STARTTLS or implicit TLS with a certificate made for the
// test.
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options shape the server. The zero value accepts everything, in clear, without
// authentication.
type Options struct {
	// RefuseRcpt, when it returns an error, refuses RCPT TO for that address. Return an
	// *smtp.SMTPError (see Reply) to choose the code.
	RefuseRcpt func(to string) error
	// RefuseData, when it returns an error, refuses the message at the end of DATA.
	RefuseData func(m Message) error
	// Username and Password, when set, make AUTH PLAIN mandatory before MAIL FROM.
	Username, Password string
	// StartTLS offers STARTTLS with a certificate for 127.0.0.1; ImplicitTLS speaks TLS from
	// the first byte instead (smtps). Clients trust it through Server.RootCAs.
	StartTLS, ImplicitTLS bool
	// ReadTimeout closes connections idle for this long (0: never).
	ReadTimeout time.Duration
}

// Reply is an SMTP error answer: Reply(550, "5.1.1 no such mailbox").
func Reply(code int, text string) error {
	e := &smtp.SMTPError{Code: code, EnhancedCode: smtp.NoEnhancedCode, Message: text}
	if parts := strings.SplitN(text, " ", 2); len(parts) == 2 {
		if ec, ok := parseEnhanced(parts[0]); ok {
			e.EnhancedCode, e.Message = ec, parts[1]
		}
	}
	return e
}

func parseEnhanced(s string) (smtp.EnhancedCode, bool) {
	f := strings.Split(s, ".")
	if len(f) != 3 {
		return smtp.EnhancedCode{}, false
	}
	var ec smtp.EnhancedCode
	for i, p := range f {
		n, err := strconv.Atoi(p)
		if err != nil {
			return ec, false
		}
		ec[i] = n
	}
	return ec, true
}

// Message is one accepted message, decoded.
type Message struct {
	From    string   // MAIL FROM
	To      []string // RCPT TO
	Header  netmail.Header
	Subject string // decoded from RFC 2047
	Body    string // decoded from its Content-Transfer-Encoding, line ends as sent (CRLF)
	Raw     []byte
	// Authenticated is the user name the session signed in with, TLS whether it was encrypted.
	Authenticated string
	TLS           bool
}

// Server is a running SMTP server. Close is registered with t.Cleanup.
type Server struct {
	Addr string // 127.0.0.1:port
	// RootCAs trusts the server's certificate (StartTLS, ImplicitTLS).
	RootCAs *x509.CertPool

	opt    Options
	srv    *smtp.Server
	mu     sync.Mutex
	msgs   []Message
	conns  int
	closed int
}

// NewServer starts a server on 127.0.0.1 on a free port.
func NewServer(t testing.TB, opt Options) *Server {
	t.Helper()
	s := &Server{opt: opt}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = opt.ReadTimeout
	srv.WriteTimeout = 10 * time.Second
	// Connections the clients drop are expected: nothing to report.
	srv.ErrorLog = log.New(io.Discard, "", 0)
	var ln net.Listener
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opt.StartTLS || opt.ImplicitTLS {
		cert, pool, err := selfSigned()
		if err != nil {
			t.Fatal(err)
		}
		s.RootCAs = pool
		cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		if opt.ImplicitTLS {
			ln = tls.NewListener(ln, cfg)
		} else {
			srv.TLSConfig = cfg
		}
	}
	s.Addr = ln.Addr().String()
	s.srv = srv
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

// URL is the --smtp value that reaches the server: smtp:// or smtps://, with the
// credentials when authentication is on, and starttls=required or none.
func (s *Server) URL() string {
	u := url.URL{Scheme: "smtp", Host: s.Addr}
	switch {
	case s.opt.ImplicitTLS:
		u.Scheme = "smtps"
	case s.opt.StartTLS:
		u.RawQuery = "starttls=required"
	default:
		u.RawQuery = "starttls=none"
	}
	if s.opt.Username != "" {
		u.User = url.UserPassword(s.opt.Username, s.opt.Password)
	}
	return u.String()
}

// SetOptions changes the refusals of the running server (RefuseRcpt and RefuseData only).
func (s *Server) SetOptions(refuseRcpt func(string) error, refuseData func(Message) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opt.RefuseRcpt, s.opt.RefuseData = refuseRcpt, refuseData
}

// Messages returns a copy of the messages accepted so far, in order of arrival.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Connections is how many SMTP sessions were opened.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Closed is how many SMTP sessions have ended, by the client or by the server's timeout.
func (s *Server) Closed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// NewSession implements smtp.Backend.
func (s *Server) NewSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	s.conns++
	s.mu.Unlock()
	return &session{srv: s, conn: c}, nil
}

type session struct {
	srv  *Server
	conn *smtp.Conn
	user string
	from string
	to   []string
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string {
	if ss.srv.opt.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || ss.srv.opt.Username == "" {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != ss.srv.opt.Username || password != ss.srv.opt.Password {
			return smtp.ErrAuthFailed
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.srv.opt.Username != "" && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.srv.mu.Lock()
	refuse := ss.srv.opt.RefuseRcpt
	ss.srv.mu.Unlock()
	if refuse != nil {
		if err := refuse(to); err != nil {
			return err
		}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := Decode(raw)
	if err != nil {
		return Reply(554, "5.6.0 "+err.Error())
	}
	m.From, m.To, m.Authenticated = ss.from, append([]string(nil), ss.to...), ss.user
	_, m.TLS = ss.conn.TLSConnectionState()
	ss.srv.mu.Lock()
	defer ss.srv.mu.Unlock()
	if refuse := ss.srv.opt.RefuseData; refuse != nil {
		if err := refuse(m); err != nil {
			return err
		}
	}
	ss.srv.msgs = append(ss.srv.msgs, m)
	return nil
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error {
	ss.srv.mu.Lock()
	ss.srv.closed++
	ss.srv.mu.Unlock()
	return nil
}

// Decode parses a message as a mail client reads it: the Subject decoded from RFC 2047
// encoded words, the body from its Content-Transfer-Encoding. Only single-part text
// messages are expected.
func Decode(raw []byte) (Message, error) {
	m := Message{Raw: raw}
	parsed, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return m, fmt.Errorf("read message: %w", err)
	}
	m.Header = parsed.Header
	dec := new(mime.WordDecoder)
	m.Subject, err = dec.DecodeHeader(parsed.Header.Get("Subject"))
	if err != nil {
		return m, fmt.Errorf("decode Subject: %w", err)
	}
	if ct := parsed.Header.Get("Content-Type"); ct != "" {
		mediaType, params, err := mime.ParseMediaType(ct)
		if err != nil {
			return m, fmt.Errorf("Content-Type %q: %w", ct, err)
		}
		if !strings.HasPrefix(mediaType, "text/") {
			return m, fmt.Errorf("Content-Type %q: expected a text part", ct)
		}
		if cs := strings.ToLower(params["charset"]); cs != "utf-8" && cs != "us-ascii" && cs != "" {
			return m, fmt.Errorf("Content-Type %q: expected UTF-8", ct)
		}
	}
	var body io.Reader = parsed.Body
	switch cte := strings.ToLower(strings.TrimSpace(parsed.Header.Get("Content-Transfer-Encoding"))); cte {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, stripNewlines{body})
	case "", "7bit", "8bit", "binary":
	default:
		return m, fmt.Errorf("unknown Content-Transfer-Encoding %q", cte)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return m, fmt.Errorf("decode body: %w", err)
	}
	m.Body = string(b)
	return m, nil
}

// stripNewlines drops CR and LF, which base64 bodies are wrapped with.
type stripNewlines struct{ r io.Reader }

func (s stripNewlines) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' {
			p[j] = c
			j++
		}
	}
	if j == 0 && n > 0 && err == nil {
		return s.Read(p)
	}
	return j, err
}

// selfSigned makes a certificate for 127.0.0.1 and the pool that trusts it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "profil test SMTP server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}
