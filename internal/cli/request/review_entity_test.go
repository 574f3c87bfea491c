package request_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/testdb"
)

// TestReviewShowsDocumentsAndChanges: the inbox shows what an entity request joins (name, type,
// size, the mandate's date and age) and each field of a change request before → after.
func TestReviewShowsDocumentsAndChanges(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newReviewWorld(t, dsn)
		ctx := context.Background()
		for _, id := range []int64{w.paul, w.lea, w.claire} {
			if _, err := w.svc.Decide(ctx, w.admin, id, service.DecideInput{Decision: domain.Reject, Reason: "hors sujet"}); err != nil {
				t.Fatal(err)
			}
		}
		proof, err := domain.NewDocument("proof", domain.DocumentProof, "décret\u00a0n°2026.pdf", []byte("%PDF-1.7 décret"))
		if err != nil {
			t.Fatal(err)
		}
		mandate, err := domain.NewDocument("mandate", domain.DocumentMandate, "mandat.png", []byte("\x89PNG\r\n\x1a\nimage"))
		if err != nil {
			t.Fatal(err)
		}
		dated := time.Now().UTC().AddDate(0, 0, -12)
		name, address, pc, city := "Université de Bordeaux", "351 cours de la Libération", "33400", "Talence"
		entity, err := w.svc.RequestEntity(ctx, domain.Anonymous, service.EntityRequestInput{
			Structure:      domain.StructureInput{Name: &name, Address: &address, PostalCode: &pc, City: &city},
			RequesterEmail: "dgs@u-bordeaux.fr", NoSIRET: true, PublicBody: true,
			Account: &service.AccountInput{LastName: "Petit", FirstName: "Luc"},
			Proof:   &proof, Mandate: &mandate, MandateDate: &dated,
		})
		if err != nil {
			t.Fatal(err)
		}
		newCity := "Mérignac"
		change, err := w.svc.RequestChange(ctx, w.admin, domain.StructureRef{ID: w.horizons.ID}, domain.StructureInput{City: &newCity}, "Déménagement")
		if err != nil {
			t.Fatal(err)
		}
		p := prompt.NewScripted(prompt.AnswerSelect(0), prompt.AnswerSelect(0))
		r := clitest.Run(t, w.onTerminal(p), "request", "review").Want(t, cmdutil.ExitOK)
		wantIn(t, r,
			fmt.Sprintf("Request %d · structure", entity.ID),
			"Public body",
			"approving makes it the structure's référent",
			fmt.Sprintf("proof: décret\u00a0n°2026.pdf (application/pdf, %d bytes)", proof.Size),
			fmt.Sprintf("mandate: mandat.png (image/png, %d bytes)", mandate.Size),
			fmt.Sprintf("dated %s (12 days old)", dated.Format(time.DateOnly)),
			fmt.Sprintf("Request %d · change", change.ID),
			"city: Bordeaux → Mérignac",
			"Déménagement",
			"Summary: approved 2",
		)
		// Neither offered profiles: approving creates or changes a structure.
		if n := countPrefix(p.Asked(), "Profiles to grant"); n != 0 {
			t.Errorf("profiles asked: %q", p.Asked())
		}
		st, err := w.svc.Structure(ctx, w.admin, domain.StructureRef{ID: w.horizons.ID})
		if err != nil || st.City != "Mérignac" {
			t.Errorf("structure after the change: %+v, %v", st, err)
		}
	})
}
