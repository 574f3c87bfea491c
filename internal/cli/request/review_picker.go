package request

import (
	"errors"
	"fmt"
	"slices"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/prompt"
)

// pickProfiles asks which profiles to grant with the approval, among those the structure allows
// (the automatic ones come anyway). Two profiles of one exclusive family are refused and asked
// again. Nothing checked returns nil: back to the choices.
func (rv *reviewer) pickProfiles(r domain.Request, st domain.Structure) ([]string, error) {
	var codes, options []string
	var defaults []int
	for _, p := range rv.cat {
		if p.Automatic || rv.cat.CheckGrant(st, nil, p.Code) != nil {
			continue
		}
		if slices.Contains(r.Profiles, p.Code) {
			defaults = append(defaults, len(codes))
		}
		codes = append(codes, p.Code)
		options = append(options, p.Code+" — "+p.Label)
	}
	if len(codes) == 0 {
		fmt.Fprintln(rv.w, i18n.T("review.no_profile_possible", st.Name))
		return nil, nil
	}
	for {
		picked, err := rv.p.MultiSelect(i18n.T("review.ask_profiles", output.Escape(st.Name)), options, defaults)
		if errors.Is(err, prompt.ErrBack) {
			return nil, nil // Esc: back to the choices
		}
		if err != nil {
			return nil, err
		}
		if len(picked) == 0 {
			fmt.Fprintln(rv.w, i18n.T("review.no_profile_checked"))
			return nil, nil
		}
		chosen := make([]string, len(picked))
		for i, idx := range picked {
			chosen[i] = codes[idx]
		}
		if err := checkProfiles(rv.cat, st, chosen); err != nil {
			fmt.Fprintln(rv.w, i18n.T("review.choose_again", err))
			defaults = picked
			continue
		}
		return chosen, nil
	}
}

// checkProfiles applies the catalogue's rules to profiles granted together on a new membership.
func checkProfiles(cat domain.Catalogue, st domain.Structure, codes []string) error {
	for i, a := range codes {
		pa, _ := cat.Lookup(a)
		for _, b := range codes[:i] {
			if pb, _ := cat.Lookup(b); pa.Exclusive && pb.Exclusive && pa.Family != "" && pa.Family == pb.Family {
				return errors.New(i18n.T("review.profiles_exclusive", b, a, pa.Family))
			}
		}
	}
	var held []string
	for _, code := range codes {
		if err := cat.CheckGrant(st, held, code); err != nil {
			return err
		}
		held = append(held, code)
	}
	return nil
}
