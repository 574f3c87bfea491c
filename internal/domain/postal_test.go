package domain

import (
	"testing"
)

func TestNormalizePostalCode(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		reason string
	}{
		{in: "33600", want: "33600"},
		{in: "33 600", want: "33600"},
		{in: " 75001 ", want: "75001"},
		{in: "01000", want: "01000"},
		{in: "20\u00a0090", want: "20090"},
		{in: "97600", want: "97600"},

		{in: "", reason: reasonPostalShape},
		{in: "3360", reason: reasonPostalShape},
		{in: "336000", reason: reasonPostalShape},
		{in: "33-600", reason: reasonPostalShape},
		{in: "33.600", reason: reasonPostalShape},
		{in: "2A004", reason: reasonPostalShape},
		{in: "F-33600", reason: reasonPostalShape},
		{in: "３３６００", reason: reasonPostalShape},
		{in: "00100", reason: reasonPostal00},
		{in: "00000", reason: reasonPostal00},
	}
	for _, tt := range tests {
		got, err := NormalizePostalCode(tt.in)
		if tt.reason == "" {
			if err != nil || got != tt.want {
				t.Errorf("NormalizePostalCode(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			continue
		}
		if err == nil {
			t.Errorf("NormalizePostalCode(%q) = %q, want an error", tt.in, got)
			continue
		}
		if fe := assertFieldError(t, err, "postal_code"); fe.Reason.Key != tt.reason || fe.Value != tt.in {
			t.Errorf("NormalizePostalCode(%q) error = %+v, want reason %q", tt.in, fe, tt.reason)
		}
	}
}

func TestDepartmentFromPostalCode(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // "" when the input must be refused
	}{
		{"Bordeaux area", "33600", "33"},
		{"Paris", "75001", "75"},
		{"Ain, leading zero kept", "01000", "01"},
		{"spaces allowed", "33 600", "33"},
		{"Val-d'Oise", "95000", "95"},

		{"Corse-du-Sud lowest", "20000", "2A"},
		{"Ajaccio", "20090", "2A"},
		{"Porto-Vecchio", "20137", "2A"},
		{"Corse-du-Sud 20167", "20167", "2A"},
		{"Corse-du-Sud highest", "20199", "2A"},
		{"Bastia", "20200", "2B"},
		{"Haute-Corse 20290", "20290", "2B"},
		{"Haute-Corse 20600", "20600", "2B"},
		{"Haute-Corse 20699", "20699", "2B"},

		{"Guadeloupe", "97100", "971"},
		{"Martinique", "97200", "972"},
		{"Guyane", "97300", "973"},
		{"La Réunion", "97400", "974"},
		{"Saint-Pierre-et-Miquelon", "97500", "975"},
		{"Mayotte", "97600", "976"},
		{"977xx", "97700", "977"},
		{"978xx", "97800", "978"},
		{"Monaco", "98000", "980"},
		{"Wallis-et-Futuna", "98600", "986"},
		{"Polynésie française", "98714", "987"},
		{"Nouvelle-Calédonie", "98800", "988"},

		{"empty", "", ""},
		{"too short", "3360", ""},
		{"letters", "2A000", ""},
		{"00 prefix", "00123", ""},
		{"970xx", "97000", ""},
		{"979xx", "97900", ""},
		{"96xxx", "96000", ""},
		{"99xxx", "99000", ""},
	}
	for _, tt := range tests {
		got, err := DepartmentFromPostalCode(tt.in)
		if tt.want != "" {
			if err != nil || got != tt.want {
				t.Errorf("%s: DepartmentFromPostalCode(%q) = %q, %v; want %q", tt.name, tt.in, got, err, tt.want)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: DepartmentFromPostalCode(%q) = %q, want an error", tt.name, tt.in, got)
			continue
		}
		assertFieldError(t, err, "postal_code")
	}
}
