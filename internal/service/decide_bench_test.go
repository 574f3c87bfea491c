package service_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/testdb"
)

// pendingAccountRequests writes n pending account requests of n new accounts, spread evenly
// over structures new structures without référent, in one transaction: the queue a bulk
// approval empties.
func (e *env) pendingAccountRequests(n, structures int) []int64 {
	e.t.Helper()
	ids := make([]int64, 0, n)
	err := e.db.Update(e.ctx, func(tx store.Tx) error {
		ids = ids[:0]
		ss := make([]domain.Structure, structures)
		for i := range ss {
			ss[i] = domain.Structure{Name: fmt.Sprintf("Organisme %05d", i), Address: "1 rue X", Kinds: []domain.Kind{domain.KindTrainingOrg}}
		}
		if err := tx.InsertStructures(e.ctx, ss); err != nil {
			return err
		}
		us := make([]domain.User, n)
		for i := range us {
			us[i] = domain.User{Email: fmt.Sprintf("personne%06d@x.fr", i), LastName: "L", FirstName: "F", Status: domain.UserPending}
		}
		if err := tx.InsertUsers(e.ctx, us); err != nil {
			return err
		}
		for i, u := range us {
			r := domain.Request{Kind: domain.RequestAccount, UserID: u.ID, RequesterEmail: u.Email, StructureID: ss[i%structures].ID}
			if err := tx.CreateRequest(e.ctx, &r); err != nil {
				return err
			}
			ids = append(ids, r.ID)
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return ids
}

// BenchmarkDecideMany approves 10,000 pending account requests over 1,000 structures without
// référent in one bulk decision (memberships, référents, automatic profiles, mails and audit
// events included), on every engine. Each run decides a fresh queue; only DecideMany is timed.
//
//	go test ./internal/service -run '^$' -bench DecideMany -benchtime 3x
func BenchmarkDecideMany(b *testing.B) {
	const requests, structures = 10_000, 1_000
	for _, eng := range testdb.Engines(b) {
		b.Run(eng.Name, func(b *testing.B) {
			var total time.Duration
			for range b.N {
				b.StopTimer()
				e := newEnv(b, eng.DSN(b))
				ids := e.pendingAccountRequests(requests, structures)
				approved := 0
				b.StartTimer()
				start := time.Now()
				err := e.svc.DecideMany(e.ctx, e.manager, ids, service.DecideInput{Decision: domain.Approve}, func(ds []service.Decision) {
					for _, d := range ds {
						if d.Err == nil {
							approved++
						}
					}
				})
				total += time.Since(start)
				b.StopTimer()
				if err != nil || approved != requests {
					b.Fatalf("approved %d of %d: %v", approved, requests, err)
				}
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/10k")
		})
	}
}
