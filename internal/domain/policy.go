package domain

// Who may do what. Every use case asks one of these, inside its transaction, with what it
// loaded; no command checks rights on its own.

// StructureRole is what the actor is to one structure.
type StructureRole struct {
	ReferentID int64 // user id of the structure's référent, 0 if it has none
	Member     bool  // the actor has an active membership there
}

// IsReferent reports whether a is the référent of the structure.
func (r StructureRole) IsReferent(a Actor) bool {
	return !a.IsAnonymous() && r.ReferentID != 0 && r.ReferentID == a.UserID
}

// CanDecideRequest: gestionnaires decide everything; a structure request is theirs alone; an
// account or affiliation request is decided by the structure's référent when it has one, by
// gestionnaires when it has none.
func CanDecideRequest(a Actor, r Request, role StructureRole) error {
	if err := RequireSignedIn(a); err != nil {
		return err
	}
	if a.Manager {
		return nil
	}
	switch {
	case r.Kind == RequestStructure:
		return Errorf(ErrForbidden, "only a gestionnaire may decide request %d (a structure to reference)", r.ID)
	case role.ReferentID == 0:
		return Errorf(ErrForbidden, "request %d is for a structure without référent: a gestionnaire decides it", r.ID)
	case !role.IsReferent(a):
		return Errorf(ErrForbidden, "only the référent of the structure or a gestionnaire may decide request %d", r.ID)
	}
	return nil
}

// CanManageMembers: the référent of the structure or a gestionnaire (detach, hand over, grant).
func CanManageMembers(a Actor, role StructureRole, action string) error {
	if err := RequireSignedIn(a); err != nil {
		return err
	}
	if a.Manager || role.IsReferent(a) {
		return nil
	}
	return Errorf(ErrForbidden, "only the référent of the structure or a gestionnaire may %s", action)
}

// CanSeeMembers: gestionnaires, and the members of the structure (read-only).
func CanSeeMembers(a Actor, role StructureRole) error {
	if err := RequireSignedIn(a); err != nil {
		return err
	}
	if a.Manager || role.Member || role.IsReferent(a) {
		return nil
	}
	return Errorf(ErrForbidden, "only members of the structure and gestionnaires may see its members")
}

// CanDetach: the référent or a gestionnaire; a référent may not detach themself (only a
// gestionnaire can, as the guides say: "nous contacter").
func CanDetach(a Actor, target int64, role StructureRole) error {
	if err := CanManageMembers(a, role, "detach a member"); err != nil {
		return err
	}
	if !a.Manager && target == a.UserID {
		return Errorf(ErrForbidden, "a référent cannot detach their own account: ask a gestionnaire")
	}
	return nil
}

// CanEditUser: oneself, or a gestionnaire.
func CanEditUser(a Actor, target int64) error {
	if err := RequireSignedIn(a); err != nil {
		return err
	}
	if a.Manager || a.UserID == target {
		return nil
	}
	return Errorf(ErrForbidden, "only the person themself or a gestionnaire may change this account")
}
