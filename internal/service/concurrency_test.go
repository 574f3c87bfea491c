package service_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store"
)

// together runs fn(i) for i in [0, n) in goroutines started at once and returns their errors.
func together(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// slowWrites makes each write of event (INSERT, UPDATE) on table take a while on PostgreSQL,
// so that a transaction holds its locks long enough for concurrent ones to read what it is
// changing (SQLite write transactions are serial: nothing to widen there).
func slowWrites(t *testing.T, e *env, event, table string) {
	t.Helper()
	if e.db.Dialect() != "postgres" {
		return
	}
	for _, q := range []string{
		`CREATE OR REPLACE FUNCTION slow_write() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			PERFORM pg_sleep(0.05);
			RETURN NEW;
		END $$`,
		`CREATE TRIGGER slow_write BEFORE ` + event + ` ON ` + table + ` FOR EACH ROW EXECUTE FUNCTION slow_write()`,
	} {
		if _, err := e.db.SQL().ExecContext(e.ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// A structure import that adds kinds while adhesions are recorded: the import rewrites the
// structures it locked, read once locked, so no adhesion is written back over, and every kind
// imported is kept.
func TestStructureImportAgainstAdhesionsLosesNothing(t *testing.T) {
	testEach(t, func(t *testing.T, e *env) {
		st, err := e.svc.CreateStructure(e.ctx, e.manager, domain.StructureInput{SIRET: str("73282932000074"), Name: str("Cap Métiers"),
			Address: str("1 rue X"), AdhesionYear: new(int)})
		if err != nil {
			t.Fatal(err)
		}
		ref := domain.StructureRef{ID: st.ID}
		kinds := []domain.Kind{domain.KindTrainingOrg, domain.KindPrescriber, domain.KindEmployer}
		errs := together(18, func(i int) error {
			if i%3 != 0 {
				_, err := e.svc.SetAdhesion(e.ctx, e.manager, ref, 2001+i)
				return err
			}
			csv := fmt.Sprintf("siret,name,kinds\n73282932000074,Cap Métiers,%s\n", kinds[i/3%len(kinds)])
			_, err := e.svc.ImportStructures(e.ctx, e.manager, strings.NewReader(csv), service.ImportOptions{File: "s.csv"})
			return err
		})
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		// In the order they were written (ids), not of their transactions' start (at).
		events := e.audit(domain.ActionStructureAdhesion)
		slices.SortFunc(events, func(a, b domain.AuditEvent) int { return int(a.ID - b.ID) })
		year := 0
		for k, ev := range events {
			var d struct{ From, To int }
			if err := json.Unmarshal([]byte(ev.Details), &d); err != nil {
				t.Fatal(err)
			}
			if d.From != year {
				t.Errorf("adhesion %d changed it from %d, but it was %d: an adhesion was written over", k, d.From, year)
			}
			year = d.To
		}
		got, err := e.svc.Structure(e.ctx, e.manager, ref)
		if err != nil {
			t.Fatal(err)
		}
		if got.AdhesionYear != year {
			t.Errorf("adhesion %d, the last one recorded %d: an import wrote an old row back", got.AdhesionYear, year)
		}
		if !slices.Equal(got.Kinds, domain.SortKinds(kinds)) {
			t.Errorf("kinds %v, want every kind imported %v", got.Kinds, kinds)
		}
	})
}

// Revoking one API token from several places at once: one revocation, audited once; the
// others are told it is revoked already (conflict), not that it does not exist.
func TestConcurrentRevocationsOfOneToken(t *testing.T) {
	testEach(t, func(t *testing.T, e *env) {
		_, tok, err := e.svc.CreateAPIToken(e.ctx, e.manager, "cron", 0, "")
		if err != nil {
			t.Fatal(err)
		}
		slowWrites(t, e, "INSERT", "audit_events")
		revoked := 0
		for i, err := range together(8, func(int) error {
			_, err := e.svc.RevokeAPIToken(e.ctx, e.manager, tok.ID)
			return err
		}) {
			switch {
			case err == nil:
				revoked++
			case !errors.Is(err, domain.ErrConflict) || !strings.Contains(err.Error(), "already revoked"):
				t.Errorf("revocation %d: %v, want success or 'already revoked' (conflict)", i, err)
			}
		}
		if n := len(e.audit(service.ActionTokenRevoke)); revoked != 1 || n != 1 {
			t.Errorf("%d revocations succeeded, %d audited; want 1 and 1", revoked, n)
		}
	})
}

// Signing out of one session from several processes at once is not an error for any of them.
func TestConcurrentSignOuts(t *testing.T) {
	testEach(t, func(t *testing.T, e *env) {
		token, _, err := e.svc.Login(e.ctx, "gestion@cap-metiers.fr", "un mot de passe solide")
		if err != nil {
			t.Fatal(err)
		}
		slowWrites(t, e, "UPDATE", "tokens")
		if err := errors.Join(together(6, func(int) error { return e.svc.Logout(e.ctx, token) })...); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(e.ctx, token); !errors.Is(err, domain.ErrForbidden) {
			t.Errorf("the session still works after signing out: %v", err)
		}
		var sessions int
		_ = e.db.View(e.ctx, func(tx store.Tx) error {
			ts, err := tx.ListTokens(e.ctx, e.manager.UserID, domain.TokenSession)
			for _, t := range ts {
				if t.RevokedAt == nil {
					sessions++
				}
			}
			return err
		})
		if sessions != 0 {
			t.Errorf("%d sessions left open", sessions)
		}
	})
}

// Several requests to reference one SIRET at once: one is recorded, the others are told it
// is pending already.
func TestConcurrentStructureRequestsForOneSIRET(t *testing.T) {
	testEach(t, func(t *testing.T, e *env) {
		slowWrites(t, e, "INSERT", "audit_events")
		created := 0
		for i, err := range together(6, func(i int) error {
			_, err := e.svc.RequestStructure(e.ctx, domain.Anonymous, domain.StructureInput{SIRET: str("73282932000074"),
				Name: str("Cap Métiers"), Address: str("1 rue X")}, fmt.Sprintf("demande%d@x.fr", i))
			return err
		}) {
			switch {
			case err == nil:
				created++
			case !errors.Is(err, domain.ErrConflict):
				t.Errorf("request %d: %v, want success or a conflict", i, err)
			}
		}
		pending, err := e.svc.ListRequests(e.ctx, e.manager, service.RequestFilter{Query: store.RequestQuery{Kind: domain.RequestStructure}})
		if err != nil {
			t.Fatal(err)
		}
		if created != 1 || len(pending) != 1 {
			t.Errorf("%d requests succeeded, %d recorded; want 1 and 1", created, len(pending))
		}
	})
}
