package service

import (
	"errors"
	"github.com/profil-cli/profil/internal/i18n"
	"strings"

	"github.com/profil-cli/profil/internal/domain"
)

// phoneCache memoises domain.NormalizePhone for the numbers of the French numbering plan
// typed as ten digits ("05 56 00 00 00", "05.56.00.00.00") or as "+33" or "0033" and nine
// digits. Checking a number takes the phone library about a tenth of a millisecond, which
// would make the check of a million accounts last minutes; but whether such a number is valid,
// and in which country or overseas department it rings, depends only on its first digits: in
// the library's metadata for France and its overseas departments, every pattern of a
// nine-digit national number ends with at least four free digits. So the result for one number
// gives the result for every number that differs only in its last four digits, and the library
// is asked once per such prefix. Other spellings go to domain.NormalizePhone unchanged.
type phoneCache map[string]phoneClass

type phoneClass struct {
	prefix string // the E.164 result without its last four digits
	reason string // the number is invalid, for this reason
}

func (c phoneCache) normalize(s string) (string, error) {
	key, last4, ok := phoneKey(s)
	if !ok {
		return domain.NormalizePhone(s)
	}
	if cl, hit := c[key]; hit {
		if cl.reason != "" {
			return "", domain.Invalid("phone", s, cl.reason)
		}
		return cl.prefix + last4, nil
	}
	e164, err := domain.NormalizePhone(s)
	var fe *domain.FieldError
	switch {
	case errors.As(err, &fe):
		c[key] = phoneClass{reason: i18n.Text(fe.Reason)}
	case err == nil && strings.HasSuffix(e164, last4):
		c[key] = phoneClass{prefix: strings.TrimSuffix(e164, last4)}
	}
	return e164, err
}

// phoneKey returns the cache key of s (its form and digits but the last four) and its last
// four digits, when s is ten digits starting with a single 0, or "+33" or "0033" and nine
// digits, written with digits, spaces, dots and hyphens only.
func phoneKey(s string) (key, last4 string, ok bool) {
	var d [16]byte
	n := 0
	plus := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if n == len(d) {
				return "", "", false
			}
			d[n] = c
			n++
		case c == '+' && n == 0 && !plus:
			plus = true
		case c == ' ' || c == '.' || c == '-':
		default:
			return "", "", false
		}
	}
	digits := string(d[:n])
	var form string
	switch {
	case plus && n == 11 && strings.HasPrefix(digits, "33") && digits[2] != '0':
		form = "+"
	case !plus && n == 13 && strings.HasPrefix(digits, "0033") && digits[4] != '0':
		form = "00"
	case !plus && n == 10 && digits[0] == '0' && digits[1] != '0':
		form = "0"
	default:
		return "", "", false
	}
	return form + digits[:n-4], digits[n-4:], true
}
