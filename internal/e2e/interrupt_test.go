package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

// started is a profil process running in the background.
type started struct {
	c           *exec.Cmd
	out, errOut bytes.Buffer
	done        chan struct{}
}

func (h *home) start(t *testing.T, stdin string, args ...string) *started {
	t.Helper()
	s := &started{c: h.cmd(stdin, args...), done: make(chan struct{})}
	s.c.Stdout, s.c.Stderr = &s.out, &s.errOut
	if err := s.c.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.c.Wait(); close(s.done) }()
	return s
}

// waitFor polls cond until it holds, while the process runs; it fails the test if the process
// ends first or nothing happens within a minute.
func (s *started) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		select {
		case <-s.done:
			t.Fatalf("profil ended (exit %d) before %s:\n%s", s.c.ProcessState.ExitCode(), what, s.errOut.String())
		case <-time.After(2 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s within a minute:\n%s", what, s.errOut.String())
		}
	}
}

// stop sends sig and returns the exit code.
func (s *started) stop(t *testing.T, sig syscall.Signal) int {
	t.Helper()
	_ = s.c.Process.Signal(sig) // this test's own child
	select {
	case <-s.done:
	case <-time.After(time.Minute):
		_ = s.c.Process.Kill()
		t.Fatalf("profil did not stop within a minute of %v", sig)
	}
	return s.c.ProcessState.ExitCode()
}

func count(t *testing.T, db *sql.DB, query string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var decidedMessage = regexp.MustCompile(`interrupted: (\d+) of (\d+) requests decided; the rest are untouched`)

// SIGINT, then SIGTERM, sent to `request approve -` in the middle of a large batch: the
// process exits 130, then 143, says how many requests it decided and that the rest are
// untouched, lists those as untouched, and the database holds exactly those, in whole
// batches.
func TestInterruptedApprovalSaysWhatWasDone(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		h := newHome(t, dsn)
		byStructure := seed(t, h, 40, 250)
		var in strings.Builder
		total := 0
		for _, ids := range byStructure {
			for _, id := range ids {
				fmt.Fprintln(&in, id)
				total++
			}
		}
		db, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		approved := func() int {
			return count(t, db.SQL(), `SELECT COUNT(*) FROM requests WHERE status = 'approved'`)
		}

		decidedBefore := 0
		for _, tc := range []struct {
			sig  syscall.Signal
			code int
		}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
			p := h.start(t, in.String(), "request", "approve", "-", "-o", "json")
			p.waitFor(t, "a first batch approved", func() bool { return approved() > decidedBefore })
			if code := p.stop(t, tc.sig); code != tc.code {
				t.Fatalf("%v: exit %d, want %d\n%s", tc.sig, code, tc.code, p.errOut.String())
			}
			stderr := p.errOut.String()
			m := decidedMessage.FindStringSubmatch(stderr)
			if m == nil {
				t.Fatalf("%v: stderr does not say what was decided:\n%.2000s", tc.sig, stderr)
			}
			for _, bad := range []string{"context canceled", "savepoint", "SQLITE", "SQLSTATE"} {
				if strings.Contains(stderr, bad) {
					t.Errorf("%v: stderr shows %q:\n%.2000s", tc.sig, bad, stderr)
				}
			}
			n, _ := strconv.Atoi(m[1])
			if m[2] != strconv.Itoa(total) {
				t.Errorf("%v: %s requests in all, want %d", tc.sig, m[2], total)
			}
			now := approved()
			if now != decidedBefore+n {
				t.Errorf("%v: the database holds %d approved requests, the message says %d more than %d", tc.sig, now, n, decidedBefore)
			}
			if n == 0 || n == total-decidedBefore || n%500 != 0 {
				t.Errorf("%v: %d decided: want whole batches of 500 and some left", tc.sig, n)
			}
			var results []bulkResult
			if err := json.Unmarshal(p.out.Bytes(), &results); err != nil {
				t.Fatalf("%v: the results of what was done are not printed: %v\n%.300s", tc.sig, err, p.out.String())
			}
			ok, untouched := 0, 0
			for _, r := range results {
				switch r.Result {
				case "approved":
					ok++
				case "untouched":
					untouched++
				}
			}
			if ok != n {
				t.Errorf("%v: %d approved results printed, %d decided", tc.sig, ok, n)
			}
			// What it did not reach is listed, to be given again.
			if len(results) != total || untouched != total-now {
				t.Errorf("%v: %d results, %d untouched; want one per request, %d untouched (still pending)", tc.sig, len(results), untouched, total-now)
			}
			decidedBefore = now
		}
		// The rest is untouched: still pending, and a last run decides it.
		if pending := count(t, db.SQL(), `SELECT COUNT(*) FROM requests WHERE status = 'pending'`); pending != total-decidedBefore {
			t.Errorf("%d requests pending, want %d", pending, total-decidedBefore)
		}
	})
}

var importMessage = regexp.MustCompile(`interrupted: (\d+) of (\d+) lines written; the rest of the file is untouched`)

// SIGINT sent to `user import` while it writes: exit 130, the number of lines written, which
// is what the database holds in whole batches; running the same command again completes it.
func TestInterruptedImportSaysWhatWasDone(t *testing.T) {
	const total, batch = 20000, 1000
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "profil.db")
	h := newHome(t, dbPath)
	h.must(adminPassword+"\n", "init", "--admin-email", "gestion@cap-metiers.fr", "--admin-name", "Camille Gestion", "--password-stdin")
	structures := filepath.Join(dir, "structures.csv")
	sirets := writeStructuresCSV(t, structures, 300)
	h.must("", "structure", "import", structures)
	users := filepath.Join(dir, "users.csv")
	writeUsersCSV(t, users, total, sirets)
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	imported := func() int { return count(t, db, `SELECT COUNT(*) FROM users WHERE source = 'synapse'`) }

	p := h.start(t, "", "user", "import", "--source", "synapse", users, "--batch-size", fmt.Sprint(batch))
	p.waitFor(t, "a first batch written", func() bool { return imported() > 0 })
	if code := p.stop(t, syscall.SIGINT); code != 130 {
		t.Fatalf("exit %d, want 130\n%s", code, p.errOut.String())
	}
	m := importMessage.FindStringSubmatch(p.errOut.String())
	if m == nil {
		t.Fatalf("stderr does not say what was written:\n%.2000s", p.errOut.String())
	}
	n, _ := strconv.Atoi(m[1])
	if m[2] != strconv.Itoa(total) || n != imported() || n%batch != 0 || n == total {
		t.Errorf("message says %s of %s written; the database holds %d accounts (batches of %d)", m[1], m[2], imported(), batch)
	}
	if s := readImportState(t, dbPath); s.orphans != 0 || s.events != n/batch {
		t.Errorf("after the interruption: %+v", s)
	}
	h.must("", "user", "import", "--source", "synapse", users, "--batch-size", fmt.Sprint(batch))
	if got := imported(); got != total {
		t.Errorf("the second run leaves %d accounts, want %d", got, total)
	}
}
