package domain

import (
	"errors"
	"strings"
	"testing"
)

// seedCatalogue mirrors the rows of migration 00002 (the store test checks they agree).
var seedCatalogue = Catalogue{
	{Code: "rafael.of-catalogue", Application: "RAFAEL", Family: "training-org", Exclusive: true, RequiredKind: KindTrainingOrg, Removable: true},
	{Code: "rafael.of-preregistration", Application: "RAFAEL", Family: "training-org", Exclusive: true, RequiredKind: KindTrainingOrg, Removable: true},
	{Code: "rafael.of-general", Application: "RAFAEL", Family: "training-org", Exclusive: true, RequiredKind: KindTrainingOrg, Removable: true},
	{Code: "rafael.prescriber-1", Application: "RAFAEL", Family: "prescriber", Exclusive: true, RequiredKind: KindPrescriber, Removable: true},
	{Code: "rafael.prescriber-2", Application: "RAFAEL", Family: "prescriber", Exclusive: true, RequiredKind: KindPrescriber, Removable: true},
	{Code: "rafael.prescriber-3", Application: "RAFAEL", Family: "prescriber", Exclusive: true, RequiredKind: KindPrescriber, Removable: true},
	{Code: "parcourspro.beneficiary", Application: "PARCOURS PRO", Automatic: true},
	{Code: "parcourspro.employer", Application: "PARCOURS PRO", Removable: true},
	{Code: "parcourspro.provider", Application: "PARCOURS PRO", RequiredKind: KindTrainingOrg, Removable: true},
}

func TestCatalogueGrantRules(t *testing.T) {
	of := Structure{Name: "OF", Kinds: []Kind{KindTrainingOrg}}
	presc := Structure{Name: "Mission Locale", Kinds: []Kind{KindPrescriber}}
	both := Structure{Name: "CMA", Kinds: []Kind{KindTrainingOrg, KindPrescriber}}
	employer := Structure{Name: "CHU", Kinds: []Kind{KindEmployer}}
	cases := []struct {
		name     string
		st       Structure
		held     []string
		code     string
		sentinel error  // nil: allowed
		mention  string // the message names this
	}{
		{"training-org profile on a training org", of, nil, "rafael.of-general", nil, ""},
		{"training-org profile elsewhere", presc, nil, "rafael.of-catalogue", ErrConflict, "training-org"},
		{"one training-org profile per membership", of, []string{"rafael.of-catalogue"}, "rafael.of-general", ErrConflict, "rafael.of-catalogue"},
		{"granting the held one again is not a rule break", of, []string{"rafael.of-general"}, "rafael.of-general", nil, ""},
		{"prescriber level on a prescriber", presc, nil, "rafael.prescriber-2", nil, ""},
		{"prescriber level elsewhere", employer, nil, "rafael.prescriber-1", ErrConflict, "prescriber"},
		{"one prescriber level per membership", presc, []string{"rafael.prescriber-1"}, "rafael.prescriber-3", ErrConflict, "rafael.prescriber-1"},
		{"a training-org and a prescriber profile together", both, []string{"rafael.of-general"}, "rafael.prescriber-1", nil, ""},
		{"employer anywhere", employer, nil, "parcourspro.employer", nil, ""},
		{"employer next to RAFAEL rights", of, []string{"rafael.of-general"}, "parcourspro.employer", nil, ""},
		{"provider on a training org", of, nil, "parcourspro.provider", nil, ""},
		{"provider only on a training org", employer, nil, "parcourspro.provider", ErrConflict, "training-org"},
		{"unknown code", of, nil, "rafael.boss", ErrInvalid, "rafael.boss"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := seedCatalogue.CheckGrant(c.st, c.held, c.code)
			if c.sentinel == nil {
				if err != nil {
					t.Fatalf("CheckGrant = %v, want allowed", err)
				}
				return
			}
			if !errors.Is(err, c.sentinel) || !strings.Contains(err.Error(), c.mention) {
				t.Fatalf("CheckGrant = %v, want %v mentioning %q", err, c.sentinel, c.mention)
			}
		})
	}
}

func TestCatalogueRevokeAndAutomatic(t *testing.T) {
	if err := seedCatalogue.CheckRevoke("parcourspro.beneficiary"); !errors.Is(err, ErrConflict) {
		t.Errorf("revoking the bénéficiaire: %v, want a conflict", err)
	}
	if err := seedCatalogue.CheckRevoke("parcourspro.employer"); err != nil {
		t.Errorf("revoking employer: %v", err)
	}
	if err := seedCatalogue.CheckRevoke("nope"); !errors.Is(err, ErrInvalid) {
		t.Errorf("revoking an unknown code: %v, want invalid", err)
	}
	if got := seedCatalogue.Automatic(); len(got) != 1 || got[0] != ProfileBeneficiary {
		t.Errorf("Automatic() = %v, want only the bénéficiaire", got)
	}
	if err := seedCatalogue.Known([]string{"rafael.of-general", "x"}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `"x"`) {
		t.Errorf("Known = %v, want invalid naming x", err)
	}
}

func TestCatalogueBreakingAfterKindsChange(t *testing.T) {
	st := Structure{Name: "Ex-OF", Kinds: []Kind{KindEmployer}}
	got := seedCatalogue.Breaking(st, []string{"parcourspro.beneficiary", "rafael.of-general", "parcourspro.provider", "parcourspro.employer"})
	if strings.Join(got, ",") != "rafael.of-general,parcourspro.provider" {
		t.Errorf("Breaking = %v, want the two training-org-only grants", got)
	}
}

