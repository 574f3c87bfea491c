package domain

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckText(t *testing.T) {
	tests := []struct {
		value string
		ok    bool
		shown string // how the refused character is named in the message
	}{
		{"Jeanne Durand", true, ""},
		{"Élodie Lefèvre-Gaël d'Ornano", true, ""},
		{"Chargée d’insertion — 2ᵉ étage", true, ""},
		{"tab\tand\nline breaks\r\n", true, ""},
		{"", true, ""},
		{"non-breaking\u00a0space and emoji 🙂", true, ""},
		{"zero width joiner \u200d and LRM \u200e", true, ""},
		{"evil\x1b[31m", false, `\x1b`},
		{"title\x1b]0;owned\x07", false, `\x1b`},
		{"bell\x07", false, `\x07`},
		{"nul\x00", false, `\x00`},
		{"del\x7f", false, `\x7f`},
		{"vertical\vtab", false, `\x0b`},
		{"C1 CSI \u009b31m", false, `\x9b`},
		{"NEL \u0085", false, `\x85`},
		{"\u202egpj.exe", false, `\u202e`},
		{"LRE \u202a", false, `\u202a`},
		{"PDF \u202c", false, `\u202c`},
		{"LRI \u2066", false, `\u2066`},
		{"PDI \u2069", false, `\u2069`},
		{"bad \xff byte", false, ""},
	}
	for _, tt := range tests {
		err := CheckText("last-name", tt.value)
		if (err == nil) != tt.ok {
			t.Errorf("CheckText(%q) = %v, want ok=%v", tt.value, err, tt.ok)
			continue
		}
		if err == nil {
			continue
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("CheckText(%q) = %v, not ErrInvalid (exit 6)", tt.value, err)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "last-name") {
			t.Errorf("CheckText(%q) does not name the field: %q", tt.value, msg)
		}
		if !strings.Contains(msg, tt.shown) || HasControl(msg) {
			t.Errorf("CheckText(%q) message %q should show %s visibly and nothing raw", tt.value, msg, tt.shown)
		}
	}
	if err := CheckTexts("name", "ok", "city", "Pau\u202e"); err == nil || !strings.HasPrefix(err.Error(), "city") {
		t.Errorf("CheckTexts = %v, want the city refused", err)
	}
}

func TestEscapeRune(t *testing.T) {
	for r, want := range map[rune]string{0x1b: `\x1b`, 0: `\x00`, 0x9b: `\x9b`, 0x202e: `\u202e`, 0x2066: `\u2066`} {
		if got := EscapeRune(r); got != want {
			t.Errorf("EscapeRune(%U) = %q, want %q", r, got, want)
		}
	}
}

func TestStructureInputRefusesControlCharacters(t *testing.T) {
	ok, evil := "Cap Métiers", "Cap\x1b[2J Métiers"
	for field, in := range map[string]StructureInput{
		"name":    {Name: &evil},
		"acronym": {Name: &ok, Acronym: &evil},
		"address": {Name: &ok, Address: &evil},
		"city":    {Name: &ok, City: &evil},
	} {
		var s Structure
		err := in.Apply(&s)
		if !errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), field+":") {
			t.Errorf("Apply with a control character in %s = %v, want the field refused", field, err)
		}
	}
}

// The text of a structure has a length a card shows; each limit is the field's, counted in
// characters once spaces are collapsed, and the text is not echoed.
func TestStructureInputRefusesTooLongText(t *testing.T) {
	name, address := "Cap Métiers", "2 rue Lormand"
	for field, max := range map[string]int{"name": 200, "acronym": MaxAcronymLength, "address": MaxAddressLength, "city": MaxCityLength} {
		for _, n := range []int{max, max + 1} {
			long := strings.Repeat("é", n-2) + "   x" // n characters once its spaces are one
			in := StructureInput{Name: &name, Address: &address}
			switch field {
			case "name":
				in.Name = &long
			case "acronym":
				in.Acronym = &long
			case "address":
				in.Address = &long
			case "city":
				in.City = &long
			}
			var s Structure
			err := in.Apply(&s)
			switch {
			case n == max && err != nil:
				t.Errorf("%s of %d characters: %v, want it accepted", field, n, err)
			case n > max && (!errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), field+":") || strings.Contains(err.Error(), "éé")):
				t.Errorf("%s of %d characters: %v, want the field refused, without the text", field, n, err)
			}
		}
	}
	if err := CheckReason("reason", strings.Repeat("a", MaxReasonLength)); err != nil {
		t.Errorf("a reason of %d characters: %v", MaxReasonLength, err)
	}
	if err := CheckReason("reason", strings.Repeat("a", MaxReasonLength+1)); !errors.Is(err, ErrInvalid) {
		t.Errorf("a reason of %d characters: %v, want it refused", MaxReasonLength+1, err)
	}
	if err := CheckNames("last-name", "Martin", "first-name", strings.Repeat("a", MaxNameLength+1)); err == nil || !strings.HasPrefix(err.Error(), "first-name") {
		t.Errorf("CheckNames = %v, want the first name refused", err)
	}
}
