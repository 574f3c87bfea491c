package domain

import (
	"errors"
	"testing"
)

// assertFieldError fails t unless err is a *FieldError for field, with a reason, that
// unwraps to ErrInvalid, and returns it.
func assertFieldError(t *testing.T, err error, field string) *FieldError {
	t.Helper()
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *FieldError", err, err)
	}
	if fe.Field != field {
		t.Errorf("field = %q, want %q", fe.Field, field)
	}
	if fe.Reason.Key == "" {
		t.Errorf("error %v has no reason", err)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("error %v does not unwrap to ErrInvalid", err)
	}
	return fe
}

func TestNormalizeSIRET(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   string
		reason string // expected reason when the input is refused
	}{
		{name: "plain", in: "73282932000074", want: "73282932000074"},
		{name: "grouped with spaces", in: "732 829 320 00074", want: "73282932000074"},
		{name: "dots", in: "732.829.320.00074", want: "73282932000074"},
		{name: "dashes", in: "732-829-320-00074", want: "73282932000074"},
		{name: "no-break spaces", in: "732\u00a0829\u00a0320\u00a000074", want: "73282932000074"},
		{name: "narrow no-break spaces", in: "732\u202f829\u202f320\u202f00074", want: "73282932000074"},
		{name: "surrounding blanks", in: " \t44306184100047\n", want: "44306184100047"},
		{name: "La Poste head office, plain Luhn", in: "356 000 000 00048", want: "35600000000048"},
		{name: "La Poste establishment, sum multiple of 5", in: "35600000000015", want: "35600000000015"},
		{name: "La Poste establishment, sum multiple of 5 (2)", in: "35600000000024", want: "35600000000024"},

		{name: "empty", in: "", reason: reasonSIRETShape},
		{name: "blank", in: "   ", reason: reasonSIRETShape},
		{name: "13 digits: a spreadsheet dropped the leading 0", in: "3282932700074", reason: "siret.shape_13"},
		{name: "13 digits that no leading 0 makes a SIRET", in: "7328293200007", reason: reasonSIRETShape},
		{name: "12 digits", in: "732829320000", reason: reasonSIRETShape},
		{name: "scientific notation, French Excel", in: "4,43062E+13", reason: "siret.shape_scientific"},
		{name: "scientific notation, English", in: " 4.43062e13 ", reason: "siret.shape_scientific"},
		{name: "not scientific: a letter E in a name", in: "E+13", reason: reasonSIRETShape},
		{name: "15 digits", in: "732829320000740", reason: reasonSIRETShape},
		{name: "letter", in: "7328293200007A", reason: reasonSIRETShape},
		{name: "letter O for zero", in: "732829320OOO74", reason: reasonSIRETShape},
		{name: "Arabic-Indic digits", in: "٧٣٢٨٢٩٣٢٠٠٠٠٧٤", reason: reasonSIRETShape},
		{name: "SIREN only", in: "732829320", reason: reasonSIRETShape},
		{name: "typo in key", in: "73282932000075", reason: reasonChecksum},
		{name: "swapped digits", in: "73282932000047", reason: reasonChecksum},
		{name: "Luhn-valid SIRET but SIREN fails Luhn", in: "12345678900007", reason: reasonChecksum},
		{name: "La Poste, sum not multiple of 5", in: "35600000012345", reason: reasonChecksum},
		{name: "La Poste, Luhn-valid but sum not multiple of 5", in: "35600000000014", reason: reasonChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeSIRET(tt.in)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("NormalizeSIRET(%q) error: %v", tt.in, err)
				}
				if got != tt.want {
					t.Errorf("NormalizeSIRET(%q) = %q, want %q", tt.in, got, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("NormalizeSIRET(%q) = %q, want an error", tt.in, got)
			}
			fe := assertFieldError(t, err, "siret")
			if fe.Reason.Key != tt.reason || fe.Value != tt.in {
				t.Errorf("error = %+v, want value %q and reason %q", fe, tt.in, tt.reason)
			}
		})
	}
}

