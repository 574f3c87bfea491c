package domain

import (
	"errors"
	"testing"
)

func TestStructureMatchKey(t *testing.T) {
	base := Structure{Name: "Mission Locale", Address: "12 rue des Écoles", PostalCode: "33000"}
	for _, tc := range []struct {
		name string
		st   Structure
		same bool
	}{
		{"identical", base, true},
		{"case and accents", Structure{Name: "MISSION LOCALE", Address: "12 Rue des Ecoles", PostalCode: "33000"}, true},
		{"punctuation and spaces", Structure{Name: "Mission-Locale", Address: "12, rue des écoles", PostalCode: "33000"}, true},
		{"other postal code", Structure{Name: "Mission Locale", Address: "12 rue des Écoles", PostalCode: "33100"}, false},
		{"other address", Structure{Name: "Mission Locale", Address: "14 rue des Écoles", PostalCode: "33000"}, false},
		{"other name", Structure{Name: "Mission Locale Sud", Address: "12 rue des Écoles", PostalCode: "33000"}, false},
		{"name and address do not run together", Structure{Name: "Mission Locale 12", Address: "rue des Écoles", PostalCode: "33000"}, false},
	} {
		if got := StructureMatchKey(tc.st) == StructureMatchKey(base); got != tc.same {
			t.Errorf("%s: same key %v, want %v", tc.name, got, tc.same)
		}
	}
}

func TestParseYesNo(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
		bad  bool
	}{
		{"true", true, false}, {"TRUE", true, false}, {"Vrai", true, false}, {"oui", true, false}, {"OUI", true, false},
		{"yes", true, false}, {"1", true, false},
		{"false", false, false}, {"Faux", false, false}, {"non", false, false}, {"No", false, false}, {"0", false, false},
		{"", false, true}, {"peut-être", false, true}, {"2", false, true}, {"o", false, true}, {"vraiment", false, true},
	} {
		got, err := ParseYesNo("ministry", tc.in)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("ParseYesNo(%q) = %v, %v", tc.in, got, err)
		}
		var fe *FieldError
		if tc.bad && (!errors.Is(err, ErrInvalid) || !errors.As(err, &fe) || fe.Field != "ministry" || fe.Value != tc.in) {
			t.Errorf("ParseYesNo(%q): error %v does not name the column and the value", tc.in, err)
		}
	}
}

func TestSameStructure(t *testing.T) {
	base := Structure{ID: 1, SIRET: "73282932000074", Name: "Cap Métiers", Acronym: "CM", APE: "85.59A", Address: "1 rue X",
		PostalCode: "33000", City: "Bordeaux", Kinds: []Kind{KindTrainingOrg}, Ministry: false, AdhesionYear: 2020}
	change := map[string]func(*Structure){
		"siret":       func(s *Structure) { s.SIRET = "44306184100047" },
		"name":        func(s *Structure) { s.Name = "Cap Metiers" },
		"acronym":     func(s *Structure) { s.Acronym = "" },
		"ape":         func(s *Structure) { s.APE = "85.59B" },
		"address":     func(s *Structure) { s.Address = "2 rue X" },
		"postal code": func(s *Structure) { s.PostalCode = "33100" },
		"city":        func(s *Structure) { s.City = "Pessac" },
		"kinds":       func(s *Structure) { s.Kinds = []Kind{KindTrainingOrg, KindEmployer} },
		"ministry":    func(s *Structure) { s.Ministry = true },
	}
	for name, f := range change {
		other := base
		f(&other)
		if SameStructure(base, other) {
			t.Errorf("a different %s is the same structure", name)
		}
	}
	// What an import line cannot set does not count.
	other := base
	other.ID, other.AdhesionYear = 2, 2024
	if !SameStructure(base, other) {
		t.Error("the id and the adhesion year make structures differ for an import")
	}
}
