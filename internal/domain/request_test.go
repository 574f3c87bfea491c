package domain

import (
	"errors"
	"testing"
	"time"
)

// The state machine: every pair of statuses, allowed or not.
func TestRequestStatusMoves(t *testing.T) {
	statuses := []RequestStatus{StatusUnverified, StatusPending, StatusApproved, StatusRejected}
	allowed := map[[2]RequestStatus]bool{
		{StatusUnverified, StatusPending}: true,
		{StatusPending, StatusApproved}:   true,
		{StatusPending, StatusRejected}:   true,
	}
	for _, from := range statuses {
		for _, to := range statuses {
			if got := from.CanBecome(to); got != allowed[[2]RequestStatus{from, to}] {
				t.Errorf("%s → %s: CanBecome = %v", from, to, got)
			}
		}
	}
}

func TestRequestDecide(t *testing.T) {
	decidedAt := time.Date(2026, 12, 7, 1, 4, 0, 0, time.UTC)
	for _, tt := range []struct {
		name     string
		r        Request
		d        Decision
		reason   string
		want     RequestStatus
		wantText string // the reason kept
		err      error
		key      string
	}{
		{"approve a pending request", Request{ID: 1, Status: StatusPending}, Approve, "ignored", StatusApproved, "", nil, ""},
		{"reject with a reason", Request{ID: 1, Status: StatusPending}, Reject, "  not a member  ", StatusRejected, "not a member", nil, ""},
		{"reject without a reason", Request{ID: 1, Status: StatusPending}, Reject, " ", "", "", ErrInvalid, "request.reason_required"},
		{"no decision", Request{ID: 1, Status: StatusPending}, Decision("maybe"), "", "", "", ErrInvalid, "request.decision_invalid"},
		{"unverified", Request{ID: 1, Status: StatusUnverified}, Approve, "", "", "", ErrConflict, "request.unverified"},
		{"approved already", Request{ID: 1, Status: StatusApproved, DecidedAt: &decidedAt}, Reject, "x", "", "", ErrConflict, "request.already_decided_on"},
		{"rejected already, no date", Request{ID: 1, Status: StatusRejected}, Approve, "", "", "", ErrConflict, "request.already_decided"},
	} {
		got, err := tt.r.Decide(42, tt.d, tt.reason)
		if tt.err != nil {
			if !errors.Is(err, tt.err) || messageKey(err) != tt.key {
				t.Errorf("%s: %v, want %v (%s)", tt.name, err, tt.err, tt.key)
			}
			if got.Status != tt.r.Status {
				t.Errorf("%s: refused, but the status moved to %s", tt.name, got.Status)
			}
			continue
		}
		if err != nil || got.Status != tt.want || got.Reason != tt.wantText || got.DecidedBy != 42 {
			t.Errorf("%s: %+v, %v; want %s with reason %q by 42", tt.name, got, err, tt.want, tt.wantText)
		}
	}
}

func TestRequestVerified(t *testing.T) {
	exp := time.Now()
	r, err := Request{ID: 3, Status: StatusUnverified, ActivationHash: "h", ActivationExpiresAt: &exp}.Verified()
	if err != nil || r.Status != StatusPending || r.ActivationHash != "" || r.ActivationExpiresAt != nil {
		t.Errorf("Verified() = %+v, %v", r, err)
	}
	for _, s := range []RequestStatus{StatusPending, StatusApproved, StatusRejected} {
		if _, err := (Request{ID: 3, Status: s}).Verified(); !errors.Is(err, ErrConflict) {
			t.Errorf("verifying a %s request: %v, want a conflict", s, err)
		}
	}
}

// A decided request's date is an argument of the message, put in words by the reader's
// language (not a text frozen in UTC).
func TestAlreadyDecidedCarriesTheTime(t *testing.T) {
	at := time.Date(2026, 12, 7, 1, 4, 0, 0, time.UTC)
	err := Request{ID: 9, Status: StatusApproved, DecidedAt: &at}.CheckDecidable(Approve, "")
	var me MessageError
	if !errors.As(err, &me) {
		t.Fatalf("%v is not a MessageError", err)
	}
	m := me.Message()
	if when, ok := m.Args[2].(time.Time); !ok || !when.Equal(at) {
		t.Errorf("args = %#v, want the decision time as a time", m.Args)
	}
}
