// Package present turns what the use cases return into what profil prints: the JSON shapes of
// the README, whose snake_case field names are a contract with scripts; the table columns and
// vertical cards people read (structures, users, members, requests, audit events, bulk and
// import results, a person's data in `user data`); and the ways people read a value, in their
// language: a SIRET grouped ("732 829 320 00074"), a time in Europe/Paris, the details of an
// audit event as "key: value" pairs, a request's documents and changes.
package present

import (
	"strconv"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
)

// Structure is the JSON shape of a structure.
type Structure struct {
	ID            int64     `json:"id"`
	SIRET         string    `json:"siret"`
	Name          string    `json:"name"`
	Acronym       string    `json:"acronym"`
	APE           string    `json:"ape"`
	Address       string    `json:"address"`
	PostalCode    string    `json:"postal_code"`
	City          string    `json:"city"`
	Department    string    `json:"department"`
	Kinds         []string  `json:"kinds"`
	Ministry      bool      `json:"ministry"`
	AdhesionYear  *int      `json:"adhesion_year"`
	ReferentEmail string    `json:"referent_email"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// FromStructure converts a domain structure.
func FromStructure(s domain.Structure) Structure {
	kinds := make([]string, len(s.Kinds))
	for i, k := range s.Kinds {
		kinds[i] = string(k)
	}
	v := Structure{
		ID: s.ID, SIRET: s.SIRET, Name: s.Name, Acronym: s.Acronym, APE: s.APE, Address: s.Address,
		PostalCode: s.PostalCode, City: s.City, Department: s.Department, Kinds: kinds, Ministry: s.Ministry,
		ReferentEmail: s.ReferentEmail, CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC(),
	}
	if s.AdhesionYear != 0 {
		y := s.AdhesionYear
		v.AdhesionYear = &y
	}
	return v
}

// Structures converts a list, never nil.
func Structures(ss []domain.Structure) []Structure {
	out := make([]Structure, len(ss))
	for i, s := range ss {
		out[i] = FromStructure(s)
	}
	return out
}

// FormatSIRET groups a SIRET as people read it: "732 829 320 00074".
func FormatSIRET(s string) string {
	if len(s) != 14 {
		return s
	}
	return s[:3] + " " + s[3:6] + " " + s[6:9] + " " + s[9:]
}

// StructureColumns is the table of structures for people.
var StructureColumns = []output.Column[Structure]{
	{Header: "ID", Value: func(s Structure) string { return strconv.FormatInt(s.ID, 10) }, Keep: true},
	{Header: "SIRET", Value: func(s Structure) string { return FormatSIRET(s.SIRET) }, Keep: true},
	{Header: "NAME", Value: func(s Structure) string { return s.Name }},
	{Header: "ACRONYM", Value: func(s Structure) string { return s.Acronym }},
	{Header: "CITY", Value: func(s Structure) string { return s.City }},
	{Header: "DEP", Value: func(s Structure) string { return s.Department }},
	{Header: "KINDS", Value: func(s Structure) string { return i18n.Value(strings.Join(s.Kinds, ", ")) }},
	{Header: "RÉFÉRENT", Value: func(s Structure) string { return s.ReferentEmail }, Keep: true, Optional: true},
}

// StructureDetail is the vertical view of one structure.
var StructureDetail = []output.Column[Structure]{
	{Header: "ID", Value: func(s Structure) string { return strconv.FormatInt(s.ID, 10) }},
	{Header: "Name", Value: func(s Structure) string { return s.Name }},
	{Header: "Acronym", Value: func(s Structure) string { return s.Acronym }},
	{Header: "SIRET", Value: func(s Structure) string { return FormatSIRET(s.SIRET) }},
	{Header: "APE", Value: func(s Structure) string { return s.APE }},
	{Header: "Address", Value: func(s Structure) string {
		return strings.TrimSpace(s.Address + ", " + s.PostalCode + " " + s.City)
	}},
	{Header: "Département", Value: func(s Structure) string { return s.Department }},
	{Header: "Kinds", Value: func(s Structure) string { return i18n.Value(strings.Join(s.Kinds, ", ")) }},
	{Header: "Ministry", Value: func(s Structure) string { return yesNo(s.Ministry) }},
	{Header: "Adhesion", Value: func(s Structure) string {
		if s.AdhesionYear == nil {
			return i18n.Value("none")
		}
		return strconv.Itoa(*s.AdhesionYear)
	}},
	{Header: "Référent", Value: func(s Structure) string { return s.ReferentEmail }},
}

func yesNo(b bool) string {
	if b {
		return i18n.Value("yes")
	}
	return i18n.Value("no")
}

// User is the JSON shape of the signed-in user and of `user show`.
type User struct {
	ID                 int64            `json:"id"`
	Email              string           `json:"email"`
	LastName           string           `json:"last_name"`
	FirstName          string           `json:"first_name"`
	Function           string           `json:"function"`
	Phone              string           `json:"phone"`
	Status             string           `json:"status"`
	Manager            bool             `json:"manager"`
	MustChangePassword bool             `json:"must_change_password"`
	LockedUntil        *time.Time       `json:"locked_until"` // until when the account is locked
	LastLoginAt        *time.Time       `json:"last_login_at"`
	Structures         []UserMembership `json:"structures"`
	// Trainee is what the trainee portal holds on a trainee account; absent for others.
	Trainee *UserTrainee `json:"trainee,omitempty"`
	// FranceConnect is the identity linked to the account; absent when none.
	FranceConnect *UserFranceConnect `json:"franceconnect,omitempty"`
}

// UserTrainee is a trainee account's case and birth date.
type UserTrainee struct {
	CaseNumber   string `json:"case_number"` // "" while the account waits for its case
	BirthDate    string `json:"birth_date"`  // YYYY-MM-DD
	PendingEmail string `json:"pending_email,omitempty"`
}

// UserFranceConnect is a FranceConnect identity.
type UserFranceConnect struct {
	Issuer string `json:"issuer"`
	Sub    string `json:"sub"`
}

// UserMembership is one structure of a user.
type UserMembership struct {
	StructureID int64    `json:"structure_id"`
	SIRET       string   `json:"siret"`
	Name        string   `json:"name"`
	Referent    bool     `json:"referent"`
	Profiles    []string `json:"profiles"`
}

// FromUser converts a domain user; memberships are added by the caller.
func FromUser(u domain.User) User {
	return User{
		ID: u.ID, Email: u.Email, LastName: u.LastName, FirstName: u.FirstName, Function: u.Function,
		Phone: domain.FormatPhoneNational(u.Phone), Status: string(u.Status), Manager: u.Manager,
		MustChangePassword: u.MustChangePassword, Structures: []UserMembership{},
		LockedUntil: utcPtr(u.LockedUntil), LastLoginAt: utcPtr(u.LastLoginAt),
	}
}

// utcPtr is t in UTC, or nil.
func utcPtr(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	v := t.UTC().Truncate(time.Second)
	return &v
}

// UserDetail is the vertical view of a user.
var UserDetail = []output.Column[User]{
	{Header: "E-mail", Value: func(u User) string { return u.Email }},
	{Header: "Name", Value: func(u User) string { return strings.TrimSpace(u.FirstName + " " + u.LastName) }},
	{Header: "Function", Value: func(u User) string { return u.Function }},
	{Header: "Phone", Value: func(u User) string { return u.Phone }},
	{Header: "Status", Value: func(u User) string { return i18n.Value(u.Status) }},
	{Header: "Gestionnaire", Value: func(u User) string { return yesNo(u.Manager) }},
	{Header: "Structures", Value: func(u User) string {
		parts := make([]string, len(u.Structures))
		for i, m := range u.Structures {
			parts[i] = m.Name
			if m.Referent {
				parts[i] += " ★"
			}
		}
		return strings.Join(parts, ", ")
	}},
}
