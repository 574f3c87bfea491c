// Package client is service.API over HTTP: the client of `profil serve`. Its methods
// (api_gen.go) are written by cmd/genapi from internal/service/api.go; this file does the
// round trip and turns the server's errors back into the domain's, so that a command exits
// with the same code through a server as on a local database.
package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
)

// Client calls one server with one token (none: anonymous).
type Client struct {
	base  string // scheme://host[:port][/prefix], without a trailing slash
	token string
	lang  i18n.Lang
	http  *http.Client
	agent string
	// OnUnauthenticated, when set, rewrites the error of a token the server refused (a stored
	// session that was revoked or expired says how to sign in again).
	OnUnauthenticated func(error) error
}

// Options tune a client.
type Options struct {
	// Lang is the language of the server's messages (default the process's).
	Lang i18n.Lang
	// HTTP is the HTTP client (default one with sane timeouts).
	HTTP *http.Client
	// UserAgent names the program (default "profil").
	UserAgent string
}

// ParseServer checks a server address: an http or https URL without query or credentials;
// plain http only to this machine (a token must not cross a network in clear).
func ParseServer(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", domain.Invalid("server", raw, "server.url_invalid")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", domain.Invalid("server", u.Redacted(), "server.url_invalid")
	}
	if u.Scheme == "http" {
		host := u.Hostname()
		ip := net.ParseIP(host)
		if !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
			return "", domain.Invalid("server", raw, "server.url_plain_http")
		}
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// New returns a client of the server (checked with ParseServer) acting with token.
func New(server, token string, opts Options) (*Client, error) {
	base, err := ParseServer(server)
	if err != nil {
		return nil, err
	}
	if opts.Lang == "" {
		opts.Lang = i18n.Current()
	}
	if opts.HTTP == nil {
		opts.HTTP = &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 10 * time.Minute,
			IdleConnTimeout:       time.Minute,
			MaxIdleConnsPerHost:   4,
			ForceAttemptHTTP2:     true,
		}}
	}
	if opts.HTTP.CheckRedirect == nil {
		// A redirect is never followed: it would send the body (a password) and, to the same
		// host name on another port or scheme, the token somewhere the person did not name.
		h := *opts.HTTP
		h.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		opts.HTTP = &h
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "profil"
	}
	return &Client{base: base, token: strings.TrimSpace(token), lang: opts.Lang, http: opts.HTTP, agent: opts.UserAgent}, nil
}

// HasToken tells whether the client acts with a token (else anonymously).
func (c *Client) HasToken() bool { return c.token != "" }

// Server is the address of the server.
func (c *Client) Server() string { return c.base }

// ParamsHeader carries the parameters of an upload, whose body is the file.
const ParamsHeader = "Profil-Params"

// call does one round trip to route: in is the parameters' JSON object (in the header when
// upload is set: then the upload is the body); each receives the items of a streamed
// answer; out receives the results.
func (c *Client) call(ctx context.Context, route string, in any, upload io.Reader, each func(json.RawMessage) error, out any) error {
	params, err := json.Marshal(in)
	if err != nil {
		return err
	}
	var body io.Reader = bytes.NewReader(params)
	if upload != nil {
		body = upload
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/api/v1/"+route, body)
	if err != nil {
		return err
	}
	if upload != nil {
		req.Header.Set(ParamsHeader, string(params))
		req.Header.Set("Content-Type", "application/octet-stream")
	} else {
		req.Header.Set("Content-Type", "application/json")
	}
	if each == nil {
		req.Header.Set("Profil-Items", "none")
	}
	resp, err := c.do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return c.errorOf(resp)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/x-ndjson") {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return c.broken(ctx, err)
		}
		return nil
	}
	dec := json.NewDecoder(resp.Body)
	for {
		var line struct {
			Item   json.RawMessage `json:"item"`
			Result json.RawMessage `json:"result"`
			Error  *errorInfo      `json:"error"`
		}
		if err := dec.Decode(&line); err != nil {
			return c.broken(ctx, err)
		}
		switch {
		case line.Error != nil:
			return c.remote(line.Error)
		case line.Result != nil:
			if err := json.Unmarshal(line.Result, out); err != nil {
				return c.broken(ctx, err)
			}
			return nil
		case line.Item != nil && each != nil:
			if err := each(line.Item); err != nil {
				return err // closing the body stops the server
			}
		}
	}
}

// Health asks GET /healthz whether the server and its database answer.
func (c *Client) Health(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := c.do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return c.errorOf(resp)
	}
	return nil
}

func (c *Client) do(req *http.Request) (*http.Response, error) {
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("Accept-Language", string(c.lang))
	req.Header.Set("User-Agent", c.agent)
	resp, err := c.http.Do(req)
	if err != nil {
		if ctxErr := req.Context().Err(); ctxErr != nil {
			return nil, ctxErr
		}
		var unknownCA x509.UnknownAuthorityError
		var badCert *tls.CertificateVerificationError
		var hostname x509.HostnameError
		if errors.As(err, &unknownCA) || errors.As(err, &badCert) || errors.As(err, &hostname) {
			// Trying again will not help: exit 1, and say what to check.
			return nil, &Error{Kind: domain.KindInternal, Message: i18n.In(c.lang, "server.untrusted_certificate", c.base), Cause: err}
		}
		return nil, &Error{Kind: domain.KindUnavailable, Message: i18n.In(c.lang, "server.unreachable", c.base), Cause: err}
	}
	return resp, nil
}

// broken is the error of an answer cut or garbled on the way.
func (c *Client) broken(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	return &Error{Kind: "unavailable", Message: i18n.In(c.lang, "server.answer_broken", c.base), Cause: err}
}

type errorInfo struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

// errorOf reads the error of an answer that is not 200.
func (c *Client) errorOf(resp *http.Response) error {
	var body struct {
		Error *errorInfo `json:"error"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err := json.Unmarshal(raw, &body); err != nil || body.Error == nil {
		// Not profil's answer: a proxy's page, say.
		kind := "internal"
		switch {
		case resp.StatusCode == http.StatusNotFound:
			kind = "not_found"
		case resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusGatewayTimeout:
			kind = "unavailable"
		}
		return &Error{Kind: kind, Message: i18n.In(c.lang, "server.unexpected_answer", c.base, resp.Status)}
	}
	return c.remote(body.Error)
}

func (c *Client) remote(e *errorInfo) error {
	err := &Error{Kind: e.Kind, Message: e.Message}
	if e.Kind == "unauthenticated" && c.OnUnauthenticated != nil {
		return c.OnUnauthenticated(err)
	}
	return err
}

// Error is an error the server answered (or the lack of an answer). It unwraps to the domain's
// sentinel of its kind, so that errors.Is and the exit codes work as for a local run.
type Error struct {
	Kind    string
	Message string
	// Cause is the transport's error, for --verbose.
	Cause error
}

func (e *Error) Error() string { return e.Message }

// Unwrap is the sentinel of the kind: unauthenticated is not allowed (exit 4) as locally.
func (e *Error) Unwrap() error { return domain.SentinelOf(e.Kind) }

// Detail is the transport's error, when there is one.
func (e *Error) Detail() error { return e.Cause }
