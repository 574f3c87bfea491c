package secret

import (
	"regexp"
	"strings"
	"testing"
)

func TestNewToken(t *testing.T) {
	tests := []struct {
		prefix string
	}{
		{"prf_s"},
		{"prf_t"},
		{"X"},
		{"a_b_9"},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			re := regexp.MustCompile(`^` + regexp.QuoteMeta(tt.prefix) + `_([a-z2-7]{52})$`)
			seen := make(map[string]bool)
			for range 200 {
				tok, err := NewToken(tt.prefix)
				if err != nil {
					t.Fatalf("NewToken: %v", err)
				}
				m := re.FindStringSubmatch(tok)
				if m == nil {
					t.Fatalf("token %q does not match %v", tok, re)
				}
				b, err := tokenEncoding.DecodeString(m[1])
				if err != nil || len(b) != 32 {
					t.Fatalf("token body decodes to %d bytes (err %v), want 32", len(b), err)
				}
				if seen[tok] {
					t.Fatalf("duplicate token %q", tok)
				}
				seen[tok] = true
			}
		})
	}
}

func TestNewTokenInvalidPrefix(t *testing.T) {
	for _, prefix := range []string{"", "prf-s", "prf s", "prf.s", "préfix", "a\n"} {
		t.Run(prefix, func(t *testing.T) {
			if tok, err := NewToken(prefix); err == nil {
				t.Errorf("NewToken(%q) = %q, nil; want an error", prefix, tok)
			}
		})
	}
}

func TestHashToken(t *testing.T) {
	hex64 := regexp.MustCompile(`^[0-9a-f]{64}$`)
	tests := []struct {
		token string
		want  string
	}{
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	}
	for _, tt := range tests {
		if got := HashToken(tt.token); got != tt.want {
			t.Errorf("HashToken(%q) = %s, want %s", tt.token, got, tt.want)
		}
	}

	a, err := NewToken("prf_s")
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewToken("prf_s")
	if err != nil {
		t.Fatal(err)
	}
	ha, hb := HashToken(a), HashToken(b)
	if !hex64.MatchString(ha) {
		t.Errorf("HashToken = %q, want 64 lowercase hex characters", ha)
	}
	if ha != HashToken(a) {
		t.Error("HashToken is not deterministic")
	}
	if ha == hb {
		t.Error("different tokens hash to the same value")
	}
	if strings.Contains(ha, a) {
		t.Error("hash contains the token")
	}
}

func TestNewTemporaryPassword(t *testing.T) {
	re := regexp.MustCompile(`^[` + temporaryAlphabet + `]{4}(-[` + temporaryAlphabet + `]{4}){3}$`)
	seen := make(map[string]bool)
	used := make(map[rune]bool)
	for range 500 {
		pw, err := NewTemporaryPassword()
		if err != nil {
			t.Fatalf("NewTemporaryPassword: %v", err)
		}
		if !re.MatchString(pw) {
			t.Fatalf("%q does not match %v", pw, re)
		}
		if strings.ContainsAny(pw, "0O1lIio") {
			t.Fatalf("%q contains a look-alike character", pw)
		}
		if err := ValidatePasswordStrength(pw); err != nil {
			t.Fatalf("%q fails ValidatePasswordStrength: %v", pw, err)
		}
		if seen[pw] {
			t.Fatalf("duplicate temporary password %q", pw)
		}
		seen[pw] = true
		for _, r := range strings.ReplaceAll(pw, "-", "") {
			used[r] = true
		}
	}
	// 8000 draws from 31 symbols: every symbol shows up unless the sampling is broken.
	if len(used) != len(temporaryAlphabet) {
		t.Errorf("only %d of %d alphabet characters used", len(used), len(temporaryAlphabet))
	}
}
