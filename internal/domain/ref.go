package domain

import (
	"strconv"
	"strings"
)

// StructureRef is how people name a structure on the command line: its SIRET (with or without
// spaces) or its id ("42" or "#42").
type StructureRef struct {
	ID    int64
	SIRET string
}

// ParseStructureRef reads "42", "#42" or a 14-digit SIRET such as "732 829 320 00074".
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
	id, err := strconv.ParseInt(strings.TrimPrefix(t, "#"), 10, 64)
	if err != nil || id <= 0 {
		return StructureRef{}, Invalid("structure", s, "structure_ref.shape")
	}
	return StructureRef{ID: id}, nil
}

func (r StructureRef) String() string {
	if r.SIRET != "" {
		return r.SIRET
	}
	return strconv.FormatInt(r.ID, 10)
}
