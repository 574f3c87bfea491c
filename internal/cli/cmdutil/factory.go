package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/iostreams"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store/sqlstore"
)

// Factory hands commands their dependencies, each made on first use: `profil --help` opens no
// database and reads no credentials.
type Factory struct {
	IO *iostreams.IOStreams
	// Prompter asks questions on a terminal; tests put a scripted one here.
	Prompter prompt.Prompter
	// Now is the clock of the store (nil: time.Now).
	Now func() time.Time
	// Flags are the global flags, set by the root command.
	Flags *pflag.FlagSet
	// AllowTemporaryPassword is set for the commands a person signed in with a temporary
	// password may still run (user passwd, whoami, logout).
	AllowTemporaryPassword bool
	// FirstSignInSteps lists, comma-separated, the first-sign-in steps (domain.SignInStep) at
	// which the command runs: "secret-question" for `user secret set`, "terms" for `terms
	// show` and `terms accept`.
	FirstSignInSteps string
	// CreatesDatabase is set for the commands that create a SQLite database that does not
	// exist (init, demo); every other command refuses a missing file and names it.
	CreatesDatabase bool
	// CommandPath is the command that runs ("profil db migrate"), for messages.
	CommandPath string

	server *string // Server, once resolved
	cfg    *Config
	db     *sqlstore.DB
	svc    *service.Service
	creds  *Credentials
	actor  *domain.Actor
}

// Config resolves the configuration once.
func (f *Factory) Config() (*Config, error) {
	if f.cfg != nil {
		return f.cfg, nil
	}
	flags := f.Flags
	if flags == nil {
		flags = pflag.NewFlagSet("none", pflag.ContinueOnError)
	}
	cfg, err := LoadConfig(flags)
	if err != nil {
		return nil, err
	}
	f.cfg = cfg
	return cfg, nil
}

// Format is the output format asked for, or the default: a table.
func (f *Factory) Format() (output.Format, error) {
	cfg, err := f.Config()
	if err != nil {
		return "", err
	}
	format, err := output.ParseFormat(cfg.Output)
	if err != nil {
		return "", &FlagError{err: err}
	}
	if format == "" {
		format = output.Table
	}
	return format, nil
}

// Target is the database the configuration names.
func (f *Factory) Target() (sqlstore.Target, error) {
	cfg, err := f.Config()
	if err != nil {
		return sqlstore.Target{}, err
	}
	t, err := sqlstore.ParseTarget(cfg.DB)
	if err != nil {
		return t, &FlagError{err: err}
	}
	if t.Dialect == sqlstore.SQLite && t.Path != ":memory:" {
		if abs, err := filepath.Abs(t.Path); err == nil {
			t.Path = abs
		}
	}
	return t, nil
}

// rawDB is the --db value to open: the resolved target (absolute SQLite path) or the DSN.
func (f *Factory) rawDB() (string, error) {
	t, err := f.Target()
	if err != nil {
		return "", err
	}
	if t.Dialect == sqlstore.SQLite {
		return t.Path, nil
	}
	return t.DSN, nil
}

// OpenDB opens the database without checking its schema (db migrate, db status, init).
func (f *Factory) OpenDB(ctx context.Context, noMigrate bool) (*sqlstore.DB, error) {
	if f.db != nil {
		return f.db, nil
	}
	if server, err := f.Server(); err != nil {
		return nil, err
	} else if server != "" {
		return nil, FlagErrorf("server.local_only", f.CommandPath)
	}
	raw, err := f.rawDB()
	if err != nil {
		return nil, err
	}
	db, err := sqlstore.Open(ctx, raw, sqlstore.Options{Now: f.Now, NoMigrate: noMigrate, MustExist: !f.CreatesDatabase})
	if err != nil {
		return nil, connectError(err)
	}
	if t := db.Target(); t.Dialect == sqlstore.SQLite && t.Path != ":memory:" {
		// Not silenced by --quiet: the file holds password hashes.
		if perm := sqlstore.ReadableByOthers(t.Path); perm != 0 {
			fmt.Fprintln(f.IO.ErrOut, i18n.T("db.readable_by_others", output.Escape(t.Path), fmt.Sprintf("%04o", perm), output.Escape(t.Path)))
		}
	}
	f.db = db
	return db, nil
}

