package e2e

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/testdb"
)

// lockedBuffer is a buffer a process writes while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// served is a `profil serve` process on a random port of 127.0.0.1.
type served struct {
	t      *testing.T
	s      *started
	logs   *lockedBuffer
	url    string
	exited bool
}

// serve starts `profil serve --listen 127.0.0.1:0` on h's database and waits for the address
// it listens on, which its first log record gives.
func (h *home) serve(t *testing.T, args ...string) *served {
	t.Helper()
	logs := &lockedBuffer{}
	c := h.cmd("", append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	s := &started{c: c, done: make(chan struct{})}
	c.Stdout, c.Stderr = &s.out, logs
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = c.Wait(); close(s.done) }()
	sv := &served{t: t, s: s, logs: logs}
	t.Cleanup(func() {
		if !sv.exited {
			sv.stop(syscall.SIGTERM)
		}
	})
	deadline := time.Now().Add(time.Minute)
	for sv.url == "" {
		for line := range strings.SplitSeq(logs.String(), "\n") {
			var rec struct {
				Msg string `json:"msg"`
				URL string `json:"url"`
			}
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
				sv.url = rec.URL
			}
		}
		select {
		case <-s.done:
			t.Fatalf("profil serve ended (exit %d):\n%s", c.ProcessState.ExitCode(), logs.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("profil serve did not listen within a minute:\n%s", logs.String())
		}
	}
	return sv
}

// stop sends sig and returns the exit code.
func (sv *served) stop(sig syscall.Signal) int {
	sv.exited = true
	return sv.s.stop(sv.t, sig)
}

// remoteHome is a person's environment with no database: only a server address.
func remoteHome(t testing.TB, url string) *home {
	dir := t.TempDir()
	return &home{t: t, env: []string{
		"HOME=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "XDG_DATA_HOME=" + filepath.Join(dir, "data"),
		"PATH=" + os.Getenv("PATH"), "PROFIL_SERVER=" + url, "LANG=C.UTF-8",
	}}
}

// TestServerLoginAndCommands: a person with no database address signs in to a server and
// works through it with the exit codes of a local run; SIGTERM stops the server with exit 0;
// the credentials hold the server and the session, not the database.
func TestServerLoginAndCommands(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		h := newHome(t, dsn)
		h.must(adminPassword+"\n", "init", "--admin-email", "gestion@cap-metiers.fr", "--admin-name", "Camille Gestion", "--password-stdin")
		sv := h.serve(t)

		dir := t.TempDir()
		p := &home{t: t, env: []string{
			"HOME=" + dir, "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "XDG_DATA_HOME=" + filepath.Join(dir, "data"),
			"PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8",
		}}
		_, errOut, code := p.run(adminPassword+"\n", "login", "--server", sv.url, "--email", "gestion@cap-metiers.fr", "--password-stdin")
		if code != 0 || !strings.Contains(errOut, sv.url) {
			t.Fatalf("login --server: exit %d\n%s", code, errOut)
		}
		creds, err := os.ReadFile(filepath.Join(dir, "config", "profil", "credentials.json"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(creds), sv.url) || strings.Contains(string(creds), dsn) || strings.Contains(string(creds), "postgres") {
			t.Errorf("credentials: want the server and no database:\n%s", creds)
		}
		if st, err := os.Stat(filepath.Join(dir, "config", "profil", "credentials.json")); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("credentials file mode: %v %v", st.Mode(), err)
		}
		// No --server any more: the credentials name it.
		out := p.must("", "whoami")
		if !strings.Contains(out, "gestion@cap-metiers.fr") {
			t.Errorf("whoami through the server: %q", out)
		}
		p.must("", "structure", "create", "--name", "Cap Métiers", "--siret", "18330001100016", "--address", "1 rue X", "--postal-code", "33000", "--city", "Bordeaux")
		out = p.must("", "structure", "search", "cap", "-o", "json")
		if !strings.Contains(out, "18330001100016") {
			t.Errorf("structure search: %s", out)
		}
		for _, c := range []struct {
			args []string
			code int
		}{
			{[]string{"structure", "show", "999"}, 3},
			{[]string{"structure", "create", "--name", "X", "--siret", "123"}, 6},
			{[]string{"db", "status"}, 2},
			{[]string{"--server", sv.url, "--db", dsn, "whoami"}, 2},
		} {
			if _, errOut, code := p.run("", c.args...); code != c.code {
				t.Errorf("profil %s: exit %d, want %d\n%s", strings.Join(c.args, " "), code, c.code, errOut)
			}
		}
		p.must("", "logout")
		if _, errOut, code := p.run("", "--server", sv.url, "token", "list"); code != 4 {
			t.Errorf("token list after logout: exit %d, want 4 (not signed in)\n%s", code, errOut)
		}
		if code := sv.stop(syscall.SIGTERM); code != 0 {
			t.Errorf("serve after SIGTERM: exit %d, want 0\n%s", code, sv.logs.String())
		}
		// The server is gone: busy / unavailable, as a locked database is.
		if _, errOut, code := p.run("", "--server", sv.url, "structure", "search", "cap", "--verbose"); code != 7 || !strings.Contains(errOut, "does not answer") {
			t.Errorf("through a stopped server: exit %d, want 7\n%s", code, errOut)
		}
		if strings.Contains(sv.logs.String(), adminPassword) {
			t.Errorf("the server's log holds the password:\n%s", sv.logs.String())
		}
	})
}

