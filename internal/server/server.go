// Package server is the HTTP API of `profil serve`: the use cases of service.API, one route
// per method (api_gen.go, written by cmd/genapi from internal/service/api.go), behind
// authentication by bearer token, limits and an access log.
//
// Wire format: POST /api/v1/<method-in-kebab-case> with a JSON object of the method's named
// parameters; the answer is a JSON object of its named results. An upload (an io.Reader
// parameter) is the request body itself, the other parameters then travel as a JSON object in
// the Profil-Params header. A method that streams its results (a func(T) last parameter)
// answers with NDJSON: one {"item":…} line per item, flushed as they come, then one
// {"result":{…}} or {"error":{…}} line. An error is {"error":{"kind":…,"message":…}} with
// the HTTP status of its kind.
package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/service"
)

// Backend is what the server needs of the service: who a token is, the use cases bound to
// that actor, and whether the database answers.
type Backend interface {
	Authenticate(ctx context.Context, token string) (domain.Actor, error)
	As(actor domain.Actor) service.API
}

// Options are the limits of a server; zero values take the defaults.
type Options struct {
	// Logger receives one access-log record per request (and the internal errors).
	Logger *slog.Logger
	// Health answers whether the database answers, for GET /healthz.
	Health func(context.Context) error
	// MaxBody caps a JSON request body (default 1 MiB).
	MaxBody int64
	// MaxUpload caps an uploaded import file (default 1 GiB).
	MaxUpload int64
	// MaxConcurrent caps the requests served at once; more are answered 503 (default 64).
	MaxConcurrent int
	// SignInBurst sign-in attempts are allowed at once from one client address, then one
	// every SignInEvery (defaults 10 and 6 s: 10 a minute).
	SignInBurst int
	SignInEvery time.Duration
	// WriteTimeout bounds writing an answer, from its first byte; a streamed answer gets it
	// anew at each flush (default 2 min). ReadTimeout bounds reading a request's body; an
	// upload gets it anew as it flows (default 1 min). Neither bounds the call itself.
	WriteTimeout time.Duration
	ReadTimeout  time.Duration
	// Now is the clock of the rate limit (default time.Now).
	Now func() time.Time
}

func (o *Options) defaults() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxBody <= 0 {
		o.MaxBody = 1 << 20
	}
	if o.MaxUpload <= 0 {
		o.MaxUpload = 1 << 30
	}
	if o.MaxConcurrent <= 0 {
		o.MaxConcurrent = 64
	}
	if o.SignInBurst <= 0 {
		o.SignInBurst = 10
	}
	if o.SignInEvery <= 0 {
		o.SignInEvery = 6 * time.Second
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 2 * time.Minute
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Server serves the API over a Backend.
type Server struct {
	backend Backend
	opts    Options
	slots   chan struct{}
	docs    chan struct{} // calls carrying documents, at most documentCalls at once
	signIns *rateLimit
	mux     *http.ServeMux
}

// methods a person signed in with a temporary password may still call: the rest answer that
// the password must be changed first.
var temporaryPasswordMethods = map[string]bool{"ChangePassword": true, "Whoami": true, "Me": true, "Logout": true}

// signInMethods are rate-limited per client address.
var signInMethods = map[string]bool{"Login": true, "ForgotPassword": true, "SecretQuestionOf": true, "ConfirmEmail": true, "Activate": true, "RegisterTrainee": true}

// New returns the HTTP handler of the API.
func New(backend Backend, opts Options) *Server {
	opts.defaults()
	s := &Server{
		backend: backend,
		opts:    opts,
		slots:   make(chan struct{}, opts.MaxConcurrent),
		docs:    make(chan struct{}, documentCalls),
		signIns: newRateLimit(opts.SignInBurst, opts.SignInEvery, opts.Now),
		mux:     http.NewServeMux(),
	}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /api/v1/whoami", s.whoami)
	s.mux.HandleFunc("POST /api/v1/{method}", s.api)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusNotFound, "not_found", i18n.In(langOf(r), "server.no_route", r.Method, r.URL.Path))
	})
	return s
}