// Store opens the database and refuses a schema this binary does not match.
func (f *Factory) Store(ctx context.Context) (*sqlstore.DB, error) {
	db, err := f.OpenDB(ctx, false)
	if err != nil {
		return nil, err
	}
	if err := db.CheckSchema(ctx); err != nil {
		return nil, err
	}
	return db, nil
}

// Service returns the use cases over the checked database.
func (f *Factory) Service(ctx context.Context) (*service.Service, error) {
	if f.svc != nil {
		return f.svc, nil
	}
	db, err := f.Store(ctx)
	if err != nil {
		return nil, err
	}
	f.svc = service.New(db)
	return f.svc, nil
}

// API returns the use cases run as the person the credentials name (Actor): the preamble of
// every command that calls one.
func (f *Factory) API(ctx context.Context) (service.API, error) {
	if server, err := f.Server(); err != nil || server != "" {
		if err != nil {
			return nil, err
		}
		return f.remoteAPI(ctx, server, false)
	}
	svc, err := f.Service(ctx)
	if err != nil {
		return nil, err
	}
	actor, err := f.Actor(ctx)
	if err != nil {
		return nil, err
	}
	return svc.As(actor), nil
}

// AnonymousAPI returns the use cases run by nobody signed in, whatever the credentials: what
// is public (the catalogue), and completions when the session does not work.
func (f *Factory) AnonymousAPI(ctx context.Context) (service.API, error) {
	if server, err := f.Server(); err != nil || server != "" {
		if err != nil {
			return nil, err
		}
		return f.remoteAPI(ctx, server, true)
	}
	svc, err := f.Service(ctx)
	if err != nil {
		return nil, err
	}
	return svc.As(domain.Anonymous), nil
}

// Credentials loads the stored sessions once.
func (f *Factory) Credentials() (*Credentials, error) {
	if f.creds != nil {
		return f.creds, nil
	}
	c, err := LoadCredentials()
	if err != nil {
		return nil, err
	}
	f.creds = c
	return c, nil
}

// SessionKey names the database in the credentials file: the absolute SQLite path, or the
// PostgreSQL URL without its password; or the server's address.
func (f *Factory) SessionKey() (string, error) {
	if server, err := f.Server(); err != nil || server != "" {
		return server, err
	}
	t, err := f.Target()
	if err != nil {
		return "", err
	}
	return t.Redacted(), nil
}

// Actor is who runs the command: the --token / PROFIL_TOKEN if given, else the session stored
// for this database, else anonymous.
func (f *Factory) Actor(ctx context.Context) (domain.Actor, error) {
	if f.actor != nil {
		return *f.actor, nil
	}
	if server, err := f.Server(); err != nil {
		return domain.Anonymous, err
	} else if server != "" {
		c, err := f.remote(server, false)
		if err != nil {
			return domain.Anonymous, err
		}
		return f.remoteActor(ctx, c)
	}
	svc, err := f.Service(ctx)
	if err != nil {
		return domain.Anonymous, err
	}
	cfg, err := f.Config()
	if err != nil {
		return domain.Anonymous, err
	}
	token := strings.TrimSpace(cfg.Token)
	fromSession := false
	if token == "" {
		creds, err := f.Credentials()
		if err != nil {
			return domain.Anonymous, err
		}
		key, err := f.SessionKey()
		if err != nil {
			return domain.Anonymous, err
		}
		if s, ok := creds.Get(key); ok {
			token, fromSession = s.Token, true
		}
	}
	actor := domain.Anonymous
	if token != "" {
		actor, err = svc.Authenticate(ctx, token)
		if err != nil {
			if fromSession && errors.Is(err, domain.ErrForbidden) {
				return domain.Anonymous, i18n.Errorf("auth.session_broken", err)
			}
			return domain.Anonymous, err
		}
	}
	// The first sign-in's steps: only the commands of the step pending run (and those marked
	// for a temporary password: passwd, whoami, logout). The policy says it again for each use
	// case; here it is said before anything is asked.
	if step := domain.PendingStep(actor); step != domain.StepNone && !f.AllowTemporaryPassword &&
		!slices.Contains(strings.Split(f.FirstSignInSteps, ","), string(step)) {
		return domain.Anonymous, domain.StepError(actor, step)
	}
	f.actor = &actor
	return actor, nil
}

