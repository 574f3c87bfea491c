package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
)

// tokenBytes is the amount of randomness in a token: 256 bits, so tokens
// cannot be guessed and a plain (unsalted, fast) SHA-256 is enough to store
// them.
const tokenBytes = 32

// tokenEncoding is RFC 4648 base32 with a lowercase alphabet and no padding:
// case-insensitive-looking, URL- and header-safe, and selectable with a
// double click.
var tokenEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewToken returns a new random bearer token of the form prefix + "_" + 32
// random bytes in lowercase unpadded base32, for example "prf_s_…" for a
// session or "prf_t_…" for an API token. The prefix tells humans and secret
// scanners what kind of credential they are looking at; it must be non-empty
// and consist of ASCII letters, digits and underscores. Store only
// HashToken(token), never the token itself.
func NewToken(prefix string) (token string, err error) {
	if err := validatePrefix(prefix); err != nil {
		return "", err
	}
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("secret: reading random token: %w", err)
	}
	return prefix + "_" + tokenEncoding.EncodeToString(b), nil
}

// validatePrefix keeps token prefixes to characters that are safe in headers,
// URLs and log lines.
func validatePrefix(prefix string) error {
	if prefix == "" {
		return errors.New("secret: token prefix must not be empty")
	}
	for i := 0; i < len(prefix); i++ {
		c := prefix[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return fmt.Errorf("secret: token prefix %q may only contain ASCII letters, digits and underscores", prefix)
		}
	}
	return nil
}

// HashToken returns the lowercase hex SHA-256 of token (64 characters). This
// is what the database stores and looks tokens up by, so a leaked database
// does not leak usable credentials. A fast hash is sufficient because tokens
// carry 256 bits of randomness, unlike passwords.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// temporaryAlphabet has no characters that are easily confused when read
// aloud or copied from paper: no 0/o/O, 1/l/I/i, and only lowercase letters.
const temporaryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// NewTemporaryPassword returns a random password of 16 characters from an
// alphabet without look-alikes, grouped as "xxxx-xxxx-xxxx-xxxx" so that it
// can be read out or typed by hand (about 79 bits of entropy). It is meant for
// administrator-initiated resets and always passes ValidatePasswordStrength.
func NewTemporaryPassword() (string, error) {
	const groups, groupLen = 4, 4
	n := big.NewInt(int64(len(temporaryAlphabet)))
	out := make([]byte, 0, groups*groupLen+groups-1)
	for g := range groups {
		if g > 0 {
			out = append(out, '-')
		}
		for range groupLen {
			i, err := rand.Int(rand.Reader, n)
			if err != nil {
				return "", fmt.Errorf("secret: reading random password: %w", err)
			}
			out = append(out, temporaryAlphabet[i.Int64()])
		}
	}
	return string(out), nil
}

// NewActivationCode returns a random code of 10 characters from the alphabet of temporary
// passwords, grouped as "xxxxx-xxxxx" (about 49 bits): it activates one request, expires,
// and five wrong tries void it.
func NewActivationCode() (string, error) {
	n := big.NewInt(int64(len(temporaryAlphabet)))
	out := make([]byte, 0, 11)
	for i := range 10 {
		if i == 5 {
			out = append(out, '-')
		}
		k, err := rand.Int(rand.Reader, n)
		if err != nil {
			return "", fmt.Errorf("secret: reading random code: %w", err)
		}
		out = append(out, temporaryAlphabet[k.Int64()])
	}
	return string(out), nil
}

// NormalizeActivationCode is a code as typed, made comparable: lower case, without spaces or
// dashes, so that "ABCDE FGHJK" and "abcde-fghjk" are one code.
func NormalizeActivationCode(code string) string {
	out := make([]byte, 0, len(code))
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == ' ' || c == '-' || c == '\t':
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		out = append(out, c)
	}
	return string(out)
}
