package storetest

import (
	"context"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// RunCatalogue checks that the seeded catalogue holds the nine profiles of the guides with
// their rules, in display order.
func RunCatalogue(t *testing.T, newStore NewStore) {
	t.Run("Catalogue", func(t *testing.T) {
		st := newStore(t)
		var cat domain.Catalogue
		view(t, st, func(tx store.Tx) error {
			var err error
			cat, err = tx.Catalogue(context.Background())
			return err
		})
		want := []struct {
			code      string
			family    string
			kind      domain.Kind
			automatic bool
			removable bool
		}{
			{"rafael.of-catalogue", "training-org", domain.KindTrainingOrg, false, true},
			{"rafael.of-preregistration", "training-org", domain.KindTrainingOrg, false, true},
			{"rafael.of-general", "training-org", domain.KindTrainingOrg, false, true},
			{"rafael.prescriber-1", "prescriber", domain.KindPrescriber, false, true},
			{"rafael.prescriber-2", "prescriber", domain.KindPrescriber, false, true},
			{"rafael.prescriber-3", "prescriber", domain.KindPrescriber, false, true},
			{"parcourspro.beneficiary", "", "", true, false},
			{"parcourspro.employer", "", "", false, true},
			{"parcourspro.provider", "", domain.KindTrainingOrg, false, true},
		}
		if len(cat) != len(want) {
			t.Fatalf("catalogue has %d profiles, want %d", len(cat), len(want))
		}
		for i, w := range want {
			p := cat[i]
			if p.Code != w.code || p.Family != w.family || p.RequiredKind != w.kind || p.Automatic != w.automatic ||
				p.Removable != w.removable || p.Exclusive != (w.family != "") || p.Label == "" || p.Application == "" {
				t.Errorf("profile %d = %+v, want %+v", i, p, w)
			}
		}
	})
}
