package storetest

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// RunEntity runs the conformance tests of entity requests: what a structure request carries,
// its documents, e-mail activation and change requests.
func RunEntity(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"EntityRequestRoundTrip", testEntityRequestRoundTrip},
		{"RequestDocuments", testRequestDocuments},
		{"Activation", testActivation},
		{"ChangeRequest", testChangeRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

func testEntityRequestRoundTrip(t *testing.T, st store.Store) {
	ctx := context.Background()
	mandate := time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)
	u := domain.User{Email: "claire.martin@travail.gouv.fr", LastName: "Martin", FirstName: "Claire", Status: domain.UserPending}
	var r domain.Request
	update(t, st, func(tx store.Tx) error {
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		r = domain.Request{Kind: domain.RequestStructure, UserID: u.ID, RequesterEmail: u.Email, Account: true,
			PublicBody: true, NamedOnProof: true, MandateDate: &mandate, Status: domain.StatusUnverified,
			Structure: domain.Structure{Name: "Université de Bordeaux", Address: "351 cours de la Libération", PostalCode: "33400", City: "Talence"}}
		return tx.CreateRequest(ctx, &r)
	})
	view(t, st, func(tx store.Tx) error {
		got, err := tx.RequestByID(ctx, r.ID)
		if err != nil {
			return err
		}
		if got.Status != domain.StatusUnverified || !got.Account || !got.PublicBody || !got.NamedOnProof ||
			got.MandateDate == nil || !got.MandateDate.Equal(mandate) || got.Structure.Name != "Université de Bordeaux" {
			t.Errorf("request read back = %+v", got)
		}
		// Unverified requests are in nobody's queue.
		queue, err := tx.ListRequests(ctx, store.RequestQuery{Verified: true})
		if err != nil {
			return err
		}
		if len(queue) != 0 {
			t.Errorf("the queue holds an unverified request: %+v", queue)
		}
		mine, err := tx.ListRequests(ctx, store.RequestQuery{RequesterEmail: u.Email, Status: domain.StatusUnverified})
		if err != nil {
			return err
		}
		if len(mine) != 1 || mine[0].ID != r.ID {
			t.Errorf("by requester: %+v", mine)
		}
		return nil
	})
	// An unverified request cannot be decided by the store either.
	err := st.Update(ctx, func(tx store.Tx) error {
		d := r
		d.Status = domain.StatusApproved
		return tx.DecideRequest(ctx, &d)
	})
	if !errors.Is(err, domain.ErrConflict) {
		t.Errorf("deciding an unverified request: %v, want a conflict", err)
	}
}

func testRequestDocuments(t *testing.T, st store.Store) {
	ctx := context.Background()
	var r domain.Request
	update(t, st, func(tx store.Tx) error {
		r = domain.Request{Kind: domain.RequestStructure, RequesterEmail: "a@b.fr", Structure: domain.Structure{Name: "X", Address: "1 rue"}}
		return tx.CreateRequest(ctx, &r)
	})
	content := append([]byte("%PDF-1.7\n"), 0, 1, 2, 0xff, 0xfe, '\n')
	proof, err := domain.NewDocument("proof", domain.DocumentProof, "Kbis été.pdf", content)
	if err != nil {
		t.Fatal(err)
	}
	proof.RequestID = r.ID
	update(t, st, func(tx store.Tx) error { return tx.AddRequestDocument(ctx, &proof) })
	// One document of each kind per request.
	again := proof
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.AddRequestDocument(ctx, &again) }); err == nil {
		t.Error("a second proof was stored")
	}
	view(t, st, func(tx store.Tx) error {
		docs, err := tx.RequestDocuments(ctx, r.ID)
		if err != nil {
			return err
		}
		if len(docs) != 1 || docs[0].Name != "Kbis été.pdf" || docs[0].Kind != domain.DocumentProof || docs[0].ContentType != domain.TypePDF ||
			docs[0].Size != int64(len(content)) || docs[0].SHA256 != proof.SHA256 || docs[0].Content != nil {
			t.Errorf("documents = %+v", docs)
		}
		b, err := tx.RequestDocumentContent(ctx, docs[0].ID)
		if err != nil {
			return err
		}
		if !bytes.Equal(b, content) {
			t.Errorf("content read back = %q, want %q", b, content)
		}
		if _, err := tx.RequestDocumentContent(ctx, docs[0].ID+100); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("a missing document: %v", err)
		}
		return nil
	})
	// Deleting the request deletes its documents.
	update(t, st, func(tx store.Tx) error {
		n, err := tx.DeleteRequests(ctx, []int64{r.ID})
		if err == nil && n != 1 {
			t.Errorf("deleted %d requests, want 1", n)
		}
		return err
	})
	view(t, st, func(tx store.Tx) error {
		docs, err := tx.RequestDocuments(ctx, r.ID)
		if len(docs) != 0 {
			t.Errorf("documents left: %+v", docs)
		}
		if _, err := tx.RequestByID(ctx, r.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("request left: %v", err)
		}
		return err
	})
}