// TestSIRETExamplesPremises checks that the examples above prove what their names say, so
// that the La Poste exception is really exercised in both directions.
func TestSIRETExamplesPremises(t *testing.T) {
	tests := []struct {
		siret      string
		luhn14     bool
		luhn9      bool
		sumBy5     bool
		wantResult bool
	}{
		{"73282932000074", true, true, false, true},
		{"35600000000048", true, true, false, true},  // head office: Luhn, not the La Poste rule
		{"35600000000015", false, true, true, true},  // La Poste rule without Luhn
		{"35600000000024", false, true, true, true},  // idem
		{"35600000000014", true, true, false, false}, // Luhn alone is not enough for La Poste
		{"35600000012345", false, true, false, false},
		{"12345678900007", true, false, false, false}, // the SIREN key is checked too
	}
	for _, tt := range tests {
		if got := luhnValid(tt.siret); got != tt.luhn14 {
			t.Errorf("luhnValid(%s) = %v, want %v", tt.siret, got, tt.luhn14)
		}
		if got := luhnValid(tt.siret[:9]); got != tt.luhn9 {
			t.Errorf("luhnValid(%s) = %v, want %v", tt.siret[:9], got, tt.luhn9)
		}
		if got := digitSum(tt.siret)%5 == 0; got != tt.sumBy5 {
			t.Errorf("digitSum(%s) multiple of 5 = %v, want %v", tt.siret, got, tt.sumBy5)
		}
		if _, err := NormalizeSIRET(tt.siret); (err == nil) != tt.wantResult {
			t.Errorf("NormalizeSIRET(%s) error = %v, want valid = %v", tt.siret, err, tt.wantResult)
		}
	}
}

// TestLaPosteRuleExhaustive checks every SIRET of La Poste's SIREN against the rule as
// stated by INSEE.
func TestLaPosteRuleExhaustive(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 numbers")
	}
	const digits = "0123456789"
	buf := []byte(laPosteSIREN + "00000")
	for n := 0; n < 100000; n++ {
		for i, m := 13, n; i >= 9; i, m = i-1, m/10 {
			buf[i] = digits[m%10]
		}
		siret := string(buf)
		want := digitSum(siret)%5 == 0
		if siret == laPosteHeadOffice {
			want = true
		}
		_, err := NormalizeSIRET(siret)
		if (err == nil) != want {
			t.Fatalf("NormalizeSIRET(%s) error = %v, want valid = %v", siret, err, want)
		}
	}
}

func TestNormalizeSIREN(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		reason string
	}{
		{in: "732829320", want: "732829320"},
		{in: "732 829 320", want: "732829320"},
		{in: "732.829.320", want: "732829320"},
		{in: "552\u00a0100\u00a0554", want: "552100554"},
		{in: "356000000", want: "356000000"},

		{in: "", reason: reasonSIRENShape},
		{in: "73282932", reason: reasonSIRENShape},
		{in: "7328293200", reason: reasonSIRENShape},
		{in: "73282932000074", reason: reasonSIRENShape},
		{in: "73282932X", reason: reasonSIRENShape},
		{in: "732829321", reason: reasonChecksum},
		{in: "123456789", reason: reasonChecksum},
	}
	for _, tt := range tests {
		got, err := NormalizeSIREN(tt.in)
		if tt.reason == "" {
			if err != nil || got != tt.want {
				t.Errorf("NormalizeSIREN(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			continue
		}
		if err == nil {
			t.Errorf("NormalizeSIREN(%q) = %q, want an error", tt.in, got)
			continue
		}
		if fe := assertFieldError(t, err, "siren"); fe.Reason.Key != tt.reason {
			t.Errorf("NormalizeSIREN(%q) reason = %q, want %q", tt.in, fe.Reason.Key, tt.reason)
		}
	}
}

func TestIsDigitsPrefix(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"3", "3", true},
		{"356", "356", true},
		{"356 000 000", "356000000", true},
		{"356.000.000", "356000000", true},
		{"356\u00a0000\u202f000", "356000000", true},
		{" 73282932000074 ", "73282932000074", true},
		{"732 829 320 00074", "73282932000074", true},

		{"", "", false},
		{"   ", "", false},
		{". .", "", false},
		{"732829320000740", "", false}, // 15 digits
		{"356-000", "", false},         // dashes are not part of a search for digits
		{"afpa", "", false},
		{"cfa 33", "", false},
		{"33a", "", false},
		{"٣٥٦", "", false},
	}
	for _, tt := range tests {
		got, ok := IsDigitsPrefix(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("IsDigitsPrefix(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}