// AnnotationCreatesDatabase marks a command that creates a SQLite database that does not exist
// yet (init, demo).
const AnnotationCreatesDatabase = "profil/creates-database"

// AnnotationTemporaryPassword marks a command that may run before a temporary password is
// changed.
const AnnotationTemporaryPassword = "profil/temporary-password"

// AnnotationFirstSignIn marks a command that runs at the first-sign-in steps its value lists
// (comma-separated domain.SignInStep values).
const AnnotationFirstSignIn = "profil/first-sign-in"

// Close releases the database.
func (f *Factory) Close() {
	if f.db != nil {
		f.db.Close()
		f.db = nil
	}
}

// CanPrompt reports whether questions may be asked: a terminal, no --yes, not CI.
func (f *Factory) CanPrompt() bool {
	cfg, err := f.Config()
	if err == nil && cfg.Yes {
		return false
	}
	return f.IO.CanPrompt() && f.Prompter != nil
}

// ReadSecretStdin reads one line (a password) from standard input, without its line end.
func ReadSecretStdin(ios *iostreams.IOStreams) (string, error) {
	buf := make([]byte, 0, 128)
	one := make([]byte, 1)
	for {
		n, err := ios.In.Read(one)
		if n == 1 {
			if one[0] == '\n' {
				break
			}
			buf = append(buf, one[0])
			if len(buf) > 4096 {
				return "", FlagErrorf("password_stdin.too_long")
			}
		}
		if err != nil {
			break
		}
	}
	s := strings.TrimRight(string(buf), "\r")
	if s == "" {
		return "", FlagErrorf("password_stdin.empty")
	}
	return s, nil
}

// Say writes the message key of the catalogue (package i18n), formatted with args, and a new
// line on stderr, unless --quiet. It is how commands tell people what they did.
func (f *Factory) Say(key string, args ...any) {
	if cfg, err := f.Config(); err == nil && cfg.Quiet {
		return
	}
	// What people typed is escaped (names stored before control characters were refused).
	fmt.Fprintln(f.IO.ErrOut, i18n.T(key, output.EscapeArgs(args)...))
}

// Stderrf writes a message for people on stderr, unless --quiet, as formatted; messages
// come from the catalogue: see Say.
func (f *Factory) Stderrf(format string, args ...any) {
	if cfg, err := f.Config(); err == nil && cfg.Quiet {
		return
	}
	fmt.Fprintf(f.IO.ErrOut, format, output.EscapeArgs(args)...)
}

// connectError says in profil's words why the database could not be opened, keeping the
// driver's error for --verbose.
func connectError(err error) error {
	var ce *sqlstore.ConnectError
	if !errors.As(err, &ce) {
		return err
	}
	var msg error
	switch {
	case ce.Dialect != sqlstore.Postgres:
		msg = i18n.Errorf("db.cannot_open_file", ce.Target)
	case ce.Server != "":
		msg = i18n.Errorf("db.refused", ce.Address, ce.Server)
	default:
		msg = i18n.Errorf("db.unreachable", ce.Address)
	}
	return &DetailError{Err: msg, Detail: ce.Err}
}
