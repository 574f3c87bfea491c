package domain

import "unicode"

const (
	reasonPostalShape = "postal_code.shape"
	reasonPostal00    = "postal_code.starts_00"
	reasonNoDept      = "postal_code.no_department"
)

// NormalizePostalCode returns a French postal code as its 5 digits, with any spaces removed
// ("33 600" is a common spelling), so that codes can be compared and used to derive the
// department. Codes starting with 00 do not exist and are refused.
func NormalizePostalCode(s string) (string, error) {
	code := make([]byte, 0, 5)
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
		case r >= '0' && r <= '9' && len(code) < 5:
			code = append(code, byte(r))
		default:
			return "", Invalid("postal_code", s, reasonPostalShape)
		}
	}
	if len(code) != 5 {
		return "", Invalid("postal_code", s, reasonPostalShape)
	}
	if code[0] == '0' && code[1] == '0' {
		return "", Invalid("postal_code", s, reasonPostal00)
	}
	return string(code), nil
}

// DepartmentFromPostalCode returns the department code of a postal code ("33600" → "33"),
// which the portals use to attach a structure to its region and to filter lists. The first
// two digits are not always enough:
//   - Corsica shares the prefix 20: 200xx and 201xx are Corse-du-Sud ("2A"), the rest are
//     Haute-Corse ("2B");
//   - overseas departments and collectivities use three digits: 971 to 978 ("97100" →
//     "971"), and 98x for Monaco and the overseas territories ("98000" → "980").
//
// Prefixes that no French territory uses (96, 970, 979, 99) are refused.
func DepartmentFromPostalCode(pc string) (string, error) {
	code, err := NormalizePostalCode(pc)
	if err != nil {
		return "", err
	}
	switch prefix := code[:2]; prefix {
	case "20":
		if code[2] == '0' || code[2] == '1' {
			return "2A", nil
		}
		return "2B", nil
	case "97":
		if code[2] < '1' || code[2] > '8' {
			return "", Invalid("postal_code", pc, reasonNoDept)
		}
		return code[:3], nil
	case "98":
		return code[:3], nil
	case "96", "99":
		return "", Invalid("postal_code", pc, reasonNoDept)
	default:
		return prefix, nil
	}
}
