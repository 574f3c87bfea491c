package domain

import (
	"slices"
	"strings"
)

// Profile codes the rules of the guides name outside the catalogue's data.
const (
	// ProfileBeneficiary is granted on every membership and never removed.
	ProfileBeneficiary = "parcourspro.beneficiary"
	// ProfileEmployer makes a member an employer (the briefcase in the user list).
	ProfileEmployer = "parcourspro.employer"
)

// Profile is one right of one application, with the rules that govern it. The catalogue is
// data (the profiles table): another portal's profiles are rows, not code.
type Profile struct {
	Code         string
	Application  string
	Label        string
	Family       string // profiles of one family compete for one place when Exclusive
	Exclusive    bool   // at most one profile of the family per membership
	RequiredKind Kind   // the structure must be of this kind; "" for any
	Automatic    bool   // granted on every active membership
	Removable    bool
}

// Catalogue is every profile, in display order.
type Catalogue []Profile

// Lookup finds a profile by code.
func (c Catalogue) Lookup(code string) (Profile, bool) {
	i := slices.IndexFunc(c, func(p Profile) bool { return p.Code == code })
	if i < 0 {
		return Profile{}, false
	}
	return c[i], true
}

// Codes lists the codes, in display order.
func (c Catalogue) Codes() []string {
	out := make([]string, len(c))
	for i, p := range c {
		out[i] = p.Code
	}
	return out
}

// Automatic lists the profiles granted on every membership.
func (c Catalogue) Automatic() []string {
	var out []string
	for _, p := range c {
		if p.Automatic {
			out = append(out, p.Code)
		}
	}
	return out
}

// Known refuses unknown codes (exit 6), naming the first.
func (c Catalogue) Known(codes []string) error {
	for _, code := range codes {
		if _, ok := c.Lookup(code); !ok {
			return Invalid("profile", code, "profile.unknown")
		}
	}
	return nil
}

// CheckGrant says whether code may be added to a membership of st that holds held. It names
// the rule broken and, for an exclusive family, the profile that holds the place.
func (c Catalogue) CheckGrant(st Structure, held []string, code string) error {
	p, ok := c.Lookup(code)
	if !ok {
		return Invalid("profile", code, "profile.unknown")
	}
	if p.RequiredKind != "" && !st.HasKind(p.RequiredKind) {
		return Errorf(ErrConflict, "profile.needs_kind", code, p.RequiredKind, st.Name, kindsText(st.Kinds))
	}
	if p.Exclusive && p.Family != "" {
		for _, h := range held {
			other, ok := c.Lookup(h)
			if ok && h != code && other.Family == p.Family && other.Exclusive {
				return Errorf(ErrConflict, "profile.exclusive", p.Family, h)
			}
		}
	}
	return nil
}

// CheckGrants says whether codes may be added, in their order, to a membership of st that
// holds held: each code must be known and pass CheckGrant against what is held and the codes
// before it (a code already held is skipped). Two codes of one exclusive family given
// together are refused as such, not as a place already held.
func (c Catalogue) CheckGrants(st Structure, held, codes []string) error {
	if err := c.Known(codes); err != nil {
		return err
	}
	held = slices.Clone(held)
	before := len(held)
	for _, code := range codes {
		if slices.Contains(held, code) {
			continue
		}
		if p, _ := c.Lookup(code); p.Exclusive && p.Family != "" {
			for _, other := range held[before:] {
				if o, _ := c.Lookup(other); o.Exclusive && o.Family == p.Family {
					return Errorf(ErrConflict, "profile.exclusive_together", other, code, p.Family)
				}
			}
		}
		if err := c.CheckGrant(st, held, code); err != nil {
			return err
		}
		held = append(held, code)
	}
	return nil
}

// CheckRevoke refuses to remove a profile the rules keep.
func (c Catalogue) CheckRevoke(code string) error {
	p, ok := c.Lookup(code)
	if !ok {
		return Invalid("profile", code, "profile.unknown")
	}
	if !p.Removable {
		return Errorf(ErrConflict, "profile.not_removable", code)
	}
	return nil
}

// Breaking lists the profiles among held that st (for instance after its kinds changed) no
// longer allows.
func (c Catalogue) Breaking(st Structure, held []string) []string {
	var out []string
	for _, code := range held {
		if p, ok := c.Lookup(code); ok && p.RequiredKind != "" && !st.HasKind(p.RequiredKind) {
			out = append(out, code)
		}
	}
	return out
}

func kindsText(kinds []Kind) Message {
	if len(kinds) == 0 {
		return Msg("profile.kinds_none")
	}
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = string(k)
	}
	return Msg("profile.kinds_only", strings.Join(parts, ", "))
}
