package sqlstore

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/profil-cli/profil/internal/i18n"
)

// Dialects.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Target is a parsed --db value: which engine, and how to reach it.
type Target struct {
	Dialect string
	// Path is the SQLite file (or ":memory:"), empty for PostgreSQL.
	Path string
	// DSN is what the driver receives. It may hold a password: never print it, print Redacted.
	DSN string
	// password is kept to scrub it from driver errors.
	password string
}

// DefaultSQLitePath is $XDG_DATA_HOME/profil/profil.db (~/.local/share/profil/profil.db).
func DefaultSQLitePath() (string, error) {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", i18n.Errorf("db_flag.no_home", err)
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "profil", "profil.db"), nil
}

// ParseTarget understands an empty value (the default SQLite file), a file path, a
// "sqlite:" or "file:" URL, and "postgres://" or "postgresql://" URLs.
func ParseTarget(raw string) (Target, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		p, err := DefaultSQLitePath()
		if err != nil {
			return Target{}, err
		}
		return Target{Dialect: SQLite, Path: p}, nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		u, err := url.Parse(raw)
		if err != nil {
			// url.Parse errors quote the input: do not let the password through.
			return Target{}, errors.New(i18n.T("db_flag.bad_postgres_url"))
		}
		if port := u.Port(); port != "" && !strings.Contains(u.Host, ",") {
			if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
				return Target{}, errors.New(i18n.T("db_flag.bad_port", port))
			}
		}
		pw, _ := u.User.Password()
		return Target{Dialect: Postgres, DSN: raw, password: pw}, nil
	case strings.HasPrefix(raw, "sqlite:"), strings.HasPrefix(raw, "file:"):
		rest := raw[strings.Index(raw, ":")+1:]
		rest = strings.TrimPrefix(rest, "//")
		if i := strings.IndexByte(rest, '?'); i >= 0 {
			rest = rest[:i]
		}
		if rest == "" {
			return Target{}, errors.New(i18n.T("db_flag.sqlite_no_path"))
		}
		return Target{Dialect: SQLite, Path: rest}, nil
	case keyValueDSN().MatchString(raw):
		// "host=… password=…" is a libpq connection string, not a file name: refuse it
		// without quoting it (it may hold a password).
		return Target{}, errors.New(i18n.T("db_flag.key_value"))
	case strings.Contains(raw, "://"):
		scheme := raw[:strings.Index(raw, "://")]
		return Target{}, errors.New(i18n.T("db_flag.bad_scheme", scheme))
	}
	return Target{Dialect: SQLite, Path: raw}, nil
}

// Redacted is the target as it may be shown to people: the password replaced by "xxxxx".
func (t Target) Redacted() string {
	if t.Dialect == SQLite {
		return t.Path
	}
	return RedactDSN(t.DSN)
}

var keyValueDSN = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*(host|hostaddr|port|dbname|user|password|sslmode|service)\s*=`)
})

var kvPassword = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)(password\s*=\s*)('[^']*'|\S+)`) })

// RedactDSN hides the password of a postgres URL or key=value DSN.
func RedactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		q := u.Query()
		if q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	return kvPassword().ReplaceAllString(dsn, "${1}xxxxx")
}

// scrub removes the password from a driver error, whatever the driver chose to quote.
func (t Target) scrub(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := msg
	if t.password != "" {
		clean = strings.ReplaceAll(clean, t.password, "xxxxx")
		if esc := url.QueryEscape(t.password); esc != t.password {
			clean = strings.ReplaceAll(clean, esc, "xxxxx")
		}
	}
	if t.DSN != "" {
		clean = strings.ReplaceAll(clean, t.DSN, t.Redacted())
	}
	clean = kvPassword().ReplaceAllString(clean, "${1}xxxxx")
	if clean == msg {
		return err
	}
	return &scrubbedError{msg: clean, err: err}
}

// scrubbedError keeps errors.Is/As working while printing the cleaned message.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }
