package secret

import (
	"regexp"
	"testing"
)

func TestNewActivationCode(t *testing.T) {
	shape := regexp.MustCompile(`^[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}$`)
	seen := map[string]bool{}
	for range 200 {
		c, err := NewActivationCode()
		if err != nil {
			t.Fatal(err)
		}
		if !shape.MatchString(c) {
			t.Fatalf("code %q: want xxxxx-xxxxx from the alphabet without look-alikes", c)
		}
		if seen[c] {
			t.Fatalf("code %q made twice in 200", c)
		}
		seen[c] = true
	}
}

func TestNormalizeActivationCode(t *testing.T) {
	for in, want := range map[string]string{
		"abcde-fghjk":    "abcdefghjk",
		"ABCDE FGHJK":    "abcdefghjk",
		" abcde\tfghjk ": "abcdefghjk",
		"abcdefghjk":     "abcdefghjk",
	} {
		if got := NormalizeActivationCode(in); got != want {
			t.Errorf("NormalizeActivationCode(%q) = %q, want %q", in, got, want)
		}
	}
	if HashToken(NormalizeActivationCode("ABCDE-FGHJK")) != HashToken(NormalizeActivationCode("abcde fghjk")) {
		t.Error("two spellings of one code hash differently")
	}
}
