package structure_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
)

// TestStructureRequestChange: the référent reports a change, the gestionnaires apply it with
// the checks of `structure update` made again at decision time.
func TestStructureRequestChange(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *membersWorld) {
		ctx := t.Context()
		w.member(t, claire) // the référent
		w.member(t, paul)
		id := strconv.FormatInt(w.st.ID, 10)

		// Only the référent (or a gestionnaire) asks.
		w.run(t, paul, "structure", "request-change", id, "--city", "Pessac").Want(t, cmdutil.ExitForbidden)
		w.run(t, "", "structure", "request-change", id, "--city", "Pessac").Want(t, cmdutil.ExitForbidden)
		// Checked as structure update checks: nothing, a bad value, a SIRET taken.
		w.run(t, claire, "structure", "request-change", id).Want(t, cmdutil.ExitUsage)
		w.run(t, claire, "structure", "request-change", id, "--postal-code", "3300").Want(t, cmdutil.ExitInvalid)
		w.run(t, claire, "structure", "request-change", id, "--name", w.st.Name).Want(t, cmdutil.ExitInvalid)
		other := domain.MakeSIRET("52184631", "0001")
		w.run(t, adminEmail, "structure", "create", "--name", "Autre", "--siret", other).Want(t, cmdutil.ExitOK)
		w.run(t, claire, "structure", "request-change", id, "--siret", other).Want(t, cmdutil.ExitConflict)
		w.run(t, claire, "structure", "request-change", id, "--city", "X", "--adhesion-year", "2026").Want(t, cmdutil.ExitUsage)

		r := w.run(t, claire, "-o", "json", "structure", "request-change", id, "--city", "Pessac", "--postal-code", "33600",
			"--comment", "Déménagement").Want(t, cmdutil.ExitOK)
		var req struct {
			ID      int64  `json:"id"`
			Kind    string `json:"kind"`
			Status  string `json:"status"`
			Comment string `json:"comment"`
			Changes []struct {
				Field, Before, After string
			} `json:"changes"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &req); err != nil {
			t.Fatalf("%v\n%s", err, r)
		}
		if req.Kind != "change" || req.Status != "pending" || req.Comment != "Déménagement" || len(req.Changes) != 2 ||
			req.Changes[0].Field != "postal-code" || req.Changes[0].Before != "33000" || req.Changes[0].After != "33600" ||
			req.Changes[1].Field != "city" || req.Changes[1].Before != "" || req.Changes[1].After != "Pessac" {
			t.Fatalf("change request = %+v", req)
		}
		rid := strconv.FormatInt(req.ID, 10)
		r = w.run(t, adminEmail, "request", "show", rid).Want(t, cmdutil.ExitOK)
		if !strings.Contains(r.Stdout, "postal-code: 33000 → 33600") || !strings.Contains(r.Stdout, "city: — → Pessac") {
			t.Errorf("request show lacks before → after:\n%s", r)
		}
		// The référent neither sees it in their queue nor decides it: gestionnaires do.
		r = w.run(t, claire, "request", "list", "-o", "json").Want(t, cmdutil.ExitOK)
		if strings.Contains(r.Stdout, `"change"`) {
			t.Errorf("a change request in the référent's queue:\n%s", r)
		}
		w.run(t, claire, "request", "approve", rid).Want(t, cmdutil.ExitForbidden)
		w.run(t, adminEmail, "request", "approve", rid).Want(t, cmdutil.ExitOK)
		st, err := w.svc.Structure(ctx, w.admin, domain.StructureRef{ID: w.st.ID})
		if err != nil || st.City != "Pessac" || st.PostalCode != "33600" || st.Department != "33" {
			t.Fatalf("structure after approval = %+v, %v", st, err)
		}
		mails, err := w.svc.ListMail(ctx, w.admin, false)
		if err != nil {
			t.Fatal(err)
		}
		if last := mails[len(mails)-1]; last.To != claire || !strings.Contains(last.Body, "Pessac") {
			t.Errorf("approval mail = %+v", last)
		}
		w.run(t, adminEmail, "request", "approve", rid).Want(t, cmdutil.ExitConflict)

		// A SIRET free when asked but taken by approval time: a conflict, nothing changed.
		free := domain.MakeSIRET("33287473", "0001")
		r = w.run(t, claire, "-q", "structure", "request-change", id, "--siret", free, "--name", "Horizons Emploi Sud").Want(t, cmdutil.ExitOK)
		rid = strings.TrimSpace(r.Stdout)
		w.run(t, adminEmail, "structure", "create", "--name", "Premier arrivé", "--siret", free).Want(t, cmdutil.ExitOK)
		w.run(t, adminEmail, "request", "approve", rid).Want(t, cmdutil.ExitConflict)
		if st, _ := w.svc.Structure(ctx, w.admin, domain.StructureRef{ID: w.st.ID}); st.Name != w.st.Name || st.SIRET != w.st.SIRET {
			t.Errorf("a refused approval changed the structure: %+v", st)
		}
		// Rejected: the requester is told why.
		w.run(t, adminEmail, "request", "reject", rid, "--reason", "SIRET déjà pris").Want(t, cmdutil.ExitOK)
		mails, _ = w.svc.ListMail(ctx, w.admin, false)
		if last := mails[len(mails)-1]; last.To != claire || !strings.Contains(last.Body, "SIRET déjà pris") {
			t.Errorf("rejection mail = %+v", last)
		}
	})
}