func testActivation(t *testing.T, st store.Store) {
	ctx := context.Background()
	var r domain.Request
	update(t, st, func(tx store.Tx) error {
		r = domain.Request{Kind: domain.RequestStructure, RequesterEmail: "a@b.fr", Status: domain.StatusUnverified,
			Structure: domain.Structure{Name: "X", Address: "1 rue"}}
		return tx.CreateRequest(ctx, &r)
	})
	exp := Clock.Add(48 * time.Hour).Truncate(time.Microsecond)
	sent := Clock.Truncate(time.Microsecond)
	r.ActivationHash, r.ActivationExpiresAt, r.ActivationTries, r.ActivationMailAt = "abc123", &exp, 2, &sent
	update(t, st, func(tx store.Tx) error { return tx.SaveActivation(ctx, &r) })
	view(t, st, func(tx store.Tx) error {
		got, err := tx.RequestByID(ctx, r.ID)
		if got.ActivationHash != "abc123" || got.ActivationTries != 2 || got.ActivationExpiresAt == nil || !got.ActivationExpiresAt.Equal(exp) ||
			got.ActivationMailAt == nil || !got.ActivationMailAt.Equal(sent) || got.Status != domain.StatusUnverified {
			t.Errorf("activation read back = %+v", got)
		}
		return err
	})
	r.Status, r.ActivationHash, r.ActivationExpiresAt = domain.StatusPending, "", nil
	update(t, st, func(tx store.Tx) error { return tx.SaveActivation(ctx, &r) })
	// A decided request is not activated again.
	update(t, st, func(tx store.Tx) error {
		d := r
		d.Status = domain.StatusRejected
		d.Reason = "no"
		return tx.DecideRequest(ctx, &d)
	})
	r.Status = domain.StatusPending
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.SaveActivation(ctx, &r) }); !errors.Is(err, domain.ErrConflict) {
		t.Errorf("activating a decided request: %v, want a conflict", err)
	}
	// The outbox keeps which request a message carries the code of.
	m := domain.Mail{To: "a@b.fr", Subject: "code", Body: "code: " + domain.ActivationCodePlaceholder, ActivationFor: r.ID}
	update(t, st, func(tx store.Tx) error { return tx.EnqueueMail(ctx, &m) })
	got := mailByID(t, st, m.ID)
	if got.ActivationFor != r.ID || !got.Sensitive {
		t.Errorf("mail read back = %+v", got)
	}
}

func testChangeRequest(t *testing.T, st store.Store) {
	ctx := context.Background()
	s := mustCreate(t, st, domain.Structure{Name: "GRETA", Address: "1 rue"})
	u := domain.User{Email: "ref@greta.fr", LastName: "R", FirstName: "F", Status: domain.UserActive}
	var r domain.Request
	update(t, st, func(tx store.Tx) error {
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		r = domain.Request{Kind: domain.RequestChange, UserID: u.ID, RequesterEmail: u.Email, StructureID: s.ID,
			Changes: []domain.FieldChange{{Field: "name", Before: "GRETA", After: "GRETA Sud"}}, Comment: "new name"}
		if err := tx.CreateRequest(ctx, &r); err != nil {
			return err
		}
		// Two change requests of one structure may wait at once.
		r2 := r
		return tx.CreateRequest(ctx, &r2)
	})
	view(t, st, func(tx store.Tx) error {
		got, err := tx.RequestByID(ctx, r.ID)
		if got.Kind != domain.RequestChange || got.Comment != "new name" || len(got.Changes) != 1 || got.Changes[0] != r.Changes[0] || got.StructureName != "GRETA" {
			t.Errorf("change request read back = %+v", got)
		}
		// A référent's queue has no change requests: gestionnaires decide them.
		if err == nil {
			var ref []domain.Request
			ref, err = tx.ListRequests(ctx, store.RequestQuery{DecidableBy: u.ID})
			if len(ref) != 0 {
				t.Errorf("decidable by a référent: %+v", ref)
			}
		}
		return err
	})
}
