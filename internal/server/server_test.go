package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/client"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/server"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

const (
	adminEmail    = "gestion@cap-metiers.fr"
	adminPassword = "un mot de passe solide"
)

// world is a database with a gestionnaire, a clock the test moves, and a real server on a
// random port of 127.0.0.1.
type world struct {
	t     *testing.T
	ctx   context.Context
	db    *sqlstore.DB
	svc   *service.Service
	admin domain.Actor
	base  string
	logs  *syncBuffer
	stop  func() error // shuts the server down and returns what Run returned

	mu  sync.Mutex
	now time.Time
}

func (w *world) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *world) advance(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(d)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newWorld(t *testing.T, dsn string, opts server.Options) *world {
	t.Helper()
	w := &world{t: t, ctx: context.Background(), now: time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC), logs: &syncBuffer{}}
	db, err := sqlstore.Open(w.ctx, dsn, sqlstore.Options{Now: w.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(w.ctx); err != nil {
		t.Fatal(err)
	}
	w.db, w.svc = db, service.New(db)
	u, err := w.svc.Bootstrap(w.ctx, service.BootstrapInput{Email: adminEmail, FirstName: "Camille", LastName: "Gestion", Password: adminPassword})
	if err != nil {
		t.Fatal(err)
	}
	w.admin = domain.Actor{UserID: u.ID, Email: u.Email, Manager: true}
	opts.Logger = slog.New(slog.NewJSONHandler(w.logs, nil))
	if opts.Health == nil {
		opts.Health = db.SQL().PingContext
	}
	w.start(opts)
	return w
}

func (w *world) start(opts server.Options) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		w.t.Fatal(err)
	}
	w.base = "http://" + ln.Addr().String()
	srv := server.New(w.svc, opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, server.Listen{Listener: ln, ShutdownTimeout: 10 * time.Second}) }()
	var once sync.Once
	var runErr error
	w.stop = func() error {
		once.Do(func() {
			cancel()
			runErr = <-done
		})
		return runErr
	}
	w.t.Cleanup(func() { _ = w.stop() })
}

// client is a client of the server acting with token ("" for anonymous).
func (w *world) client(token string) *client.Client {
	w.t.Helper()
	c, err := client.New(w.base, token, client.Options{Lang: i18n.English})
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// session signs the gestionnaire in through the server and returns the session's token.
func (w *world) session() string {
	w.t.Helper()
	token, _, err := w.client("").Login(w.ctx, adminEmail, adminPassword)
	if err != nil {
		w.t.Fatal(err)
	}
	return token
}

func (w *world) get(path, token string) (int, string) {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, w.base+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return w.do(req)
}

func (w *world) do(req *http.Request) (int, string) {
	w.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHealthz(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn, server.Options{})
		if code, body := w.get("/healthz", ""); code != http.StatusOK {
			t.Fatalf("GET /healthz = %d %s, want 200", code, body)
		}
		w.db.Close() // the database stops answering
		if code, body := w.get("/healthz", ""); code != http.StatusServiceUnavailable || !strings.Contains(body, `"unavailable"`) {
			t.Fatalf("GET /healthz with the database closed = %d %s, want 503 unavailable", code, body)
		}
	})
}

func TestWhoamiNeedsAValidToken(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t), server.Options{})
	for name, token := range map[string]string{"no token": "", "wrong token": "pfl_not-a-token"} {
		code, body := w.get("/api/v1/whoami", token)
		if code != http.StatusUnauthorized || !strings.Contains(body, `"kind":"unauthenticated"`) {
			t.Errorf("%s: GET /api/v1/whoami = %d %s, want 401 unauthenticated", name, code, body)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, w.base+"/api/v1/whoami", nil)
	req.Header.Set("Authorization", "Basic Zm9vOmJhcg==")
	if code, _ := w.do(req); code != http.StatusUnauthorized {
		t.Errorf("Basic authorization: %d, want 401", code)
	}
	token := w.session()
	code, body := w.get("/api/v1/whoami", token)
	if code != http.StatusOK || !strings.Contains(body, adminEmail) {
		t.Fatalf("GET /api/v1/whoami with a session = %d %s", code, body)
	}
	actor, err := w.client(token).Whoami(w.ctx)
	if err != nil || actor.Email != adminEmail || !actor.Manager {
		t.Fatalf("Whoami through the client = %+v, %v", actor, err)
	}
}

