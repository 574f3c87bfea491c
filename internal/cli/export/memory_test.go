package export_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

// seedMembers fills the database at dsn (signed in as clitest.AdminEmail) with n active
// members spread over n/100 structures, half with a phone, every one with the automatic
// bénéficiaire profile and a third with a RAFAEL profile too. It writes with plain SQL, a
// series counted by the engine itself: a million rows take seconds, not minutes.
func seedMembers(tb testing.TB, dsn string, n int) {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	structures := max(n/100, 1)
	const ts = "'2026-03-14 23:30:00+00:00'"
	series := func(count int) string {
		return fmt.Sprintf("WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %d) ", count)
	}
	for _, q := range []string{
		series(structures) + `INSERT INTO structures (name, name_folded, search_text, kinds, created_at, updated_at)
			SELECT 'Structure ' || n, 'structure ' || n, 'structure ' || n, 'training-org', ` + ts + `, ` + ts + ` FROM seq`,
		series(n) + `INSERT INTO users (email, last_name, first_name, function, phone, status, created_at, updated_at)
			SELECT 'membre' || n || '@example.fr', 'Lefèvre' || (n % 1000), 'Élodie', 'Chargée de mission',
			CASE WHEN n % 2 = 0 THEN '+33556' || (100000 + n % 900000) ELSE '' END, 'active', ` + ts + `, ` + ts + ` FROM seq`,
		`INSERT INTO memberships (user_id, structure_id, referent, created_at)
			SELECT u.id, (SELECT MIN(id) FROM structures) + u.id % ` + strconv.Itoa(structures) + `, FALSE, ` + ts + `
			FROM users u WHERE u.email LIKE 'membre%'`,
		`INSERT INTO grants (membership_id, profile_code, granted_at) SELECT id, 'parcourspro.beneficiary', ` + ts + ` FROM memberships`,
		`INSERT INTO grants (membership_id, profile_code, granted_at) SELECT id, 'rafael.of-general', ` + ts + ` FROM memberships WHERE id % 3 = 0`,
		`ANALYZE`,
	} {
		if _, err := db.SQL().ExecContext(ctx, q); err != nil {
			tb.Fatalf("seed %d members: %v\n%s", n, err, q)
		}
	}
}

// memoryPeak samples the live heap (objects, garbage included until collected) while fn
// runs, without stopping the world, and returns its highest value above the level before fn,
// with the process's peak resident set during fn where Linux can tell it (0 elsewhere).
func memoryPeak(fn func()) (heap, rss uint64) {
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	var (
		peak uint64
		wg   sync.WaitGroup
		done = make(chan struct{})
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: sample[0].Name}}
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	if peak < base {
		return 0, peakRSS()
	}
	return peak - base, peakRSS()
}

// resetPeakRSS resets VmHWM (Linux ≥ 4.0); elsewhere it does nothing.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS is VmHWM in bytes, 0 where /proc is not there.
func peakRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

const mb = 1 << 20

// exportEnv is a signed-in gestionnaire over a database of n members.
func exportEnv(tb testing.TB, dsn string, n int) clitest.Env {
	tb.Helper()
	env := clitest.NewEnv(tb)
	env.DB = dsn
	clitest.SignIn(tb, env)
	seedMembers(tb, dsn, n)
	return env
}

// exportPeak runs `export users --all` of format into a file and returns the peak heap.
func exportPeak(tb testing.TB, env clitest.Env, n int, extra ...string) (heap, rss uint64, elapsed time.Duration) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "users.export")
	start := time.Now()
	heap, rss = memoryPeak(func() {
		clitest.Run(tb, env, append([]string{"-q", "export", "users", "--all", "--file", path}, extra...)...).Want(tb, cmdutil.ExitOK)
	})
	elapsed = time.Since(start)
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	if fi.Size() < int64(n)*50 {
		tb.Fatalf("the export of %d members is only %d bytes", n, fi.Size())
	}
	return heap, rss, elapsed
}

// TestExportMemoryFlat exports 10,000 then 200,000 members and checks that the peak heap
// does not grow with the number of rows: the rows are streamed, never collected. Loaded in a
// slice, 200,000 members would take well over 100 MB. PROFIL_EXPORT_ROWS changes the larger
// size (1000000 for the target of the bench program).
func TestExportMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: seeds 200,000 members")
	}
	large := 200_000
	if v := os.Getenv("PROFIL_EXPORT_ROWS"); v != "" {
		var err error
		if large, err = strconv.Atoi(v); err != nil || large < 20_000 {
			t.Fatalf("PROFIL_EXPORT_ROWS=%q: want a number ≥ 20000", v)
		}
	}
	testdb.Each(t, func(t *testing.T, dsn string) {
		const small = 10_000
		smallEnv := exportEnv(t, dsn, small)
		smallHeap, _, _ := exportPeak(t, smallEnv, small)

		largeEnv := exportEnv(t, testdbLike(t, dsn), large)
		for _, format := range [][]string{{"--excel"}, {"--format", "json"}} {
			heap, rss, elapsed := exportPeak(t, largeEnv, large, format...)
			t.Logf("%s: %d members: peak heap %.1f MB (%d members: %.1f MB), peak RSS of the test process %.1f MB, %s (%.0f rows/s)",
				format, large, float64(heap)/mb, small, float64(smallHeap)/mb, float64(rss)/mb, elapsed.Round(time.Millisecond),
				float64(large)/elapsed.Seconds())
			// Flat: 20 times the rows, a few MB more at most (buffers, GC pacing).
			if heap > smallHeap+16*mb || heap > 32*mb {
				t.Errorf("%s: peak heap %.1f MB for %d members, %.1f MB for %d: the export does not stream",
					format, float64(heap)/mb, large, float64(smallHeap)/mb, small)
			}
		}
	})
}

// testdbLike returns a new empty database of the same engine as dsn.
func testdbLike(t *testing.T, dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") {
		return testdb.Postgres(t)
	}
	return testdb.SQLite(t)
}

// BenchmarkExportUsers exports 200,000 members (PROFIL_EXPORT_ROWS to change) to a file,
// as Excel CSV, on every engine, and reports the peak heap and rows per second. For contrast
// it reports the heap that ListMembers, which builds a slice, needs for the same rows.
func BenchmarkExportUsers(b *testing.B) {
	n := 200_000
	if v := os.Getenv("PROFIL_EXPORT_ROWS"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	for _, e := range testdb.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			dsn := e.DSN(b)
			env := exportEnv(b, dsn, n)
			b.ResetTimer()
			var heap, rss uint64
			for b.Loop() {
				h, r, _ := exportPeak(b, env, n, "--excel")
				heap, rss = max(heap, h), max(rss, r)
			}
			b.StopTimer()
			b.ReportMetric(float64(heap)/mb, "peak-heap-MB")
			b.ReportMetric(float64(rss)/mb, "peak-RSS-MB")
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")

			db, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			var rows int
			sliceHeap, _ := memoryPeak(func() {
				_ = db.View(context.Background(), func(tx store.Tx) error {
					ms, err := tx.ListMembers(context.Background(), store.MemberQuery{})
					rows = len(ms)
					return err
				})
			})
			b.ReportMetric(float64(sliceHeap)/mb, "ListMembers-heap-MB")
			if rows != n {
				b.Fatalf("ListMembers: %d rows, want %d", rows, n)
			}
		})
	}
}
