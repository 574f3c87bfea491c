package domain

import (
	"regexp"
	"strings"
	"testing"
)

var (
	siretShape = regexp.MustCompile(`^[0-9]{14}$`)
	sirenShape = regexp.MustCompile(`^[0-9]{9}$`)
	apeShape   = regexp.MustCompile(`^[0-9]{2}\.[0-9]{2}[A-Z]$`)
	deptShape  = regexp.MustCompile(`^(0[1-9]|1[0-9]|2[1-9]|[3-8][0-9]|9[0-5]|2A|2B|97[1-8]|98[0-9])$`)
	e164Shape  = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)
)

func FuzzNormalizeSIRET(f *testing.F) {
	for _, s := range []string{
		"73282932000074", "732 829 320 00074", "732.829.320.00074", "732\u00a0829\u00a0320\u00a000074",
		"35600000000048", "35600000000015", "35600000000014", "12345678900007",
		"7328293200007", "732829320000740", "7328293200007A", "", "732829320", "356 000 000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		siret, err := NormalizeSIRET(s)
		if err != nil {
			assertFieldError(t, err, "siret")
		} else {
			if !siretShape.MatchString(siret) {
				t.Fatalf("NormalizeSIRET(%q) = %q, not 14 digits", s, siret)
			}
			if again, err := NormalizeSIRET(siret); again != siret || err != nil {
				t.Fatalf("NormalizeSIRET(%q) = %q, %v; want it unchanged", siret, again, err)
			}
		}

		siren, err := NormalizeSIREN(s)
		if err != nil {
			assertFieldError(t, err, "siren")
		} else {
			if !sirenShape.MatchString(siren) {
				t.Fatalf("NormalizeSIREN(%q) = %q, not 9 digits", s, siren)
			}
			if again, err := NormalizeSIREN(siren); again != siren || err != nil {
				t.Fatalf("NormalizeSIREN(%q) = %q, %v; want it unchanged", siren, again, err)
			}
		}

		if digits, ok := IsDigitsPrefix(s); ok {
			if len(digits) < 1 || len(digits) > 14 || strings.Trim(digits, "0123456789") != "" {
				t.Fatalf("IsDigitsPrefix(%q) = %q, not 1 to 14 digits", s, digits)
			}
			if again, ok := IsDigitsPrefix(digits); again != digits || !ok {
				t.Fatalf("IsDigitsPrefix(%q) = %q, %v; want it unchanged", digits, again, ok)
			}
		} else if digits != "" {
			t.Fatalf("IsDigitsPrefix(%q) = %q, false; want no digits", s, digits)
		}
	})
}

