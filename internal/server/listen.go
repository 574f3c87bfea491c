package server

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"
)

// IsLoopback reports whether a listen address (host:port) is on this machine only:
// localhost, 127.0.0.0/8 or ::1. An empty host listens everywhere: not loopback.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// Listen is where and how a server listens.
type Listen struct {
	// Listener accepts the connections.
	Listener net.Listener
	// CertFile and KeyFile, when set, make it TLS.
	CertFile, KeyFile string
	// ShutdownTimeout bounds how long requests in flight may finish at shutdown (default 30 s).
	ShutdownTimeout time.Duration
}

// Run serves until ctx is done, then stops accepting, lets the requests in flight finish
// (bounded) and returns nil; it returns an error only when serving could not go on.
func (s *Server) Run(ctx context.Context, l Listen) error {
	if l.ShutdownTimeout <= 0 {
		l.ShutdownTimeout = 30 * time.Second
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		// The read and write deadlines are set per request, not here: a connection's read
		// deadline that passes while a long call runs would cancel the call's context. A
		// request's body has ReadTimeout (extended while an upload flows, lifted once it is
		// read); an answer has WriteTimeout from its first byte (extended at each flush).
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(s.opts.Logger.Handler(), slog.LevelWarn),
		// In-flight requests keep their context at shutdown: they finish rather than fail.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if l.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(l.CertFile, l.KeyFile)
		if err != nil {
			return err
		}
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	}
	errc := make(chan error, 1)
	go func() {
		var err error
		if srv.TLSConfig != nil {
			err = srv.ServeTLS(l.Listener, "", "")
		} else {
			err = srv.Serve(l.Listener)
		}
		errc <- err
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.opts.Logger.Info("shutting down", slog.Duration("timeout", l.ShutdownTimeout))
	sctx, cancel := context.WithTimeout(context.Background(), l.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		s.opts.Logger.Warn("requests still running at the end of the shutdown timeout were cut", slog.String("error", err.Error()))
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
