package domain

import (
	"strconv"
	"strings"
	"unicode"
)

// StructureRef is how people name a structure on the command line: its SIRET (with or without
// spaces), its id ("42" or "#42"), or the SIREN of its company (9 digits), which names it
// when the company has one establishment only.
type StructureRef struct {
	ID    int64
	SIRET string
	SIREN string
	// Name is a structure's name or acronym, as search shows it (accents and case do not
	// matter): it names the structure when no other has that name.
	Name string
}

// ParseStructureRef reads "42", "#42", a 14-digit SIRET such as "732 829 320 00074", a
// 9-digit SIREN such as "732 829 320" (ids are never 9 digits long without their "#"), or,
// when it holds a letter, a structure's name or acronym ("AFPA Bordeaux Bègles").
func ParseStructureRef(s string) (StructureRef, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return StructureRef{}, Invalid("structure", s, "structure_ref.empty")
	}
	if digits, ok := IsDigitsPrefix(t); ok && len(digits) == 14 {
		siret, err := NormalizeSIRET(digits)
		if err != nil {
			return StructureRef{}, err
		}
		return StructureRef{SIRET: siret}, nil
	}
	if digits, ok := IsDigitsPrefix(t); ok && len(digits) == 9 && !strings.HasPrefix(t, "#") {
		siren, err := NormalizeSIREN(digits)
		if err != nil {
			return StructureRef{}, err
		}
		return StructureRef{SIREN: siren}, nil
	}
	if hasLetter(t) {
		return StructureRef{Name: t}, nil
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(t, "#"), 10, 64)
	if err != nil || id <= 0 {
		return StructureRef{}, Invalid("structure", s, "structure_ref.shape_siren")
	}
	return StructureRef{ID: id}, nil
}

func (r StructureRef) String() string {
	if r.SIRET != "" {
		return r.SIRET
	}
	if r.SIREN != "" {
		return r.SIREN
	}
	if r.Name != "" {
		return r.Name
	}
	return strconv.FormatInt(r.ID, 10)
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