func FuzzNormalizeAPE(f *testing.F) {
	for _, s := range []string{
		"85.59A", "8559A", "8559 a", "APE 85.59A", "naf 8559a", "APE: 85.59A", "code NAF 85.59 A",
		"", "8559", "85.5A", "855.9A", "85.59AB", "ABCDE", "APE", "85.59ſ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ape, err := NormalizeAPE(s)
		if err != nil {
			assertFieldError(t, err, "ape")
			return
		}
		if !apeShape.MatchString(ape) {
			t.Fatalf("NormalizeAPE(%q) = %q, not like 85.59A", s, ape)
		}
		if again, err := NormalizeAPE(ape); again != ape || err != nil {
			t.Fatalf("NormalizeAPE(%q) = %q, %v; want it unchanged", ape, again, err)
		}
	})
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{
		"Jean.Dupont@Cap-Metiers.FR", " contact@afpa.fr ", "jean+cfa@example.fr", "o'neil@example.com",
		"", "jean", "@example.fr", "jean@", "jean..dupont@example.fr", "jean@localhost",
		"jean@192.168.0.1", "jean@[192.168.0.1]", "Jean <jean@example.fr>", "mailto:jean@example.fr",
		"jérôme@example.fr", "\u212aevin@example.fr", "jean@-example.fr",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		email, err := NormalizeEmail(s)
		if err != nil {
			assertFieldError(t, err, "email")
			return
		}
		if len(email) > 254 || strings.Count(email, "@") != 1 || email != strings.ToLower(email) ||
			email != strings.TrimSpace(email) {
			t.Fatalf("NormalizeEmail(%q) = %q, not a plain lower-case address", s, email)
		}
		if !strings.EqualFold(email, strings.TrimSpace(s)) {
			t.Fatalf("NormalizeEmail(%q) = %q, which is not the input up to case", s, email)
		}
		if again, err := NormalizeEmail(email); again != email || err != nil {
			t.Fatalf("NormalizeEmail(%q) = %q, %v; want it unchanged", email, again, err)
		}
	})
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{
		"05 56 00 00 00", "05.56.00.00.00", "+33 5 56 00 00 00", "0033556000000", "0590 12 34 56",
		"0269 61 12 34", "041 12 34", "+32 2 555 12 12", "0800 12 34 56", "+33556000000",
		"", "05 56", "+32 2 123 45 67", "1-800-FLOWERS", "01 23 45 67 89 x12", "+", "(((",
		"0080000000000",      // Format returned the raw input for an all-zero national number
		"004921000000000000", // valid for the German metadata, but longer than E.164 allows
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		shown := FormatPhoneNational(s) // must not panic on anything
		if s == "" && shown != "" {
			t.Fatalf("FormatPhoneNational(%q) = %q, want empty", s, shown)
		}

		phone, err := NormalizePhone(s)
		if err != nil {
			assertFieldError(t, err, "phone")
			return
		}
		if phone == "" {
			if strings.TrimSpace(s) != "" {
				t.Fatalf("NormalizePhone(%q) = \"\", want a number or an error", s)
			}
			return
		}
		if !e164Shape.MatchString(phone) {
			t.Fatalf("NormalizePhone(%q) = %q, not E.164", s, phone)
		}
		if again, err := NormalizePhone(phone); again != phone || err != nil {
			t.Fatalf("NormalizePhone(%q) = %q, %v; want it unchanged", phone, again, err)
		}
		shown = FormatPhoneNational(phone)
		if back, err := NormalizePhone(shown); back != phone || err != nil {
			t.Fatalf("NormalizePhone(FormatPhoneNational(%q) = %q) = %q, %v; want %q", phone, shown, back, err, phone)
		}
	})
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{
		"Cap Métiers Nouvelle-Aquitaine", "L'ŒUVRE", "  AFPA  ", "Straße", "STRAẞE", "L’Œuvre",
		"ﬁnance", "ＡＦＰＡ", "한국어", "e\u0301cole", "x\xffy", "", "already folded", "\u212aelvin",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		key := Fold(s)
		if msg := checkFolded(key); msg != "" {
			t.Fatalf("Fold(%q) = %q: %s", s, key, msg)
		}
		if again := Fold(key); again != key {
			t.Fatalf("Fold(%q) = %q but Fold(%q) = %q", s, key, key, again)
		}
		if want := foldReference(s); key != want {
			t.Fatalf("Fold(%q) = %q, reference gives %q", s, key, want)
		}
	})
}

func FuzzDepartmentFromPostalCode(f *testing.F) {
	for _, s := range []string{
		"33600", "75001", "01000", "20000", "20090", "20199", "20200", "20600", "97100", "97500",
		"97600", "98000", "33 600", "", "00123", "97000", "97900", "96000", "99000", "2A004", "336000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		dept, err := DepartmentFromPostalCode(s)
		pc, pcErr := NormalizePostalCode(s)
		if pcErr != nil {
			assertFieldError(t, pcErr, "postal_code")
			if err == nil {
				t.Fatalf("DepartmentFromPostalCode(%q) = %q but the postal code is refused: %v", s, dept, pcErr)
			}
		} else if again, err := NormalizePostalCode(pc); again != pc || err != nil {
			t.Fatalf("NormalizePostalCode(%q) = %q, %v; want it unchanged", pc, again, err)
		}
		if err != nil {
			assertFieldError(t, err, "postal_code")
			return
		}
		if !deptShape.MatchString(dept) {
			t.Fatalf("DepartmentFromPostalCode(%q) = %q, not a department code", s, dept)
		}
		if !strings.HasPrefix(pc, dept) && !strings.HasPrefix(pc, "20") {
			t.Fatalf("DepartmentFromPostalCode(%q) = %q, not a prefix of %q", s, dept, pc)
		}
		if again, err := DepartmentFromPostalCode(pc); again != dept || err != nil {
			t.Fatalf("DepartmentFromPostalCode(%q) = %q, %v; want %q as for %q", pc, again, err, dept, s)
		}
	})
}
