// Package mail delivers the messages of the outbox over SMTP. A Sender keeps one connection
// open for all the messages of a run, as UTF-8 text encoded in quoted-printable, so French
// accents arrive intact whatever the relays between profil and the recipient.
package mail

import (
	"crypto/tls"
	"errors"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/profil-cli/profil/internal/i18n"
)

// Security is how the connection to the SMTP server is protected.
type Security string

// Security modes. smtps:// URLs use ImplicitTLS; smtp:// URLs choose with ?starttls=.
const (
	// ImplicitTLS speaks TLS from the first byte (smtps://, port 465).
	ImplicitTLS Security = "tls"
	// STARTTLSRequired upgrades the connection with STARTTLS and refuses a server that cannot
	// (submission, port 587).
	STARTTLSRequired Security = "required"
	// STARTTLSOpportunistic upgrades with STARTTLS when the server offers it. Credentials are
	// still never sent in clear to a server other than this machine.
	STARTTLSOpportunistic Security = "opportunistic"
	// NoTLS never encrypts: a relay on this machine or a test server.
	NoTLS Security = "none"
)

// Default ports of the two URL schemes.
const (
	DefaultPort    = 25
	DefaultTLSPort = 465
)

// DefaultTimeout bounds each network step of a delivery (connecting, each SMTP command).
const DefaultTimeout = 30 * time.Second

// Config is where and how to reach the SMTP server. Print it with Redacted (String does the
// same): the password never appears.
type Config struct {
	Host     string
	Port     int
	Username string
	Password string
	Security Security
	// TLSConfig replaces the default TLS settings (system roots, server name = Host).
	TLSConfig *tls.Config
	// Timeout bounds each network step; zero means DefaultTimeout.
	Timeout time.Duration
}

// ParseSMTPURL reads smtp://[user[:password]@]host[:port][?starttls=required|opportunistic|none]
// or smtps://[user[:password]@]host[:port]. The port defaults to 25 for smtp:// and 465 for
// smtps:// (implicit TLS); submission on 587 is smtp://…:587?starttls=required. Without
// ?starttls=, smtp:// upgrades the connection when the server offers it (opportunistic).
// User and password are URL-encoded (an @ in a user name is %40). Errors never repeat any
// part of the user name or password, whatever is wrong with the URL.
func ParseSMTPURL(raw string) (Config, error) {
	cfg, err := parseSMTPURL(raw)
	if err != nil && hasUserinfo(raw) {
		// A special character left unencoded in a password (/ ? # : %) moves the rest of it
		// into the host, the port, the path or the query, which the messages quote: with a
		// user name or password in the URL, they quote nothing.
		return Config{}, errors.New(hiddenValue().ReplaceAllString(err.Error(), `"xxxxx"`) + i18n.T("smtp.values_hidden"))
	}
	return cfg, err
}

// hasUserinfo reports whether an SMTP URL may hold a user name or password: an @ anywhere
// after the scheme, or an authority that does not end with a numeric port (smtp://user:pw
// with the host forgotten).
func hasUserinfo(raw string) bool {
	_, rest, ok := strings.Cut(strings.TrimSpace(raw), "://")
	if !ok {
		return strings.Contains(raw, "@")
	}
	if strings.Contains(rest, "@") {
		return true
	}
	authority := rest
	if i := strings.IndexAny(authority, "/?#"); i >= 0 {
		authority = authority[:i]
	}
	if i := strings.LastIndex(authority, ":"); i >= 0 && !strings.HasSuffix(authority, "]") {
		_, err := strconv.Atoi(authority[i+1:])
		return err != nil
	}
	return false
}

// hiddenValue is a value quoted in a message, by %q or by net/url: "…" with escapes.
var hiddenValue = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`"(?:[^"\\]|\\.)*"`) })

func parseSMTPURL(raw string) (Config, error) {
	var cfg Config
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return cfg, errors.New(i18n.T("smtp.empty"))
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the whole URL, password included: keep only the reason.
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return cfg, errors.New(i18n.T("smtp.invalid", err))
	}
	switch strings.ToLower(u.Scheme) {
	case "smtp":
		cfg.Port, cfg.Security = DefaultPort, STARTTLSOpportunistic
	case "smtps":
		cfg.Port, cfg.Security = DefaultTLSPort, ImplicitTLS
	case "":
		return cfg, errors.New(i18n.T("smtp.no_scheme"))
	default:
		return cfg, errors.New(i18n.T("smtp.bad_scheme", u.Scheme))
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return cfg, errors.New(i18n.T("smtp.extra"))
	}
	cfg.Host = u.Hostname()
	if cfg.Host == "" {
		return cfg, errors.New(i18n.T("smtp.no_host"))
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return cfg, errors.New(i18n.T("smtp.bad_port", p))
		}
		cfg.Port = n
	}
	if u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
		if cfg.Username == "" {
			return cfg, errors.New(i18n.T("smtp.password_no_user"))
		}
		if cfg.Password == "" {
			return cfg, errors.New(i18n.T("smtp.user_no_password", cfg.Username))
		}
	}
	for key, values := range u.Query() {
		if key != "starttls" {
			return cfg, errors.New(i18n.T("smtp.unknown_param", key))
		}
		if cfg.Security == ImplicitTLS {
			return cfg, errors.New(i18n.T("smtp.starttls_smtps"))
		}
		if len(values) != 1 {
			return cfg, errors.New(i18n.T("smtp.starttls_twice"))
		}
		switch s := Security(strings.ToLower(values[0])); s {
		case STARTTLSRequired, STARTTLSOpportunistic, NoTLS:
			cfg.Security = s
		default:
			return cfg, errors.New(i18n.T("smtp.bad_starttls", values[0]))
		}
	}
	return cfg, nil
}

// Addr is host:port.
func (c Config) Addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// Redacted is the configuration as a URL with the password masked, for messages and logs:
// smtp://relay%40example.fr:xxxxx@smtp.example.fr:587?starttls=required.
func (c Config) Redacted() string {
	u := url.URL{Scheme: "smtp", Host: c.Addr()}
	if c.Security == ImplicitTLS {
		u.Scheme = "smtps"
	} else if c.Security != "" {
		u.RawQuery = "starttls=" + string(c.Security)
	}
	if c.Username != "" {
		if c.Password != "" {
			u.User = url.UserPassword(c.Username, "xxxxx")
		} else {
			u.User = url.User(c.Username)
		}
	}
	return u.String()
}

// String is Redacted, so that printing a Config with %v cannot leak the password.
func (c Config) String() string { return c.Redacted() }

// GoString is Redacted too, for %#v.
func (c Config) GoString() string { return "mail.Config(" + c.Redacted() + ")" }

func (c Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}
