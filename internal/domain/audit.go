package domain

import (
	"slices"
	"time"
)

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
	ActionSessionEnd        = "session.end"
)

// AuditActions are the actions the audit trail may hold, in order: what `audit list --action`
// offers to complete. A test of the service checks that every action its use cases write is
// listed here.
func AuditActions() []string { return slices.Clone(auditActions) }

var auditActions = []string{
	"audit.prune",
	"auth.sign-in-failed",
	"case.claim",
	"case.import",
	"export.trainees",
	"export.users",
	"mail.list",
	"member.import",
	"membership.end",
	"profile.grant",
	"profile.revoke",
	"referent.set",
	"referent.unset",
	"request.activate",
	"request.activation_code",
	"request.approve",
	"request.create",
	"request.document",
	"request.purge",
	"request.reject",
	"request.resend_activation",
	"session.create",
	"session.end",
	"settings.set",
	"structure.adhesion",
	"structure.create",
	"structure.import",
	"structure.update",
	"terms.accept",
	"terms.publish",
	"token.create",
	"token.revoke",
	"trainee.register",
	"trainee.register-refused",
	"user.confirm-email",
	"user.create",
	"user.data",
	"user.disable",
	"user.email-change",
	"user.email-change-code",
	"user.enable",
	"user.erase",
	"user.forgot-password",
	"user.franceconnect-link",
	"user.franceconnect-unlink",
	"user.import",
	"user.lock",
	"user.password",
	"user.reset-password",
	"user.secret-set",
	"user.temporary-password-issued",
	"user.temporary-password-queued",
	"user.unlock",
	"user.update",
}
