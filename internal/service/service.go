// Package service holds the use cases of profil. Each one runs in ONE transaction: load, check
// the rule (internal/domain), change, write the audit event (and the mail), commit. A use case
// that fails leaves the database as it was.
//
// The rules are the domain's, each written once: the service loads what a rule looks at and
// asks it (domain.Authorize for rights, domain.MaySee for a request, Request.Decide for the
// state machine, ReferentChange.Next for every path that moves the référent role,
// Catalogue.CheckGrants for profiles, PersonFields.SetNames for names), then writes what it
// decided. Errors come back as the domain's messages, put in words by the caller in its
// reader's language (i18n.RenderError); the mails a use case queues are written here, in the
// portal's language (setting mail.language), with i18n.In.
package service

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// Service is the entry point of every use case.
type Service struct {
	store store.Store
	// SessionTTL is how long a sign-in lasts.
	SessionTTL time.Duration
	// TemporaryPasswordTTL is how long a mailed temporary password signs in (once).
	TemporaryPasswordTTL time.Duration
	// Registration, when set, replaces the registration settings of the portal.
	Registration *domain.RegistrationSettings
	// setBased decides the batches of a bulk decision with a few statements each (decideSet);
	// without it, request by request (decideEach).
	setBased bool
	// setBatches counts the batches decided set-based, and regrouped the bulk decisions whose
	// order decisionOrder changed, for the tests.
	setBatches, regrouped atomic.Int64
	// decideBatchSize, when set, replaces DecideBatchSize (tests); keepOrder decides bulk
	// decisions in the order given (see decisionOrder), the order the tests compare with.
	decideBatchSize int
	keepOrder       bool
}

// New returns the service over st.
func New(st store.Store) *Service {
	return &Service{store: st, SessionTTL: 30 * 24 * time.Hour, TemporaryPasswordTTL: domain.DefaultTemporaryPasswordTTL, setBased: true}
}

// audit writes one audit event in tx. details is marshalled to a JSON object.
func audit(ctx context.Context, tx store.Tx, actor domain.Actor, action string, structureID int64, target string, details any) error {
	d := "{}"
	if details != nil {
		b, err := json.Marshal(details)
		if err != nil {
			return err
		}
		d = string(b)
	}
	return tx.AppendAudit(ctx, &domain.AuditEvent{
		ActorID: actor.UserID, Actor: actor.Label(), Action: action,
		StructureID: structureID, Target: target, Details: d,
	})
}

// structureByRef loads the structure named by ref.
func structureByRef(ctx context.Context, tx store.Tx, ref domain.StructureRef) (domain.Structure, error) {
	if ref.SIRET != "" {
		return tx.StructureBySIRET(ctx, ref.SIRET)
	}
	if ref.SIREN != "" {
		return structureBySIREN(ctx, tx, ref.SIREN)
	}
	if ref.Name != "" {
		return structureByName(ctx, tx, ref.Name)
	}
	return tx.StructureByID(ctx, ref.ID)
}

// structureByName is the one structure whose name or acronym is name, accents and case aside;
// several are a conflict that lists them, so that the person picks a SIRET.
func structureByName(ctx context.Context, tx store.Tx, name string) (domain.Structure, error) {
	found, err := tx.SearchStructures(ctx, store.StructureQuery{Text: name, Limit: 200})
	if err != nil {
		return domain.Structure{}, err
	}
	want := domain.Fold(name)
	var same []domain.Structure
	for _, st := range found {
		if domain.Fold(st.Name) == want {
			same = append(same, st)
		}
	}
	if len(same) == 0 { // no name: an acronym
		for _, st := range found {
			if st.Acronym != "" && domain.Fold(st.Acronym) == want {
				same = append(same, st)
			}
		}
	}
	switch len(same) {
	case 0:
		return domain.Structure{}, domain.Errorf(domain.ErrNotFound, "structure.name_not_found", name, name)
	case 1:
		return same[0], nil
	}
	names := make([]string, 0, len(same))
	for i, st := range same {
		if i == 10 {
			names = append(names, "…")
			break
		}
		ref := groupDigits(st.SIRET)
		if ref == "" {
			ref = fmt.Sprintf("#%d", st.ID)
		}
		names = append(names, fmt.Sprintf("%s %s (%s)", ref, st.Name, st.City))
	}
	return domain.Structure{}, domain.Errorf(domain.ErrConflict, "structure.name_several", len(same), name, strings.Join(names, "; "))
}

// structureBySIREN is the one establishment of the company siren; several are a conflict that
// lists them, so that the person picks a SIRET.
func structureBySIREN(ctx context.Context, tx store.Tx, siren string) (domain.Structure, error) {
	found, err := tx.SearchStructures(ctx, store.StructureQuery{Text: siren, Limit: 200})
	if err != nil {
		return domain.Structure{}, err
	}
	var same []domain.Structure
	for _, st := range found {
		if strings.HasPrefix(st.SIRET, siren) {
			same = append(same, st)
		}
	}
	switch len(same) {
	case 0:
		return domain.Structure{}, domain.Errorf(domain.ErrNotFound, "structure.siren_not_found", groupDigits(siren))
	case 1:
		return same[0], nil
	}
	sort.Slice(same, func(i, j int) bool { return same[i].SIRET < same[j].SIRET })
	names := make([]string, 0, len(same))
	for i, st := range same {
		if i == 10 {
			names = append(names, "…")
			break
		}
		names = append(names, fmt.Sprintf("%s %s", groupDigits(st.SIRET), st.Name))
	}
	return domain.Structure{}, domain.Errorf(domain.ErrConflict, "structure.siren_several", groupDigits(siren), len(same), strings.Join(names, "; "))
}

// groupDigits writes a SIREN or SIRET as people read it: "824 228 142 01072".
func groupDigits(s string) string {
	if len(s) < 9 {
		return s
	}
	out := s[:3] + " " + s[3:6] + " " + s[6:9]
	if len(s) > 9 {
		out += " " + s[9:]
	}
	return out
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
