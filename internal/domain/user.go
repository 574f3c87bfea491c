package domain

import "time"

// UserStatus is where an account stands.
type UserStatus string

// Account statuses. A pending account waits for its account request to be approved and cannot
// sign in; a refused one stays for history; a disabled one was closed by a gestionnaire.
const (
	UserPending  UserStatus = "pending"
	UserActive   UserStatus = "active"
	UserRefused  UserStatus = "refused"
	UserDisabled UserStatus = "disabled"
)

// User is a person. The e-mail address, lower-cased, is the login identifier.
type User struct {
	ID                 int64
	Email              string
	LastName           string
	FirstName          string
	Function           string
	Phone              string // E.164, or empty
	Status             UserStatus
	Manager            bool   // gestionnaire: global administrator
	PasswordHash       string `json:"-"` // argon2id PHC string; empty: no usable password (legacy import); never sent by the server
	MustChangePassword bool
	Source             string // "", "synapse", "prisme": where a legacy account came from
	CreatedAt          time.Time
	UpdatedAt          time.Time
	// FailedLogins counts the failed sign-ins in a row since the last success or lock.
	FailedLogins int
	// LockCount counts the locks in a row: each one lasts twice the previous one.
	LockCount int
	// LockedUntil: no sign-in is even tried before this time.
	LockedUntil *time.Time
	// LastLoginAt is the last successful sign-in.
	LastLoginAt *time.Time
	// PasswordExpiresAt is when a temporary password (MustChangePassword) stops signing in; a
	// sign-in with it sets it to that moment, so that it works once.
	PasswordExpiresAt *time.Time
	// TemporaryMailAt is when the last temporary-password mail was queued.
	TemporaryMailAt *time.Time
	// ErasedAt is when the account was erased (RGPD): its identity is the pseudonym erased-<id>
	// since, and it stays disabled for good.
	ErasedAt *time.Time
	// Trainee: an account of the trainee-pay portal, without structure; its names and birth
	// date come from the funder's case file.
	Trainee bool
	// BirthDate is YYYY-MM-DD, "" when unknown (every account but trainees').
	BirthDate string
}

// FullName is "Prénom NOM" as French administrations write it.
func (u User) FullName() string {
	switch {
	case u.FirstName == "":
		return u.LastName
	case u.LastName == "":
		return u.FirstName
	}
	return u.FirstName + " " + u.LastName
}

// Membership attaches a user to a structure (rattachement). Ended memberships are kept for
// history; at most one active membership per structure is the référent.
type Membership struct {
	ID          int64
	UserID      int64
	StructureID int64
	Referent    bool
	CreatedAt   time.Time
	EndedAt     *time.Time
}

// Active reports whether the membership has not been detached.
func (m Membership) Active() bool { return m.EndedAt == nil }

// Member is one row of a structure's user list: the person, the structure, and what they hold
// there.
type Member struct {
	MembershipID  int64
	User          User
	StructureID   int64
	SIRET         string
	StructureName string
	Referent      bool
	Profiles      []string // profile codes held, sorted
	Since         time.Time
}

// Employer reports whether the member holds the employer profile.
func (m Member) Employer() bool {
	for _, p := range m.Profiles {
		if p == ProfileEmployer {
			return true
		}
	}
	return false
}
