package service

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/store"
)

// Catalogue returns every profile and its rules, to whoever the policy lets read it
// (CatalogueRead: anyone, but not a session that must first change its password).
func (s *Service) Catalogue(ctx context.Context, actor domain.Actor) (domain.Catalogue, error) {
	var cat domain.Catalogue
	if err := domain.Authorize(actor, domain.CatalogueRead, domain.Subject{}); err != nil {
		return nil, err
	}
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		cat, err = tx.Catalogue(ctx)
		return err
	})
	return cat, err
}

// grantAll adds codes to a membership that holds held, once the catalogue allows them all
// (Catalogue.CheckGrants). Codes already held are skipped.
func grantAll(ctx context.Context, tx store.Tx, actor domain.Actor, cat domain.Catalogue, st domain.Structure, membershipID int64, held, codes []string) error {
	if err := cat.CheckGrants(st, held, codes); err != nil {
		return err
	}
	for _, code := range codes {
		if slices.Contains(held, code) {
			continue
		}
		if err := tx.AddGrant(ctx, membershipID, code, actor.UserID); err != nil {
			return err
		}
		held = append(held, code)
	}
	return nil
}

// GrantResult says what happened to one profile code.
type GrantResult struct {
	Code    string
	Changed bool // false: it was already held (grant) or not held (revoke)
}

// memberOf loads the active membership of email in the structure, with the actor's right to
// manage it.
func memberOf(ctx context.Context, tx store.Tx, actor domain.Actor, email string, ref domain.StructureRef, action domain.Action) (domain.User, domain.Structure, domain.Membership, error) {
	st, err := structureByRef(ctx, tx, ref)
	if err == nil {
		// Locked until the end: its kinds and its référent cannot change under the rules
		// checked here.
		st, err = tx.LockStructure(ctx, st.ID)
	}
	if err != nil {
		return domain.User{}, st, domain.Membership{}, err
	}
	role, err := roleOf(ctx, tx, actor, st.ID)
	if err != nil {
		return domain.User{}, st, domain.Membership{}, err
	}
	if err := domain.CanManageMembers(actor, action, role); err != nil {
		return domain.User{}, st, domain.Membership{}, err
	}
	u, err := userOrSelf(ctx, tx, actor, email)
	if err != nil {
		return u, st, domain.Membership{}, err
	}
	m, err := tx.ActiveMembership(ctx, u.ID, st.ID)
	if errors.Is(err, domain.ErrNotFound) {
		return u, st, m, domain.Errorf(domain.ErrNotFound, "member.not_member", u.Email, st.Name)
	}
	return u, st, m, err
}

// Grant gives profiles to a member of a structure (its référent or gestionnaires). Granting what
// is held changes nothing and says so; a code that breaks a rule refuses the whole grant.
func (s *Service) Grant(ctx context.Context, actor domain.Actor, email string, ref domain.StructureRef, codes []string) ([]GrantResult, error) {
	var out []GrantResult
	err := s.store.Update(ctx, func(tx store.Tx) error {
		out = nil // again from scratch if the transaction is run again
		u, st, m, err := memberOf(ctx, tx, actor, email, ref, domain.ProfileGrant)
		if err != nil {
			return err
		}
		cat, err := tx.Catalogue(ctx)
		if err != nil {
			return err
		}
		held, err := tx.Grants(ctx, m.ID)
		if err != nil {
			return err
		}
		if err := grantAll(ctx, tx, actor, cat, st, m.ID, held, codes); err != nil {
			return err
		}
		var granted []string
		for _, code := range codes {
			changed := !slices.Contains(held, code) && !slices.ContainsFunc(out, func(r GrantResult) bool { return r.Code == code })
			out = append(out, GrantResult{Code: code, Changed: changed})
			if changed {
				granted = append(granted, code)
			}
		}
		if len(granted) == 0 {
			return nil
		}
		return audit(ctx, tx, actor, "profile.grant", st.ID, u.Email, map[string]any{"profiles": granted})
	})
	return out, err
}

// Revoke takes profiles away from a member. Revoking what is not held changes nothing and says
// so; the automatic bénéficiaire profile cannot be removed.
func (s *Service) Revoke(ctx context.Context, actor domain.Actor, email string, ref domain.StructureRef, codes []string) ([]GrantResult, error) {
	return s.revoke(ctx, actor, email, ref, codes, false)
}

// RevokeWouldChange runs the checks of Revoke and says whether it would take anything away,
// changing nothing: a command asks for confirmation only then.
func (s *Service) RevokeWouldChange(ctx context.Context, actor domain.Actor, email string, ref domain.StructureRef, codes []string) (bool, error) {
	out, err := s.revoke(ctx, actor, email, ref, codes, true)
	return slices.ContainsFunc(out, func(r GrantResult) bool { return r.Changed }), err
}

func (s *Service) revoke(ctx context.Context, actor domain.Actor, email string, ref domain.StructureRef, codes []string, dryRun bool) ([]GrantResult, error) {
	var out []GrantResult
	err := s.store.Update(ctx, func(tx store.Tx) error {
		out = nil // again from scratch if the transaction is run again
		u, st, m, err := memberOf(ctx, tx, actor, email, ref, domain.ProfileGrant)
		if err != nil {
			return err
		}
		cat, err := tx.Catalogue(ctx)
		if err != nil {
			return err
		}
		held, err := tx.Grants(ctx, m.ID)
		if err != nil {
			return err
		}
		var revoked []string
		for _, code := range codes {
			if err := cat.CheckRevoke(code); err != nil {
				return err
			}
			if !slices.Contains(held, code) || slices.Contains(revoked, code) {
				out = append(out, GrantResult{Code: code})
				continue
			}
			if err := tx.RevokeGrant(ctx, m.ID, code, actor.UserID); err != nil {
				return err
			}
			revoked = append(revoked, code)
			out = append(out, GrantResult{Code: code, Changed: true})
		}
		if dryRun {
			return errDryRun
		}
		if len(revoked) == 0 {
			return nil
		}
		return audit(ctx, tx, actor, "profile.revoke", st.ID, u.Email, map[string]any{"profiles": revoked})
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return out, err
}

// Profiles lists the memberships of a person with the profiles held in each.
func (s *Service) Profiles(ctx context.Context, actor domain.Actor, email string) ([]domain.Member, error) {
	d, err := s.User(ctx, actor, email)
	return d.Memberships, err
}

// checkKindsKeepGrants refuses a change of a structure's kinds that would leave a grant its
// rules no longer allow, naming the grants to revoke first.
func checkKindsKeepGrants(ctx context.Context, tx store.Tx, st domain.Structure) error {
	cat, err := tx.Catalogue(ctx)
	if err != nil {
		return err
	}
	members, err := tx.ListMembers(ctx, store.MemberQuery{StructureID: st.ID})
	if err != nil {
		return err
	}
	var breaking []string
	for _, m := range members {
		for _, code := range cat.Breaking(st, m.Profiles) {
			breaking = append(breaking, i18n.T("profile.grant_of", code, m.User.Email))
		}
	}
	if len(breaking) > 0 {
		return domain.Errorf(domain.ErrConflict, "structure.kinds_break_grants", st.Name, strings.Join(breaking, ", "))
	}
	return nil
}
