package domain

import (
	"strings"
	"unicode/utf8"
)

// IsControlRune reports whether r must never reach a terminal as typed: a C0 or C1 control
// character (ESC starts the sequences that move the cursor, change colours or set the
// window title), DEL, or a bidirectional control (U+202A–U+202E, U+2066–U+2069), which makes
// a terminal show text in another order than it is stored ("gpj.exe" shown as "exe.jpg").
func IsControlRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// HasControl reports whether s holds a control or bidirectional character, or is not valid
// UTF-8.
func HasControl(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || IsControlRune(r) {
			return true
		}
	}
	return false
}

// CheckText refuses free text typed by people (names, functions, addresses, reasons,
// comments, token names) that holds a control or bidirectional character: it would be
// printed to the terminals of the gestionnaires who read it. Tabs and line breaks are white
// space, not controls, here: names collapse them into one space, reasons keep them. field is
// the flag or column name of the message (exit 6); the value is not echoed, it is what must
// not reach a terminal.
func CheckText(field, value string) error {
	for _, r := range value {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case r == utf8.RuneError:
			return Invalid(field, "", "text.bad_utf8")
		case IsControlRune(r):
			return Invalid(field, "", "text.control", EscapeRune(r))
		}
	}
	return nil
}

// The longest text people may type in each kind of field, in characters: what a card, a table
// cell or a spreadsheet cell shows to someone reading it. Past them the text is a mistake (a
// column pasted whole) or an attack (a name of 50 MB, printed to every terminal that lists it).
const (
	MaxNameLength     = 100  // a last or first name
	MaxFunctionLength = 200  // what a person does
	MaxAcronymLength  = 50   // a structure's acronym
	MaxAddressLength  = 250  // a structure's address
	MaxCityLength     = 100  // a structure's city
	MaxReasonLength   = 2000 // a decision's reason, a change request's comment
)

// CheckLength refuses value when it is longer than max characters (the value is not echoed).
func CheckLength(field, value string, max int) error {
	if utf8.RuneCountInString(value) > max {
		return Invalid(field, "", "text.too_long", max)
	}
	return nil
}

// CheckNames runs CheckText on pairs of field name and value, each a name of at most
// MaxNameLength characters once its spaces are collapsed, and returns the first error.
func CheckNames(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := CheckText(pairs[i], pairs[i+1]); err != nil {
			return err
		}
		if err := CheckLength(pairs[i], oneSpace(pairs[i+1]), MaxNameLength); err != nil {
			return err
		}
	}
	return nil
}

// CheckReason runs CheckText on a reason or a comment, of at most MaxReasonLength characters.
func CheckReason(field, value string) error {
	if err := CheckText(field, value); err != nil {
		return err
	}
	return CheckLength(field, strings.TrimSpace(value), MaxReasonLength)
}

// CheckTexts runs CheckText on pairs of field name and value, and returns the first error.
func CheckTexts(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := CheckText(pairs[i], pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// EscapeRune writes a control character visibly: \x1b, \u202e.
func EscapeRune(r rune) string {
	const hex = "0123456789abcdef"
	if r < 0x100 {
		return `\x` + string(hex[r>>4]) + string(hex[r&0xf])
	}
	var b strings.Builder
	b.WriteString(`\u`)
	for shift := 12; shift >= 0; shift -= 4 {
		b.WriteByte(hex[(r>>uint(shift))&0xf])
	}
	return b.String()
}
