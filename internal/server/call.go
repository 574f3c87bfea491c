package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/service"
)

// ParamsHeader carries the parameters of an upload, whose body is the file.
const ParamsHeader = "Profil-Params"

// ItemsHeader set to "none" says the client passed no callback to a streaming method: the
// method then gets none, and the answer holds no items.
const ItemsHeader = "Profil-Items"

// NDJSON is the media type of a streamed answer.
const NDJSON = "application/x-ndjson"

// flushEvery is how long a streamed item may wait in the buffer before it is sent.
const flushEvery = 100 * time.Millisecond

// call is one request to a method: its parameters in, its results or items out.
type call struct {
	w  http.ResponseWriter
	r  *http.Request
	s  *Server
	rt route

	mu        sync.Mutex
	streaming bool // the NDJSON answer has begun
	pending   bool // items written and not yet flushed
	broken    error
	done      chan struct{}
	finished  bool // the handler returned: the response must not be touched
	upload    *uploadReader
	buf       *bufio.Writer // a stream's items, in large writes
	flushed   time.Time     // when buf was last sent
}

// decode reads the parameters: the JSON body, or the Profil-Params header of an upload.
func (c *call) decode(v any) error {
	var src io.Reader
	if c.rt.upload {
		src = bytes.NewReader([]byte(c.r.Header.Get(ParamsHeader)))
	} else {
		src = http.MaxBytesReader(c.w, c.r.Body, c.s.maxBody(c.rt))
	}
	dec := json.NewDecoder(src)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if !c.rt.upload {
		// The body is read: the call may take as long as it needs.
		_ = http.NewResponseController(c.w).SetReadDeadline(time.Time{})
	}
	if errors.Is(err, io.EOF) {
		return nil // no parameters: their zero values
	}
	if err == nil && dec.More() {
		err = errors.New("one JSON object only")
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &wireError{status: http.StatusRequestEntityTooLarge, kind: "invalid", msg: i18n.In(langOf(c.r), "server.body_too_large", tooBig.Limit)}
		}
		return &wireError{status: http.StatusBadRequest, kind: "invalid", msg: i18n.In(langOf(c.r), "server.bad_params", err)}
	}
	return nil
}

// body is the uploaded file, capped, each read extending the read deadline.
func (c *call) body() io.Reader {
	// Events are written while the file is still read (HTTP/1.1 needs to be told).
	_ = http.NewResponseController(c.w).EnableFullDuplex()
	c.upload = &uploadReader{
		r:  http.MaxBytesReader(c.w, c.r.Body, c.s.opts.MaxUpload),
		rc: http.NewResponseController(c.w),
		d:  c.s.opts.ReadTimeout,
	}
	return c.upload
}

type uploadReader struct {
	r       io.Reader
	rc      *http.ResponseController
	d       time.Duration
	tooBig  *http.MaxBytesError
	lastSet time.Time
}

func (u *uploadReader) Read(p []byte) (int, error) {
	if now := time.Now(); now.Sub(u.lastSet) > time.Second {
		_ = u.rc.SetReadDeadline(now.Add(u.d))
		u.lastSet = now
	}
	n, err := u.r.Read(p)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		u.tooBig = tooBig
	}
	if err != nil {
		_ = u.rc.SetReadDeadline(time.Time{}) // read to the end: the call goes on
	}
	return n, err
}

// wantsItems tells whether the client passed a callback.
func (c *call) wantsItems() bool { return c.r.Header.Get(ItemsHeader) != "none" }

// item writes one streamed item, beginning the NDJSON answer with the first.
func (c *call) item(v any) error {
	b, err := json.Marshal(struct {
		Item any `json:"item"`
	}{c.inLanguage(v)})
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken != nil {
		return c.broken
	}
	if !c.streaming {
		c.begin()
	}
	if _, err := c.buf.Write(append(b, '\n')); err != nil {
		c.broken = err
		return err
	}
	c.pending = true
	if time.Since(c.flushed) >= flushEvery {
		// Items that come one at a time (the batches of a bulk decision) go at once; a
		// flow of rows waits for the flusher, and goes in large writes.
		return c.flush()
	}
	return nil
}

// flush sends what waits in the buffer and extends the write deadline. Called with mu held.
func (c *call) flush() error {
	_ = http.NewResponseController(c.w).SetWriteDeadline(time.Now().Add(c.s.opts.WriteTimeout))
	c.pending, c.flushed = false, time.Now()
	if err := c.buf.Flush(); err != nil {
		c.broken = err
		return err
	}
	if err := http.NewResponseController(c.w).Flush(); err != nil {
		c.broken = err
		return err
	}
	return nil
}

// begin sends the header of a streamed answer and starts the flusher, which sends what waits
// in the buffer at least every flushEvery and extends the write deadline. Called with mu held.
func (c *call) begin() {
	c.streaming = true
	h := c.w.Header()
	h.Set("Content-Type", NDJSON)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_ = http.NewResponseController(c.w).SetWriteDeadline(time.Now().Add(c.s.opts.WriteTimeout))
	c.w.WriteHeader(http.StatusOK)
	c.buf = bufio.NewWriterSize(c.w, 64<<10)
	c.done = make(chan struct{})
	go func() {
		t := time.NewTicker(flushEvery)
		defer t.Stop()
		for {
			select {
			case <-c.done:
				return
			case <-t.C:
			}
			c.mu.Lock()
			if c.pending && c.broken == nil && !c.finished {
				_ = c.flush()
			}
			c.mu.Unlock()
		}
	}()
}

