package service_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/gen"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/testdb"
)

// importFiles generates a structures file of structures and an accounts file of people
// spread over them, in the columns of the imports.
func importFiles(structures, people int) (structuresCSV, usersCSV []byte) {
	var sb, ub bytes.Buffer
	w := csv.NewWriter(&sb)
	_ = w.Write([]string{"siret", "name", "acronym", "ape", "address", "postal_code", "city", "kinds", "ministry"})
	g := gen.NewStructures(2026)
	var sirets []string
	for i := 0; len(sirets) < structures; i++ {
		s := g.At(i)
		if s.SIRET == "" {
			continue
		}
		sirets = append(sirets, s.SIRET)
		kinds := make([]string, len(s.Kinds))
		for j, k := range s.Kinds {
			kinds[j] = string(k)
		}
		_ = w.Write([]string{s.SIRET, s.Name, s.Acronym, s.APE, s.Address, s.PostalCode, s.City, strings.Join(kinds, "|"), fmt.Sprint(s.Ministry)})
	}
	w.Flush()
	w = csv.NewWriter(&ub)
	_ = w.Write([]string{"email", "last_name", "first_name", "function", "phone", "siret"})
	p := gen.NewPeople(1789)
	for i := range people {
		u := p.Next()
		_ = w.Write([]string{u.Email, u.LastName, u.FirstName, u.Function, domain.FormatPhoneNational(u.Phone), sirets[(i*7919)%len(sirets)]})
	}
	w.Flush()
	return sb.Bytes(), ub.Bytes()
}

// BenchmarkImportUsers imports 100,000 accounts over 1,000 structures into a fresh database
// on every engine, and reports the time and the bytes allocated per line.
//
//	go test ./internal/service -run '^$' -bench ImportUsers -benchtime 1x
func BenchmarkImportUsers(b *testing.B) {
	const structures, people = 1_000, 100_000
	sCSV, uCSV := importFiles(structures, people)
	for _, eng := range testdb.Engines(b) {
		b.Run(eng.Name, func(b *testing.B) {
			var (
				total time.Duration
				cpu   time.Duration
				alloc uint64
			)
			for range b.N {
				b.StopTimer()
				e := newEnv(b, eng.DSN(b))
				if _, err := e.svc.ImportStructures(e.ctx, e.manager, bytes.NewReader(sCSV), service.ImportOptions{}); err != nil {
					b.Fatal(err)
				}
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				var ru0, ru1 syscall.Rusage
				_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
				b.StartTimer()
				start := time.Now()
				sum, err := e.svc.ImportUsers(e.ctx, e.manager, bytes.NewReader(uCSV), service.ImportOptions{Source: "synapse"})
				total += time.Since(start)
				b.StopTimer()
				runtime.ReadMemStats(&after)
				_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
				cpu += time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
				alloc += after.TotalAlloc - before.TotalAlloc
				if err != nil || sum.Counts[service.ResultCreated] != people {
					b.Fatalf("%v: %v", sum.Counts, err)
				}
			}
			b.ReportMetric(float64(total.Microseconds())/float64(b.N*people), "µs/line")
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*people), "cpu-µs/line")
			b.ReportMetric(float64(alloc)/float64(b.N*people), "B/line")
		})
	}
}
