package service

import (
	"context"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// ExportScope is what `export users` exports: the members of one structure, or of every
// structure (All).
type ExportScope struct {
	Structure *domain.StructureRef
	All       bool
}

// ExportSummary is what an export did.
type ExportSummary struct {
	// Structure is the structure exported; zero with All.
	Structure domain.Structure
	// Members is the number of rows handed to the caller: members, or trainee accounts for
	// ExportTrainees.
	Members int
}

// ExportMembers streams the active members of one structure (its référent and the
// gestionnaires may) or of every structure (gestionnaires only) to fn, one at a time, in the
// order of the user lists: by structure, then by name. Nothing is held in memory, whatever the
// number of rows. Rights are checked before fn is first called, so a refused export has
// produced nothing. fn's first error stops the export and is returned as is.
//
// A complete export is written to the audit trail ("export.users", with the number of rows):
// it hands out personal data.
func (s *Service) ExportMembers(ctx context.Context, actor domain.Actor, scope ExportScope, fn func(domain.Member) error) (ExportSummary, error) {
	var sum ExportSummary
	if (scope.Structure == nil) == !scope.All {
		return sum, domain.Invalid("structure", "", "export.scope_required")
	}
	count := func(m domain.Member) error {
		if err := fn(m); err != nil {
			return err
		}
		sum.Members++
		return nil
	}
	var err error
	if scope.All {
		if err := domain.Authorize(actor, domain.UserList, domain.Subject{}); err != nil {
			if actor.IsAnonymous() {
				return sum, err
			}
			return sum, domain.Errorf(domain.ErrForbidden, "export.all_managers_only")
		}
		err = s.store.View(ctx, func(tx store.Tx) error {
			return tx.EachMember(ctx, store.MemberQuery{}, count)
		})
	} else {
		err = s.store.View(ctx, func(tx store.Tx) error {
			st, err := structureByRef(ctx, tx, *scope.Structure)
			if err != nil {
				return err
			}
			role, err := roleOf(ctx, tx, actor, st.ID)
			if err != nil {
				return err
			}
			if err := domain.Authorize(actor, domain.Export, domain.Subject{Role: role}); err != nil {
				return err
			}
			sum.Structure = st
			return tx.EachMember(ctx, store.MemberQuery{StructureID: st.ID}, count)
		})
	}
	if err != nil {
		return sum, err
	}
	// The rows are out: record it even if the caller has gone since (a closed
	// connection, Ctrl-C after the last row).
	err = s.store.Update(context.WithoutCancel(ctx), func(tx store.Tx) error {
		target := "every structure"
		if scope.Structure != nil {
			target = sum.Structure.Label()
		}
		return audit(ctx, tx, actor, string(domain.Export), sum.Structure.ID, target, map[string]any{"members": sum.Members, "all": scope.All})
	})
	return sum, err
}

// ExportTrainees hands the trainee accounts that f keeps (the rows of `trainee list`) to fn,
// one at a time, by last name, first name and id: gestionnaires only (a read-only API token
// is enough); fn may be nil, for the summary only. Rights are checked before fn is first
// called, so a refused export has produced nothing. fn's first error stops the export and is
// returned as is.
//
// The accounts are read in one read-only transaction, which fn runs inside: on SQLite it
// holds no write lock, so other commands go on while a slow reader takes the rows. The export
// is then written to the audit trail ("export.trainees", with the number of rows and the
// filter), as `export users` does: an export that fails leaves no event, and the event tells
// how many accounts were handed out.
func (s *Service) ExportTrainees(ctx context.Context, actor domain.Actor, f TraineeFilter, fn func(domain.Trainee) error) (ExportSummary, error) {
	var sum ExportSummary
	if err := domain.Authorize(actor, domain.ExportTrainees, domain.Subject{}); err != nil {
		return sum, err
	}
	err := s.store.View(ctx, func(tx store.Tx) error {
		trainees, err := traineesOf(ctx, tx, f)
		if err != nil {
			return err
		}
		for _, t := range trainees {
			if fn != nil { // a client of the HTTP API may want the summary only
				if err := fn(t); err != nil {
					return err
				}
			}
			sum.Members++
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	// The rows are out: record it even if the caller has gone since (a closed
	// connection, Ctrl-C after the last row).
	err = s.store.Update(context.WithoutCancel(ctx), func(tx store.Tx) error {
		return audit(ctx, tx, actor, string(domain.ExportTrainees), 0, "trainee accounts",
			map[string]any{"trainees": sum.Members, "without_case": f.WithoutCase, "terms_pending": f.TermsPending})
	})
	return sum, err
}
