package domain

import (
	"fmt"
	"strings"
	"time"
)

// RequestKind is what a request asks for.
type RequestKind string

// The three kinds of request, one queue.
const (
	RequestStructure   RequestKind = "structure"   // demande de référencement: create a structure
	RequestAccount     RequestKind = "account"     // demande de création de compte: a new user joins a structure
	RequestAffiliation RequestKind = "affiliation" // demande d'affiliation: a user joins one more structure
)

// ParseRequestKind reads a --kind value.
func ParseRequestKind(s string) (RequestKind, error) {
	switch k := RequestKind(strings.ToLower(strings.TrimSpace(s))); k {
	case RequestStructure, RequestAccount, RequestAffiliation:
		return k, nil
	}
	return "", Invalid("kind", s, "must be structure, account or affiliation")
}

// RequestStatus is where a request stands. Pending is the only state that may change, once.
type RequestStatus string

// Request statuses.
const (
	StatusPending  RequestStatus = "pending"
	StatusApproved RequestStatus = "approved"
	StatusRejected RequestStatus = "rejected"
)

// ParseRequestStatus reads a --status value.
func ParseRequestStatus(s string) (RequestStatus, error) {
	switch st := RequestStatus(strings.ToLower(strings.TrimSpace(s))); st {
	case StatusPending, StatusApproved, StatusRejected:
		return st, nil
	}
	return "", Invalid("status", s, "must be pending, approved or rejected")
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

// CheckDecidable refuses to decide a request twice: only a pending request can be approved or
// rejected, and a rejection needs a reason the person will read.
func (r Request) CheckDecidable(d Decision, reason string) error {
	if r.Status != StatusPending {
		when := ""
		if r.DecidedAt != nil {
			when = " on " + r.DecidedAt.UTC().Format("2006-01-02 15:04")
		}
		return Errorf(ErrConflict, "request %d is already %s%s", r.ID, r.Status, when)
	}
	if d == Reject && strings.TrimSpace(reason) == "" {
		return Invalid("reason", "", "is required to reject a request: the person will read it")
	}
	return nil
}

// Waited says how long a request has waited, as people say it: "3 d", "5 h", "12 min".
func (r Request) Waited(now time.Time) string {
	end := now
	if r.DecidedAt != nil {
		end = *r.DecidedAt
	}
	d := end.Sub(r.CreatedAt)
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d d", int(d.Hours()/24))
	case d >= time.Hour:
		return fmt.Sprintf("%d h", int(d.Hours()))
	case d >= time.Minute:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	}
	return "just now"
}
