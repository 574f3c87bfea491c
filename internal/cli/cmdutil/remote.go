package cmdutil

import (
	"context"
	"strings"

	"github.com/profil-cli/profil/internal/client"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/service"
)

// Server is the profil server commands go through, "" for a database: --server,
// PROFIL_SERVER or the config key server; else, when no database is named either, the server
// of the last `profil login --server`. Naming a server and a database at once is a usage
// error.
func (f *Factory) Server() (string, error) {
	if f.server != nil {
		return *f.server, nil
	}
	cfg, err := f.Config()
	if err != nil {
		return "", err
	}
	raw := strings.TrimSpace(cfg.Server)
	switch {
	case raw != "" && strings.TrimSpace(cfg.DB) != "":
		return "", FlagErrorf("server.db_and_server")
	case raw == "" && strings.TrimSpace(cfg.DB) == "":
		creds, err := f.Credentials()
		if err != nil {
			return "", err
		}
		raw = creds.Server()
	}
	server := ""
	if raw != "" {
		if server, err = client.ParseServer(raw); err != nil {
			return "", &FlagError{err: err}
		}
	}
	f.server = &server
	return server, nil
}

// remote returns the client of the server, acting with the --token / PROFIL_TOKEN if given,
// else the session stored for this server, else anonymously (anonymous set: always).
func (f *Factory) remote(server string, anonymous bool) (*client.Client, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	token, fromSession := "", false
	if !anonymous {
		token = strings.TrimSpace(cfg.Token)
		if token == "" {
			creds, err := f.Credentials()
			if err != nil {
				return nil, err
			}
			if s, ok := creds.Get(server); ok {
				token, fromSession = s.Token, true
			}
		}
	}
	c, err := client.New(server, token, client.Options{UserAgent: "profil"})
	if err != nil {
		return nil, &FlagError{err: err}
	}
	if fromSession {
		c.OnUnauthenticated = func(err error) error { return i18n.Errorf("auth.session_broken", err) }
	}
	return c, nil
}

// remoteAPI is API through the server: the server authenticates the token on every call and
// refuses, as a local run does, what a temporary password does not allow.
func (f *Factory) remoteAPI(ctx context.Context, server string, anonymous bool) (service.API, error) {
	c, err := f.remote(server, anonymous)
	if err != nil {
		return nil, err
	}
	if c.HasToken() {
		// As a local run does: the token is checked before the command asks or reads
		// anything, and a temporary password allows only a few commands.
		if _, err := f.remoteActor(ctx, c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (f *Factory) remoteActor(ctx context.Context, c *client.Client) (domain.Actor, error) {
	if f.actor != nil {
		return *f.actor, nil
	}
	actor, err := c.Whoami(ctx)
	if err != nil {
		return domain.Anonymous, err
	}
	if actor.MustChangePassword && !f.AllowTemporaryPassword {
		return domain.Anonymous, domain.Errorf(domain.ErrForbidden, "auth.temporary_password")
	}
	f.actor = &actor
	return actor, nil
}
