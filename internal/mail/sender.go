package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	netmail "net/mail"
	"strconv"
	"strings"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
)

// DefaultFrom is the sender of the messages when none is configured.
const DefaultFrom = "profil <no-reply@localhost>"

// Sender delivers messages to one SMTP server. It opens a connection at the first message and
// keeps it for the next ones, so a run costs one connection, one TLS handshake and one
// authentication; Close ends it. A Sender is for one goroutine at a time.
type Sender struct {
	cfg    Config
	from   *netmail.Address
	client *gomail.Client
	conn   *smtp.Client
	// dialErr is why the server could not be reached: the following messages fail at once with
	// it rather than each waiting for a timeout. Close clears it.
	dialErr error
}

// NewSender checks the configuration and the From address ("Name <addr>" or a bare address;
// empty means DefaultFrom). It does not connect yet.
func NewSender(cfg Config, from string) (*Sender, error) {
	if strings.TrimSpace(from) == "" {
		from = DefaultFrom
	}
	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, errors.New(i18n.T("smtp.bad_from", from, err))
	}
	if cfg.Host == "" {
		return nil, errors.New("no SMTP server host")
	}
	if cfg.Port == 0 {
		cfg.Port = DefaultPort
		if cfg.Security == ImplicitTLS {
			cfg.Port = DefaultTLSPort
		}
	}
	opts := []gomail.Option{
		gomail.WithPort(cfg.Port),
		gomail.WithTimeout(cfg.timeout()),
	}
	switch cfg.Security {
	case ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case STARTTLSRequired:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case STARTTLSOpportunistic, "":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, fmt.Errorf("unknown SMTP security %q", cfg.Security)
	}
	tlsConfig := &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
	if cfg.TLSConfig != nil {
		tlsConfig = cfg.TLSConfig.Clone()
		if tlsConfig.ServerName == "" {
			tlsConfig.ServerName = cfg.Host
		}
	}
	opts = append(opts, gomail.WithTLSConfig(tlsConfig))
	if cfg.Username != "" {
		// The strongest mechanism the server offers. PLAIN and LOGIN, which carry the password
		// itself, are only used over TLS or to this machine.
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256PLUS, gomail.SMTPAuthSCRAMSHA256,
				gomail.SMTPAuthSCRAMSHA1PLUS, gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthCramMD5,
				gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	client, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("SMTP client for %s: %w", cfg.Redacted(), err)
	}
	return &Sender{cfg: cfg, from: addr, client: client}, nil
}

// Config is the configuration the Sender uses; print it with Redacted.
func (s *Sender) Config() Config { return s.cfg }

// From is the sender address as it appears in the From header.
func (s *Sender) From() string { return s.from.String() }

// Deliver sends one message over the Sender's connection, connecting first when needed. An
// error means the message was not accepted by the server; its text is fit for last_error.
func (s *Sender) Deliver(ctx context.Context, m domain.Mail) error {
	msg, err := s.message(m)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	kept := s.conn != nil
	if err := s.connect(ctx); err != nil {
		return err
	}
	err = s.client.SendWithSMTPClient(s.conn, msg)
	var sendErr *gomail.SendError
	if err != nil && kept && errors.As(err, &sendErr) && sendErr.Reason == gomail.ErrConnCheck {
		// The kept connection went stale (the server closes idle sessions) before anything of
		// this message was sent: start a new one, once.
		s.drop()
		if err := s.connect(ctx); err != nil {
			return err
		}
		err = s.client.SendWithSMTPClient(s.conn, msg)
	}
	if err != nil {
		// Leave the session ready for the next message, or drop it if it is not usable.
		if s.conn.Reset() != nil {
			s.drop()
		}
		return fmt.Errorf("SMTP %s: %w", s.cfg.Addr(), err)
	}
	return nil
}

// Close says goodbye to the server. The Sender may be used again: it reconnects.
func (s *Sender) Close() error {
	s.dialErr = nil
	if s.conn == nil {
		return nil
	}
	err := s.client.CloseWithSMTPClient(s.conn)
	s.drop()
	return err
}

func (s *Sender) connect(ctx context.Context) error {
	if s.conn != nil {
		return nil
	}
	if s.dialErr != nil {
		return s.dialErr
	}
	conn, err := s.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s.dialErr = i18n.Errorf("smtp.connect_failed", s.cfg.Redacted(), err)
		return s.dialErr
	}
	s.conn = conn
	return nil
}

// drop forgets the connection without a QUIT: it is broken or in an unknown state.
func (s *Sender) drop() {
	if s.conn != nil {
		_ = s.conn.Close()
		s.conn = nil
	}
}

// message builds the MIME message: UTF-8 text/plain in quoted-printable, the subject as an
// RFC 2047 encoded word, and a Message-ID derived from the outbox row, so that a message
// delivered twice (a sender that died before recording it) is recognisably the same one.
func (s *Sender) message(m domain.Mail) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP),
		gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	if err := msg.To(m.To); err != nil {
		return nil, i18n.Errorf("smtp.bad_recipient", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	domainPart := "localhost"
	if at := strings.LastIndexByte(s.from.Address, '@'); at >= 0 && at < len(s.from.Address)-1 {
		domainPart = s.from.Address[at+1:]
	}
	msg.SetMessageIDWithValue("profil." + strconv.FormatInt(m.ID, 10) + "." +
		strconv.FormatInt(m.CreatedAt.UnixMicro(), 36) + "@" + domainPart)
	msg.SetUserAgent("profil")
	// RFC 3834: an automatic message; vacation responders should not answer it.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	return msg, nil
}
