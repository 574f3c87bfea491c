package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/testdb"
)

// An import holds in memory the rows of one batch, and the bad lines among them, whatever the
// size of the file: 30,000 lines in batches of 500 never hold more than 1,000 rows, and the
// heap in use after the first pass does not grow with the file (the file itself is on a pipe,
// read once), and nothing remains of its spool. Bad lines (a duplicate far from its first line, an unknown SIRET, a bad phone)
// are still found and reported in file order with --skip-invalid.
func TestImportStreams(t *testing.T) {
	ctx := context.Background()
	_, svc, actor := newImportTest(t, testdb.SQLite(t))
	if _, err := svc.ImportStructures(ctx, actor, strings.NewReader("siret,name\n73282932000074,Cap Métiers\n44306184100047,Horizons\n"), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	const n, batch = 30_000, 500
	var b bytes.Buffer
	b.WriteString("email,last_name,first_name,phone,siret\n")
	for i := range n {
		switch i {
		case 20_000: // the same person and structure as line 2
			b.WriteString("p000000@x.fr,P,Q,,73282932000074\n")
		case 25_000:
			fmt.Fprintf(&b, "p%06d@x.fr,P,Q,,55120222900128\n", i) // a valid SIRET the database does not have
		case 29_000:
			fmt.Fprintf(&b, "p%06d@x.fr,P,Q,05 56,73282932000074\n", i)
		default:
			siret := "73282932000074"
			if i%2 == 1 {
				siret = "44306184100047"
			}
			fmt.Fprintf(&b, "p%06d@x.fr,P,Q,05 56 00 %02d %02d,%s\n", i, i/100%100, i%100, siret)
		}
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where the spool goes
	held := 0
	importHeld = func(rows int) { held = max(held, rows) }
	t.Cleanup(func() { importHeld = nil })
	var (
		last     int
		bad      []int
		inUse    []uint64
		progress int
	)
	r := onlyReader{&b} // not a file: read once
	sum, err := svc.ImportUsers(ctx, actor, r, ImportOptions{Source: "synapse", BatchSize: batch, SkipInvalid: true,
		OnResult: func(res LineResult) {
			if res.Line <= last {
				t.Fatalf("line %d reported after line %d", res.Line, last)
			}
			last = res.Line
			if res.Result == ResultError {
				bad = append(bad, res.Line)
			}
		},
		OnProgress: func(done, total int) {
			progress++
			if progress%10 == 1 {
				var m runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&m)
				inUse = append(inUse, m.HeapInuse)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Lines != n || sum.Counts[ResultCreated] != n-3 || sum.Counts[ResultError] != 3 || last != n+1 {
		t.Errorf("summary %+v, last line %d", sum, last)
	}
	if want := []int{20_002, 25_002, 29_002}; fmt.Sprint(bad) != fmt.Sprint(want) {
		t.Errorf("bad lines %v, want %v", bad, want)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("the import left %v in the temporary folder", left)
	}
	if held == 0 || held > 2*batch {
		t.Errorf("the second pass held up to %d rows, for batches of %d", held, batch)
	}
	// The heap does not grow with the lines written: compare the first and the last batches.
	if len(inUse) < 4 || inUse[len(inUse)-1] > inUse[0]+8<<20 {
		t.Errorf("heap in use across the writes: %v", inUse)
	}
}

// onlyReader hides every method of its reader but Read.
type onlyReader struct{ r *bytes.Buffer }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// Both passes read lines ahead in a goroutine (the first checks them while they are
// spooled, the second rebuilds them while a batch is written): an import stopped between two
// batches (here cancelled) has reported the lines of the batches written and no more, one
// stopped while the file is read has written nothing, and neither leaves a goroutine reading
// behind it.
func TestImportStopsReadingAhead(t *testing.T) {
	ctx := context.Background()
	db, svc, actor := newImportTest(t, testdb.SQLite(t))
	if _, err := svc.ImportStructures(ctx, actor, strings.NewReader("siret,name\n73282932000074,Cap Métiers\n"), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	const n, batch = 5_000, 100
	var b strings.Builder
	b.WriteString("email,last_name,first_name,siret\n")
	for i := range n {
		fmt.Fprintf(&b, "p%06d@x.fr,P,Q,73282932000074\n", i)
	}
	noGoroutineLeft := func() {
		t.Helper()
		buf := make([]byte, 1<<20)
		for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			stacks := string(buf[:runtime.Stack(buf, true)])
			if !strings.Contains(stacks, "service.readAhead") {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("a goroutine of the import is still there:\n%s", stacks)
			}
		}
	}

	// Cancelled after two batches.
	cctx, cancel := context.WithCancel(ctx)
	reported := 0
	_, err := svc.ImportUsers(cctx, actor, strings.NewReader(b.String()), ImportOptions{Source: "synapse", BatchSize: batch,
		OnResult: func(LineResult) { reported++ },
		OnProgress: func(done, total int) {
			if done == 2*batch {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("ImportUsers = %v, want it cancelled", err)
	}
	if reported != 2*batch {
		t.Errorf("%d lines reported, want those of the 2 batches written (%d)", reported, 2*batch)
	}
	noGoroutineLeft()

	// Cancelled while the file is read.
	cctx, cancel = context.WithCancel(ctx)
	defer cancel()
	file := strings.NewReader(b.String())
	sum, err := svc.ImportUsers(cctx, actor, &cancelAfter{r: file, after: int64(b.Len() / 2), cancel: cancel}, ImportOptions{Source: "synapse", BatchSize: batch})
	if !errors.Is(err, context.Canceled) || sum.Lines >= n {
		t.Fatalf("ImportUsers cancelled in the first pass = %v, after reading %d lines of %d", err, sum.Lines, n)
	}
	var users int
	if err := db.SQL().QueryRow("SELECT COUNT(*) FROM users").Scan(&users); err != nil {
		t.Fatal(err)
	}
	if users != 1+2*batch {
		t.Errorf("%d accounts after an import cancelled while reading, want %d", users, 1+2*batch)
	}
	noGoroutineLeft()
}

// cancelAfter calls cancel once after bytes have been read.
type cancelAfter struct {
	r      io.Reader
	read   int64
	after  int64
	cancel func()
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.read += int64(n); c.read >= c.after {
		c.cancel()
	}
	return n, err
}
