package domain

import (
	"errors"
	"testing"
)

// Every action of the policy, for every kind of actor: allowed, or refused with ErrForbidden
// (exit 4). The expectations are written per kind of rule (Who) and actor, apart from the
// code, and every action of Policy is run through them.
func TestAuthorizeEveryActionEveryActor(t *testing.T) {
	const (
		managerID  = 1
		referentID = 2 // référent of the structure concerned
		memberID   = 3 // member of it
		otherRefID = 4 // référent of another structure
		targetID   = 9 // the account concerned, a member of the structure
	)
	all := func(v bool) map[Who]bool {
		return map[Who]bool{Anyone: v, SignedIn: v, Members: v, Self: v, SelfOrRef: v, Referent: v, RefOfKind: v, Managers: v, PasswordSes: v}
	}
	member := map[Who]bool{Anyone: true, SignedIn: true, Members: true, PasswordSes: true}
	referent := map[Who]bool{Anyone: true, SignedIn: true, Members: true, SelfOrRef: true, Referent: true, RefOfKind: true, PasswordSes: true}
	otherRef := map[Who]bool{Anyone: true, SignedIn: true, PasswordSes: true}
	memberToken := map[Who]bool{Anyone: true, SignedIn: true, Members: true}
	memberRole := StructureRole{ReferentID: referentID, Member: true}
	for _, tt := range []struct {
		name     string
		a        Actor
		role     StructureRole
		refOf    bool         // référent of one of the target's structures
		allowed  map[Who]bool // the rules that let the actor through on another person's account
		readOnly bool         // refused every action that changes something
		tempPass bool         // refused everything but changing the password
	}{
		{"anonymous", Anonymous, StructureRole{ReferentID: referentID}, false, map[Who]bool{Anyone: true}, false, false},
		{"member", Actor{UserID: memberID, Email: "m@x.fr"}, memberRole, false, member, false, false},
		{"référent of the structure", Actor{UserID: referentID, Email: "r@x.fr"}, memberRole, true, referent, false, false},
		{"référent of another structure", Actor{UserID: otherRefID, Email: "o@x.fr"}, StructureRole{ReferentID: referentID}, false, otherRef, false, false},
		{"gestionnaire", Actor{UserID: managerID, Email: "g@x.fr", Manager: true}, StructureRole{ReferentID: referentID}, false, all(true), false, false},
		{"API token, all rights", Actor{UserID: memberID, Email: "m@x.fr", TokenID: 5, TokenName: "cron"}, memberRole, false, memberToken, false, false},
		{"API token, read-only", Actor{UserID: memberID, Email: "m@x.fr", TokenID: 5, TokenName: "cron", Scope: ScopeRead}, memberRole, false, memberToken, true, false},
		{"référent's read-only token", Actor{UserID: referentID, Email: "r@x.fr", TokenID: 6, Scope: ScopeRead}, memberRole, true, map[Who]bool{Anyone: true, SignedIn: true, Members: true, SelfOrRef: true, Referent: true, RefOfKind: true}, true, false},
		{"gestionnaire's read-only token", Actor{UserID: managerID, Manager: true, TokenID: 7, Scope: ScopeRead}, StructureRole{}, false, map[Who]bool{Anyone: true, SignedIn: true, Members: true, Self: true, SelfOrRef: true, Referent: true, RefOfKind: true, Managers: true}, true, false},
		{"temporary-password session", Actor{UserID: memberID, Email: "m@x.fr", MustChangePassword: true, SessionID: 8}, memberRole, false, all(false), false, true},
		{"gestionnaire, temporary password", Actor{UserID: managerID, Manager: true, MustChangePassword: true}, StructureRole{}, false, all(false), false, true},
	} {
		for _, self := range []bool{false, true} {
			for _, act := range PolicyRows() {
				rule := Policy[act]
				request := Request{ID: 11, Kind: RequestAccount, Status: StatusPending, StructureID: 20}
				s := Subject{Role: tt.role, TargetUser: targetID, RefOfTarget: tt.refOf, Request: &request}
				want := tt.allowed[rule.Who]
				if self {
					s.TargetUser = tt.a.UserID
					if !tt.a.IsAnonymous() && (rule.Who == Self || rule.Who == SelfOrRef) {
						want = true
					}
				}
				if tt.readOnly && rule.Mutates {
					want = false
				}
				if tt.tempPass {
					want = act == UserPassword && (self || tt.a.Manager) // a gestionnaire sets anybody's
				}
				err := Authorize(tt.a, act, s)
				switch {
				case want && err != nil:
					t.Errorf("%s (self %v), %s: refused (%v), want allowed", tt.name, self, act, err)
				case !want && err == nil:
					t.Errorf("%s (self %v), %s: allowed, want refused", tt.name, self, act)
				case !want && !errors.Is(err, ErrForbidden):
					t.Errorf("%s (self %v), %s: %v, want ErrForbidden", tt.name, self, act, err)
				}
			}
		}
	}
}

// Every kind of rule of the table is run by the test above.
func TestPolicyWhoIsKnown(t *testing.T) {
	known := map[Who]bool{Anyone: true, SignedIn: true, Members: true, Self: true, SelfOrRef: true, Referent: true, RefOfKind: true, Managers: true, PasswordSes: true}
	for _, act := range PolicyRows() {
		if !known[Policy[act].Who] {
			t.Errorf("%s: rule %q is not covered by TestAuthorizeEveryActionEveryActor", act, Policy[act].Who)
		}
	}
	if err := Authorize(Actor{UserID: 1, Manager: true}, Action("nope"), Subject{}); err == nil {
		t.Error("an action without a rule is allowed, want refused")
	}
}

// A refusal says who may as a message the reader's language puts in words, naming the rule.
func TestRefusalMessages(t *testing.T) {
	err := Authorize(Actor{UserID: 7}, StructureCreate, Subject{})
	var me MessageError
	if !errors.As(err, &me) {
		t.Fatalf("refusal %v is not a MessageError", err)
	}
	m := me.Message()
	who, _ := m.Args[0].(Message)
	what, _ := m.Args[1].(Message)
	if m.Key != "policy.only" || len(m.Args) != 2 || who.Key != "who.a_manager" || what.Key != "policy.structure_create" {
		t.Errorf("refusal message = %#v", m)
	}
}
