package domain

import (
	"strings"

	"github.com/profil-cli/profil/internal/i18n"
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
	fail := func(reason string) (string, error) { return "", &FieldError{Field: "email", Value: s, Reason: reason} }

	switch {
	case addr == "":
		return fail(i18n.T("email.empty"))
	case len(addr) >= len("mailto:") && strings.EqualFold(addr[:len("mailto:")], "mailto:"):
		return fail(i18n.T("email.mailto"))
	case strings.ContainsAny(addr, "<>\""):
		return fail(i18n.T("email.display_name"))
	}
	// Checked before lower-casing: strings.ToLower turns the Kelvin sign into 'k'.
	for i := 0; i < len(addr); i++ {
		if addr[i] >= 0x80 {
			return fail(i18n.T("email.ascii"))
		}
	}
	if len(addr) > maxEmailLen {
		return fail(i18n.T("email.too_long"))
	}
	addr = strings.ToLower(addr)

	local, domain, ok := strings.Cut(addr, "@")
	if !ok || strings.Contains(domain, "@") {
		return fail(i18n.T("email.one_at"))
	}
	if reason := checkEmailLocal(local); reason != "" {
		return fail(reason)
	}
	if reason := checkEmailDomain(domain); reason != "" {
		return fail(reason)
	}
	return addr, nil
}

// checkEmailLocal returns why the part before the @ is not acceptable, or "".
func checkEmailLocal(local string) string {
	switch {
	case local == "":
		return i18n.T("email.local_empty")
	case len(local) > maxEmailLocalLen:
		return i18n.T("email.local_too_long")
	case local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, ".."):
		return i18n.T("email.local_dots")
	}
	for i := 0; i < len(local); i++ {
		switch c := local[i]; {
		case isEmailLocalChar(c):
		case c == ' ' || c == '\t':
			return i18n.T("email.spaces")
		case c < ' ' || c == 0x7f:
			return i18n.T("email.control")
		default:
			return i18n.T("email.local_char", rune(c))
		}
	}
	return ""
}

// checkEmailDomain returns why the part after the @ is not a plausible host name, or "".
func checkEmailDomain(domain string) string {
	want := i18n.T("email.domain")
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return want
	}
	for _, label := range labels {
		if label == "" || len(label) > maxDNSLabelLen || label[0] == '-' || label[len(label)-1] == '-' {
			return want
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !isASCIILower(c) && !isASCIIDigit(c) && c != '-' {
				return want
			}
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 {
		return want
	}
	for i := 0; i < len(tld); i++ {
		if !isASCIILower(tld[i]) {
			return want
		}
	}
	return ""
}

// isEmailLocalChar reports whether c may appear unquoted in the local part of an address
// ("atext" of RFC 5322, plus the dot), given that the address is already lower-cased.
func isEmailLocalChar(c byte) bool {
	return isASCIILower(c) || isASCIIDigit(c) || c == '.' || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// isASCIILower reports whether c is an ASCII lower-case letter.
func isASCIILower(c byte) bool { return c >= 'a' && c <= 'z' }