// ServeHTTP logs the request, caps how many run at once and routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	info := &requestInfo{route: routeOf(r)}
	r = r.WithContext(context.WithValue(r.Context(), infoKey{}, info))
	defer func() {
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("route", info.route),
			slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)),
			slog.String("remote", clientAddr(r)),
		}
		if info.actor.UserID != 0 {
			attrs = append(attrs, slog.Int64("actor_id", info.actor.UserID), slog.String("actor", info.actor.Email))
			if info.actor.TokenID != 0 {
				attrs = append(attrs, slog.Int64("token_id", info.actor.TokenID))
			}
		}
		if info.kind != "" {
			attrs = append(attrs, slog.String("error", info.kind))
		}
		s.opts.Logger.LogAttrs(context.Background(), slog.LevelInfo, "request", attrs...)
	}()
	// The parameters of a call are read before it takes one of the slots: a client that sends
	// them slowly holds a connection, not a slot (an upload's body is the call's own work).
	if rt, ok := routes[strings.TrimPrefix(r.URL.Path, "/api/v1/")]; ok && r.Method == http.MethodPost && !rt.upload {
		if carriesDocuments()[rt.method] {
			// Its body may hold documents of 10 MB, and anyone may call it: only a few are
			// read at once, whatever the number of connections.
			select {
			case s.docs <- struct{}{}:
				defer func() { <-s.docs }()
			default:
				info.kind = "unavailable"
				writeError(rec, r, http.StatusServiceUnavailable, "unavailable", i18n.In(langOf(r), "server.busy"))
				return
			}
		}
		_ = http.NewResponseController(rec).SetReadDeadline(time.Now().Add(s.opts.ReadTimeout))
		body, err := io.ReadAll(io.LimitReader(r.Body, s.maxBody(rt)+1))
		if err != nil {
			info.kind = "invalid"
			writeError(rec, r, http.StatusBadRequest, "invalid", i18n.In(langOf(r), "server.bad_params", err))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	default:
		info.kind = "unavailable"
		writeError(rec, r, http.StatusServiceUnavailable, "unavailable", i18n.In(langOf(r), "server.busy"))
		return
	}
	_ = http.NewResponseController(rec).SetReadDeadline(time.Now().Add(s.opts.ReadTimeout))
	s.mux.ServeHTTP(rec, r)
}

// routeOf is the route for the log: the path without its query string, which may hold
// anything; unknown paths are not echoed.
func routeOf(r *http.Request) string {
	p := r.URL.Path
	if p == "/healthz" || strings.HasPrefix(p, "/api/v1/") && len(p) < 64 {
		return p
	}
	return "other"
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if s.opts.Health != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if err := s.opts.Health(ctx); err != nil {
			s.opts.Logger.Error("health check", slog.String("error", err.Error()))
			writeError(w, r, http.StatusServiceUnavailable, "unavailable", i18n.In(langOf(r), "server.db_down"))
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"}, 30*time.Second)
}

// whoami answers who the token is; without a valid token, 401.
func (s *Server) whoami(w http.ResponseWriter, r *http.Request) {
	actor, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	if actor.UserID == 0 {
		writeError(w, r, http.StatusUnauthorized, "unauthenticated", i18n.In(langOf(r), "server.no_token"))
		return
	}
	c := &call{w: w, r: r, s: s}
	_ = c.reply(struct {
		Actor domain.Actor `json:"actor"`
	}{actor})
}

// authenticate reads the bearer token: none is the anonymous actor; a token that does not
// authenticate answers 401 with the reason (unknown, revoked, expired, account disabled).
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (domain.Actor, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return domain.Anonymous, true
	}
	scheme, token, _ := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		writeError(w, r, http.StatusUnauthorized, "unauthenticated", i18n.In(langOf(r), "server.bad_authorization"))
		return domain.Anonymous, false
	}
	actor, err := s.backend.Authenticate(r.Context(), token)
	if err != nil {
		if errors.Is(err, domain.ErrForbidden) {
			// The reason the local command gives, as a 401.
			s.info(r).kind = "unauthenticated"
			writeError(w, r, http.StatusUnauthorized, "unauthenticated", message(err, langOf(r)))
			return domain.Anonymous, false
		}
		s.fail(w, r, err)
		return domain.Anonymous, false
	}
	s.info(r).actor = actor
	return actor, true
}

func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	rt, ok := routes[r.PathValue("method")]
	if !ok {
		writeError(w, r, http.StatusNotFound, "not_found", i18n.In(langOf(r), "server.no_route", r.Method, r.URL.Path))
		return
	}
	if signInMethods[rt.method] && !s.signIns.allow(rateKey(clientAddr(r))) {
		s.info(r).kind = "rate_limited"
		w.Header().Set("Retry-After", "60")
		writeError(w, r, http.StatusTooManyRequests, "unavailable", i18n.In(langOf(r), "server.sign_in_rate"))
		return
	}
	actor, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	if actor.MustChangePassword && !temporaryPasswordMethods[rt.method] {
		s.fail(w, r, domain.Errorf(domain.ErrForbidden, "auth.temporary_password"))
		return
	}
	c := &call{w: w, r: r, s: s, rt: rt}
	defer c.stop()
	if err := rt.call(r.Context(), s.backend.As(actor), c); err != nil {
		c.fail(err)
	}
}