// TestServeRefusesPlainHTTPOffLoopback: plain HTTP anywhere but loopback is a usage error.
func TestServeRefusesPlainHTTPOffLoopback(t *testing.T) {
	h := newHome(t, filepath.Join(t.TempDir(), "p.db"))
	h.must(adminPassword+"\n", "init", "--admin-email", "gestion@cap-metiers.fr", "--admin-name", "Camille Gestion", "--password-stdin")
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0"} {
		_, errOut, code := h.run("", "serve", "--listen", addr)
		if code != 2 || !strings.Contains(errOut, "--tls-cert") {
			t.Errorf("serve --listen %s: exit %d, want 2 naming --tls-cert\n%s", addr, code, errOut)
		}
	}
}

// TestApprovalsThroughTwoServersDecideEachRequestOnce: two servers on one PostgreSQL schema,
// eight client processes approving the same 1,000 requests in different orders: each request
// is approved once.
func TestApprovalsThroughTwoServersDecideEachRequestOnce(t *testing.T) {
	dsn := testdb.Postgres(t)
	h := newHome(t, dsn)
	const structures, per, processes = 50, 20, 8
	byStructure := seed(t, h, structures, per)
	var all []int64
	for _, ids := range byStructure {
		all = append(all, ids...)
	}
	servers := []*served{h.serve(t), h.serve(t)}
	token := strings.TrimSpace(h.must("", "token", "create", "--name", "approvals", "-q"))
	lists := make([][]int64, processes)
	homes := make([]*home, processes)
	for i := range lists {
		lists[i] = append([]int64(nil), all...)
		mrand.New(mrand.NewPCG(uint64(i), 7)).Shuffle(len(lists[i]), func(a, b int) { lists[i][a], lists[i][b] = lists[i][b], lists[i][a] })
		homes[i] = remoteHome(t, servers[i%2].url)
		homes[i].env = append(homes[i].env, "PROFIL_TOKEN="+token)
	}
	results, codes := approveInProcessesOf(t, homes, lists)
	approved := map[int64]int{}
	for p, rs := range results {
		if codes[p] != 0 && codes[p] != 5 {
			t.Errorf("process %d exited %d, want 0 or 5 (conflict)", p, codes[p])
		}
		if len(rs) != len(all) {
			t.Errorf("process %d reported %d results, want %d", p, len(rs), len(all))
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
	for i, sv := range servers {
		if code := sv.stop(syscall.SIGTERM); code != 0 {
			t.Errorf("server %d: exit %d after SIGTERM", i, code)
		}
	}
}

// approveInProcessesOf is approveInProcesses with one home per process.
func approveInProcessesOf(t *testing.T, homes []*home, lists [][]int64) ([][]bulkResult, []int) {
	t.Helper()
	results := make([][]bulkResult, len(lists))
	codes := make([]int, len(lists))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, ids := range lists {
		var in strings.Builder
		for _, id := range ids {
			fmt.Fprintln(&in, id)
		}
		c := homes[i].cmd(in.String(), "request", "approve", "-", "-o", "json")
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

// TestServeTLS: with a certificate, the server speaks TLS, off loopback too; a client that
// trusts the certificate works through it.
func TestServeTLS(t *testing.T) {
	h := newHome(t, filepath.Join(t.TempDir(), "p.db"))
	h.must(adminPassword+"\n", "init", "--admin-email", "gestion@cap-metiers.fr", "--admin-name", "Camille Gestion", "--password-stdin")
	cert, key := selfSigned(t)
	sv := h.serve(t, "--tls-cert", cert, "--tls-key", key)
	if !strings.HasPrefix(sv.url, "https://") {
		t.Fatalf("served at %s, want https", sv.url)
	}
	p := remoteHome(t, sv.url)
	p.env = append(p.env, "SSL_CERT_FILE="+cert)
	p.must(adminPassword+"\n", "login", "--email", "gestion@cap-metiers.fr", "--password-stdin")
	if out := p.must("", "whoami"); !strings.Contains(out, "gestion@cap-metiers.fr") {
		t.Errorf("whoami over TLS: %q", out)
	}
	// A client that does not trust the certificate does not send its password.
	q := remoteHome(t, sv.url)
	if _, errOut, code := q.run(adminPassword+"\n", "login", "--email", "gestion@cap-metiers.fr", "--password-stdin"); code != 1 || !strings.Contains(errOut, "not trusted") {
		t.Errorf("login to an untrusted certificate: exit %d, want 1 saying so\n%s", code, errOut)
	}
	// Plain http is refused by the client for anything but this machine.
	if _, errOut, code := q.run("", "--server", "http://profil.example.org", "whoami"); code != 2 || !strings.Contains(errOut, "https") {
		t.Errorf("plain http to another host: exit %d, want 2\n%s", code, errOut)
	}
	// Off loopback with the certificate: accepted (and refused without, see above).
	sv2 := h.serve(t, "--tls-cert", cert, "--tls-key", key, "--listen", "0.0.0.0:0")
	if code := sv2.stop(syscall.SIGINT); code != 0 {
		t.Errorf("serve on 0.0.0.0 with TLS, after SIGINT: exit %d\n%s", code, sv2.logs.String())
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns their paths.
func selfSigned(t *testing.T) (cert, key string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "profil test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// TestInterruptedApprovalThroughServer: Ctrl-C on a client stops the bulk decision on the
// server between two batches; the client says what it was told was decided, as locally. A
// batch the server committed while the interruption travelled may be decided on top of it
// (the README says so): never more than one.
func TestInterruptedApprovalThroughServer(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "p.db")
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
	sv := h.serve(t)
	token := strings.TrimSpace(h.must("", "token", "create", "--name", "approvals", "-q"))
	p := remoteHome(t, sv.url)
	p.env = append(p.env, "PROFIL_TOKEN="+token)
	db, err := sql.Open("sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	approved := func() int { return count(t, db, `SELECT COUNT(*) FROM requests WHERE status = 'approved'`) }

	c := p.start(t, in.String(), "request", "approve", "-", "-o", "json")
	c.waitFor(t, "a first batch approved", func() bool { return approved() > 0 })
	if code := c.stop(t, syscall.SIGINT); code != 130 {
		t.Fatalf("exit %d, want 130\n%s", code, c.errOut.String())
	}
	m := decidedMessage.FindStringSubmatch(c.errOut.String())
	if m == nil {
		t.Fatalf("stderr does not say what was decided:\n%.2000s", c.errOut.String())
	}
	n, _ := strconv.Atoi(m[1])
	// The server's call ends (its access-log record) before the database is counted.
	for deadline := time.Now().Add(time.Minute); !strings.Contains(sv.logs.String(), `"route":"/api/v1/decide-many"`); {
		if time.Now().After(deadline) {
			t.Fatalf("the server's call did not end:\n%s", sv.logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	now := approved()
	if n%500 != 0 || now == total || (now != n && now != n+500) {
		t.Errorf("client says %d decided, the database holds %d of %d: want whole batches, the client's count or one batch more, and some left", n, now, total)
	}
	t.Logf("the client heard of %d decisions; the database holds %d of %d", n, now, total)
}
