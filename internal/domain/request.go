package domain

import (
	"slices"
	"strings"
	"time"
)

// RequestKind is what a request asks for.
type RequestKind string

// The kinds of request, one queue.
const (
	RequestStructure   RequestKind = "structure"   // demande de référencement: create a structure
	RequestAccount     RequestKind = "account"     // demande de création de compte: a new user joins a structure
	RequestAffiliation RequestKind = "affiliation" // demande d'affiliation: a user joins one more structure
	RequestChange      RequestKind = "change"      // the référent reports a change of the structure's data
)

// ParseRequestKind reads a --kind value.
func ParseRequestKind(s string) (RequestKind, error) {
	switch k := RequestKind(strings.ToLower(strings.TrimSpace(s))); k {
	case RequestStructure, RequestAccount, RequestAffiliation, RequestChange:
		return k, nil
	}
	return "", Invalid("kind", s, "request.kind_invalid")
}

// Label is the kind as people say it: "account", or "création de compte".
func (k RequestKind) Label() Message {
	switch k {
	case RequestStructure:
		return Msg("request.kind_structure")
	case RequestAccount:
		return Msg("request.kind_account")
	case RequestAffiliation:
		return Msg("request.kind_affiliation")
	case RequestChange:
		return Msg("request.kind_change")
	}
	return Msg(string(k))
}

// RequestStatus is where a request stands. Unverified (its e-mail not confirmed yet) becomes
// pending once; pending is the only state a decision may change, once.
type RequestStatus string

// Request statuses.
const (
	StatusUnverified RequestStatus = "unverified"
	StatusPending    RequestStatus = "pending"
	StatusApproved   RequestStatus = "approved"
	StatusRejected   RequestStatus = "rejected"
)

// ParseRequestStatus reads a --status value.
func ParseRequestStatus(s string) (RequestStatus, error) {
	switch st := RequestStatus(strings.ToLower(strings.TrimSpace(s))); st {
	case StatusUnverified, StatusPending, StatusApproved, StatusRejected:
		return st, nil
	}
	return "", Invalid("status", s, "request.status_invalid")
}

// Label is the status as people say it: "approved", or "acceptée".
func (s RequestStatus) Label() Message {
	switch s {
	case StatusUnverified:
		return Msg("request.status_unverified")
	case StatusPending:
		return Msg("request.status_pending")
	case StatusApproved:
		return Msg("request.status_approved")
	case StatusRejected:
		return Msg("request.status_rejected")
	}
	return Msg(string(s))
}

// Request is one request in the queue. For a structure request, Structure holds the structure
// asked for and StructureID is set once it is created; for the others, StructureID is the
// structure to join and UserID the person.
type Request struct {
	ID             int64
	Kind           RequestKind
	Status         RequestStatus
	UserID         int64
	RequesterEmail string
	StructureID    int64
	Structure      Structure // the structure asked for (structure requests)
	Profiles       []string  // profiles asked for at registration, if any
	CreatedAt      time.Time
	DecidedAt      *time.Time
	DecidedBy      int64
	Reason         string

	// Structure requests (guide 004). Account: the request carries the requester's own
	// account (UserID, pending): approving it activates the account and makes it the new
	// structure's référent.
	Account      bool
	PublicBody   bool       // universities, public schools: not ministries, but a mandate is due
	NamedOnProof bool       // the applicant's name is on the proof of legal existence
	MandateDate  *time.Time // the date of the mandate delegation joined, if any
	Documents    []Document // read-only: the files joined, without their content

	// Change requests: what the référent asks to change, and why.
	Changes []FieldChange
	Comment string

	// E-mail activation (status unverified): the SHA-256 of the live code ("" when none; never
	// sent by the server: it would let the code be found offline), its end, the wrong tries
	// against it, and when the last code mail was queued.
	ActivationHash      string `json:"-"`
	ActivationExpiresAt *time.Time
	ActivationTries     int
	ActivationMailAt    *time.Time

	// Read-only, filled by the store when listing.
	UserEmail      string
	StructureName  string
	SIRET          string
	DecidedByEmail string
}

// Decision is what a decider does with a request.
type Decision string

// Decisions.
const (
	Approve Decision = "approve"
	Reject  Decision = "reject"
)

// The request state machine: the statuses each status may become, and how.
//
//	unverified ──e-mail confirmed──▶ pending ──decided──▶ approved
//	                                        └──decided──▶ rejected
//
// Approved and rejected are final; a request is decided once.
var requestMoves = map[RequestStatus][]RequestStatus{
	StatusUnverified: {StatusPending},
	StatusPending:    {StatusApproved, StatusRejected},
}

// CanBecome reports whether a request of status s may move to status to.
func (s RequestStatus) CanBecome(to RequestStatus) bool {
	return slices.Contains(requestMoves[s], to)
}

// Verified returns r confirmed: pending, its activation code gone. Only an unverified request
// is confirmed (a conflict otherwise).
func (r Request) Verified() (Request, error) {
	if !r.Status.CanBecome(StatusPending) {
		return r, Errorf(ErrConflict, "request.already_verified", r.ID)
	}
	r.Status, r.ActivationHash, r.ActivationExpiresAt = StatusPending, "", nil
	return r, nil
}

// CheckDecidable refuses to decide a request twice: only a pending request can be approved or
// rejected, and a rejection needs a reason the person will read.
func (r Request) CheckDecidable(d Decision, reason string) error {
	to := d.Status()
	if to == "" {
		return Invalid("decision", string(d), "request.decision_invalid")
	}
	if r.Status.CanBecome(to) {
		if d == Reject && strings.TrimSpace(reason) == "" {
			return Invalid("reason", "", "request.reason_required")
		}
		return nil
	}
	switch {
	case r.Status == StatusUnverified:
		return Errorf(ErrConflict, "request.unverified", r.ID)
	case r.DecidedAt != nil:
		return Errorf(ErrConflict, "request.already_decided_on", r.ID, r.Status.Label(), *r.DecidedAt)
	}
	return Errorf(ErrConflict, "request.already_decided", r.ID, r.Status.Label())
}

// Decide returns r as decider leaves it with decision d: approved, or rejected with the
// reason (trimmed), once the state machine allows it (CheckDecidable). Who may decide is the
// policy's (CanDecideRequest); when it was decided is the store's.
func (r Request) Decide(decider int64, d Decision, reason string) (Request, error) {
	if err := r.CheckDecidable(d, reason); err != nil {
		return r, err
	}
	r.Status, r.DecidedBy, r.Reason = d.Status(), decider, strings.TrimSpace(reason)
	if d == Approve {
		r.Reason = ""
	}
	return r, nil
}

// Status is the status a request takes when decided so, "" for no decision.
func (d Decision) Status() RequestStatus {
	switch d {
	case Approve:
		return StatusApproved
	case Reject:
		return StatusRejected
	}
	return ""
}

// Waited says how long a request has waited, as people say it: "3 d", "5 h", "12 min".
func (r Request) Waited(now time.Time) Message {
	end := now
	if r.DecidedAt != nil {
		end = *r.DecidedAt
	}
	d := end.Sub(r.CreatedAt)
	switch {
	case d >= 48*time.Hour:
		return Msg("waited.days", int(d.Hours()/24))
	case d >= time.Hour:
		return Msg("waited.hours", int(d.Hours()))
	case d >= time.Minute:
		return Msg("waited.minutes", int(d.Minutes()))
	}
	return Msg("waited.now")
}

// FieldChange is one field a change request asks to change: its value when asked (Before), the
// value asked (After).
type FieldChange struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}
