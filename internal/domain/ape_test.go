package domain

import (
	"testing"
)

func TestNormalizeAPE(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when the input must be refused
	}{
		{"85.59A", "85.59A"},
		{"8559A", "85.59A"},
		{"8559 a", "85.59A"},
		{"85.59a", "85.59A"},
		{"APE 85.59A", "85.59A"},
		{"naf 8559a", "85.59A"},
		{"APE: 85.59A", "85.59A"},
		{"APE : 85.59A", "85.59A"},
		{"code NAF 85.59 A", "85.59A"},
		{"Code APE: 8559A", "85.59A"},
		{"APE/NAF 85.59A", "85.59A"},
		{"  01.11Z  ", "01.11Z"},
		{"94.99Z", "94.99Z"},
		{"85\u00a059\u00a0A", "85.59A"},

		{"", ""},
		{"   ", ""},
		{"APE", ""},
		{"APE:", ""},
		{"8559", ""},
		{"85.59", ""},
		{"85.5A", ""},
		{"855.9A", ""},
		{"85.59AB", ""},
		{"8559AB", ""},
		{"ABCDE", ""},
		{"85,59A", ""},
		{"85..59A", ""},
		{".8559A", ""},
		{"8559.A", ""},
		{"85.59É", ""},
		{"85.59ſ", ""}, // strings.ToUpper would turn the long s into S
		{"８５.５９A", ""}, // fullwidth digits
		{"NAFNAF 85.59A x", ""},
	}
	for _, tt := range tests {
		got, err := NormalizeAPE(tt.in)
		if tt.want != "" {
			if err != nil || got != tt.want {
				t.Errorf("NormalizeAPE(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			continue
		}
		if err == nil {
			t.Errorf("NormalizeAPE(%q) = %q, want an error", tt.in, got)
			continue
		}
		fe := assertFieldError(t, err, "ape")
		if fe.Value != tt.in || fe.Reason.Key != reasonAPE {
			t.Errorf("NormalizeAPE(%q) error = %+v, want the input and reason %q", tt.in, fe, reasonAPE)
		}
	}
}
