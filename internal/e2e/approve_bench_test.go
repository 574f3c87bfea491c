package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/testdb"
)

// BenchmarkApprove10000 times one `profil request approve -` process deciding 10,000 pending
// account requests (500 structures, 20 each: 500 people become référent), read from standard
// input, on each engine. The seeding is not timed.
//
//	go test ./internal/e2e -run '^$' -bench Approve10000 -benchtime 1x
func BenchmarkApprove10000(b *testing.B) {
	const structures, per = 500, 20
	for _, e := range testdb.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				h := newHome(b, e.DSN(b))
				byStructure := seed(b, h, structures, per)
				var in strings.Builder
				for _, ids := range byStructure {
					for _, id := range ids {
						fmt.Fprintln(&in, id)
					}
				}
				b.StartTimer()
				start := time.Now()
				out, errOut, code := h.run(in.String(), "request", "approve", "-", "-o", "json", "--yes")
				b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/10k")
				if code != 0 {
					b.Fatalf("exit %d: %s", code, errOut)
				}
				if n := strings.Count(out, `"approved"`); n != structures*per {
					b.Fatalf("%d approved, want %d", n, structures*per)
				}
			}
		})
	}
}
