package domain

import "strings"

// PersonFields names, as people see them, the fields of a person's identity: the flags of the
// command line, or the columns of an import file. Messages name the field as it was given.
type PersonFields struct{ LastName, FirstName, Function string }

// The two spellings of a person's fields.
var (
	PersonFlags   = PersonFields{LastName: "last-name", FirstName: "first-name", Function: "function"}
	PersonColumns = PersonFields{LastName: "last_name", FirstName: "first_name", Function: "function"}
)

// SetNames puts in u the names of a person as typed, checked and cleaned: no control character
// (CheckText), runs of spaces made one, last and first names required, the function optional.
func (f PersonFields) SetNames(u *User, lastName, firstName, function string) error {
	if err := CheckNames(f.LastName, lastName, f.FirstName, firstName); err != nil {
		return err
	}
	if err := CheckText(f.Function, function); err != nil {
		return err
	}
	u.LastName, u.FirstName, u.Function = oneSpace(lastName), oneSpace(firstName), oneSpace(function)
	if err := CheckLength(f.Function, u.Function, MaxFunctionLength); err != nil {
		return err
	}
	switch {
	case u.LastName == "":
		return Invalid(f.LastName, "", "field.required")
	case u.FirstName == "":
		return Invalid(f.FirstName, "", "field.required")
	}
	return nil
}

// oneSpace trims s and makes each run of spaces in it one space.
func oneSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
