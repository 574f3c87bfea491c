package service_test

import (
	"errors"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
)

// A document sent by a caller other than the command line (a client of the server) is checked
// as the command line checks a file: a name that fakes lines, content that is no PDF or image,
// or nothing at all is refused; the type, size and digest stored are the content's, whatever
// the caller said, and a mandate sent as the proof is stored as the proof.
func TestEntityDocumentsCheckedByTheService(t *testing.T) {
	testEach(t, func(t *testing.T, e *env) {
		ask := func(email string, proof *domain.Document) (domain.Request, error) {
			return e.svc.RequestEntity(e.ctx, domain.Anonymous, service.EntityRequestInput{
				Structure: domain.StructureInput{Name: str("GRETA Sud Aquitaine"), SIRET: str(domain.MakeSIRET("19640001", "0026")),
					Address: str("2 rue Lormand"), PostalCode: str("64100"), City: str("Bayonne")},
				RequesterEmail: email, Proof: proof, NamedOnProof: true,
				Account: &service.AccountInput{LastName: "Roux", FirstName: "Anne"},
			})
		}
		forged := func(name string, content []byte) *domain.Document {
			return &domain.Document{Kind: domain.DocumentProof, Name: name, ContentType: "application/pdf", Size: 5,
				SHA256: "0000000000000000000000000000000000000000000000000000000000000000", Content: content}
		}
		for what, doc := range map[string]*domain.Document{
			"a name that fakes a line": forged("kbis.pdf\nSIRET: 000", []byte("%PDF-1.7")),
			"an escape in the name":    forged("kbis\x1b[2J.pdf", []byte("%PDF-1.7")),
			"HTML said to be a PDF":    forged("kbis.pdf", []byte("<html><script>alert(1)</script></html>")),
			"no content":               forged("kbis.pdf", nil),
		} {
			if _, err := ask("direction@greta.example", doc); !errors.Is(err, domain.ErrInvalid) {
				t.Errorf("%s: %v, want it refused as invalid", what, err)
			}
		}

		content := []byte("%PDF-1.7 the decree")
		lying := forged("décret.pdf", content)
		lying.Kind, lying.ContentType, lying.Size = domain.DocumentMandate, "text/html", -1
		r, err := ask("direction@greta.example", lying)
		if err != nil {
			t.Fatal(err)
		}
		want, err := domain.NewDocument("proof", domain.DocumentProof, "décret.pdf", content)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.svc.RequestDocument(e.ctx, e.manager, r.ID, "proof")
		if err != nil {
			t.Fatal(err)
		}
		if got.Kind != domain.DocumentProof || got.ContentType != want.ContentType || got.Size != want.Size || got.SHA256 != want.SHA256 {
			t.Errorf("stored %s %s %d %s, want %s %s %d %s", got.Kind, got.ContentType, got.Size, got.SHA256,
				want.Kind, want.ContentType, want.Size, want.SHA256)
		}
	})
}
