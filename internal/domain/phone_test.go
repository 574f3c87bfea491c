package domain

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
		bad  bool
	}{
		{name: "empty is allowed", in: "", want: ""},
		{name: "blank is allowed", in: "  ", want: ""},
		{name: "spaces", in: "05 56 00 00 00", want: "+33556000000"},
		{name: "dots", in: "05.56.00.00.00", want: "+33556000000"},
		{name: "dashes", in: "05-56-00-00-00", want: "+33556000000"},
		{name: "slashes", in: "05/56/00/00/00", want: "+33556000000"},
		{name: "no-break spaces", in: "05\u00a056\u00a000\u00a000\u00a000", want: "+33556000000"},
		{name: "packed", in: "0556000000", want: "+33556000000"},
		{name: "international", in: "+33 5 56 00 00 00", want: "+33556000000"},
		{name: "international with (0)", in: "+33 (0)5 56 00 00 00", want: "+33556000000"},
		{name: "IDD prefix", in: "0033556000000", want: "+33556000000"},
		{name: "mobile", in: "06 12 34 56 78", want: "+33612345678"},
		{name: "freephone stays French", in: "0800 12 34 56", want: "+33800123456"},
		{name: "already E.164", in: "+33556000000", want: "+33556000000"},

		{name: "Guadeloupe", in: "0590 12 34 56", want: "+590590123456"},
		{name: "Guadeloupe mobile", in: "0690 00 12 34", want: "+590690001234"},
		{name: "Saint-Barthélemy", in: "0590 27 12 34", want: "+590590271234"},
		{name: "Martinique", in: "0596 30 12 34", want: "+596596301234"},
		{name: "Martinique mobile", in: "0696 12 34 56", want: "+596696123456"},
		{name: "Guyane", in: "0594 30 12 34", want: "+594594301234"},
		{name: "La Réunion", in: "0262 12 34 56", want: "+262262123456"},
		{name: "La Réunion 0263", in: "0263 12 34 56", want: "+262263123456"},
		{name: "La Réunion mobile", in: "0692 12 34 56", want: "+262692123456"},
		{name: "Mayotte", in: "0269 61 12 34", want: "+262269611234"},
		{name: "Mayotte mobile", in: "0639 01 23 45", want: "+262639012345"},
		{name: "Saint-Pierre-et-Miquelon", in: "041 12 34", want: "+508411234"},
		{name: "overseas with country code", in: "+590 590 12 34 56", want: "+590590123456"},
		{name: "Martinique range under +33", in: "+33 5 96 30 12 34", want: "+596596301234"},
		{name: "Mayotte range under +33", in: "0033269611234", want: "+262269611234"},

		{name: "Belgium", in: "+32 2 555 12 12", want: "+3225551212"},
		{name: "United Kingdom", in: "+44 20 7946 0958", want: "+442079460958"},
		{name: "Switzerland via IDD", in: "0041 22 123 45 67", want: "+41221234567"},
		{name: "international freephone", in: "00800 1234 5678", want: "+80012345678"},
		{name: "all-zero national number", in: "0080000000000", want: "+80000000000"},

		{name: "too short", in: "05 56 00 00", bad: true},
		{name: "too long", in: "05 56 00 00 00 00", bad: true},
		{name: "unallocated Belgian range", in: "+32 2 123 45 67", bad: true},
		{name: "letters", in: "05 56 AB CD EF", bad: true},
		{name: "vanity number", in: "1-800-FLOWERS", bad: true},
		{name: "extension", in: "01 23 45 67 89 poste 12", bad: true},
		{name: "extension x", in: "01 23 45 67 89 x12", bad: true},
		{name: "just punctuation", in: "+.-", bad: true},
		{name: "text", in: "n/a", bad: true},
		{name: "unknown country code", in: "+999 123 456 789", bad: true},
		{name: "e-mail in the wrong column", in: "jean@example.fr", bad: true},
		{name: "longer than E.164 allows", in: "+49 21000000000000", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizePhone(tt.in)
			if !tt.bad {
				if err != nil || got != tt.want {
					t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("NormalizePhone(%q) = %q, want an error", tt.in, got)
			}
			if fe := assertFieldError(t, err, "phone"); fe.Value != tt.in || fe.Reason.Key != reasonPhone {
				t.Errorf("error = %+v, want value %q, reason %q", fe, tt.in, reasonPhone)
			}
		})
	}
}

