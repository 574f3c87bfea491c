// Package serve holds `profil serve`: the HTTP API in front of the configured database.
package serve

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/server"
)

// Options are the inputs of `profil serve`.
type Options struct {
	Listen          string
	TLSCert         string
	TLSKey          string
	MaxUpload       string
	MaxConcurrent   int
	ShutdownTimeout time.Duration
}

// NewCmd builds `profil serve`.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the database's use cases over HTTP to clients that hold only a token",
		Long: `Serve an HTTP API in front of the configured database (--db, PROFIL_DB): référents and
cron hosts then run profil with --server URL (or PROFIL_SERVER, or after profil login --server
URL) and a session or API token, never with the database's address and password.

Plain HTTP is served only on a loopback address (127.0.0.1, ::1, localhost); any other address
needs --tls-cert and --tls-key (or put the server behind a reverse proxy that terminates TLS,
listening on loopback). GET /healthz answers 200 while the database answers.

One JSON access-log record per request goes to standard error: method, route, status,
duration, actor; never a body, a password or a token. SIGTERM or Ctrl-C stops accepting,
lets the requests in flight finish (at most --shutdown-timeout) and exits 0. Several servers
may share one PostgreSQL database: each request is decided once.`,
		Example: `  profil --db postgres://profil_runtime@db/profil serve --listen 127.0.0.1:8080
  profil serve --listen :8443 --tls-cert /etc/profil/cert.pem --tls-key /etc/profil/key.pem`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Listen, "listen", "127.0.0.1:8080", "address to listen on, HOST:PORT")
	fl.StringVar(&opts.TLSCert, "tls-cert", "", "TLS certificate file (PEM); required off loopback")
	fl.StringVar(&opts.TLSKey, "tls-key", "", "TLS private key file (PEM)")
	fl.StringVar(&opts.MaxUpload, "max-upload", "1GiB", "largest import file accepted (e.g. 200MiB, 2GiB)")
	fl.IntVar(&opts.MaxConcurrent, "max-concurrent", 64, "requests served at once; more are answered 503 (busy)")
	fl.DurationVar(&opts.ShutdownTimeout, "shutdown-timeout", 30*time.Second, "how long requests in flight may finish at shutdown")
	return cmd
}

func run(ctx context.Context, f *cmdutil.Factory, opts *Options) error {
	if err := CheckListen(opts.Listen, opts.TLSCert, opts.TLSKey); err != nil {
		return err
	}
	maxUpload, err := ParseSize(opts.MaxUpload)
	if err != nil {
		return cmdutil.FlagErrorf("usage.flag_invalid_value", opts.MaxUpload, "max-upload", err)
	}
	if opts.MaxConcurrent < 1 {
		return cmdutil.FlagErrorf("usage.flag_invalid_value", strconv.Itoa(opts.MaxConcurrent), "max-concurrent", "< 1")
	}
	if opts.TLSCert != "" {
		if _, err := tls.LoadX509KeyPair(opts.TLSCert, opts.TLSKey); err != nil {
			return cmdutil.FlagErrorf("serve.tls_unreadable", err)
		}
	}
	db, err := f.Store(ctx)
	if err != nil {
		return err
	}
	svc, err := f.Service(ctx)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(f.IO.ErrOut, nil))
	srv := server.New(svc, server.Options{
		Logger:        logger,
		Health:        db.SQL().PingContext,
		MaxUpload:     maxUpload,
		MaxConcurrent: opts.MaxConcurrent,
	})
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return &cmdutil.DetailError{Err: i18n.Errorf("serve.cannot_listen", opts.Listen, err), Detail: err}
	}
	scheme := "http"
	if opts.TLSCert != "" {
		scheme = "https"
	}
	logger.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("url", fmt.Sprintf("%s://%s", scheme, ln.Addr())),
		slog.String("db", db.Target().Redacted()))
	return srv.Run(ctx, server.Listen{Listener: ln, CertFile: opts.TLSCert, KeyFile: opts.TLSKey, ShutdownTimeout: opts.ShutdownTimeout})
}

// CheckListen applies the rule of the listen address: plain HTTP only on loopback; anywhere
// else a certificate and its key (a usage error otherwise, exit 2).
func CheckListen(addr, cert, key string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return cmdutil.FlagErrorf("serve.listen_invalid", err)
	}
	if (cert == "") != (key == "") {
		return cmdutil.FlagErrorf("serve.tls_pair")
	}
	if cert == "" && !server.IsLoopback(addr) {
		return cmdutil.FlagErrorf("serve.tls_required", addr)
	}
	return nil
}

// ParseSize reads a size in bytes: 1048576, 500KiB, 200MiB, 1GiB (or KB, MB, GB: powers of
// 1000).
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(strings.ToUpper(s), strings.ToUpper(u.suffix)) {
			s, mult = strings.TrimSpace(s[:len(s)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("expected a size such as 200MiB or 1GiB")
	}
	return n * mult, nil
}
