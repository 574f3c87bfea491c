package service

import (
	"context"
	"errors"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// CreateStructure references a new structure (gestionnaires only). A SIRET already known is a
// conflict that names the existing structure.
func (s *Service) CreateStructure(ctx context.Context, actor domain.Actor, in domain.StructureInput) (domain.Structure, error) {
	if err := domain.Authorize(actor, domain.StructureCreate, domain.Subject{}); err != nil {
		return domain.Structure{}, err
	}
	var st domain.Structure
	if err := in.Apply(&st); err != nil {
		return st, err
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		if err := ensureSIRETFree(ctx, tx, st.SIRET, 0); err != nil {
			return err
		}
		if err := tx.CreateStructure(ctx, &st); err != nil {
			return err
		}
		return audit(ctx, tx, actor, domain.ActionStructureCreate, st.ID, st.Label(), structureDetails(st))
	})
	return st, err
}

// UpdateStructure changes the fields given (gestionnaires only: référents report changes,
// gestionnaires apply them).
func (s *Service) UpdateStructure(ctx context.Context, actor domain.Actor, ref domain.StructureRef, in domain.StructureInput) (domain.Structure, error) {
	if err := domain.Authorize(actor, domain.StructureUpdate, domain.Subject{}); err != nil {
		return domain.Structure{}, err
	}
	var st domain.Structure
	err := s.store.Update(ctx, func(tx store.Tx) error {
		var err error
		if st, err = structureByRef(ctx, tx, ref); err != nil {
			return err
		}
		// Lock it: a grant or an approval running at the same time must see the new kinds,
		// or be seen by the check of the grants below.
		if st, err = tx.LockStructure(ctx, st.ID); err != nil {
			return err
		}
		before := st
		if err := in.Apply(&st); err != nil {
			return err
		}
		if err := ensureSIRETFree(ctx, tx, st.SIRET, st.ID); err != nil {
			return err
		}
		if in.Kinds != nil {
			if err := checkKindsKeepGrants(ctx, tx, st); err != nil {
				return err
			}
		}
		if err := tx.UpdateStructure(ctx, &st); err != nil {
			return err
		}
		return audit(ctx, tx, actor, domain.ActionStructureUpdate, st.ID, st.Label(), changes(before, st))
	})
	return st, err
}

// SetAdhesion records (or, with year 0, removes) the structure's yearly membership of
// Cap Métiers.
func (s *Service) SetAdhesion(ctx context.Context, actor domain.Actor, ref domain.StructureRef, year int) (domain.Structure, error) {
	if err := domain.Authorize(actor, domain.StructureAdhesion, domain.Subject{}); err != nil {
		return domain.Structure{}, err
	}
	if err := domain.ValidateAdhesionYear(year); err != nil {
		return domain.Structure{}, err
	}
	var st domain.Structure
	err := s.store.Update(ctx, func(tx store.Tx) error {
		var err error
		if st, err = structureByRef(ctx, tx, ref); err != nil {
			return err
		}
		// Locked and read again: a change of its kinds running meanwhile is not overwritten.
		if st, err = tx.LockStructure(ctx, st.ID); err != nil {
			return err
		}
		prev := st.AdhesionYear
		st.AdhesionYear = year
		if err := tx.UpdateStructure(ctx, &st); err != nil {
			return err
		}
		return audit(ctx, tx, actor, domain.ActionStructureAdhesion, st.ID, st.Label(), map[string]any{"from": prev, "to": year})
	})
	return st, err
}

// structureReadAction is what actor may see of structures: everything when signed in, the
// public fields otherwise (see domain.PublicStructure).
func structureReadAction(actor domain.Actor) domain.Action {
	if actor.IsAnonymous() {
		return domain.StructurePublic
	}
	return domain.StructureRead
}

// Structure returns one structure to any signed-in user, and its public fields to anyone.
func (s *Service) Structure(ctx context.Context, actor domain.Actor, ref domain.StructureRef) (domain.Structure, error) {
	act := structureReadAction(actor)
	if err := domain.Authorize(actor, act, domain.Subject{}); err != nil {
		return domain.Structure{}, err
	}

	var st domain.Structure
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		st, err = structureByRef(ctx, tx, ref)
		return err
	})
	if act == domain.StructurePublic {
		st = domain.PublicStructure(st)
	}
	return st, err
}

// SearchStructures finds structures by name, acronym or SIRET for any signed-in user, and
// shows their public fields to anyone (the guides start with "find your structure").
func (s *Service) SearchStructures(ctx context.Context, actor domain.Actor, q store.StructureQuery) ([]domain.Structure, error) {
	act := structureReadAction(actor)
	if err := domain.Authorize(actor, act, domain.Subject{}); err != nil {
		return nil, err
	}
	var out []domain.Structure
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		out, err = tx.SearchStructures(ctx, q)
		return err
	})
	if act == domain.StructurePublic {
		for i := range out {
			out[i] = domain.PublicStructure(out[i])
		}
	}
	return out, err
}

// ensureSIRETFree refuses a SIRET that another structure than self already has.
func ensureSIRETFree(ctx context.Context, tx store.Tx, siret string, self int64) error {
	if siret == "" {
		return nil
	}
	other, err := tx.StructureBySIRET(ctx, siret)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return nil
	case err != nil:
		return err
	case other.ID != self:
		return domain.Errorf(domain.ErrConflict, "structure.siret_taken", siret, other.ID, other.Name)
	}
	return nil
}

func structureDetails(st domain.Structure) map[string]any {
	return map[string]any{
		"siret": st.SIRET, "name": st.Name, "acronym": st.Acronym, "ape": st.APE, "address": st.Address,
		"postal_code": st.PostalCode, "city": st.City, "kinds": st.Kinds, "ministry": st.Ministry,
	}
}

// changes lists the fields that differ, as {"field": [before, after]}.
func changes(before, after domain.Structure) map[string]any {
	b, a := structureDetails(before), structureDetails(after)
	out := map[string]any{}
	for k, v := range a {
		if !equalJSON(b[k], v) {
			out[k] = []any{b[k], v}
		}
	}
	return out
}