func TestFormatPhoneNational(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"", ""},
		{"+33556000000", "05 56 00 00 00"},
		{"+33612345678", "06 12 34 56 78"},
		{"+33800123456", "0 800 12 34 56"}, // the usual spelling of service numbers
		{"+590590123456", "0590 12 34 56"},
		{"+590590271234", "0590 27 12 34"}, // Saint-Barthélemy
		{"+596696123456", "0696 12 34 56"},
		{"+594594301234", "0594 30 12 34"},
		{"+262262123456", "0262 12 34 56"},
		{"+262269611234", "0269 61 12 34"},
		{"+508411234", "+508 41 12 34"}, // not dialled with a 0 from France
		{"+3225551212", "+32 2 555 12 12"},
		{"+442079460958", "+44 20 7946 0958"},
		{"+16502530000", "+1 650-253-0000"},

		{"not a number", "not a number"},
		{"+3221234567", "+3221234567"}, // parses, but not a valid number
		{"+", "+"},
	}
	for _, tt := range tests {
		if got := FormatPhoneNational(tt.in); got != tt.want {
			t.Errorf("FormatPhoneNational(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPhoneRoundTrip checks that what FormatPhoneNational shows is read back as the same
// number, so that a value copied from the output can be pasted into a command.
func TestPhoneRoundTrip(t *testing.T) {
	for _, e164 := range []string{
		"+33556000000", "+33612345678", "+590590123456", "+590590271234", "+596696123456",
		"+594594301234", "+262262123456", "+262269611234", "+508411234", "+3225551212",
		"+442079460958", "+16502530000",
	} {
		shown := FormatPhoneNational(e164)
		got, err := NormalizePhone(shown)
		if err != nil || got != e164 {
			t.Errorf("NormalizePhone(FormatPhoneNational(%q) = %q) = %q, %v", e164, shown, got, err)
		}
	}
}

func ExampleNormalizePhone() {
	for _, s := range []string{"05.56.00.00.00", "0590 12 34 56", "+32 2 555 12 12", "05 56"} {
		e164, err := NormalizePhone(s)
		fmt.Println(e164, err)
	}
	// Output:
	// +33556000000 <nil>
	// +590590123456 <nil>
	// +3225551212 <nil>
	//  phone "05 56": not a valid phone number
}

// The fast path for metropolitan numbers shows every valid one as the phone library does.
func TestFormatMetropolitanAgreesWithTheLibrary(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 1))
	checked := 0
	for range 20000 {
		e164 := fmt.Sprintf("+33%d%08d", 1+r.IntN(9), r.IntN(100_000_000))
		n, err := phonenumbers.Parse(e164, "FR")
		if err != nil || !phonenumbers.IsValidNumber(n) {
			continue
		}
		checked++
		want := phonenumbers.Format(n, phonenumbers.NATIONAL)
		if fast, ok := formatMetropolitan(e164); ok && fast != want {
			t.Fatalf("%s: fast path %q, library %q", e164, fast, want)
		}
		if got := FormatPhoneNational(e164); got != want {
			t.Fatalf("FormatPhoneNational(%s) = %q, library %q", e164, got, want)
		}
	}
	if checked < 5000 {
		t.Fatalf("only %d valid numbers checked", checked)
	}
	for _, in := range []string{"+3312345678", "+330123456789", "+33 12345678", "+3312345678x", "+590590123456", "+33800123456"} {
		if s, ok := formatMetropolitan(in); ok {
			t.Errorf("formatMetropolitan(%q) = %q, want no fast path", in, s)
		}
	}
}
