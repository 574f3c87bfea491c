// Package secret holds the credential primitives of profil: password hashing
// with argon2id, password strength rules, and generation and hashing of
// opaque tokens (sessions, API tokens, temporary passwords).
//
// Everything that ends up in the database is either a PHC-formatted argon2id
// hash (passwords) or a SHA-256 digest (tokens); plaintext secrets are only
// ever handed back to the caller once, at creation time.
package secret

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"

	"github.com/profil-cli/profil/internal/i18n"
)

// Params are the argon2id cost parameters. They are encoded in every PHC
// string, so a hash can always be verified with the parameters it was created
// with, even after the defaults have been raised.
type Params struct {
	// Memory is the memory cost in KiB (the PHC "m" parameter).
	Memory uint32
	// Time is the number of passes over the memory (the PHC "t" parameter).
	Time uint32
	// Threads is the degree of parallelism (the PHC "p" parameter).
	Threads uint8
	// SaltLen is the length in bytes of the random salt.
	SaltLen uint32
	// KeyLen is the length in bytes of the derived key stored in the hash.
	KeyLen uint32
}

// OWASP are the argon2id parameters recommended by the OWASP Password Storage
// Cheat Sheet (m=19 MiB, t=2, p=1). They are the default for new hashes and the
// baseline below which NeedsRehash asks for an upgrade.
var OWASP = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// ErrMalformedHash is returned when a stored password hash is not a valid
// argon2id PHC string that this package can verify. It signals corrupt or
// foreign data, as opposed to a wrong password, which is never an error.
var ErrMalformedHash = errors.New("secret: malformed password hash")

const (
	phcAlgorithm = "argon2id"
	phcVersion   = argon2.Version // 0x13 = 19, the only version x/crypto implements

	// Lower bounds follow the argon2 reference implementation.
	minSaltLen = 8
	minKeyLen  = 4
	// Upper bounds are sanity limits so that a corrupt or hostile stored hash
	// cannot make a login allocate unbounded memory or spin for hours.
	maxMemory  = 4 * 1024 * 1024 // KiB, i.e. 4 GiB
	maxTime    = 64
	maxSaltLen = 1024
	maxKeyLen  = 1024
	maxPHCLen  = 4096

	minPasswordRunes = 12
	maxPasswordBytes = 1024
)

// b64 is the unpadded standard base64 used by the PHC string format.
var b64 = base64.RawStdEncoding.Strict()

// HashPassword hashes password with the OWASP parameters and returns a PHC
// string suitable for storage. The password is NFC-normalised first so that
// the same visible text typed on different keyboards or systems (for example
// "é" as U+00E9 or as "e" + U+0301) is the same password.
func HashPassword(password string) (string, error) {
	return HashPasswordWith(OWASP, password)
}

// HashPasswordWith is HashPassword with explicit parameters. It exists so that
// parameters can be tuned (and tests kept fast) without changing the storage
// format; production code should normally call HashPassword.
func HashPasswordWith(p Params, password string) (string, error) {
	if err := p.validate(); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("secret: reading random salt: %w", err)
	}
	return hashWithSalt(p, salt, password), nil
}

