package server

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
)

// refusal is an error a store makes of a database's refusal: a kind, and the driver's words.
type refusal struct {
	kind   error
	driver error
}

func (e *refusal) Error() string        { return "already exists: " + e.driver.Error() }
func (e *refusal) Is(target error) bool { return target == e.kind }
func (e *refusal) DriverError() error   { return e.driver }
func (e *refusal) Unwrap() error        { return e.driver }

// The words of the database (its constraints, tables and columns) go to the server's log, never
// to the client, who gets what the refusal means.
func TestDatabaseWordsStayInTheLog(t *testing.T) {
	var logs bytes.Buffer
	s := New(nil, Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	for _, c := range []struct {
		kind error
		want string
	}{
		{domain.ErrConflict, "conflicts with what is there"},
		{domain.ErrForbidden, "the server's role may not do that"},
	} {
		err := fmt.Errorf("approve: %w", &refusal{kind: c.kind, driver: errors.New(`UNIQUE constraint failed: users.email`)})
		r := httptest.NewRequest("POST", "/api/v1/decide", nil)
		r.Header.Set("Accept-Language", "en")
		_, body := s.errorBody(r, err)
		if strings.Contains(body.Error.Message, "users.email") || !strings.Contains(body.Error.Message, c.want) {
			t.Errorf("%v: the client reads %q", c.kind, body.Error.Message)
		}
	}
	if !strings.Contains(logs.String(), "users.email") {
		t.Errorf("the log does not say what the database refused: %s", logs.String())
	}
}

// One client holds a whole IPv6 /64: its addresses share one count of sign-in attempts.
func TestRateKey(t *testing.T) {
	for addr, want := range map[string]string{
		"192.0.2.7":               "192.0.2.7",
		"2001:db8:1:2:aaaa::1":    "2001:db8:1:2::/64",
		"2001:db8:1:2:bbbb:cc::9": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":         "2001:db8:1:3::/64",
		"::ffff:192.0.2.7":        "::ffff:192.0.2.7",
	} {
		if got := rateKey(addr); got != want {
			t.Errorf("rateKey(%s) = %s, want %s", addr, got, want)
		}
	}
}
