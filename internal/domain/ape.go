package domain

import (
	"slices"
	"strings"
	"unicode"
)

const reasonAPE = "ape.shape"

// apeLabels are the words people copy along with the code from a Kbis, an INSEE notice or a
// spreadsheet header ("APE 85.59A", "code NAF 85.59 A"). They are removed before the code
// is read.
var apeLabels = []string{"CODE", "APE", "NAF"}

// NormalizeAPE returns an activity code (code APE, from the NAF rév. 2 nomenclature) in its
// canonical form "85.59A", so that the portal filters and reports on one spelling whatever
// was pasted: "8559A", "8559 a", "APE: 85.59A" and "code NAF 85.59 A" are all accepted.
// Empty input is an error; callers treat an empty code as "not given" before calling.
func NormalizeAPE(s string) (string, error) {
	rest := strings.Map(asciiUpper, strings.TrimSpace(s))
	for stripped := true; stripped; {
		stripped = false
		for _, label := range apeLabels {
			if after, ok := strings.CutPrefix(rest, label); ok {
				rest = strings.TrimLeftFunc(after, isAPESeparator)
				stripped = true
			}
		}
	}

	// What remains is DD.DDL or DDDDL, possibly with spaces anywhere ("85.59 A").
	code := make([]byte, 0, 6)
	for _, r := range rest {
		if unicode.IsSpace(r) {
			continue
		}
		if r >= 0x80 || len(code) == 6 {
			return "", Invalid("ape", s, reasonAPE)
		}
		code = append(code, byte(r))
	}
	if len(code) == 5 {
		code = slices.Insert(code, 2, '.')
	}
	if len(code) != 6 || !isASCIIDigit(code[0]) || !isASCIIDigit(code[1]) || code[2] != '.' ||
		!isASCIIDigit(code[3]) || !isASCIIDigit(code[4]) || code[5] < 'A' || code[5] > 'Z' {
		return "", Invalid("ape", s, reasonAPE)
	}
	return string(code), nil
}

// isAPESeparator reports whether r may sit between a label and the code ("APE: 85.59A",
// "APE/NAF 85.59A").
func isAPESeparator(r rune) bool {
	return r == ':' || r == '/' || r == '-' || unicode.IsSpace(r)
}

// asciiUpper upper-cases ASCII letters only, so that no other character can turn into one
// (strings.ToUpper maps 'ſ' to 'S').
func asciiUpper(r rune) rune {
	if r >= 'a' && r <= 'z' {
		return r - 'a' + 'A'
	}
	return r
}

// isASCIIDigit reports whether b is an ASCII digit.
func isASCIIDigit(b byte) bool { return b >= '0' && b <= '9' }
