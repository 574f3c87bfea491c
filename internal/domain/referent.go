package domain

// ReferentChange is something that may move the référent role of one structure, as the use
// case loaded it: a person joining (an approved request), a member named to take the role
// (`referent set`), or a member leaving (`user detach`, with or without --new-referent).
// Next decides, for every one of those paths, who holds the role afterwards and what is
// refused.
type ReferentChange struct {
	Structure Structure
	Current   int64 // user id of the structure's référent now, 0 if none

	// Joining is the person whose membership is being created: they become référent of a
	// structure that has none.
	Joining *User
	// Leaving is the member whose membership ends. When they hold the role, it goes to
	// NewReferent, or nobody with LeaveNone.
	Leaving   *User
	LeaveNone bool
	// NewReferent is the e-mail typed to name the next référent ("" when none was), and Named
	// the person it names, as loaded, with their membership of the structure.
	NewReferent string
	Named       *Candidate
}

// Candidate is a person named to become référent.
type Candidate struct {
	User       User
	Membership *Membership // their active membership of the structure, nil if none
}

// Next returns the user id of the structure's référent after the change (0: nobody), or why
// the change is refused: the next référent must be an active member of the structure with an
// active account, not already its référent; a référent leaving names the next one or says the
// structure is left without (a conflict otherwise); a member who is not référent names nobody.
func (c ReferentChange) Next() (int64, error) {
	switch {
	case c.Joining != nil:
		if c.Current == 0 {
			return c.Joining.ID, nil
		}
		return c.Current, nil
	case c.Leaving != nil:
		leavingHolds := c.Current != 0 && c.Current == c.Leaving.ID
		switch {
		case !leavingHolds && c.NewReferent != "":
			return 0, Invalid("new-referent", c.NewReferent, "detach.new_referent_unneeded", c.Leaving.Email, c.Structure.Name)
		case !leavingHolds:
			return c.Current, nil
		case c.NewReferent == "" && c.LeaveNone:
			return 0, nil
		case c.NewReferent == "":
			return 0, Errorf(ErrConflict, "detach.referent_leaving", c.Leaving.Email, c.Structure.Name)
		case c.Named != nil && c.Named.User.ID == c.Leaving.ID:
			return 0, Invalid("new-referent", c.NewReferent, "detach.new_referent_same")
		}
	}
	if c.Named == nil {
		return 0, Errorf(ErrConflict, "referent.nobody_named", c.Structure.Name) // a use case that loaded nobody
	}
	u := c.Named.User
	switch {
	case c.Named.Membership == nil || !c.Named.Membership.Active():
		return 0, Errorf(ErrConflict, "referent.not_member", u.Email, c.Structure.Name)
	case u.Status != UserActive:
		return 0, Errorf(ErrConflict, "referent.account_inactive", u.Email)
	case c.Named.Membership.Referent || u.ID == c.Current:
		return 0, Errorf(ErrConflict, "referent.already", u.Email, c.Structure.Name)
	}
	return u.ID, nil
}
