package token

import (
	"strconv"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/domain"
)

// DefaultExpires is how long a token lasts when --expires is not given.
const DefaultExpires = "90d"

// maxTTL bounds a lifetime given in days or weeks; longer-lived tokens are "never".
const maxTTL = 10 * 365 * 24 * time.Hour

const day = 24 * time.Hour

// ParseExpires reads a token lifetime: "90d", "2w", "12h", "30m", "1h30m", or "0"/"never"
// for a token that never expires (returned as 0).
func ParseExpires(s string) (time.Duration, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	switch v {
	case "0", "never", "none":
		return 0, nil
	case "":
		return 0, domain.Invalid("expires", s, "expires.empty")
	}
	invalid := domain.Invalid("expires", s, "expires.invalid")
	var d time.Duration
	if unit := v[len(v)-1]; unit == 'd' || unit == 'w' {
		n, err := strconv.ParseInt(v[:len(v)-1], 10, 64)
		if err != nil || n < 0 {
			return 0, invalid
		}
		per := day
		if unit == 'w' {
			per = 7 * day
		}
		if n > int64(maxTTL/per) {
			return 0, domain.Invalid("expires", s, "expires.too_long")
		}
		d = time.Duration(n) * per
	} else {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return 0, invalid
		}
	}
	switch {
	case d < 0:
		return 0, invalid
	case d == 0:
		return 0, domain.Invalid("expires", s, "expires.zero")
	case d > maxTTL:
		return 0, domain.Invalid("expires", s, "expires.too_long")
	}
	return d, nil
}
