package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns the search key of s: accents removed, lower case, the ligatures œ, æ and ß
// spelt out, and every run of characters that are not letters or digits (spaces,
// apostrophes, hyphens, punctuation) turned into a single space, trimmed at both ends. Names
// are typed in many ways ("Cap Métiers Nouvelle-Aquitaine", "CAP METIERS nouvelle
// aquitaine", "L'ŒUVRE", "L’Oeuvre"); comparing their keys lets search find them all.
// Fold(Fold(s)) == Fold(s).
func Fold(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return foldUnicode(s)
		}
	}
	return foldASCII(s)
}

// foldASCII is Fold for ASCII input, the common case. It returns s itself when s is already
// folded and otherwise allocates only the result.
func foldASCII(s string) string {
	if isFoldedASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	gap := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		default:
			gap = true
			continue
		}
		if gap && b.Len() > 0 {
			b.WriteByte(' ')
		}
		gap = false
		b.WriteByte(c)
	}
	return b.String()
}

// isFoldedASCII reports whether s is made of lower-case ASCII letters and digits in words
// separated by single spaces, that is, whether foldASCII would return it unchanged.
func isFoldedASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == ' ' && i > 0 && i < len(s)-1 && s[i-1] != ' ':
		default:
			return false
		}
	}
	return true
}

// foldUnicode is Fold for input with non-ASCII characters. Each rune is lower-cased, then
// replaced by its compatibility decomposition (NFKD: "é" is "e" and a combining accent, "ﬁ"
// is "fi", "²" is "2"), and the pieces are lower-cased again, since decomposing can give
// upper case ("𝐀" is "A"). Decomposing rune by rune gives the same result as normalising
// the whole string, because the two differ only in the order of combining marks, which
// are dropped, and it avoids copying the input twice.
func foldUnicode(s string) string {
	k := keyBuilder{}
	k.Grow(len(s))
	var enc [utf8.UTFMax]byte
	for _, r := range s {
		if r < utf8.RuneSelf {
			k.add(r)
			continue
		}
		r = unicode.ToLower(r)
		if isHangulSyllable(r) {
			// Properties does not hold the algorithmic decomposition of Hangul syllables.
			for _, jamo := range norm.NFKD.String(string(r)) {
				k.add(jamo)
			}
			continue
		}
		decomposed := norm.NFKD.Properties(utf8.AppendRune(enc[:0], r)).Decomposition()
		if decomposed == nil {
			k.add(r)
			continue
		}
		for len(decomposed) > 0 {
			d, size := utf8.DecodeRune(decomposed)
			decomposed = decomposed[size:]
			k.add(unicode.ToLower(d))
		}
	}
	return k.String()
}

// keyBuilder accumulates a search key one lower-case rune at a time.
type keyBuilder struct {
	strings.Builder
	gap bool // a separator was seen since the last letter or digit
}

// add appends r to the key: combining marks are dropped, ASCII upper case and the
// ligatures œ, æ and ß are spelt out in lower case, other letters and digits are kept, and
// anything else becomes a single space between words.
func (k *keyBuilder) add(r rune) {
	switch {
	case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
	case 'A' <= r && r <= 'Z':
		r += 'a' - 'A'
	case r < utf8.RuneSelf:
		k.gap = true
		return
	case unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me):
		return // accents and other combining marks
	case !unicode.IsLetter(r) && !unicode.IsDigit(r):
		k.gap = true
		return
	}
	if k.gap && k.Len() > 0 {
		k.WriteByte(' ')
	}
	k.gap = false
	switch r {
	case 'œ':
		k.WriteString("oe")
	case 'æ':
		k.WriteString("ae")
	case 'ß':
		k.WriteString("ss")
	default:
		k.WriteRune(r)
	}
}

// isHangulSyllable reports whether r is a precomposed Hangul syllable.
func isHangulSyllable(r rune) bool { return 0xAC00 <= r && r <= 0xD7A3 }