// TestTokensRefusedAsLocally: a wrong, revoked or expired token and an expired session are
// refused through the server with the sentinel and the words of a local run.
func TestTokensRefusedAsLocally(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn, server.Options{})
		local := w.svc.As(w.admin)
		revoked, tok, err := local.CreateAPIToken(w.ctx, "cron", 0, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := local.RevokeAPIToken(w.ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		expiring, _, err := local.CreateAPIToken(w.ctx, "short", time.Hour, "")
		if err != nil {
			t.Fatal(err)
		}
		session := w.session()
		w.advance(31 * 24 * time.Hour) // past the API token's expiry and the session's
		for name, token := range map[string]string{"wrong": "pfl_nothing", "revoked": revoked, "expired token": expiring, "expired session": session} {
			_, localErr := w.svc.Authenticate(w.ctx, token)
			if localErr == nil {
				t.Fatalf("%s: authenticates locally", name)
			}
			_, remoteErr := w.client(token).Me(w.ctx)
			if !errors.Is(remoteErr, domain.ErrForbidden) || remoteErr.Error() != localErr.Error() {
				t.Errorf("%s: through the server %v, locally %v", name, remoteErr, localErr)
			}
		}
	})
}

// TestErrorKinds: each sentinel crosses the wire and comes back as itself.
func TestErrorKinds(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t), server.Options{})
	admin := w.client(w.session())
	anon := w.client("")
	ref := domain.StructureRef{ID: 999}
	_, err := admin.Structure(w.ctx, ref)
	wantKind(t, "unknown structure", err, domain.ErrNotFound, http.StatusNotFound)
	_, err = anon.ListTokens(w.ctx)
	wantKind(t, "anonymous lists tokens", err, domain.ErrForbidden, 0)
	_, err = admin.CreateStructure(w.ctx, domain.StructureInput{Name: ptr("x"), SIRET: ptr("123")})
	wantKind(t, "bad SIRET", err, domain.ErrInvalid, 0)
	_, _, err = admin.CreateAPIToken(w.ctx, "a", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = admin.CreateAPIToken(w.ctx, "a", 0, "")
	wantKind(t, "same token name twice", err, domain.ErrConflict, 0)
}

func wantKind(t *testing.T, what string, err, sentinel error, _ int) {
	t.Helper()
	var ce *client.Error
	if !errors.Is(err, sentinel) || !errors.As(err, &ce) || ce.Message == "" {
		t.Errorf("%s: got %#v, want %v from the server", what, err, sentinel)
	}
}

// A request to reference a structure carries its documents, each up to the 10 MB people may
// join, in the JSON body: that route takes them whole, the others keep the cap.
func TestDocumentsFitTheBody(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t), server.Options{})
	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0xE2, 0x80, 0x99, 0x0A}, (domain.MaxDocumentSize-16)/4)...)
	proof, err := domain.NewDocument("proof", domain.DocumentProof, "kbis.pdf", pdf)
	if err != nil {
		t.Fatal(err)
	}
	r, err := w.client("").RequestEntity(w.ctx, service.EntityRequestInput{
		Structure: domain.StructureInput{Name: str("GRETA Sud Aquitaine"), SIRET: str(domain.MakeSIRET("19640001", "0026")),
			Address: str("2 rue Lormand"), PostalCode: str("64100"), City: str("Bayonne")},
		RequesterEmail: "direction@greta.example", Proof: &proof, NamedOnProof: true,
	})
	if err != nil {
		t.Fatalf("a request with a proof of %d bytes: %v", len(pdf), err)
	}
	got, err := w.svc.RequestDocument(w.ctx, w.admin, r.ID, "proof")
	if err != nil || !bytes.Equal(got.Content, pdf) {
		t.Fatalf("the proof stored: %d bytes (%v), want the %d sent", len(got.Content), err, len(pdf))
	}
	big := `{"q":{"Text":"` + strings.Repeat("a", 2<<20) + `"}}`
	req, _ := http.NewRequest(http.MethodPost, w.base+"/api/v1/search-structures", strings.NewReader(big))
	req.Header.Set("Authorization", "Bearer "+w.session())
	if code, body := w.do(req); code != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB to search: %d %.200s, want 413", code, body)
	}
}

