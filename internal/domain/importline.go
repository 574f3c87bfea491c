package domain

import "slices"

// Rules of the lines of the imports (`structure import`, `user import`).

// StructureMatchKey is how an imported line without SIRET recognises a structure without
// SIRET: its name, address and postal code, compared without case, accents or punctuation.
func StructureMatchKey(st Structure) string {
	return Fold(st.Name) + "\x00" + Fold(st.Address) + "\x00" + st.PostalCode
}

// ParseYesNo reads the yes/no cells of spreadsheets: true, vrai, oui, yes, 1 and false, faux,
// non, no, 0, in any case, with or without accents. field names the column in the error.
func ParseYesNo(field, s string) (bool, error) {
	switch Fold(s) {
	case "true", "vrai", "oui", "yes", "1":
		return true, nil
	case "false", "faux", "non", "no", "0":
		return false, nil
	}
	return false, Invalid(field, s, "import.yes_no")
}

// SameStructure reports whether two states of a structure agree on everything an import
// line may set: an import line that would change nothing of a structure is skipped.
func SameStructure(a, b Structure) bool {
	return a.SIRET == b.SIRET && a.Name == b.Name && a.Acronym == b.Acronym && a.APE == b.APE && a.Address == b.Address &&
		a.PostalCode == b.PostalCode && a.City == b.City && slices.Equal(a.Kinds, b.Kinds) && a.Ministry == b.Ministry
}
