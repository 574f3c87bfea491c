package service_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/testdb"
)

// exportTrainees runs ExportTrainees and returns the e-mails handed out, in order.
func (e *env) exportTrainees(actor domain.Actor, f service.TraineeFilter) ([]domain.Trainee, service.ExportSummary, error) {
	var rows []domain.Trainee
	sum, err := e.svc.ExportTrainees(e.ctx, actor, f, func(t domain.Trainee) error {
		rows = append(rows, t)
		return nil
	})
	return rows, sum, err
}

func emailsOf(ts []domain.Trainee) string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.User.Email
	}
	return strings.Join(out, ",")
}

// The export of trainee accounts keeps what `trainee list` keeps, is for gestionnaires only (a
// read-only token is enough) and is audited with the read.
func TestExportTrainees(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		_, referent, _ := e.member(domain.KindTrainingOrg)
		if _, err := e.svc.ImportCases(e.ctx, e.manager, strings.NewReader("case_number,last_name,first_name,birth_date\nDPC-1,Moreau,Léa,31/01/2000\n"),
			service.ImportOptions{File: "dossiers.csv"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.PublishTerms(e.ctx, e.manager, "2026-01", "Conditions\n"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.RegisterTrainee(e.ctx, domain.Anonymous, registration("Moreau", "Léa", "31/01/2000", "DPC-1", "lea@exemple.fr")); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.PublishTerms(e.ctx, e.manager, "2026-02", "Conditions, version 2\n"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.RegisterTrainee(e.ctx, domain.Anonymous, registration("Petit", "Hugo", "01/02/1999", "", "hugo@exemple.fr")); err != nil {
			t.Fatal(err)
		}

		rows, sum, err := e.exportTrainees(e.manager, service.TraineeFilter{})
		if err != nil || emailsOf(rows) != "lea@exemple.fr,hugo@exemple.fr" || sum.Members != 2 {
			t.Fatalf("export = %q, %+v, %v", emailsOf(rows), sum, err)
		}
		if rows[0].CaseNumber != "DPC-1" || rows[0].Terms != "2026-01" || rows[0].User.BirthDate != "2000-01-31" ||
			rows[1].CaseNumber != "" || rows[1].Terms != "2026-02" {
			t.Errorf("rows = %+v", rows)
		}
		if rows, _, err := e.exportTrainees(e.manager, service.TraineeFilter{WithoutCase: true}); err != nil || emailsOf(rows) != "hugo@exemple.fr" {
			t.Errorf("--without-case: %q, %v", emailsOf(rows), err)
		}
		if rows, _, err := e.exportTrainees(e.manager, service.TraineeFilter{TermsPending: true}); err != nil || emailsOf(rows) != "lea@exemple.fr" {
			t.Errorf("--terms-pending: %q, %v", emailsOf(rows), err)
		}
		// A read-only token of a gestionnaire is enough.
		readOnly := e.manager
		readOnly.Scope = domain.ScopeRead
		if rows, _, err := e.exportTrainees(readOnly, service.TraineeFilter{}); err != nil || len(rows) != 2 {
			t.Errorf("read-only token: %d rows, %v", len(rows), err)
		}

		events := e.audit(string(domain.ExportTrainees))
		if len(events) != 4 {
			t.Fatalf("%d export.trainees events, want 4", len(events))
		}
		if d := events[len(events)-1].Details; !strings.Contains(d, `"trainees":2`) {
			t.Errorf("last event details = %s", d)
		}
		var pending bool
		for _, ev := range events {
			pending = pending || strings.Contains(ev.Details, `"terms_pending":true`)
		}
		if !pending {
			t.Error("the filter is not in the audit trail")
		}

		// A référent may not: nothing handed out, nothing recorded.
		rows, _, err = e.exportTrainees(referent, service.TraineeFilter{})
		if !errors.Is(err, domain.ErrForbidden) || len(rows) != 0 {
			t.Errorf("référent: %d rows, %v; want forbidden", len(rows), err)
		}
		// A failed write stops the export, and records nothing either.
		boom := errors.New("disk full")
		if _, err := e.svc.ExportTrainees(e.ctx, e.manager, service.TraineeFilter{}, func(domain.Trainee) error { return boom }); !errors.Is(err, boom) {
			t.Errorf("failed write: %v", err)
		}
		if n := len(e.audit(string(domain.ExportTrainees))); n != 4 {
			t.Errorf("%d export.trainees events after a refused and a failed export, want 4", n)
		}

		// While rows are being written out, other commands change the database: an export
		// to a slow disk or a slow client holds no write lock.
		if _, err := e.svc.ExportTrainees(e.ctx, e.manager, service.TraineeFilter{}, func(tr domain.Trainee) error {
			_, err := e.svc.UpdateUser(e.ctx, e.manager, tr.User.Email, service.UserUpdate{Phone: str("06 12 34 56 78")})
			return err
		}); err != nil {
			t.Errorf("a change while the export runs: %v", err)
		}
	})
}