// Anyone may ask to reference a structure, with documents of 10 MB: only a few such calls are
// read at once, so that slow or many connections cannot make the server hold their bodies.
func TestDocumentCallsAreFew(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t), server.Options{})
	addr := strings.TrimPrefix(w.base, "http://")
	var slow []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST /api/v1/request-entity HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
		slow = append(slow, c)
	}
	busy := func() (int, string) {
		req, _ := http.NewRequest(http.MethodPost, w.base+"/api/v1/request-entity", strings.NewReader(`{}`))
		return w.do(req)
	}
	deadline := time.Now().Add(10 * time.Second)
	code, body := busy()
	for code != http.StatusServiceUnavailable && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond) // the two slow calls may not have reached the server yet
		code, body = busy()
	}
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `"kind":"unavailable"`) {
		t.Fatalf("a third call with documents while two are read: %d %s, want 503", code, body)
	}
	// Other calls are served meanwhile.
	if _, err := w.client("").SearchStructures(w.ctx, service.StructureQuery{Text: "greta"}); err != nil {
		t.Errorf("a search while two calls with documents are read: %v", err)
	}
	for _, c := range slow {
		c.Close()
	}
	for code == http.StatusServiceUnavailable && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		code, body = busy()
	}
	if code == http.StatusServiceUnavailable {
		t.Errorf("the slow calls gone, a call with documents is still refused: %d %s", code, body)
	}
}

func TestBodyCaps(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t), server.Options{MaxBody: 1 << 10, MaxUpload: 4 << 10})
	token := w.session()
	big := `{"q":{"Text":"` + strings.Repeat("a", 2<<10) + `"}}`
	req, _ := http.NewRequest(http.MethodPost, w.base+"/api/v1/search-structures", strings.NewReader(big))
	req.Header.Set("Authorization", "Bearer "+token)
	if code, body := w.do(req); code != http.StatusRequestEntityTooLarge || !strings.Contains(body, `"kind":"invalid"`) {
		t.Errorf("a JSON body over the cap: %d %s, want 413 invalid", code, body)
	}
	csv := "siret;name\n" + strings.Repeat("18330001100016;Cap Métiers\n", 400)
	_, err := w.client(token).ImportStructures(w.ctx, strings.NewReader(csv), service.ImportOptions{DryRun: true}, nil)
	if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), "4096") {
		t.Errorf("an upload over the cap: %v, want invalid naming the cap", err)
	}
	req, _ = http.NewRequest(http.MethodPost, w.base+"/api/v1/search-structures", strings.NewReader(`{"nope":1}`))
	req.Header.Set("Authorization", "Bearer "+token)
	if code, body := w.do(req); code != http.StatusBadRequest {
		t.Errorf("an unknown parameter: %d %s, want 400", code, body)
	}
}

func TestSignInRateLimit(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t), server.Options{SignInBurst: 3, SignInEvery: time.Hour})
	anon := w.client("")
	for i := range 3 {
		if _, _, err := anon.Login(w.ctx, "nobody@example.org", "wrong"); !errors.Is(err, domain.ErrForbidden) {
			t.Fatalf("attempt %d: %v, want the sign-in refused", i+1, err)
		}
	}
	_, _, err := anon.Login(w.ctx, adminEmail, adminPassword)
	if !errors.Is(err, domain.ErrUnavailable) || !strings.Contains(err.Error(), "too many attempts to sign in") {
		t.Fatalf("fourth attempt: %v, want refused for the rate (busy, exit 7)", err)
	}
	// Other routes are not limited.
	if _, err := anon.Catalogue(w.ctx); err != nil {
		t.Fatal(err)
	}
}