// hashWithSalt derives the key for the NFC-normalised password and encodes it
// as a PHC string. p must have passed validate and len(salt) is used as the
// salt length.
func hashWithSalt(p Params, salt []byte, password string) string {
	key := argon2.IDKey([]byte(norm.NFC.String(password)), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return encodePHC(p, salt, key)
}

// encodePHC formats the argon2id PHC string in the layout used by the argon2
// reference implementation.
func encodePHC(p Params, salt, key []byte) string {
	return fmt.Sprintf("$%s$v=%d$m=%d,t=%d,p=%d$%s$%s",
		phcAlgorithm, phcVersion, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// VerifyPassword reports whether password matches the PHC string phc, using
// the parameters stored in phc. The comparison is constant-time. A wrong
// password yields (false, nil); an error (wrapping ErrMalformedHash) is
// returned only when phc cannot be parsed.
//
// The cost of a verification does not depend on the password's content but
// grows with its length, so callers should bound the size of untrusted input.
func VerifyPassword(phc, password string) (ok bool, err error) {
	p, salt, key, err := parsePHC(phc)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(norm.NFC.String(password)), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// dummyHash returns a well-formed PHC string with the current OWASP
// parameters. Salt and key are all zeros: the salt need not be secret and no
// password will ever produce the key.
func dummyHash() string {
	return encodePHC(OWASP, make([]byte, OWASP.SaltLen), make([]byte, OWASP.KeyLen))
}

// DummyVerify performs a full password verification against a dummy hash
// with the OWASP parameters and discards the result. Call it when a login
// names an unknown account so that the response takes as long as for a known
// account with a wrong password, which keeps account existence from leaking
// through response timing.
func DummyVerify(password string) {
	_, _ = VerifyPassword(dummyHash(), password)
}

// NeedsRehash reports whether phc was created with parameters weaker than
// OWASP (less memory, fewer passes, shorter salt or key), so that callers can
// re-hash the password after a successful login. Malformed strings also
// report true since they must be replaced anyway.
func NeedsRehash(phc string) bool {
	p, _, _, err := parsePHC(phc)
	if err != nil {
		return true
	}
	return p.Memory < OWASP.Memory ||
		p.Time < OWASP.Time ||
		p.SaltLen < OWASP.SaltLen ||
		p.KeyLen < OWASP.KeyLen
}

// validate rejects parameters that argon2 cannot use (x/crypto panics on some
// of them) or that exceed the sanity limits.
func (p Params) validate() error {
	switch {
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("secret: argon2 time must be between 1 and %d, got %d", maxTime, p.Time)
	case p.Threads < 1:
		return errors.New("secret: argon2 threads must be at least 1")
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		return fmt.Errorf("secret: argon2 memory must be between %d and %d KiB, got %d", 8*uint32(p.Threads), maxMemory, p.Memory)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("secret: argon2 salt length must be between %d and %d bytes, got %d", minSaltLen, maxSaltLen, p.SaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("secret: argon2 key length must be between %d and %d bytes, got %d", minKeyLen, maxKeyLen, p.KeyLen)
	}
	return nil
}

// parsePHC decodes "$argon2id$v=19$m=M,t=T,p=P$SALT$KEY". It is strict: any
// deviation from the canonical encoding (other parameter order, leading
// zeros, padding, whitespace, non-canonical base64) is rejected, so that a
// stored hash has exactly one textual form. All errors wrap ErrMalformedHash.
func parsePHC(phc string) (p Params, salt, key []byte, err error) {
	if len(phc) > maxPHCLen {
		return Params{}, nil, nil, fmt.Errorf("%w: too long", ErrMalformedHash)
	}
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" {
		return Params{}, nil, nil, fmt.Errorf("%w: expected 5 '$'-separated fields", ErrMalformedHash)
	}
	if parts[1] != phcAlgorithm {
		return Params{}, nil, nil, fmt.Errorf("%w: unsupported algorithm", ErrMalformedHash)
	}
	if parts[2] != "v="+strconv.Itoa(phcVersion) {
		return Params{}, nil, nil, fmt.Errorf("%w: unsupported version", ErrMalformedHash)
	}

	var m, t, threads uint64
	if m, t, threads, err = parseCost(parts[3]); err != nil {
		return Params{}, nil, nil, err
	}
	if salt, err = decodeB64(parts[4]); err != nil {
		return Params{}, nil, nil, fmt.Errorf("%w: salt: %v", ErrMalformedHash, err)
	}
	if key, err = decodeB64(parts[5]); err != nil {
		return Params{}, nil, nil, fmt.Errorf("%w: hash: %v", ErrMalformedHash, err)
	}
	p = Params{
		Memory:  uint32(m),
		Time:    uint32(t),
		Threads: uint8(threads),
		SaltLen: uint32(len(salt)),
		KeyLen:  uint32(len(key)),
	}
	if err := p.validate(); err != nil {
		return Params{}, nil, nil, fmt.Errorf("%w: %v", ErrMalformedHash, err)
	}
	return p, salt, key, nil
}

// parseCost parses "m=M,t=T,p=P" in exactly that order and canonical form.
func parseCost(s string) (m, t, p uint64, err error) {
	fields := strings.Split(s, ",")
	if len(fields) != 3 {
		return 0, 0, 0, fmt.Errorf("%w: expected parameters m,t,p", ErrMalformedHash)
	}
	names := [3]string{"m", "t", "p"}
	bits := [3]int{32, 32, 8}
	var vals [3]uint64
	for i, f := range fields {
		name, val, found := strings.Cut(f, "=")
		if !found || name != names[i] {
			return 0, 0, 0, fmt.Errorf("%w: expected parameters m,t,p", ErrMalformedHash)
		}
		n, perr := strconv.ParseUint(val, 10, bits[i])
		if perr != nil || strconv.FormatUint(n, 10) != val {
			return 0, 0, 0, fmt.Errorf("%w: invalid parameter %s", ErrMalformedHash, name)
		}
		vals[i] = n
	}
	return vals[0], vals[1], vals[2], nil
}

// decodeB64 decodes unpadded standard base64, rejecting the CR/LF that the
// standard library would otherwise silently skip.
func decodeB64(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("empty")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return nil, errors.New("invalid base64 character")
		}
	}
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, errors.New("invalid base64")
	}
	return b, nil
}

// ValidatePasswordStrength checks a new password against the password policy:
// valid UTF-8, at most 1024 bytes and at least 12 characters after NFC
// normalisation, and not a single repeated character. Length is the only
// composition rule, following current NIST and OWASP guidance. The error
// message describes the requirement in the current language (package i18n),
// meant to be shown to the user.
func ValidatePasswordStrength(password string) error {
	// NFC shrinks text by at most a factor of 3 (Hangul jamo), so anything
	// this long is over the limit without spending time normalising it.
	if len(password) > 4*maxPasswordBytes {
		return errors.New(i18n.T("password.too_long", maxPasswordBytes))
	}
	if !utf8.ValidString(password) {
		return errors.New(i18n.T("password.utf8"))
	}
	pw := norm.NFC.String(password)
	if len(pw) > maxPasswordBytes {
		return errors.New(i18n.T("password.too_long", maxPasswordBytes))
	}
	if utf8.RuneCountInString(pw) < minPasswordRunes {
		return errors.New(i18n.T("password.too_short", minPasswordRunes))
	}
	first, _ := utf8.DecodeRuneInString(pw)
	if strings.Trim(pw, string(first)) == "" {
		return errors.New(i18n.T("password.repeated"))
	}
	return nil
}
