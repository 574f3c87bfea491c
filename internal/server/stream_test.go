package server_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/client"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/server"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/testdb"
)

// pendingRequests files n account requests in one structure, straight through the store.
func (w *world) pendingRequests(n int) []int64 {
	w.t.Helper()
	var ids []int64
	err := w.db.Update(w.ctx, func(tx store.Tx) error {
		st := domain.Structure{Name: "Structure des demandes", Address: "1 rue X"}
		if err := tx.CreateStructure(w.ctx, &st); err != nil {
			return err
		}
		for i := range n {
			u := domain.User{Email: fmt.Sprintf("p%05d@exemple.fr", i), LastName: "P", FirstName: "Q", Status: domain.UserPending}
			if err := tx.CreateUser(w.ctx, &u); err != nil {
				return err
			}
			r := domain.Request{Kind: domain.RequestAccount, UserID: u.ID, RequesterEmail: u.Email, StructureID: st.ID}
			if err := tx.CreateRequest(w.ctx, &r); err != nil {
				return err
			}
			ids = append(ids, r.ID)
		}
		return nil
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return ids
}

func (w *world) decided() int {
	w.t.Helper()
	var n int
	if err := w.db.SQL().QueryRowContext(w.ctx, `SELECT COUNT(*) FROM requests WHERE status <> 'pending'`).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// TestBulkDecisionStreamsBatches: the client receives each batch of a bulk decision once it
// is committed, while the server goes on; stopping the client then stops the server between
// two batches, and what was reported is what the database holds.
func TestBulkDecisionStreamsBatches(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t), server.Options{})
	ids := w.pendingRequests(10 * service.DecideBatchSize)
	ctx, cancel := context.WithCancel(w.ctx)
	defer cancel()
	var reported []service.Decision
	err := w.client(w.session()).DecideMany(ctx, ids, service.DecideInput{Decision: domain.Approve}, func(batch []service.Decision) {
		reported = append(reported, batch...)
		cancel() // the first batch is enough
	})
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("DecideMany after the client stopped: %v, want cancelled", err)
	}
	if len(reported) == 0 || len(reported) >= len(ids) {
		t.Fatalf("reported %d decisions before stopping, want the first batch only", len(reported))
	}
	for _, d := range reported {
		if d.Err != nil {
			t.Fatalf("request %d: %v", d.ID, d.Err)
		}
	}
	// The server's call ends (its access-log record is written at the end) between two
	// batches.
	for deadline := time.Now().Add(time.Minute); !strings.Contains(w.logs.String(), `"route":"/api/v1/decide-many"`); {
		if time.Now().After(deadline) {
			t.Fatalf("the server's call did not end within a minute:\n%s", w.logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	final := w.decided()
	if final >= len(ids) {
		t.Errorf("every request was decided although the client stopped after the first batch: the batches were not streamed")
	}
	t.Logf("%d decisions reported, %d decided, of %d", len(reported), final, len(ids))
	if final%service.DecideBatchSize != 0 {
		t.Errorf("%d requests decided: not whole batches", final)
	}
}

// TestImportStreamsEvents: the upload of an import is read as it comes and the client hears
// the progress of each batch; a refused line comes back as a *LineError.
func TestImportStreamsEvents(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t), server.Options{})
	var csv strings.Builder
	csv.WriteString("siret;name;address;postal_code;city\n")
	for i := range 1200 {
		fmt.Fprintf(&csv, ";Structure %04d;1 rue X;33000;Bordeaux\n", i)
	}
	csv.WriteString("123;Structure mal numérotée;1 rue X;33000;Bordeaux\n")
	var progress []int
	var refused []service.LineResult
	_, err := w.client(w.session()).ImportStructures(w.ctx, strings.NewReader(csv.String()), service.ImportOptions{SkipInvalid: true, BatchSize: 500},
		func(events []service.ImportEvent) {
			for _, e := range events {
				if e.Result != nil && e.Result.Err != nil {
					refused = append(refused, *e.Result)
				}
				if e.Total > 0 {
					progress = append(progress, e.Done)
				}
			}
		})
	if err != nil {
		t.Fatal(err)
	}
	if len(progress) < 3 {
		t.Errorf("progress %v: want one event per batch of 500", progress)
	}
	if len(refused) != 1 {
		t.Fatalf("refused lines %+v, want the empty one", refused)
	}
	var le *service.LineError
	if !errors.As(refused[0].Err, &le) || le.Line < 1200 || !errors.Is(le, domain.ErrInvalid) {
		t.Errorf("refused line: %#v, want a *LineError of line 1202", refused[0].Err)
	}
}

// The refusals within a bulk decision's batches come in the client's language, as the error
// of a call does.
func TestBulkDecisionRefusalsInTheClientsLanguage(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t), server.Options{})
	ids := w.pendingRequests(2)
	if _, err := w.svc.Decide(w.ctx, w.admin, ids[0], service.DecideInput{Decision: domain.Approve}); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[i18n.Lang]string{i18n.French: "déjà", i18n.English: "already"} {
		c, err := client.New(w.base, w.session(), client.Options{Lang: lang})
		if err != nil {
			t.Fatal(err)
		}
		var refusals []error
		err = c.DecideMany(w.ctx, ids, service.DecideInput{Decision: domain.Approve}, func(batch []service.Decision) {
			for _, d := range batch {
				if d.Err != nil {
					refusals = append(refusals, d.Err)
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(refusals) == 0 || !errors.Is(refusals[0], domain.ErrConflict) || !strings.Contains(refusals[0].Error(), want) {
			t.Errorf("%s: the refusals read %v", lang, refusals)
		}
	}
}
