package domain

import "time"

// AuditEvent records one decision or change. Events are append-only: written in the same
// transaction as the change they describe, never updated or deleted.
type AuditEvent struct {
	ID          int64
	At          time.Time
	ActorID     int64  // 0 for anonymous
	Actor       string // Actor.Label() at the time
	Action      string // e.g. "structure.create"
	StructureID int64  // 0 when no structure is concerned
	Target      string // what was acted on: an e-mail, a SIRET, "request 42"
	Details     string // JSON object with the specifics
}

// Audit actions. Names are "noun.verb" so they filter and sort well.
const (
	ActionStructureCreate   = "structure.create"
	ActionStructureUpdate   = "structure.update"
	ActionStructureAdhesion = "structure.adhesion"
	ActionUserCreate        = "user.create"
	ActionSessionCreate     = "session.create"
)
