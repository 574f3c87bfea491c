package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

const adminPassword = "mot de passe du gestionnaire"

// seed creates a gestionnaire (signed in for h), then structures without référent and pending
// account requests, perStructure for each, straight through the store. It returns the request
// ids by structure.
func seed(t testing.TB, h *home, structures, perStructure int) map[int64][]int64 {
	t.Helper()
	h.must(adminPassword+"\n", "init", "--admin-email", "gestion@cap-metiers.fr", "--admin-name", "Camille Gestion", "--password-stdin")
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, h.db, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	byStructure := map[int64][]int64{}
	err = db.Update(ctx, func(tx store.Tx) error {
		for s := range structures {
			st := domain.Structure{Name: fmt.Sprintf("Structure %03d", s), Address: "1 rue X"}
			if err := tx.CreateStructure(ctx, &st); err != nil {
				return err
			}
			for p := range perStructure {
				u := domain.User{Email: fmt.Sprintf("p%03d.%03d@exemple.fr", s, p), LastName: "P", FirstName: "Q", Status: domain.UserPending}
				if err := tx.CreateUser(ctx, &u); err != nil {
					return err
				}
				r := domain.Request{Kind: domain.RequestAccount, UserID: u.ID, RequesterEmail: u.Email, StructureID: st.ID}
				if err := tx.CreateRequest(ctx, &r); err != nil {
					return err
				}
				byStructure[st.ID] = append(byStructure[st.ID], r.ID)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return byStructure
}

type bulkResult struct {
	ID     int64  `json:"id"`
	Result string `json:"result"`
	Error  string `json:"error"`
}

// approveInProcesses starts one profil process per id list, all at once, and returns each
// process's results and exit code.
func approveInProcesses(t *testing.T, h *home, lists [][]int64) ([][]bulkResult, []int) {
	t.Helper()
	results := make([][]bulkResult, len(lists))
	codes := make([]int, len(lists))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, ids := range lists {
		var in strings.Builder
		for _, id := range ids {
			fmt.Fprintln(&in, id)
		}
		c := h.cmd(in.String(), "request", "approve", "-", "-o", "json")
		var out, errOut bytes.Buffer
		c.Stdout, c.Stderr = &out, &errOut
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			err := c.Run()
			if c.ProcessState == nil {
				t.Errorf("process %d did not run: %v", i, err)
				return
			}
			codes[i] = c.ProcessState.ExitCode()
			if err := json.Unmarshal(out.Bytes(), &results[i]); err != nil {
				t.Errorf("process %d printed no JSON results (exit %d): %v\nstdout: %.300s\nstderr: %.500s", i, codes[i], err, out.String(), errOut.String())
			}
		}()
	}
	close(start)
	wg.Wait()
	return results, codes
}

func TestConcurrentApprovalsDecideEachRequestOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		h := newHome(t, dsn)
		const structures, per, processes = 50, 20, 8
		byStructure := seed(t, h, structures, per)
		var all []int64
		for _, ids := range byStructure {
			all = append(all, ids...)
		}
		lists := make([][]int64, processes)
		for i := range lists {
			lists[i] = append([]int64(nil), all...)
			rand.New(rand.NewPCG(uint64(i), 7)).Shuffle(len(lists[i]), func(a, b int) { lists[i][a], lists[i][b] = lists[i][b], lists[i][a] })
		}
		results, codes := approveInProcesses(t, h, lists)

		approved := map[int64]int{}
		for p, rs := range results {
			if codes[p] != 0 && codes[p] != 5 {
				t.Errorf("process %d exited %d, want 0 or 5 (conflict)", p, codes[p])
			}
			if len(rs) != len(all) {
				t.Errorf("process %d reported %d results, want %d", p, len(rs), len(all))
			}
			// Decided one structure after another, reported in the order given.
			for i := range min(len(rs), len(lists[p])) {
				if rs[i].ID != lists[p][i] {
					t.Errorf("process %d: result %d is of request %d, want %d (the order given)", p, i, rs[i].ID, lists[p][i])
					break
				}
			}
			for _, r := range rs {
				switch {
				case r.Result == "approved":
					approved[r.ID]++
				case !strings.Contains(r.Error, "already"):
					t.Errorf("process %d, request %d: %s %q, want only 'already decided' errors", p, r.ID, r.Result, r.Error)
				}
			}
		}
		for _, id := range all {
			if approved[id] != 1 {
				t.Errorf("request %d approved %d times, want exactly once", id, approved[id])
			}
		}
		checkDatabase(t, dsn, len(all), structures)
	})
}

func TestFirstUsersApprovedAtOnceMakeOneReferent(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		h := newHome(t, dsn)
		const structures, firstUsers = 10, 20
		byStructure := seed(t, h, structures, firstUsers)
		// Process p approves the p-th first user of every structure, all processes walking the
		// structures in the same order: twenty approvals race on each new structure.
		lists := make([][]int64, firstUsers)
		for _, ids := range byStructure {
			for p, id := range ids {
				lists[p] = append(lists[p], id)
			}
		}
		for p := range lists {
			slices.Sort(lists[p])
		}
		_, codes := approveInProcesses(t, h, lists)
		for p, c := range codes {
			if c != 0 {
				t.Errorf("process %d exited %d, want 0: each approves different requests", p, c)
			}
		}
		checkDatabase(t, dsn, structures*firstUsers, structures)
	})
}

// checkDatabase asserts every request is approved once, one membership per person, and
// exactly one référent per structure.
func checkDatabase(t *testing.T, dsn string, requests, structures int) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := func(query string) int {
		var n int
		if err := db.SQL().QueryRowContext(ctx, query).Scan(&n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	if n := q(`SELECT COUNT(*) FROM requests WHERE status = 'approved'`); n != requests {
		t.Errorf("%d approved requests, want %d", n, requests)
	}
	if n := q(`SELECT COUNT(*) FROM audit_events WHERE action = 'request.approve'`); n != requests {
		t.Errorf("%d approval audit events, want %d (one per request)", n, requests)
	}
	if n := q(`SELECT COUNT(*) FROM memberships WHERE ended_at IS NULL`); n != requests {
		t.Errorf("%d memberships, want %d", n, requests)
	}
	if n := q(`SELECT COUNT(*) FROM memberships WHERE referent = TRUE AND ended_at IS NULL`); n != structures {
		t.Errorf("%d référents, want exactly one per structure (%d)", n, structures)
	}
	if n := q(`SELECT COUNT(*) FROM (SELECT structure_id FROM memberships WHERE referent = TRUE GROUP BY structure_id HAVING COUNT(*) > 1) x`); n != 0 {
		t.Errorf("%d structures with several référents", n)
	}
}
