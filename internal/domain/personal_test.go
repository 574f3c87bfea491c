package domain

import (
	"errors"
	"testing"
	"time"
)

func TestPseudonym(t *testing.T) {
	if p := Pseudonym(42); p != "erased-42" || !IsPseudonym(p) {
		t.Fatalf("Pseudonym(42) = %q", p)
	}
	for _, s := range []string{"erased-", "erased-0", "erased-042", "erased-4x", "x@erased-4.fr", "claire@horizons.fr"} {
		if IsPseudonym(s) {
			t.Errorf("%q taken for a pseudonym", s)
		}
	}
	if id, ok := PseudonymID(" Erased-7 "); !ok || id != 7 {
		t.Errorf("PseudonymID = %d, %v", id, ok)
	}
}

func TestCanErase(t *testing.T) {
	manager := Actor{UserID: 1, Email: "g@x.fr", Manager: true}
	member := User{ID: 2, Email: "m@x.fr", Status: UserActive}
	erased := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name       string
		actor      Actor
		user       User
		managers   int
		referentOf []string
		want       error
	}{
		{"a gestionnaire erases a member", manager, member, 1, nil, nil},
		{"a member may not", Actor{UserID: 3, Email: "x@x.fr"}, member, 1, nil, ErrForbidden},
		{"a read-only token may not", Actor{UserID: 1, Email: "g@x.fr", Manager: true, Scope: ScopeRead}, member, 1, nil, ErrForbidden},
		{"not oneself", manager, User{ID: 1, Email: "g@x.fr", Manager: true, Status: UserActive}, 2, nil, ErrForbidden},
		{"a référent hands over first", manager, member, 1, []string{"Horizons"}, ErrConflict},
		{"once", manager, User{ID: 2, Email: "erased-2", ErasedAt: &erased}, 1, nil, ErrConflict},
		{"not the last gestionnaire", Actor{UserID: 5, Email: "t@x.fr", Manager: true}, User{ID: 2, Manager: true, Status: UserActive}, 1, nil, ErrConflict},
		{"another gestionnaire", manager, User{ID: 2, Manager: true, Status: UserActive}, 2, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CanErase(tc.actor, tc.user, tc.managers, tc.referentOf)
			if (tc.want == nil) != (err == nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("CanErase = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestCanReadPersonalData(t *testing.T) {
	self := Actor{UserID: 2, Email: "m@x.fr"}
	if err := CanReadPersonalData(self, 2); err != nil {
		t.Errorf("oneself: %v", err)
	}
	if err := CanReadPersonalData(self, 3); !errors.Is(err, ErrForbidden) {
		t.Errorf("someone else: %v", err)
	}
	if err := CanReadPersonalData(Actor{UserID: 1, Manager: true, Email: "g@x.fr", Scope: ScopeRead}, 3); err != nil {
		t.Errorf("a gestionnaire's read-only token: %v", err)
	}
	if err := CanReadPersonalData(Anonymous, 3); !errors.Is(err, ErrForbidden) {
		t.Errorf("anonymous: %v", err)
	}
}

func TestParseRetention(t *testing.T) {
	now := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   string
		cutoff time.Time
	}{
		{"", "forever", time.Time{}},
		{"Forever", "forever", time.Time{}},
		{"400d", "400d", now.AddDate(0, 0, -400)},
		{"18m", "18m", now.AddDate(0, -18, 0)},
		{" 5Y ", "5y", time.Date(2021, 3, 31, 12, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		r, err := ParseRetention("audit", tc.in)
		if err != nil || r.String() != tc.want || !r.Cutoff(now).Equal(tc.cutoff) {
			t.Errorf("ParseRetention(%q) = %v (cutoff %v), %v", tc.in, r, r.Cutoff(now), err)
		}
	}
	for _, bad := range []string{"0d", "-1y", "5", "5w", "y", "1.5y", "2000y", "forever!"} {
		if _, err := ParseRetention("audit", bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseRetention(%q) = %v, want invalid", bad, err)
		}
	}
}
