package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Kind is what a structure does, as the portals classify it. A structure may have several.
type Kind string

// The kinds of structure. The catalogue's rules refer to them (a training-org profile needs a
// training org, a prescriber level needs a prescriber).
const (
	KindTrainingOrg Kind = "training-org" // organisme de formation
	KindPrescriber  Kind = "prescriber"   // habilitée à préinscrire
	KindEmployer    Kind = "employer"     // employeur
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KindTrainingOrg, KindPrescriber, KindEmployer}

// ParseKind accepts the code and a few French and English spellings people type.
func ParseKind(s string) (Kind, error) {
	switch Fold(s) {
	case "training org", "trainingorg", "of", "organisme de formation", "training":
		return KindTrainingOrg, nil
	case "prescriber", "prescripteur":
		return KindPrescriber, nil
	case "employer", "employeur":
		return KindEmployer, nil
	}
	return "", Invalid("kind", s, "structure.kind_invalid")
}

// ParseKinds parses a list such as "training-org|employer" or "of,employeur"; duplicates are
// dropped and the result is in display order.
func ParseKinds(s string) ([]Kind, error) {
	var out []Kind
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '|' || r == ',' || r == ';' }) {
		if strings.TrimSpace(part) == "" {
			continue
		}
		k, err := ParseKind(part)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return SortKinds(out), nil
}

// SortKinds returns kinds deduplicated, in display order.
func SortKinds(kinds []Kind) []Kind {
	out := make([]Kind, 0, len(kinds))
	for _, k := range Kinds {
		if slices.Contains(kinds, k) {
			out = append(out, k)
		}
	}
	return out
}

// Structure is an organisation users are attached to. SIRET is empty for a structure that has
// none (ministries, some associations): then name and address identify it.
type Structure struct {
	ID           int64
	SIRET        string
	Name         string
	Acronym      string
	APE          string
	Address      string
	PostalCode   string
	City         string
	Department   string
	Kinds        []Kind
	Ministry     bool
	AdhesionYear int // 0: not a member of Cap Métiers this year
	CreatedAt    time.Time
	UpdatedAt    time.Time

	// ReferentEmail is read-only, filled by the store when loading.
	ReferentEmail string
}

// HasKind reports whether the structure is of kind k.
func (s Structure) HasKind(k Kind) bool { return slices.Contains(s.Kinds, k) }

// SearchText is the folded key the search index is built on: name and acronym without
// accents, case or punctuation.
func (s Structure) SearchText() string {
	return strings.TrimSpace(Fold(s.Name) + " " + Fold(s.Acronym))
}

// Label is how people name a structure in messages: "Cap Métiers (SIRET 123…)".
func (s Structure) Label() string {
	if s.SIRET != "" {
		return fmt.Sprintf("%s (SIRET %s)", s.Name, s.SIRET)
	}
	return fmt.Sprintf("%s (#%d)", s.Name, s.ID)
}

// StructureInput is what a person typed to create or update a structure; a nil field is left
// unchanged by an update.
type StructureInput struct {
	SIRET        *string
	Name         *string
	Acronym      *string
	APE          *string
	Address      *string
	PostalCode   *string
	City         *string
	Kinds        *[]Kind
	Ministry     *bool
	AdhesionYear *int
}

// Apply validates in and writes it over s, normalising every field (SIRET without spaces, APE as
// 85.59A, département derived from the postal code). It returns the first invalid field.
func (in StructureInput) Apply(s *Structure) error {
	for _, f := range []struct {
		field string
		value *string
		max   int
	}{{"name", in.Name, maxStructureName}, {"acronym", in.Acronym, MaxAcronymLength}, {"address", in.Address, MaxAddressLength}, {"city", in.City, MaxCityLength}} {
		if f.value != nil {
			if err := CheckText(f.field, *f.value); err != nil {
				return err
			}
			if err := CheckLength(f.field, cleanText(*f.value), f.max); err != nil {
				return err
			}
		}
	}
	if in.SIRET != nil {
		if strings.TrimSpace(*in.SIRET) == "" {
			s.SIRET = ""
		} else {
			v, err := NormalizeSIRET(*in.SIRET)
			if err != nil {
				return err
			}
			s.SIRET = v
		}
	}
	if in.Name != nil {
		s.Name = cleanText(*in.Name)
	}
	if in.Acronym != nil {
		s.Acronym = cleanText(*in.Acronym)
	}
	if in.APE != nil {
		if strings.TrimSpace(*in.APE) == "" {
			s.APE = ""
		} else {
			v, err := NormalizeAPE(*in.APE)
			if err != nil {
				return err
			}
			s.APE = v
		}
	}
	if in.Address != nil {
		s.Address = cleanText(*in.Address)
	}
	if in.PostalCode != nil {
		if strings.TrimSpace(*in.PostalCode) == "" {
			s.PostalCode, s.Department = "", ""
		} else {
			pc, err := NormalizePostalCode(*in.PostalCode)
			if err != nil {
				return err
			}
			dep, err := DepartmentFromPostalCode(pc)
			if err != nil {
				return err
			}
			s.PostalCode, s.Department = pc, dep
		}
	}
	if in.City != nil {
		s.City = cleanText(*in.City)
	}
	if in.Kinds != nil {
		s.Kinds = SortKinds(*in.Kinds)
	}
	if in.Ministry != nil {
		s.Ministry = *in.Ministry
	}
	if in.AdhesionYear != nil {
		if err := ValidateAdhesionYear(*in.AdhesionYear); err != nil {
			return err
		}
		s.AdhesionYear = *in.AdhesionYear
	}
	return ValidateStructure(*s)
}

// maxStructureName is the longest name of a structure, in characters.
const maxStructureName = 200

// ValidateStructure checks the rules a whole structure must follow whatever changed: a name,
// and, without a SIRET, an address to tell it apart (guide 004: "si non, saisissez
// dénomination, adresse").
func ValidateStructure(s Structure) error {
	if s.Name == "" {
		return Invalid("name", "", "field.required")
	}
	if len([]rune(s.Name)) > maxStructureName {
		return Invalid("name", "", "structure.name_too_long")
	}
	if s.SIRET == "" && s.Address == "" {
		return Invalid("address", "", "structure.address_required")
	}
	return nil
}

// ValidateAdhesionYear accepts 0 (no adhesion) or a plausible year.
func ValidateAdhesionYear(y int) error {
	if y == 0 || (y >= 2000 && y <= 2100) {
		return nil
	}
	return Invalid("year", fmt.Sprint(y), "structure.year_invalid")
}

// cleanText trims and collapses inner white space, so "  Cap   Métiers " is stored as typed
// but without the accidents of copy and paste.
func cleanText(s string) string { return strings.Join(strings.Fields(s), " ") }
