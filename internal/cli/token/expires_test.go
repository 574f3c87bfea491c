package token

import (
	"errors"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
)

func TestParseExpires(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"90d": 90 * day, "2w": 14 * day, "12h": 12 * time.Hour, "30m": 30 * time.Minute, "1h30m": 90 * time.Minute,
		" 7D ": 7 * day, "0": 0, "never": 0, "NEVER": 0, "none": 0, "3650d": 3650 * day,
	} {
		got, err := ParseExpires(in)
		if err != nil || got != want {
			t.Errorf("ParseExpires(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "soon", "d", "-1d", "-2h", "0d", "0h", "1.5d", "3651d", "9999999999999w", "99999h", "1y"} {
		if d, err := ParseExpires(in); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("ParseExpires(%q) = %v, %v; want an invalid-input error", in, d, err)
		}
	}
}
