// Package session holds signing in and out on this machine: `profil login`, `profil logout`
// and `profil whoami`, and the sign-in steps `profil init` and `profil demo` share with login
// (ReadPassword, Save), since they sign in the gestionnaire they create.
package session

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
)

// LoginOptions are the inputs of `profil login`.
type LoginOptions struct {
	Email         string
	PasswordStdin bool
}

// NewCmdLogin builds `profil login`.
func NewCmdLogin(f *cmdutil.Factory) *cobra.Command {
	opts := &LoginOptions{}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in to the database and keep the session",
		Long: `Sign in with your e-mail and password. The session is kept in
$XDG_CONFIG_HOME/profil/credentials.json (readable by you only), one per database or server;
the database keeps only its hash. On a terminal the password is asked without echo; scripts
pass it on standard input with --password-stdin.

With --server URL (a profil serve), the credentials also name the server: later commands go
through it whenever no database is named, until profil logout.`,
		Example: `  profil login --email jeanne.durand@cap-metiers.fr
  profil login --server https://profil.example.org --email claire.martin@horizons.fr
  printf '%s\n' "$PASSWORD" | profil login --email jeanne.durand@cap-metiers.fr --password-stdin`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return loginRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Email, "email", "", "your e-mail address")
	cmd.Flags().BoolVar(&opts.PasswordStdin, "password-stdin", false, "read the password from standard input")
	return cmd
}

func loginRun(ctx context.Context, f *cmdutil.Factory, opts *LoginOptions) error {
	email := strings.TrimSpace(opts.Email)
	if email == "" {
		if !f.CanPrompt() {
			return cmdutil.FlagErrorf("login.email_required")
		}
		var err error
		if email, err = f.Prompter.Input(i18n.T("login.ask_email"), ""); err != nil {
			return err
		}
	}
	password, err := ReadPassword(f, opts.PasswordStdin, false)
	if err != nil {
		return err
	}
	// Signing in does not need the session it replaces, which may have expired.
	api, err := f.AnonymousAPI(ctx)
	if err != nil {
		return err
	}
	token, u, err := api.Login(ctx, email, password)
	if err != nil {
		return err
	}
	// The session this one replaces on this machine ends: nothing keeps its token any more.
	endStoredSession(ctx, f)
	if err := Save(f, u.Email, token); err != nil {
		return err
	}
	if server, _ := f.Server(); server != "" {
		// Commands go through this server from now on, when no database is named.
		creds, err := f.Credentials()
		if err != nil {
			return err
		}
		if err := creds.SetServer(server); err != nil {
			return err
		}
		f.Say("login.server_done", u.Email, server)
	} else {
		f.Say("login.done", u.Email)
	}
	if u.MustChangePassword {
		f.Say("login.temporary")
	}
	return nil
}

// endStoredSession revokes the session kept for the current database, if any; a session
// already gone is no error.
func endStoredSession(ctx context.Context, f *cmdutil.Factory) {
	creds, err := f.Credentials()
	if err != nil {
		return
	}
	key, err := f.SessionKey()
	if err != nil {
		return
	}
	if old, ok := creds.Get(key); ok && old.Token != "" {
		if api, err := f.AnonymousAPI(ctx); err == nil {
			_ = api.Logout(ctx, old.Token)
		}
	}
}

// Save keeps the token of email's new session for the current database (or server) in the
// credentials file.
func Save(f *cmdutil.Factory, email, token string) error {
	creds, err := f.Credentials()
	if err != nil {
		return err
	}
	key, err := f.SessionKey()
	if err != nil {
		return err
	}
	return creds.Set(key, cmdutil.Session{Email: email, Token: token})
}

// ReadPassword reads a password from stdin (--password-stdin) or asks for it on a terminal,
// twice when confirm is set.
func ReadPassword(f *cmdutil.Factory, fromStdin, confirm bool) (string, error) {
	if fromStdin {
		return cmdutil.ReadSecretStdin(f.IO)
	}
	if !f.CanPrompt() {
		return "", cmdutil.FlagErrorf("login.password_stdin_required")
	}
	pw, err := f.Prompter.Password(i18n.T("login.ask_password"))
	if err != nil {
		return "", err
	}
	if confirm {
		again, err := f.Prompter.Password(i18n.T("register.ask_password_again"))
		if err != nil {
			return "", err
		}
		if again != pw {
			return "", domain.Invalid("password", "", "password.differ")
		}
	}
	return pw, nil
}

// NewCmdLogout builds `profil logout`.
func NewCmdLogout(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:         "logout",
		Short:       "Sign out: revoke the stored session",
		Annotations: map[string]string{cmdutil.AnnotationTemporaryPassword: "yes"},
		Example:     "  profil logout",
		Args:        cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			creds, err := f.Credentials()
			if err != nil {
				return err
			}
			key, err := f.SessionKey()
			if err != nil {
				return err
			}
			s, ok := creds.Get(key)
			if !ok {
				f.Say("logout.not_signed_in")
				return nil
			}
			// The stored token is the proof: a session that no longer signs in (expired,
			// account disabled) is still ended.
			api, err := f.AnonymousAPI(ctx)
			if err != nil {
				return err
			}
			if err := api.Logout(ctx, s.Token); err != nil {
				return err
			}
			if err := creds.Delete(key); err != nil {
				return err
			}
			if creds.Server() == key {
				if err := creds.SetServer(""); err != nil {
					return err
				}
			}
			f.Say("logout.done", s.Email)
			return nil
		},
	}
}

// NewCmdWhoami builds `profil whoami`.
func NewCmdWhoami(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:         "whoami",
		Short:       "Show who you are signed in as",
		Annotations: map[string]string{cmdutil.AnnotationTemporaryPassword: "yes"},
		Example:     "  profil whoami\n  profil whoami -o json",
		Args:        cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			actor, err := api.Whoami(ctx)
			if err != nil {
				return err
			}
			u, err := api.Me(ctx)
			if err != nil {
				return err
			}
			format, err := f.Format()
			if err != nil {
				return err
			}
			if format == output.Table {
				role := i18n.T("whoami.member")
				if u.Manager {
					role = i18n.T("whoami.manager")
				}
				via := ""
				if actor.TokenName != "" {
					via = i18n.T("whoami.via_token", actor.TokenName)
				}
				fmt.Fprintln(f.IO.Out, output.Escape(fmt.Sprintf("%s <%s>, %s%s", u.FullName(), u.Email, role, via)))
				return nil
			}
			return output.PrintOne(f.IO, format, present.FromUser(u), present.UserDetail)
		},
	}
}
