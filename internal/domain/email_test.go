package domain

import (
	"strings"
	"testing"
)

func TestNormalizeEmail(t *testing.T) {
	local64 := strings.Repeat("a", 64)
	label63 := strings.Repeat("b", 63)
	// 64 + 1 + 63 + 1 + 63 + 1 + 61 = 254 characters.
	longest := local64 + "@" + label63 + "." + label63 + "." + strings.Repeat("c", 61)

	tests := []struct {
		name string
		in   string
		want string // "" when the input must be refused
	}{
		{"lower-cased as a whole", "Jean.Dupont@Cap-Metiers.FR", "jean.dupont@cap-metiers.fr"},
		{"trimmed", "  contact@afpa.fr\t", "contact@afpa.fr"},
		{"no-break spaces trimmed", "\u00a0contact@afpa.fr\u00a0", "contact@afpa.fr"},
		{"plus tag", "jean+cfa@example.fr", "jean+cfa@example.fr"},
		{"sub-domain", "a.b-c_d@mail.region-nouvelle-aquitaine.fr", "a.b-c_d@mail.region-nouvelle-aquitaine.fr"},
		{"digits in domain", "x@123formation.fr", "x@123formation.fr"},
		{"other atext", "o'neil!#$%&*/=?^`{|}~@example.com", "o'neil!#$%&*/=?^`{|}~@example.com"},
		{"long TLD", "info@example.formation", "info@example.formation"},
		{"longest", longest, longest},

		{"empty", "", ""},
		{"blank", "   ", ""},
		{"no at", "jean.dupont.fr", ""},
		{"two ats", "jean@dupont@example.fr", ""},
		{"empty local", "@example.fr", ""},
		{"empty domain", "jean@", ""},
		{"space in local", "jean dupont@example.fr", ""},
		{"space in domain", "jean@exa mple.fr", ""},
		{"leading dot", ".jean@example.fr", ""},
		{"trailing dot", "jean.@example.fr", ""},
		{"double dot", "jean..dupont@example.fr", ""},
		{"local too long", local64 + "a@example.fr", ""},
		{"too long", "a" + longest, ""},
		{"no dot in domain", "jean@localhost", ""},
		{"domain ends with dot", "jean@example.fr.", ""},
		{"domain starts with dot", "jean@.example.fr", ""},
		{"double dot in domain", "jean@example..fr", ""},
		{"label starts with hyphen", "jean@-example.fr", ""},
		{"label ends with hyphen", "jean@example-.fr", ""},
		{"label too long", "jean@" + label63 + "b.fr", ""},
		{"underscore in domain", "jean@ex_ample.fr", ""},
		{"one-letter TLD", "jean@example.f", ""},
		{"numeric TLD", "jean@example.12", ""},
		{"IP address", "jean@192.168.0.1", ""},
		{"IP literal", "jean@[192.168.0.1]", ""},
		{"display name", "Jean <jean@example.fr>", ""},
		{"angle brackets only", "<jean@example.fr>", ""},
		{"quoted local part", `"jean dupont"@example.fr`, ""},
		{"mailto", "mailto:jean@example.fr", ""},
		{"MAILTO", "MAILTO:jean@example.fr", ""},
		{"accented local part", "jérôme@example.fr", ""},
		{"internationalised domain", "jean@exemple.côte.fr", ""},
		{"Kelvin sign would lower-case to k", "\u212aevin@example.fr", ""},
		{"comma", "jean,dupont@example.fr", ""},
		{"semicolon list", "a@example.fr;b@example.fr", ""},
		{"control character", "jean\x00@example.fr", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeEmail(tt.in)
			if tt.want != "" {
				if err != nil || got != tt.want {
					t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("NormalizeEmail(%q) = %q, want an error", tt.in, got)
			}
			if fe := assertFieldError(t, err, "email"); fe.Value != tt.in {
				t.Errorf("error value = %q, want the input %q", fe.Value, tt.in)
			}
		})
	}
}
