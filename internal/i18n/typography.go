package i18n

import (
	"strings"
	"sync"
)

// The catalogue writes French with plain spaces before ":" ";" "?" "!" and inside
// « guillemets », which is easy to type and to review; frenchTypography makes them the
// non-breaking spaces of French typography when a message is rendered: U+00A0 before ":" and
// inside guillemets, the narrow U+202F before ";" "?" "!". It works on the message as
// written in the catalogue, before its arguments are put in, so that data (names, URLs,
// times such as 22:00) is never changed; and it leaves alone what is between backticks,
// commands people copy (`profil user passwd`).
func frenchTypography(s string) string {
	if v, ok := typoCache.Load(s); ok {
		return v.(string)
	}
	out := applyTypography(s)
	typoCache.Store(s, out)
	return out
}

var typoCache sync.Map // French text as written → as rendered

const (
	nbsp       = "\u00a0"
	narrowNbsp = "\u202f"
)

func applyTypography(s string) string {
	if !strings.ContainsAny(s, ":;?!«»") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	code := false // inside `backticks`
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '`' {
			code = !code
		}
		if !code && c == ' ' && i+1 < len(s) {
			switch {
			case s[i+1] == ':':
				b.WriteString(nbsp)
				continue
			case s[i+1] == ';' || s[i+1] == '?' || s[i+1] == '!':
				b.WriteString(narrowNbsp)
				continue
			case strings.HasPrefix(s[i+1:], "»"):
				b.WriteString(nbsp)
				continue
			case strings.HasSuffix(s[:i], "«"):
				b.WriteString(nbsp)
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Typography applies French typography to s when French is the current language, for text
// that does not come from the catalogue (a third-party library's words put in French).
func Typography(s string) string {
	if Current() == French {
		return applyTypography(s)
	}
	return s
}
