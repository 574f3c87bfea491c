package service

import (
	"context"
	"errors"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// SetReferent hands the référent role of a structure to one of its active members, in one
// transaction: by a gestionnaire, or by the current référent.
func (s *Service) SetReferent(ctx context.Context, actor domain.Actor, ref domain.StructureRef, email string) (domain.User, domain.Structure, error) {
	var (
		u  domain.User
		st domain.Structure
	)
	err := s.store.Update(ctx, func(tx store.Tx) error {
		var err error
		if st, err = structureByRef(ctx, tx, ref); err != nil {
			return err
		}
		if st, err = tx.LockStructure(ctx, st.ID); err != nil {
			return err
		}
		role, err := roleOf(ctx, tx, actor, st.ID)
		if err != nil {
			return err
		}
		if err := domain.CanManageMembers(actor, domain.ReferentHandOver, role); err != nil {
			return err
		}
		if u, err = userOrSelf(ctx, tx, actor, email); err != nil {
			return err
		}
		m, err := candidate(ctx, tx, u, st.ID)
		if err != nil {
			return err
		}
		if _, err := (domain.ReferentChange{Structure: st, Current: role.ReferentID, NewReferent: u.Email, Named: m}).Next(); err != nil {
			return err
		}
		previous := ""
		if old, err := tx.Referent(ctx, st.ID); err == nil {
			// The old one steps down first: the database allows one référent at a time.
			if err := tx.SetReferent(ctx, old.ID, false); err != nil {
				return err
			}
			if prev, err := tx.UserByID(ctx, old.UserID); err == nil {
				previous = prev.Email
			}
		} else if !errors.Is(err, domain.ErrNotFound) {
			return err
		}
		if err := tx.SetReferent(ctx, m.Membership.ID, true); err != nil {
			return err
		}
		st.ReferentEmail = u.Email
		if err := mailReferentReceived(ctx, tx, u, st); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "referent.set", st.ID, u.Email, map[string]any{"previous": previous})
	})
	return u, st, err
}

// DetachInput names who leaves which structure, and what happens to the référent role when
// the person leaving holds it (gestionnaires only).
type DetachInput struct {
	Email           string
	Structure       domain.StructureRef
	NewReferent     string // e-mail of the member who takes over
	LeaveNoReferent bool   // accept that the structure has no référent afterwards
}

// Detach ends a membership (kept for history) and its profiles.
func (s *Service) Detach(ctx context.Context, actor domain.Actor, in DetachInput) (domain.User, domain.Structure, error) {
	var (
		u  domain.User
		st domain.Structure
	)
	err := s.store.Update(ctx, func(tx store.Tx) error {
		var err error
		if st, err = structureByRef(ctx, tx, in.Structure); err != nil {
			return err
		}
		if st, err = tx.LockStructure(ctx, st.ID); err != nil {
			return err
		}
		role, err := roleOf(ctx, tx, actor, st.ID)
		if err != nil {
			return err
		}
		if u, err = userOrSelf(ctx, tx, actor, in.Email); err != nil {
			return err
		}
		if err := domain.CanDetach(actor, u.ID, role); err != nil {
			return err
		}
		m, err := tx.ActiveMembership(ctx, u.ID, st.ID)
		if errors.Is(err, domain.ErrNotFound) {
			return domain.Errorf(domain.ErrNotFound, "member.not_member", u.Email, st.Name)
		} else if err != nil {
			return err
		}
		details := map[string]any{}
		change := domain.ReferentChange{Structure: st, Current: role.ReferentID, Leaving: &u,
			LeaveNone: in.LeaveNoReferent, NewReferent: in.NewReferent}
		if m.Referent && in.NewReferent != "" {
			next, err := userOrSelf(ctx, tx, actor, in.NewReferent)
			if err != nil {
				return err
			}
			if change.Named, err = candidate(ctx, tx, next, st.ID); err != nil {
				return err
			}
		}
		nextID, err := change.Next()
		if err != nil {
			return err
		}
		if err := tx.RevokeAllGrants(ctx, m.ID, actor.UserID); err != nil {
			return err
		}
		if err := tx.EndMembership(ctx, m.ID); err != nil {
			return err
		}
		if m.Referent && nextID != 0 {
			next, nm := change.Named.User, change.Named.Membership
			if err := tx.SetReferent(ctx, nm.ID, true); err != nil {
				return err
			}
			st.ReferentEmail = next.Email
			if err := mailReferentReceived(ctx, tx, next, st); err != nil {
				return err
			}
			if err := audit(ctx, tx, actor, "referent.set", st.ID, next.Email, map[string]any{"previous": u.Email}); err != nil {
				return err
			}
			details["new_referent"] = next.Email
		} else if m.Referent {
			details["referent_left"] = true
			st.ReferentEmail = ""
		}
		if err := mailDetached(ctx, tx, u, st); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "membership.end", st.ID, u.Email, details)
	})
	return u, st, err
}

// Members lists the active members of a structure with their référent flag and profiles.
func (s *Service) Members(ctx context.Context, actor domain.Actor, ref domain.StructureRef, withoutProfiles bool) ([]domain.Member, domain.Structure, error) {
	var (
		out []domain.Member
		st  domain.Structure
	)
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		if st, err = structureByRef(ctx, tx, ref); err != nil {
			return err
		}
		role, err := roleOf(ctx, tx, actor, st.ID)
		if err != nil {
			return err
		}
		if err := domain.CanSeeMembers(actor, role); err != nil {
			return err
		}
		cat, err := tx.Catalogue(ctx)
		if err != nil {
			return err
		}
		out, err = tx.ListMembers(ctx, store.MemberQuery{StructureID: st.ID, WithoutProfiles: withoutProfiles,
			IgnoreProfiles: cat.Automatic()})
		return err
	})
	return out, st, err
}

// candidate loads u as a candidate to the référent role of the structure: with their active
// membership of it, if any.
func candidate(ctx context.Context, tx store.Tx, u domain.User, structureID int64) (*domain.Candidate, error) {
	c := &domain.Candidate{User: u}
	m, err := tx.ActiveMembership(ctx, u.ID, structureID)
	switch {
	case err == nil:
		c.Membership = &m
	case !errors.Is(err, domain.ErrNotFound):
		return nil, err
	}
	return c, nil
}