// route is one method of the API.
type route struct {
	method string
	call   func(context.Context, service.API, *call) error
	upload bool
	stream bool
}

// documentCalls is how many calls carrying documents are read and served at once: each may
// hold some 28 MB of body, and as much again decoded.
const documentCalls = 2

// documentsBody is what the documents a call may carry add to its body: at most two (a proof
// and a mandate) of domain.MaxDocumentSize each, in base64, as JSON carries bytes.
const documentsBody = 2 * (domain.MaxDocumentSize + 2) / 3 * 4

// carriesDocuments are the methods whose parameters hold a domain.Document, found in their
// types the first time a call is read (not at start-up): their bodies may be larger by
// documentsBody.
var carriesDocuments = sync.OnceValue(func() map[string]bool {
	api := reflect.TypeFor[service.API]()
	doc := reflect.TypeFor[domain.Document]()
	var holds func(t reflect.Type, seen map[reflect.Type]bool) bool
	holds = func(t reflect.Type, seen map[reflect.Type]bool) bool {
		if t == doc {
			return true
		}
		if seen[t] {
			return false
		}
		seen[t] = true
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			return holds(t.Elem(), seen)
		case reflect.Struct:
			for i := range t.NumField() {
				if f := t.Field(i); f.IsExported() && f.Tag.Get("json") != "-" && holds(f.Type, seen) {
					return true
				}
			}
		}
		return false
	}
	out := map[string]bool{}
	for i := range api.NumMethod() {
		m := api.Method(i)
		for j := range m.Type.NumIn() {
			if holds(m.Type.In(j), map[reflect.Type]bool{}) {
				out[m.Name] = true
			}
		}
	}
	return out
})

// maxBody is the largest JSON body the route rt takes.
func (s *Server) maxBody(rt route) int64 {
	if carriesDocuments()[rt.method] {
		return s.opts.MaxBody + documentsBody
	}
	return s.opts.MaxBody
}

type infoKey struct{}

// requestInfo is what the access log says of a request beyond its method and status.
type requestInfo struct {
	route string
	actor domain.Actor
	kind  string // the error kind answered, if any
}

func (s *Server) info(r *http.Request) *requestInfo {
	if i, ok := r.Context().Value(infoKey{}).(*requestInfo); ok {
		return i
	}
	return &requestInfo{}
}

// recorder keeps the status for the access log; Unwrap lets ResponseController flush and set
// deadlines on the connection.
type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// clientAddr is the address of the client: the TCP peer (a reverse proxy's address when there
// is one: X-Forwarded-For is not trusted).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// rateKey is who the per-address limit counts attempts of: the address itself, or for IPv6
// its /64 network, which one client commonly holds whole (it could rotate addresses in it).
func rateKey(addr string) string {
	ip := net.ParseIP(addr)
	if ip == nil || ip.To4() != nil {
		return addr
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// langOf is the language the client asks for in Accept-Language (its own locale).
func langOf(r *http.Request) i18n.Lang {
	al := r.Header.Get("Accept-Language")
	first, _, _ := strings.Cut(al, ",")
	first, _, _ = strings.Cut(first, ";")
	return i18n.ParseLocale(strings.TrimSpace(first))
}

// rateLimit is a token bucket per client address.
type rateLimit struct {
	mu      sync.Mutex
	burst   int
	every   time.Duration
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimit(burst int, every time.Duration, now func() time.Time) *rateLimit {
	return &rateLimit{burst: burst, every: every, now: now, buckets: map[string]*bucket{}}
}

func (l *rateLimit) allow(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[addr]
	if !ok {
		if len(l.buckets) > 100_000 {
			l.sweep(now)
		}
		b = &bucket{tokens: float64(l.burst), last: now}
		l.buckets[addr] = b
	}
	b.tokens += float64(now.Sub(b.last)) / float64(l.every)
	if b.tokens > float64(l.burst) {
		b.tokens = float64(l.burst)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// sweep forgets the addresses whose bucket is full again.
func (l *rateLimit) sweep(now time.Time) {
	for addr, b := range l.buckets {
		if b.tokens+float64(now.Sub(b.last))/float64(l.every) >= float64(l.burst) {
			delete(l.buckets, addr)
		}
	}
}
