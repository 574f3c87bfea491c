// Package setup holds the commands that create a database and sign in its first
// gestionnaire: `profil init` (an empty database, or the migrations of an existing one) and
// `profil demo` (a realistic demo). With the composition root and `profil db`, they are the
// only commands that reach the store rather than service.API.
package setup

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/session"
	"github.com/profil-cli/profil/internal/service"
)

// InitOptions are the inputs of `profil init`.
type InitOptions struct {
	AdminEmail    string
	AdminName     string
	PasswordStdin bool
}

// NewCmdInit builds `profil init`.
func NewCmdInit(f *cmdutil.Factory) *cobra.Command {
	opts := &InitOptions{}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create or upgrade the database; create the first gestionnaire",
		Long: `Create the database (or bring an existing one up to date) and, with --admin-email, create
its first gestionnaire and sign in as them. Running it again is harmless: it only applies
migrations that are missing. On PostgreSQL it holds an advisory lock while it migrates.
With --admin-email on a database that has a gestionnaire already (one created by another
init running at the same moment included), it applies the migrations, creates nobody and
exits with 5 (conflict).`,
		Example: `  profil init --admin-email jeanne.durand@cap-metiers.fr --admin-name "Jeanne Durand"
  printf '%s\n' "$PASSWORD" | profil --db postgres://profil@db/profil init \
      --admin-email jeanne.durand@cap-metiers.fr --admin-name "Jeanne Durand" --password-stdin`,
		Args:        cmdutil.NoArgs,
		Annotations: map[string]string{cmdutil.AnnotationCreatesDatabase: "yes"},
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.AdminEmail == "" && (opts.AdminName != "" || opts.PasswordStdin) {
				return cmdutil.FlagErrorf("init.flags_without_email")
			}
			if opts.AdminEmail != "" && strings.TrimSpace(opts.AdminName) == "" {
				return cmdutil.FlagErrorf("init.name_required")
			}
			return initRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.AdminEmail, "admin-email", "", "e-mail of the first gestionnaire")
	cmd.Flags().StringVar(&opts.AdminName, "admin-name", "", `name of the first gestionnaire ("Prénom Nom")`)
	cmd.Flags().BoolVar(&opts.PasswordStdin, "password-stdin", false, "read the gestionnaire's password from standard input")
	return cmd
}

func initRun(ctx context.Context, f *cmdutil.Factory, opts *InitOptions) error {
	// Ask for the password before touching the database: a missing one changes nothing.
	password := ""
	if opts.AdminEmail != "" {
		var err error
		if password, err = session.ReadPassword(f, opts.PasswordStdin, true); err != nil {
			return err
		}
	}
	db, err := f.OpenDB(ctx, true)
	if err != nil {
		return err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	for _, m := range applied {
		f.Say("db.applied", m.Name)
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	f.Say("init.ready", db.Target().Redacted(), v)
	if opts.AdminEmail == "" {
		return nil
	}
	first, last := SplitName(opts.AdminName)
	svc, err := f.Service(ctx)
	if err != nil {
		return err
	}
	u, err := svc.Bootstrap(ctx, service.BootstrapInput{Email: opts.AdminEmail, FirstName: first, LastName: last, Password: password})
	if err != nil {
		return err
	}
	token, _, err := svc.Login(ctx, u.Email, password)
	if err != nil {
		return err
	}
	if err := session.Save(f, u.Email, token); err != nil {
		return err
	}
	f.Say("init.admin_created", u.Email)
	if cfg, _ := f.Config(); cfg != nil && cfg.Quiet {
		fmt.Fprintln(f.IO.Out, u.ID)
	}
	return nil
}

// SplitName reads "Prénom Nom" as French forms write it: the first word is the first name, the
// rest the last name ("Jean-Pierre de La Fontaine" → "Jean-Pierre", "de La Fontaine").
func SplitName(full string) (first, last string) {
	parts := strings.Fields(full)
	switch len(parts) {
	case 0:
		return "", ""
	case 1:
		return "", parts[0]
	}
	return parts[0], strings.Join(parts[1:], " ")
}