// TestAccessLog: one JSON record per request with method, route, status, duration and actor;
// never a password, a token or a query string.
func TestAccessLog(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t), server.Options{})
	token := w.session()
	secret, _, err := w.client(token).CreateAPIToken(w.ctx, "cron", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.client(secret).Me(w.ctx); err != nil {
		t.Fatal(err)
	}
	w.get("/api/v1/whoami?token="+secret, "")
	_, _, _ = w.client("").Login(w.ctx, adminEmail, "a wrong password typed")
	logs := w.logs.String()
	for _, s := range []string{adminPassword, token, secret, "a wrong password typed", "?token"} {
		if strings.Contains(logs, s) {
			t.Errorf("the access log holds %q:\n%s", s, logs)
		}
	}
	var found bool
	for line := range strings.SplitSeq(strings.TrimSpace(logs), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not JSON: %s", line)
		}
		if rec["route"] == "/api/v1/me" {
			found = true
			for _, k := range []string{"method", "status", "duration", "actor", "actor_id", "token_id"} {
				if _, ok := rec[k]; !ok {
					t.Errorf("record without %s: %s", k, line)
				}
			}
		}
	}
	if !found {
		t.Fatalf("no record of /api/v1/me:\n%s", logs)
	}
}

// blockedUpload starts an import whose body the test holds open, on a server that serves one
// request at a time: it returns once the server answers another request "busy", so the
// import is inside its call until the returned writer is closed.
func blockedUpload(t *testing.T, w *world, token string) (*io.PipeWriter, chan error) {
	t.Helper()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := w.client(token).ImportStructures(w.ctx, pr, service.ImportOptions{DryRun: true}, nil)
		done <- err
	}()
	if _, err := pw.Write([]byte("siret;name\n")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := w.client(token).Catalogue(w.ctx)
		if errors.Is(err, domain.ErrUnavailable) && strings.Contains(err.Error(), "busy") {
			return pw, done
		}
		if err != nil {
			t.Fatalf("while the upload starts: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatal("the upload never reached the server")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestConcurrencyCap: over the cap, requests are answered busy (exit 7); below, served.
func TestConcurrencyCap(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t), server.Options{MaxConcurrent: 1})
	token := w.session()
	pw, done := blockedUpload(t, w, token) // fails unless a second request is answered busy
	pw.Close()
	if err := <-done; err != nil {
		t.Fatalf("the upload: %v", err)
	}
	if _, err := w.client(token).Me(w.ctx); err != nil {
		t.Fatalf("after the upload: %v", err)
	}
}

// TestGracefulShutdown: at shutdown a request in flight finishes, new connections are
// refused, and Run returns nil.
func TestGracefulShutdown(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t), server.Options{MaxConcurrent: 1})
	token := w.session()
	pw, done := blockedUpload(t, w, token)
	stopped := make(chan error, 1)
	go func() { stopped <- w.stop() }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", strings.TrimPrefix(w.base, "http://"), time.Second)
		if err != nil {
			break // no longer accepting
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting connections after shutdown began")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := pw.Write([]byte("18330001100016;Cap Métiers\n")); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if err := <-done; err != nil {
		t.Fatalf("the request in flight: %v", err)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "127.3.4.5:1": true, "[::1]:8080": true, "localhost:80": true,
		":8080": false, "0.0.0.0:8080": false, "[::]:80": false, "192.168.1.2:80": false,
		"profil.example.org:443": false, "nonsense": false,
	} {
		if got := server.IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v", addr, got)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// TestReadTimeoutBoundsTheBodyNotTheCall: the read timeout bounds reading a request, not the
// call: a sign-in (which hashes a password) and the calls after it are answered on a server
// whose read timeout is short.
func TestReadTimeoutBoundsTheBodyNotTheCall(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t), server.Options{ReadTimeout: 250 * time.Millisecond})
	token := w.session()
	if _, err := w.client(token).Me(w.ctx); err != nil {
		t.Fatal(err)
	}
}

func str(s string) *string { return &s }
