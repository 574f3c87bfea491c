package domain

import (
	"errors"
	"strings"
	"testing"
)

// The names of a person, one rule whatever the names of the fields: the command line's flags
// or an import file's columns.
func TestPersonFieldsSetNames(t *testing.T) {
	for _, tt := range []struct {
		name                string
		f                   PersonFields
		last, first, fn     string
		wantLast, wantFirst string
		field               string // the field refused, "" when accepted
		key                 string
	}{
		{"cleaned", PersonFlags, "  Le   Goff ", "Anne\tMarie", " Formatrice ", "Le Goff", "Anne Marie", "", ""},
		{"no function", PersonColumns, "Martin", "Anne", "", "Martin", "Anne", "", ""},
		{"last name missing, flags", PersonFlags, "  ", "Anne", "", "", "", "last-name", "field.required"},
		{"last name missing, columns", PersonColumns, "", "Anne", "", "", "", "last_name", "field.required"},
		{"first name missing, columns", PersonColumns, "Martin", " ", "", "", "", "first_name", "field.required"},
		{"control character", PersonColumns, "Mar\x1btin", "Anne", "", "", "", "last_name", "text.control"},
		{"control character in the function", PersonFlags, "Martin", "Anne", "x\u202e", "", "", "function", "text.control"},
		{"a name of 100 characters", PersonColumns, strings.Repeat("é", 100), "Anne", strings.Repeat("x", 200), strings.Repeat("é", 100), "Anne", "", ""},
		{"a last name of 101 characters", PersonColumns, strings.Repeat("é", 101), "Anne", "", "", "", "last_name", "text.too_long"},
		{"a first name of 101 characters", PersonFlags, "Martin", strings.Repeat("a", 101), "", "", "", "first-name", "text.too_long"},
		{"spaces collapsed before counting", PersonFlags, "Le" + strings.Repeat(" ", 200) + "Goff", "Anne", "", "Le Goff", "Anne", "", ""},
		{"a function of 201 characters", PersonFlags, "Martin", "Anne", strings.Repeat("x", 201), "", "", "function", "text.too_long"},
	} {
		var u User
		err := tt.f.SetNames(&u, tt.last, tt.first, tt.fn)
		if tt.field == "" {
			if err != nil || u.LastName != tt.wantLast || u.FirstName != tt.wantFirst {
				t.Errorf("%s: %q %q, %v; want %q %q", tt.name, u.LastName, u.FirstName, err, tt.wantLast, tt.wantFirst)
			}
			continue
		}
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field || fe.Reason.Key != tt.key {
			t.Errorf("%s: %v, want %s refused (%s)", tt.name, err, tt.field, tt.key)
		}
	}
}
