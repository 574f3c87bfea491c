package domain

import (
	"strings"
)

// Length limits of RFC 5321 (the path limit of 256 minus the angle brackets).
const (
	maxEmailLen      = 254
	maxEmailLocalLen = 64
	maxDNSLabelLen   = 63
)

// NormalizeEmail returns an e-mail address trimmed and lower-cased as a whole: the portals
// compare addresses case-insensitively, so storing one spelling keeps accounts from being
// duplicated. It accepts only plain, deliverable-looking ASCII addresses such as
// "jean.dupont+cfa@cap-metiers.fr": no display name ("Jean <j@x.fr>"), no "mailto:", no IP
// literal, no quoted local part, a domain with at least one dot and a top-level domain of
// two letters or more. Such mistakes are far more often pasting accidents than real
// addresses, and mail sent to them would bounce.
func NormalizeEmail(s string) (string, error) {
	addr := strings.TrimSpace(s)
	fail := func(reason Message) (string, error) { return "", &FieldError{Field: "email", Value: s, Reason: reason} }

	switch {
	case addr == "":
		return fail(Msg("email.empty"))
	case len(addr) >= len("mailto:") && strings.EqualFold(addr[:len("mailto:")], "mailto:"):
		return fail(Msg("email.mailto"))
	case strings.ContainsAny(addr, "<>\""):
		return fail(Msg("email.display_name"))
	}
	// Checked before lower-casing: strings.ToLower turns the Kelvin sign into 'k'.
	for i := 0; i < len(addr); i++ {
		if addr[i] >= 0x80 {
			return fail(Msg("email.ascii"))
		}
	}
	if len(addr) > maxEmailLen {
		return fail(Msg("email.too_long"))
	}
	addr = strings.ToLower(addr)

	local, domain, ok := strings.Cut(addr, "@")
	if !ok || strings.Contains(domain, "@") {
		return fail(Msg("email.one_at"))
	}
	if reason, bad := checkEmailLocal(local); bad {
		return fail(reason)
	}
	if reason, bad := checkEmailDomain(domain); bad {
		return fail(reason)
	}
	return addr, nil
}

// checkEmailLocal returns why the part before the @ is not acceptable, if it is not.
func checkEmailLocal(local string) (Message, bool) {
	switch {
	case local == "":
		return Msg("email.local_empty"), true
	case len(local) > maxEmailLocalLen:
		return Msg("email.local_too_long"), true
	case local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, ".."):
		return Msg("email.local_dots"), true
	}
	for i := 0; i < len(local); i++ {
		switch c := local[i]; {
		case isEmailLocalChar(c):
		case c == ' ' || c == '\t':
			return Msg("email.spaces"), true
		case c < ' ' || c == 0x7f:
			return Msg("email.control"), true
		default:
			return Msg("email.local_char", rune(c)), true
		}
	}
	return Message{}, false
}

// checkEmailDomain returns why the part after the @ is not a plausible host name, if it is not.
func checkEmailDomain(domain string) (Message, bool) {
	want := Msg("email.domain")
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return want, true
	}
	for _, label := range labels {
		if label == "" || len(label) > maxDNSLabelLen || label[0] == '-' || label[len(label)-1] == '-' {
			return want, true
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !isASCIILower(c) && !isASCIIDigit(c) && c != '-' {
				return want, true
			}
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 {
		return want, true
	}
	for i := 0; i < len(tld); i++ {
		if !isASCIILower(tld[i]) {
			return want, true
		}
	}
	return Message{}, false
}

// isEmailLocalChar reports whether c may appear unquoted in the local part of an address
// ("atext" of RFC 5322, plus the dot), given that the address is already lower-cased.
func isEmailLocalChar(c byte) bool {
	return isASCIILower(c) || isASCIIDigit(c) || c == '.' || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// isASCIILower reports whether c is an ASCII lower-case letter.
func isASCIILower(c byte) bool { return c >= 'a' && c <= 'z' }