func TestPolicyTable(t *testing.T) {
	manager := Actor{UserID: 1, Email: "g@x.fr", Manager: true}
	ref := Actor{UserID: 2, Email: "r@x.fr"}
	member := Actor{UserID: 3, Email: "m@x.fr"}
	stranger := Actor{UserID: 4, Email: "s@x.fr"}
	readToken := Actor{UserID: 1, Email: "g@x.fr", Manager: true, TokenID: 9, TokenName: "cron", Scope: ScopeRead}
	fullToken := Actor{UserID: 2, Email: "r@x.fr", TokenID: 8, TokenName: "script"}
	ofStructure := StructureRole{ReferentID: 2, Member: true}
	account := &Request{ID: 5, Kind: RequestAccount}
	structureReq := &Request{ID: 6, Kind: RequestStructure}

	type cell struct {
		actor Actor
		act   Action
		s     Subject
		ok    bool
	}
	role := func(a Actor) Subject {
		r := ofStructure
		r.Member = a.UserID == 2 || a.UserID == 3
		return Subject{Role: r}
	}
	cells := []cell{
		{Anonymous, StructureAsk, Subject{}, true},
		{Anonymous, UserRegister, Subject{}, true},
		{Anonymous, StructureRead, Subject{}, false},
		{member, StructureRead, Subject{}, true},
		{member, StructureCreate, Subject{}, false},
		{manager, StructureCreate, Subject{}, true},
		{ref, RequestDecide, Subject{Role: ofStructure, Request: account}, true},
		{ref, RequestDecide, Subject{Role: ofStructure, Request: structureReq}, false},
		{member, RequestDecide, Subject{Role: ofStructure, Request: account}, false},
		{manager, RequestDecide, Subject{Request: structureReq}, true},
		{ref, MemberDetach, role(ref), true},
		{member, MemberDetach, role(member), false},
		{stranger, MemberDetach, role(stranger), false},
		{member, MembersRead, role(member), true},
		{stranger, MembersRead, role(stranger), false},
		{ref, ProfileGrant, role(ref), true},
		{member, UserEdit, Subject{TargetUser: 3}, true},
		{member, UserEdit, Subject{TargetUser: 2}, false},
		{manager, UserEdit, Subject{TargetUser: 3}, true},
		{readToken, StructureRead, Subject{}, true},
		{readToken, StructureCreate, Subject{}, false},
		{readToken, Export, Subject{}, true},
		{fullToken, ProfileGrant, role(fullToken), true},
		{fullToken, TokenManage, Subject{}, false},
		{manager, TokenManage, Subject{}, true},
		{stranger, UserResetPassword, Subject{}, false},
	}
	for _, c := range cells {
		err := Authorize(c.actor, c.act, c.s)
		if (err == nil) != c.ok {
			t.Errorf("%s %s: err = %v, want allowed=%v", c.actor.Label(), c.act, err, c.ok)
		}
		if err != nil && !errors.Is(err, ErrForbidden) {
			t.Errorf("%s %s: err = %v, want ErrForbidden", c.actor.Label(), c.act, err)
		}
	}
	if err := Authorize(manager, Action("nope"), Subject{}); err == nil {
		t.Error("an action missing from the table was allowed")
	}
}

// Several codes granted at once (a decision's --profile, review's picker, profile grant):
// checked in order against what is held and the codes before them.
func TestCatalogueCheckGrants(t *testing.T) {
	of := Structure{Name: "OF", Kinds: []Kind{KindTrainingOrg}}
	both := Structure{Name: "CMA", Kinds: []Kind{KindTrainingOrg, KindPrescriber}}
	for _, tt := range []struct {
		name        string
		st          Structure
		held, codes []string
		sentinel    error
		key         string
	}{
		{"nothing", of, nil, nil, nil, ""},
		{"one of each family", both, nil, []string{"rafael.of-general", "rafael.prescriber-1", "parcourspro.employer"}, nil, ""},
		{"held ones are skipped", of, []string{"rafael.of-general"}, []string{"rafael.of-general", "parcourspro.provider"}, nil, ""},
		{"two of one family together", of, nil, []string{"rafael.of-general", "rafael.of-catalogue"}, ErrConflict, "profile.exclusive_together"},
		{"one family, a place held", of, []string{"rafael.of-general"}, []string{"rafael.of-catalogue"}, ErrConflict, "profile.exclusive"},
		{"a kind the structure lacks", of, nil, []string{"parcourspro.employer", "rafael.prescriber-1"}, ErrConflict, "profile.needs_kind"},
		{"unknown, before anything", of, nil, []string{"rafael.of-general", "rafael.boss"}, ErrInvalid, "profile.unknown"},
	} {
		err := seedCatalogue.CheckGrants(tt.st, tt.held, tt.codes)
		if tt.sentinel == nil {
			if err != nil {
				t.Errorf("%s: %v, want allowed", tt.name, err)
			}
			continue
		}
		if !errors.Is(err, tt.sentinel) || messageKey(err) != tt.key {
			t.Errorf("%s: %v, want %v (%s)", tt.name, err, tt.sentinel, tt.key)
		}
	}
}
