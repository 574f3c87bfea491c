package server_test

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/client"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/server"
	"github.com/profil-cli/profil/internal/testdb"
)

// No answer of the server carries a password's or a token's hash, whoever asks.
func TestAnswersHoldNoHash(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t), server.Options{})
	post := func(method, token, body string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, w.base+"/api/v1/"+method, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		status, answer := w.do(req)
		if status != http.StatusOK {
			t.Fatalf("%s: %d %s", method, status, answer)
		}
		return answer
	}
	session := w.session()
	if _, _, err := w.svc.CreateAPIToken(w.ctx, w.admin, "export", time.Hour, "read"); err != nil {
		t.Fatal(err)
	}
	answers := map[string]string{
		"login":           post("login", "", `{"email":"`+adminEmail+`","password":"`+adminPassword+`"}`),
		"me":              post("me", session, `{}`),
		"user":            post("user", session, `{"email":"`+adminEmail+`"}`),
		"list-members-of": post("list-members-of", session, `{}`),
		"list-tokens":     post("list-tokens", session, `{}`),
	}
	for method, answer := range answers {
		if strings.Contains(answer, "argon2id") || strings.Contains(answer, "Hash") {
			t.Errorf("%s answers a hash: %s", method, answer)
		}
	}
	if !strings.Contains(answers["me"], adminEmail) {
		t.Errorf("me answers %s", answers["me"])
	}
}

// The client never follows a redirect: it would send a password or a token to an address the
// person did not name.
func TestClientFollowsNoRedirect(t *testing.T) {
	var reached atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	defer elsewhere.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	c, err := client.New(redirect.URL, "prf_s_secret", client.Options{Lang: i18n.English})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Login(t.Context(), "a@b.fr", "a password"); err == nil {
		t.Error("a redirected sign-in succeeded")
	}
	if _, err := c.Me(t.Context()); err == nil {
		t.Error("a redirected call succeeded")
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the redirect was followed %d times", n)
	}
}

// A client that sends the parameters of a call slowly holds a connection, not one of the
// server's slots: the others are served meanwhile.
func TestSlowParametersTakeNoSlot(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t), server.Options{MaxConcurrent: 1})
	token := w.session()
	conn, err := net.Dial("tcp", strings.TrimPrefix(w.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := fmt.Fprintf(conn, "POST /api/v1/me HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := w.client(token).Me(w.ctx); err != nil {
			t.Fatalf("while a client sends its parameters slowly: %v", err)
		}
	}
}
