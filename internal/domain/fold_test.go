package domain

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"", ""},
		{"   ", ""},
		{"afpa", "afpa"},
		{"  AFPA  ", "afpa"},
		{"Cap Métiers Nouvelle-Aquitaine", "cap metiers nouvelle aquitaine"},
		{"CAP METIERS nouvelle aquitaine", "cap metiers nouvelle aquitaine"},
		{"L'ŒUVRE", "l oeuvre"},
		{"L’Œuvre", "l oeuvre"},
		{"l'œuvre", "l oeuvre"},
		{"Lætitia ÆSOP", "laetitia aesop"},
		{"Straße", "strasse"},
		{"STRAẞE", "strasse"},
		{"École supérieure d'électricité", "ecole superieure d electricite"},
		{"Ça, c'est « bien » !", "ca c est bien"},
		{"CFA du BTP -- Gironde", "cfa du btp gironde"},
		{"Lycée\u00a0professionnel\u202fJean-Moulin", "lycee professionnel jean moulin"},
		{"a\tb\nc\r\nd", "a b c d"},
		{"e\u0301cole", "ecole"}, // decomposed input
		{"ﬁnance", "finance"},    // ligature decomposed by NFKD
		{"Nº 2", "no 2"},
		{"CFA²", "cfa2"},
		{"ＡＦＰＡ", "afpa"}, // fullwidth
		{"Ἀθῆναι", "αθηναι"},
		{"Łódź", "łodz"},
		{"Ørsted", "ørsted"},
		{"İstanbul", "istanbul"},
		{"1er Étage", "1er etage"},
		{"x" + string([]byte{0xff}) + "y", "x y"}, // invalid UTF-8 is a separator
		{"already folded", "already folded"},
		{"trailing ", "trailing"},
		{" leading", "leading"},
		{"double  space", "double space"},
		{"MiXeD", "mixed"},
		{"한국어 교육", norm.NFKD.String("한국어 교육")}, // Hangul syllables are decomposed into jamo
		{"\u212aelvin", "kelvin"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := foldReference(tt.in); got != tt.want {
			t.Errorf("foldReference(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestFoldEveryRune checks the properties of Fold on each code point alone and between two
// letters: no upper case, no stray space, and idempotence.
func TestFoldEveryRune(t *testing.T) {
	if testing.Short() {
		t.Skip("all of Unicode")
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		for _, s := range []string{string(r), "a" + string(r) + "b"} {
			got := Fold(s)
			if msg := checkFolded(got); msg != "" {
				t.Fatalf("Fold(%q) = %q: %s", s, got, msg)
			}
			if again := Fold(got); again != got {
				t.Fatalf("Fold(%q) = %q but Fold(%q) = %q", s, got, got, again)
			}
			if want := foldReference(s); got != want {
				t.Fatalf("Fold(%q) = %q, reference gives %q", s, got, want)
			}
		}
	}
}

// TestFoldASCIIAllocations checks the fast path: nothing allocated when the input is already
// a search key, and only the result otherwise.
func TestFoldASCIIAllocations(t *testing.T) {
	folded := "cap metiers nouvelle aquitaine"
	if n := testing.AllocsPerRun(100, func() { _ = Fold(folded) }); n != 0 {
		t.Errorf("Fold(%q) allocates %v times, want 0", folded, n)
	}
	raw := "  Cap Metiers   Nouvelle-Aquitaine "
	if n := testing.AllocsPerRun(100, func() { _ = Fold(raw) }); n > 1 {
		t.Errorf("Fold(%q) allocates %v times, want at most 1", raw, n)
	}
}

// checkFolded returns what is wrong with s as a Fold result, or "".
func checkFolded(s string) string {
	switch {
	case strings.HasPrefix(s, " ") || strings.HasSuffix(s, " "):
		return "leading or trailing space"
	case strings.Contains(s, "  "):
		return "double space"
	case !utf8.ValidString(s):
		return "invalid UTF-8"
	}
	for _, r := range s {
		if unicode.IsUpper(r) {
			return "upper-case letter " + string(r)
		}
		if r != ' ' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return "neither letter, digit nor space: " + string(r)
		}
	}
	return ""
}

// foldReference is Fold written the obvious way, normalising the whole string at once;
// Fold must give the same results.
func foldReference(s string) string {
	var words []string
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			words = append(words, word.String())
			word.Reset()
		}
	}
	for _, r := range norm.NFKD.String(strings.ToLower(s)) {
		r = unicode.ToLower(r)
		switch {
		case unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me):
		case r == 'œ':
			word.WriteString("oe")
		case r == 'æ':
			word.WriteString("ae")
		case r == 'ß':
			word.WriteString("ss")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return strings.Join(words, " ")
}

var foldSink string

func BenchmarkFold(b *testing.B) {
	inputs := []struct{ name, s string }{
		{"folded", "cap metiers nouvelle aquitaine"},
		{"ascii", "CAP METIERS - Nouvelle-Aquitaine (Bordeaux)"},
		{"accents", "Cap Métiers Nouvelle-Aquitaine — L’Œuvre d’Éducation"},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in.s)))
			for b.Loop() {
				foldSink = Fold(in.s)
			}
		})
	}
}
