package user_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/testdb"
)

// `request approve --all --structure S` by someone who decides none of S's requests (the
// référent of another structure, a member of S) is refused, not answered "no pending
// request": the requests waiting there are only out of their sight. The référent of S with
// nothing waiting is told so, and exits 0.
func TestDecideAllOfAStructureNotYours(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		w.member(t, claire, w.id) // référent of Horizons Emploi
		w.member(t, paul, w.id)
		other := w.structure(t, "AFPA Bordeaux Bègles", domain.MakeSIRET("82422814", "0107"))
		otherID := strconv.FormatInt(other.ID, 10)
		w.member(t, lea, otherID) // référent of the AFPA
		if _, _, err := w.svc.Register(context.Background(), domain.Anonymous, service.RegisterInput{
			Email: "julien.petit@afpa.example", FirstName: "Julien", LastName: "Petit", Structure: domain.StructureRef{ID: other.ID}, Password: password,
		}); err != nil {
			t.Fatal(err)
		}

		for _, who := range []string{claire, paul} {
			r := w.run(t, who, "request", "approve", "--all", "--structure", otherID, "--yes").Want(t, cmdutil.ExitForbidden)
			wantIn(t, r, "only the référent of AFPA Bordeaux Bègles or a gestionnaire")
		}
		r := w.run(t, paul, "request", "approve", "--all", "--structure", w.id, "--yes").Want(t, cmdutil.ExitForbidden)
		wantIn(t, r, "only the référent of Horizons Emploi or a gestionnaire")
		r = w.run(t, claire, "request", "approve", "--all", "--structure", w.id, "--yes").Want(t, cmdutil.ExitOK)
		wantIn(t, r, "no pending request for Horizons Emploi")
		r = w.run(t, lea, "request", "approve", "--all", "--structure", otherID, "--yes").Want(t, cmdutil.ExitOK)
		wantIn(t, r, "approved")
	})
}
