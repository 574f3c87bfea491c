package service_test

import (
	"errors"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store"
)

// An entity request approved by several gestionnaires at once: one structure, one référent,
// one decision; the others read a conflict.
func TestEntityRequestDecidedOnceConcurrently(t *testing.T) {
	testEach(t, func(t *testing.T, e *env) {
		slowWrites(t, e, "INSERT", "structures")
		mandate, err := domain.NewDocument("mandate", domain.DocumentMandate, "mandat.pdf", []byte("%PDF-1.7"))
		if err != nil {
			t.Fatal(err)
		}
		date := time.Now().UTC().AddDate(0, 0, -1)
		r, err := e.svc.RequestEntity(e.ctx, domain.Anonymous, service.EntityRequestInput{
			Structure:      domain.StructureInput{Name: str("Ministère des Sports"), Address: str("95 avenue de France"), PostalCode: str("75013"), City: str("Paris"), Ministry: new(bool)},
			RequesterEmail: "dir@sports.gouv.fr", NoSIRET: true, PublicBody: true,
			Account: &service.AccountInput{LastName: "Roux", FirstName: "Anne"}, Mandate: &mandate, MandateDate: &date,
		})
		if err != nil {
			t.Fatal(err)
		}
		errs := together(6, func(int) error {
			_, err := e.svc.Decide(e.ctx, e.manager, r.ID, service.DecideInput{Decision: domain.Approve})
			return err
		})
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, domain.ErrConflict):
				t.Errorf("a concurrent approval failed otherwise: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d approvals succeeded, want 1", ok)
		}
		err = e.db.View(e.ctx, func(tx store.Tx) error {
			found, err := tx.SearchStructures(e.ctx, store.StructureQuery{Text: "ministere des sports"})
			if err != nil {
				return err
			}
			if len(found) != 1 || found[0].ReferentEmail != "dir@sports.gouv.fr" {
				t.Errorf("structures = %+v", found)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
