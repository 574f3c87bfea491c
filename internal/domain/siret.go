package domain

import (
	"strings"
	"unicode"
)

// Reasons shared by the SIRET and SIREN validators, so that the messages stay identical.
const (
	reasonSIRETShape = "siret.shape"
	reasonSIRENShape = "siren.shape"
	reasonChecksum   = "siret.checksum"
)

// laPosteSIREN is the SIREN of La Poste. It has more establishments than a Luhn key leaves
// room for, so INSEE checks their SIRETs with a different rule (see NormalizeSIRET).
const laPosteSIREN = "356000000"

// laPosteHeadOffice is La Poste's head office, the one establishment of that SIREN whose
// SIRET follows the ordinary Luhn key.
const laPosteHeadOffice = "35600000000048"

// NormalizeSIRET returns the 14-digit SIRET that identifies an establishment, as typed in
// forms and spreadsheets ("732 829 320 00074", "732.829.320.00074", with non-breaking
// spaces, …) reduced to its digits, so that one establishment is stored and looked up under
// one key. The check digits are verified because most bad SIRETs are typos: both the
// 14 digits and the SIREN (the first 9) must pass the Luhn key, except La Poste's
// establishments, whose digits must add up to a multiple of 5.
func NormalizeSIRET(s string) (string, error) {
	digits, ok := collectDigits(s, 14, true)
	if !ok || len(digits) != 14 {
		return "", Invalid("siret", s, siretShapeReason(s, digits, ok))
	}
	if !siretChecksumOK(digits) {
		return "", Invalid("siret", s, reasonChecksum)
	}
	return digits, nil
}

// siretShapeReason says why s is not 14 digits, naming what a spreadsheet does to a SIRET
// kept as a number: its leading 0 dropped (13 digits), or the number written in scientific
// notation ("4,43062E+13"), its last digits rounded away.
func siretShapeReason(s, digits string, ok bool) string {
	switch {
	case ok && len(digits) == 13 && siretChecksumOK("0"+digits):
		return "siret.shape_13" // a leading 0 makes it a SIRET
	case isScientific(strings.TrimSpace(s)):
		return "siret.shape_scientific"
	}
	return reasonSIRETShape
}

// isScientific reports whether s is a number as spreadsheets write a large one: 4,43062E+13,
// 4.43062e13.
func isScientific(s string) bool {
	mantissa, exp, ok := strings.Cut(strings.ToUpper(s), "E")
	exp = strings.TrimPrefix(exp, "+")
	whole, frac, _ := strings.Cut(strings.Replace(mantissa, ",", ".", 1), ".")
	digits := func(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
	return ok && digits(whole) && (frac == "" || digits(frac)) && digits(exp)
}

// NormalizeSIREN returns the 9-digit SIREN that identifies a legal unit, accepting the same
// separators as NormalizeSIRET, so that a company is matched whatever way it was typed. The
// Luhn key must match, to catch typos before they reach the portal.
func NormalizeSIREN(s string) (string, error) {
	digits, ok := collectDigits(s, 9, true)
	if !ok || len(digits) != 9 {
		return "", Invalid("siren", s, reasonSIRENShape)
	}
	if !luhnValid(digits) {
		return "", Invalid("siren", s, reasonChecksum)
	}
	return digits, nil
}

// IsDigitsPrefix reports whether s, once spaces and dots are removed, is 1 to 14 ASCII
// digits, and returns those digits. Search uses it to treat a query such as "356 000 000"
// as the beginning of a SIRET rather than as words of a name.
func IsDigitsPrefix(s string) (digits string, ok bool) {
	digits, ok = collectDigits(s, 14, false)
	if !ok || digits == "" {
		return "", false
	}
	return digits, true
}

// collectDigits returns the ASCII digits of s, skipping the separators people put in
// identifiers: any Unicode space (including U+00A0 and U+202F), dots and, when dashes is
// true, hyphen-minus. It fails on any other character or when there are more than max
// digits, which also bounds the work done on long garbage input.
func collectDigits(s string, max int, dashes bool) (string, bool) {
	buf := make([]byte, 0, max)
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			if len(buf) == max {
				return "", false
			}
			buf = append(buf, byte(r))
		case r == '.' || (dashes && r == '-') || unicode.IsSpace(r):
		default:
			return "", false
		}
	}
	return string(buf), true
}

// siretChecksumOK applies INSEE's key rules to 14 ASCII digits.
func siretChecksumOK(siret string) bool {
	if strings.HasPrefix(siret, laPosteSIREN) && siret != laPosteHeadOffice {
		return digitSum(siret)%5 == 0
	}
	return luhnValid(siret) && luhnValid(siret[:9])
}

// luhnValid reports whether the ASCII digits in s pass the Luhn (mod 10) key: from the
// right, every second digit is doubled (minus 9 when above 9) and the total must end in 0.
func luhnValid(s string) bool {
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// digitSum adds the ASCII digits of s.
func digitSum(s string) int {
	sum := 0
	for i := 0; i < len(s); i++ {
		sum += int(s[i] - '0')
	}
	return sum
}
