package secret

import (
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

// cheap keeps tests fast where the cost parameters are not what is tested.
var cheap = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

var owaspPHC = regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$`)

func TestHashPasswordOWASP(t *testing.T) {
	const pw = "correct horse battery staple"
	phc, err := HashPassword(pw)
	if err != nil {
		t.Fatalf("HashPassword: %v", err)
	}
	m := owaspPHC.FindStringSubmatch(phc)
	if m == nil {
		t.Fatalf("PHC string %q does not match %v", phc, owaspPHC)
	}
	for i, want := range []int{16, 32} {
		b, err := base64.RawStdEncoding.DecodeString(m[i+1])
		if err != nil {
			t.Fatalf("decoding field %d: %v", i, err)
		}
		if len(b) != want {
			t.Errorf("field %d decodes to %d bytes, want %d", i, len(b), want)
		}
	}
	if ok, err := VerifyPassword(phc, pw); !ok || err != nil {
		t.Errorf("VerifyPassword(correct) = %v, %v; want true, nil", ok, err)
	}
	if NeedsRehash(phc) {
		t.Error("NeedsRehash(fresh OWASP hash) = true")
	}
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		password string
		wrong    string
	}{
		{"ascii", "correct horse battery staple", "correct horse battery stapl"},
		{"case matters", "Tr0ub4dor&3-xyz", "tr0ub4dor&3-xyz"},
		{"unicode", "пароль-密码-パスワード", "пароль-密码-パスワー"},
		{"spaces kept", " leading and trailing ", "leading and trailing"},
		{"empty", "", " "},
		{"long", strings.Repeat("ab", 512), strings.Repeat("ab", 511)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			phc, err := HashPasswordWith(cheap, tt.password)
			if err != nil {
				t.Fatalf("HashPasswordWith: %v", err)
			}
			if ok, err := VerifyPassword(phc, tt.password); !ok || err != nil {
				t.Errorf("VerifyPassword(correct) = %v, %v; want true, nil", ok, err)
			}
			if ok, err := VerifyPassword(phc, tt.wrong); ok || err != nil {
				t.Errorf("VerifyPassword(wrong) = %v, %v; want false, nil", ok, err)
			}
		})
	}
}

func TestHashPasswordUsesRandomSalt(t *testing.T) {
	a, err := HashPasswordWith(cheap, "same password here")
	if err != nil {
		t.Fatal(err)
	}
	b, err := HashPasswordWith(cheap, "same password here")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Errorf("two hashes of the same password are identical: %q", a)
	}
}

func TestNFCEquivalence(t *testing.T) {
	tests := []struct {
		name   string
		stored string
		typed  string
	}{
		{"e acute decomposed vs precomposed", "caf\u0065\u0301-au-lait-123", "caf\u00e9-au-lait-123"},
		{"e acute precomposed vs decomposed", "caf\u00e9-au-lait-123", "caf\u0065\u0301-au-lait-123"},
		{"angstrom sign vs A ring", "\u212bngstr\u00f6m-units-42", "\u00c5ngstr\u00f6m-units-42"},
		{"n tilde", "espan\u0303ol-password", "espa\u00f1ol-password"},
		{"hangul jamo vs syllable", "\u1100\u1161-hangul-pass", "\uac00-hangul-pass"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.stored == tt.typed {
				t.Fatal("test case must use different byte sequences")
			}
			phc, err := HashPasswordWith(cheap, tt.stored)
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := VerifyPassword(phc, tt.typed); !ok || err != nil {
				t.Errorf("VerifyPassword(other normal form) = %v, %v; want true, nil", ok, err)
			}
		})
	}
}

func TestHashWithSaltKnownVector(t *testing.T) {
	salt := []byte("0123456789abcdef")
	tests := []struct {
		name     string
		p        Params
		password string
		raw      string // what argon2 must be fed (the NFC form)
	}{
		{"cheap", cheap, "correct horse battery staple", "correct horse battery staple"},
		{"two lanes", Params{Memory: 128, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 24}, "hunter2hunter2", "hunter2hunter2"},
		{"normalised first", cheap, "cre\u0300me-bru\u0302le\u0301e", "cr\u00e8me-br\u00fbl\u00e9e"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := argon2.IDKey([]byte(tt.raw), salt, tt.p.Time, tt.p.Memory, tt.p.Threads, tt.p.KeyLen)
			want := fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s",
				tt.p.Memory, tt.p.Time, tt.p.Threads,
				base64.RawStdEncoding.EncodeToString(salt),
				base64.RawStdEncoding.EncodeToString(key))
			if got := hashWithSalt(tt.p, salt, tt.password); got != want {
				t.Errorf("hashWithSalt = %q, want %q", got, want)
			}
			if ok, err := VerifyPassword(want, tt.password); !ok || err != nil {
				t.Errorf("VerifyPassword(vector) = %v, %v; want true, nil", ok, err)
			}
		})
	}
}

// TestReferenceVectors checks interoperability with hashes produced by the
// argon2 reference implementation (P-H-C/phc-winner-argon2, src/test.c).
func TestReferenceVectors(t *testing.T) {
	tests := []struct {
		name  string
		phc   string
		heavy bool
	}{
		{"m=256 p=1", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4", false},
		{"m=65536 p=1", "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.heavy && testing.Short() {
				t.Skip("64 MiB vector skipped in -short mode")
			}
			if ok, err := VerifyPassword(tt.phc, "password"); !ok || err != nil {
				t.Errorf("VerifyPassword(password) = %v, %v; want true, nil", ok, err)
			}
			if ok, err := VerifyPassword(tt.phc, "Password"); ok || err != nil {
				t.Errorf("VerifyPassword(Password) = %v, %v; want false, nil", ok, err)
			}
		})
	}
}

func TestVerifyTamperedValue(t *testing.T) {
	const pw = "correct horse battery staple"
	phc, err := HashPasswordWith(cheap, pw)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.LastIndexByte(phc, '$')
	// Flip the first character of the salt and of the key: still well-formed,
	// so the result must be "wrong password", not an error.
	saltStart := strings.LastIndexByte(phc[:i], '$') + 1
	tests := []struct {
		name string
		phc  string
	}{
		{"salt changed", flip(phc, saltStart)},
		{"key changed", flip(phc, i+1)},
		{"time raised", strings.Replace(phc, ",t=1,", ",t=2,", 1)},
		{"memory raised", strings.Replace(phc, "m=64,", "m=72,", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.phc == phc {
				t.Fatal("tampering did not change the string")
			}
			if ok, err := VerifyPassword(tt.phc, pw); ok || err != nil {
				t.Errorf("VerifyPassword = %v, %v; want false, nil", ok, err)
			}
		})
	}
}

func flip(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

func TestVerifyMalformed(t *testing.T) {
	const salt = "c29tZXNhbHQ"                                // "somesalt"
	const key = "nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4" // 32 bytes
	valid := "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + key
	if ok, err := VerifyPassword(valid, "password"); !ok || err != nil {
		t.Fatalf("base string does not verify: %v, %v", ok, err)
	}
	tests := []struct {
		name string
		phc  string
	}{
		{"empty", ""},
		{"plain text", "password"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", "$argon2i$v=19$m=256,t=2,p=1$" + salt + "$" + key},
		{"argon2d", "$argon2d$v=19$m=256,t=2,p=1$" + salt + "$" + key},
		{"upper-case algorithm", "$ARGON2ID$v=19$m=256,t=2,p=1$" + salt + "$" + key},
		{"no leading dollar", "argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + key},
		{"missing version", "$argon2id$m=256,t=2,p=1$" + salt + "$" + key},
		{"version 16", "$argon2id$v=16$m=256,t=2,p=1$" + salt + "$" + key},
		{"extra field", valid + "$AAAA"},
		{"trailing dollar", valid + "$"},
		{"missing key", "$argon2id$v=19$m=256,t=2,p=1$" + salt},
		{"empty key", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$"},
		{"empty salt", "$argon2id$v=19$m=256,t=2,p=1$$" + key},
		{"params reordered", "$argon2id$v=19$t=2,m=256,p=1$" + salt + "$" + key},
		{"param missing", "$argon2id$v=19$m=256,t=2$" + salt + "$" + key},
		{"param extra", "$argon2id$v=19$m=256,t=2,p=1,k=1$" + salt + "$" + key},
		{"leading zero", "$argon2id$v=19$m=0256,t=2,p=1$" + salt + "$" + key},
		{"plus sign", "$argon2id$v=19$m=+256,t=2,p=1$" + salt + "$" + key},
		{"negative", "$argon2id$v=19$m=256,t=-2,p=1$" + salt + "$" + key},
		{"not a number", "$argon2id$v=19$m=lots,t=2,p=1$" + salt + "$" + key},
		{"space in params", "$argon2id$v=19$m=256, t=2,p=1$" + salt + "$" + key},
		{"m overflows uint32", "$argon2id$v=19$m=4294967296,t=2,p=1$" + salt + "$" + key},
		{"p overflows uint8", "$argon2id$v=19$m=4096,t=2,p=256$" + salt + "$" + key},
		{"t zero", "$argon2id$v=19$m=256,t=0,p=1$" + salt + "$" + key},
		{"p zero", "$argon2id$v=19$m=256,t=2,p=0$" + salt + "$" + key},
		{"m below 8p", "$argon2id$v=19$m=15,t=2,p=2$" + salt + "$" + key},
		{"m above limit", "$argon2id$v=19$m=4194305,t=2,p=1$" + salt + "$" + key},
		{"t above limit", "$argon2id$v=19$m=256,t=65,p=1$" + salt + "$" + key},
		{"salt too short", "$argon2id$v=19$m=256,t=2,p=1$c2FsdA$" + key},
		{"key too short", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$AAAA"},
		{"padded salt", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "=$" + key},
		{"padded key", valid + "="},
		{"url-safe alphabet", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + strings.ReplaceAll(key, "/", "_")},
		{"non-canonical last char", valid[:len(valid)-1] + "5"},
		{"impossible base64 length", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + key + "AA"},
		{"newline inside key", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + key[:10] + "\n" + key[10:]},
		{"trailing newline", valid + "\n"},
		{"leading space", " " + valid},
		{"too long", "$argon2id$v=19$m=256,t=2,p=1$" + salt + "$" + strings.Repeat("A", 5000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := VerifyPassword(tt.phc, "password")
			if ok || !errors.Is(err, ErrMalformedHash) {
				t.Errorf("VerifyPassword = %v, %v; want false, ErrMalformedHash", ok, err)
			}
			if !NeedsRehash(tt.phc) {
				t.Error("NeedsRehash(malformed) = false, want true")
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	enc := func(m, t uint32, p uint8, saltLen, keyLen int) string {
		return encodePHC(Params{Memory: m, Time: t, Threads: p}, make([]byte, saltLen), make([]byte, keyLen))
	}
	tests := []struct {
		name string
		phc  string
		want bool
	}{
		{"OWASP", enc(19456, 2, 1, 16, 32), false},
		{"m=4096", enc(4096, 2, 1, 16, 32), true},
		{"m just below", enc(19455, 2, 1, 16, 32), true},
		{"t=1", enc(19456, 1, 1, 16, 32), true},
		{"m=47104 t=1 still below on t", enc(47104, 1, 1, 16, 32), true},
		{"short salt", enc(19456, 2, 1, 8, 32), true},
		{"short key", enc(19456, 2, 1, 16, 16), true},
		{"more memory", enc(65536, 2, 1, 16, 32), false},
		{"more time", enc(19456, 3, 1, 16, 32), false},
		{"more lanes", enc(19456, 2, 4, 16, 32), false},
		{"longer salt and key", enc(19456, 2, 1, 32, 64), false},
		{"reference vector m=65536", "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", true}, // 8-byte salt
		{"malformed", "not a hash", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NeedsRehash(tt.phc); got != tt.want {
				t.Errorf("NeedsRehash(%q) = %v, want %v", tt.phc, got, tt.want)
			}
		})
	}
}

func TestHashPasswordWithInvalidParams(t *testing.T) {
	tests := []struct {
		name string
		p    Params
	}{
		{"zero value", Params{}},
		{"time zero", Params{Memory: 64, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32}},
		{"threads zero", Params{Memory: 64, Time: 1, Threads: 0, SaltLen: 16, KeyLen: 32}},
		{"memory below 8 per thread", Params{Memory: 31, Time: 1, Threads: 4, SaltLen: 16, KeyLen: 32}},
		{"memory above limit", Params{Memory: maxMemory + 1, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}},
		{"time above limit", Params{Memory: 64, Time: maxTime + 1, Threads: 1, SaltLen: 16, KeyLen: 32}},
		{"salt too short", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 7, KeyLen: 32}},
		{"salt too long", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: maxSaltLen + 1, KeyLen: 32}},
		{"key too short", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 3}},
		{"key too long", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: maxKeyLen + 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if phc, err := HashPasswordWith(tt.p, "correct horse battery staple"); err == nil {
				t.Errorf("HashPasswordWith = %q, nil; want an error", phc)
			}
		})
	}
}

func TestDummyVerify(t *testing.T) {
	// The dummy hash must be well-formed: if parsing failed, DummyVerify would
	// return early and be measurably faster than a real verification.
	if _, err := VerifyPassword(dummyHash(), "x"); err != nil {
		t.Fatalf("dummy hash %q does not parse: %v", dummyHash(), err)
	}
	if !strings.HasPrefix(dummyHash(), "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("dummy hash %q does not use the OWASP parameters", dummyHash())
	}
	// Exercise DummyVerify itself with cheap parameters to keep the test fast.
	saved := OWASP
	OWASP = cheap
	t.Cleanup(func() { OWASP = saved })
	for _, pw := range []string{"", "password", strings.Repeat("é", 600)} {
		DummyVerify(pw)
	}
}

func TestValidatePasswordStrength(t *testing.T) {
	tests := []struct {
		name     string
		password string
		wantErr  string // substring of the message; empty means valid
	}{
		{"twelve ascii", "abcdefghijkl", ""},
		{"passphrase", "correct horse battery staple", ""},
		{"eleven", "abcdefghijk", "at least 12 characters"},
		{"empty", "", "at least 12 characters"},
		{"twelve runes, more bytes", "ééééééééééée", ""},
		{"twelve after NFC", strings.Repeat("e\u0301", 11) + "x", ""},
		{"eleven after NFC though 22 runes raw", strings.Repeat("e\u0301", 11), "at least 12 characters"},
		{"all same ascii", "aaaaaaaaaaaaaaaa", "single repeated character"},
		{"all same non-ascii", strings.Repeat("ж", 20), "single repeated character"},
		{"all same after NFC", strings.Repeat("e\u0301", 12) + "\u00e9", "single repeated character"},
		{"all spaces", strings.Repeat(" ", 12), "single repeated character"},
		{"1024 bytes", strings.Repeat("ab", 512), ""},
		{"1025 bytes", strings.Repeat("ab", 512) + "c", "at most 1024 bytes"},
		{"huge", strings.Repeat("ab", 1<<20), "at most 1024 bytes"},
		{"1024 bytes after NFC, 1365 before", strings.Repeat("e\u0301x", 341) + "y", ""},
		{"invalid utf-8", "abcdefghijkl\xff", "valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePasswordStrength(tt.password)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("ValidatePasswordStrength = %v, want nil", err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("ValidatePasswordStrength = nil, want error containing %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("ValidatePasswordStrength = %q, want it to contain %q", err, tt.wantErr)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "password must ") {
				t.Errorf("message %q should state the requirement", err)
			}
		})
	}
}
