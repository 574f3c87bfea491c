// Package service holds the use cases of profil. Each one runs in ONE transaction: load, check
// the rule (internal/domain), change, write the audit event (and the mail), commit. A use case
// that fails leaves the database as it was.
package service

import (
	"context"
	"encoding/json"
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
}

// New returns the service over st.
func New(st store.Store) *Service {
	return &Service{store: st, SessionTTL: 30 * 24 * time.Hour, TemporaryPasswordTTL: domain.DefaultTemporaryPasswordTTL}
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
	return tx.StructureByID(ctx, ref.ID)
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
