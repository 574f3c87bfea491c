package domain

import (
	"strings"
	"unicode"

	"github.com/profil-cli/profil/internal/domain/phonedata"
)

const reasonPhone = "phone.invalid"

// maxE164Digits is the most digits an international number may have (ITU-T E.164). The
// metadata of some countries, Germany for one, accepts longer numbers, which could not be
// dialled from abroad.
const maxE164Digits = 15

// overseasPhoneRegions are the overseas departments and collectivities whose numbers people
// type the French way, with a leading 0 ("0590 12 34 56"), in the order they are tried.
var overseasPhoneRegions = []string{"GP", "MQ", "GF", "RE", "YT", "PM"}

// nationalCallingCodes are the country calling codes of the French numbering plan: from
// anywhere in it, their numbers are dialled with a leading 0, so they are shown that way.
// Saint-Pierre-et-Miquelon (+508) has a plan of its own and is shown internationally.
var nationalCallingCodes = map[int]bool{
	33:  true, // metropolitan France
	262: true, // La Réunion, Mayotte
	590: true, // Guadeloupe, Saint-Barthélemy, Saint-Martin
	594: true, // Guyane
	596: true, // Martinique
}

// NormalizePhone returns a phone number in E.164 form ("+33556000000"), the one spelling
// under which the portals store and compare numbers, whatever the way it was typed:
// "05 56 00 00 00", "05.56.00.00.00", "+33 5 56 00 00 00", "0033556000000", or a foreign
// number with its country code ("+32 2 555 12 12"). A number typed the French way is also
// tried as an overseas number, so that "0590 12 34 56" is understood as Guadeloupe. The
// number must be valid for its country; letters, and therefore extensions ("poste 12"), are
// refused because E.164 cannot hold them. The phone is optional: empty input gives "".
func NormalizePhone(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	if strings.ContainsFunc(s, notPhoneRune) {
		return "", Invalid("phone", s, reasonPhone)
	}
	n, source, err := phonedata.Parse(s, "FR")
	if err != nil {
		return "", Invalid("phone", s, reasonPhone)
	}
	typedNationally := source == phonedata.FromDefaultCountry
	valid := n.Valid()

	// French overseas departments are dialled from France with a leading 0 like any French
	// number, so a number typed the French way may be overseas. The French metadata also
	// accepts some overseas geographic ranges under +33 (0596 Martinique, 0263 La Réunion,
	// 0269 Mayotte), which are only reachable under their own country code; so geographic
	// numbers, however typed, are tried overseas first. Service numbers such as 08 00, which
	// every region accepts, stay French.
	var national string
	switch {
	case valid && n.CC == 33 && n.Type() == phonedata.FixedLine:
		national = "0" + n.NSN
	case !valid && typedNationally:
		national = s
	}
	if national != "" {
		for _, region := range overseasPhoneRegions {
			m, _, err := phonedata.Parse(national, region)
			if err == nil && m.Valid() {
				return e164(s, m)
			}
		}
	}
	if !valid {
		return "", Invalid("phone", s, reasonPhone)
	}
	return e164(s, n)
}

// e164 formats n, read from s, as E.164, refusing numbers too long for it.
func e164(s string, n phonedata.Number) (string, error) {
	e := n.E164()
	if len(e)-len("+") > maxE164Digits {
		return "", Invalid("phone", s, reasonPhone)
	}
	return e, nil
}

// FormatPhoneNational returns a stored E.164 number as people expect to read it: numbers of
// the French numbering plan, overseas departments included, in national format
// ("05 56 00 00 00", "0590 12 34 56"), others in international format ("+32 2 555 12 12"),
// since they cannot be dialled from France without their country code. Input that is not a
// valid number, or holds characters NormalizePhone refuses, is returned unchanged, so that
// nothing stored is ever hidden.
//
// Metropolitan numbers (+33 and nine digits), nearly every number stored, are grouped here
// without the phone library, which costs more than the rest of an export's row. For a valid
// number the result is the library's (a test compares them); stored numbers were validated
// on input, so this path does not check again, and a +33 number outside the plan is grouped
// the same way instead of being returned as it is.
func FormatPhoneNational(e164 string) string {
	if e164 == "" {
		return ""
	}
	if s, ok := formatMetropolitan(e164); ok {
		return s
	}
	if strings.ContainsFunc(e164, notPhoneRune) {
		return e164
	}
	n, _, err := phonedata.Parse(e164, "FR")
	if err != nil || !n.Valid() {
		return e164
	}
	return n.Format(nationalCallingCodes[n.CC])
}

// notPhoneRune reports whether r cannot appear in a phone number as people write it:
// anything but digits, spaces and the punctuation + . - / ( ).
func notPhoneRune(r rune) bool {
	if r >= '0' && r <= '9' || unicode.IsSpace(r) {
		return false
	}
	return !strings.ContainsRune("+.-/()", r)
}

// formatMetropolitan formats "+33" and nine digits as "0X XX XX XX XX"; special-rate numbers
// (08…), which the library groups otherwise ("0 800 12 34 56"), are left to it.
func formatMetropolitan(e164 string) (string, bool) {
	if len(e164) != 12 || e164[:3] != "+33" || e164[3] < '1' || e164[3] > '9' || e164[3] == '8' {
		return "", false
	}
	var b [14]byte
	b[0], b[1] = '0', e164[3]
	j := 2
	for i := 4; i < 12; i += 2 {
		c, d := e164[i], e164[i+1]
		if c < '0' || c > '9' || d < '0' || d > '9' {
			return "", false
		}
		b[j], b[j+1], b[j+2] = ' ', c, d
		j += 3
	}
	return string(b[:]), true
}