// stop ends the flusher.
func (c *call) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.finished = true
	if c.done != nil {
		close(c.done)
		c.done = nil
	}
}

// reply writes the results: the answer's JSON object, or the last line of a stream.
func (c *call) reply(v any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.streaming {
		return c.line(struct {
			Result any `json:"result"`
		}{v})
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	writeJSON(c.w, http.StatusOK, json.RawMessage(b), c.s.opts.WriteTimeout)
	return nil
}

// line writes the last line of a stream and flushes it. Called with mu held.
func (c *call) line(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_ = http.NewResponseController(c.w).SetWriteDeadline(time.Now().Add(c.s.opts.WriteTimeout))
	if _, err := c.buf.Write(append(b, '\n')); err != nil {
		return err
	}
	if err := c.buf.Flush(); err != nil {
		return err
	}
	return http.NewResponseController(c.w).Flush()
}

// fail answers the error of the method: its status, or the last line of a stream.
func (c *call) fail(err error) {
	if c.upload != nil && c.upload.tooBig != nil {
		err = &wireError{status: http.StatusRequestEntityTooLarge, kind: "invalid", msg: i18n.In(langOf(c.r), "server.upload_too_large", c.upload.tooBig.Limit)}
	}
	status, body := c.s.errorBody(c.r, err)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.streaming {
		if c.broken == nil {
			_ = c.line(body)
		}
		return
	}
	writeJSON(c.w, status, body, c.s.opts.WriteTimeout)
}

// fail answers an error outside a method's call.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, body := s.errorBody(r, err)
	writeJSON(w, status, body, s.opts.WriteTimeout)
}

// errorBody maps err to its status and wire form, logging what is not the client's doing.
func (s *Server) errorBody(r *http.Request, err error) (int, errorBody) {
	lang := langOf(r)
	var we *wireError
	var status int
	var kind, msg string
	switch {
	case errors.As(err, &we):
		status, kind, msg = we.status, we.kind, we.msg
	default:
		status, kind = Kind(err)
		if kind == "internal" {
			// A driver's or the system's words are for the log, never for the client.
			s.opts.Logger.LogAttrs(r.Context(), slog.LevelError, "internal error",
				slog.String("route", s.info(r).route), slog.String("error", err.Error()))
			msg = i18n.In(lang, "server.internal")
		} else if driver := driverError(err); driver != nil {
			// A constraint or a privilege the database enforced: what it means, not its words.
			s.opts.Logger.LogAttrs(r.Context(), slog.LevelWarn, "database refusal",
				slog.String("route", s.info(r).route), slog.String("error", driver.Error()))
			msg = i18n.In(lang, "server.database_refused_conflict")
			if kind == domain.KindForbidden {
				msg = i18n.In(lang, "server.database_refused_forbidden")
			}
		} else {
			msg = message(err, lang)
		}
	}
	s.info(r).kind = kind
	return status, errorBody{Error: ErrorInfo{Kind: kind, Message: msg}}
}

// Kind is the wire kind and HTTP status of an error: what the exit codes mean.
func Kind(err error) (status int, kind string) {
	kind = domain.KindOf(err)
	return statusOf[kind], kind
}

var statusOf = map[string]int{
	domain.KindNotFound:        http.StatusNotFound,
	domain.KindForbidden:       http.StatusForbidden,
	domain.KindUnauthenticated: http.StatusUnauthorized,
	domain.KindConflict:        http.StatusConflict,
	domain.KindInvalid:         http.StatusUnprocessableEntity,
	domain.KindUnavailable:     http.StatusServiceUnavailable,
	domain.KindInternal:        http.StatusInternalServerError,
}

// message is the error's message for people, in the client's language lang.
func message(err error, lang i18n.Lang) string {
	return i18n.RenderError(lang, err)
}

// ErrorInfo is the error of an answer.
type ErrorInfo struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

type errorBody struct {
	Error ErrorInfo `json:"error"`
}

// wireError is an error of the server itself (a bad request), with its status.
type wireError struct {
	status int
	kind   string
	msg    string
}

func (e *wireError) Error() string { return e.msg }

func writeError(w http.ResponseWriter, r *http.Request, status int, kind, msg string) {
	if i, ok := r.Context().Value(infoKey{}).(*requestInfo); ok {
		i.kind = kind
	}
	writeJSON(w, status, errorBody{Error: ErrorInfo{Kind: kind, Message: msg}}, 30*time.Second)
}

func writeJSON(w http.ResponseWriter, status int, v any, timeout time.Duration) {
	b, _ := json.Marshal(v)
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(timeout))
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// driverError is the database driver's error err carries, when the store said it as a kind
// (a unique constraint: a conflict; a missing privilege: not allowed) without words of its own.
func driverError(err error) error {
	var d interface{ DriverError() error }
	if errors.As(err, &d) {
		return d.DriverError()
	}
	return nil
}

// inLanguage puts the errors an item carries (the refusals of a bulk decision's batch) in the
// client's words, as the error of a call is.
func (c *call) inLanguage(v any) any {
	batch, ok := v.([]service.Decision)
	if !ok {
		return v
	}
	lang := langOf(c.r)
	out := make([]service.Decision, len(batch))
	for i, d := range batch {
		out[i] = d
		if d.Err != nil {
			out[i].Err = &domain.KindError{Kind: domain.KindOf(d.Err), Message: message(d.Err, lang)}
		}
	}
	return out
}
