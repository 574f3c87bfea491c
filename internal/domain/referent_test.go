package domain

import (
	"errors"
	"testing"
	"time"
)

var now0 = time.Date(2026, 12, 7, 1, 4, 0, 0, time.UTC)

func TestReferentChange(t *testing.T) {
	st := Structure{ID: 20, Name: "CFA Sud"}
	active := func(id int64) User { return User{ID: id, Email: "u@x.fr", Status: UserActive} }
	member := func(u User, referent bool) *Candidate {
		return &Candidate{User: u, Membership: &Membership{ID: u.ID * 10, UserID: u.ID, StructureID: st.ID, Referent: referent}}
	}
	ref, next := active(2), active(3)
	disabled := User{ID: 4, Email: "d@x.fr", Status: UserDisabled}
	pending := User{ID: 5, Email: "p@x.fr", Status: UserPending}
	plain := active(6)
	for _, tt := range []struct {
		name string
		c    ReferentChange
		want int64
		err  error
		key  string
	}{
		// Joining: the first member of a structure without référent becomes it.
		{"first member", ReferentChange{Structure: st, Joining: &next}, 3, nil, ""},
		{"joining a structure that has one", ReferentChange{Structure: st, Current: 2, Joining: &next}, 2, nil, ""},
		// Named (referent set).
		{"active member named", ReferentChange{Structure: st, Current: 2, Named: member(next, false)}, 3, nil, ""},
		{"named in a structure without référent", ReferentChange{Structure: st, Named: member(next, false)}, 3, nil, ""},
		{"not a member", ReferentChange{Structure: st, Current: 2, Named: &Candidate{User: next}}, 0, ErrConflict, "referent.not_member"},
		{"ended membership", ReferentChange{Structure: st, Current: 2, Named: &Candidate{User: next, Membership: &Membership{EndedAt: &now0}}}, 0, ErrConflict, "referent.not_member"},
		{"disabled account", ReferentChange{Structure: st, Current: 2, Named: member(disabled, false)}, 0, ErrConflict, "referent.account_inactive"},
		{"pending account", ReferentChange{Structure: st, Current: 2, Named: member(pending, false)}, 0, ErrConflict, "referent.account_inactive"},
		{"already référent", ReferentChange{Structure: st, Current: 2, Named: member(ref, true)}, 0, ErrConflict, "referent.already"},
		{"nobody loaded", ReferentChange{Structure: st, Current: 2}, 0, ErrConflict, "referent.nobody_named"},
		// Leaving (user detach).
		{"a member leaves", ReferentChange{Structure: st, Current: 2, Leaving: &plain}, 2, nil, ""},
		{"a member leaves, naming a référent", ReferentChange{Structure: st, Current: 2, Leaving: &plain, NewReferent: "n@x.fr", Named: member(next, false)}, 0, ErrInvalid, "detach.new_referent_unneeded"},
		{"the référent leaves alone", ReferentChange{Structure: st, Current: 2, Leaving: &ref}, 0, ErrConflict, "detach.referent_leaving"},
		{"the référent leaves, no référent after", ReferentChange{Structure: st, Current: 2, Leaving: &ref, LeaveNone: true}, 0, nil, ""},
		{"the référent hands over", ReferentChange{Structure: st, Current: 2, Leaving: &ref, NewReferent: "n@x.fr", Named: member(next, false)}, 3, nil, ""},
		{"the référent names themself", ReferentChange{Structure: st, Current: 2, Leaving: &ref, NewReferent: "u@x.fr", Named: member(ref, true)}, 0, ErrInvalid, "detach.new_referent_same"},
		{"hand-over to a disabled account", ReferentChange{Structure: st, Current: 2, Leaving: &ref, NewReferent: "d@x.fr", Named: member(disabled, false)}, 0, ErrConflict, "referent.account_inactive"},
		{"hand-over to a pending account", ReferentChange{Structure: st, Current: 2, Leaving: &ref, NewReferent: "p@x.fr", Named: member(pending, false)}, 0, ErrConflict, "referent.account_inactive"},
		{"hand-over to a non-member", ReferentChange{Structure: st, Current: 2, Leaving: &ref, NewReferent: "n@x.fr", Named: &Candidate{User: next}}, 0, ErrConflict, "referent.not_member"},
	} {
		got, err := tt.c.Next()
		if tt.err == nil {
			if err != nil || got != tt.want {
				t.Errorf("%s: Next() = %d, %v; want %d", tt.name, got, err, tt.want)
			}
			continue
		}
		if !errors.Is(err, tt.err) || messageKey(err) != tt.key {
			t.Errorf("%s: Next() = %d, %v; want %v (%s)", tt.name, got, err, tt.err, tt.key)
		}
	}
}

// messageKey is the key of the message err says, or of its reason for a field.
func messageKey(err error) string {
	var fe *FieldError
	if errors.As(err, &fe) {
		return fe.Reason.Key
	}
	var me MessageError
	if errors.As(err, &me) {
		return me.Message().Key
	}
	return ""
}
