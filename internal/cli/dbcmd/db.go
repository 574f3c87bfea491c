// Package dbcmd holds `profil db`: the migrations (migrate, status), the check of the schema
// version and of the database's integrity, and the PostgreSQL role `profil serve` runs as
// (runtime-role).
package dbcmd

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/store/sqlstore"
)

// NewCmd builds `profil db` and its verbs.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Migrate and check the database",
		Long: `The schema is embedded in profil. A SQLite file is upgraded when it is opened; a shared
PostgreSQL database is upgraded only by ` + "`profil db migrate`" + ` (under an advisory lock, so
two administrators cannot migrate at once), and other commands refuse an older schema.
On PostgreSQL, ` + "`profil db runtime-role`" + ` gives the role a server runs with only the data
statements it needs, so that only the owner of the tables changes them.`,
		Example: "  profil db status\n  profil --db postgres://profil@db/profil db migrate\n  profil db check",
		Args:    cmdutil.NoArgs,
	}
	cmd.AddCommand(newCmdMigrate(f), newCmdStatus(f), newCmdCheck(f), newCmdRuntimeRole(f))
	return cmd
}

func newCmdMigrate(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "migrate",
		Short:   "Bring the schema up to date",
		Example: "  profil db migrate",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, err := f.OpenDB(ctx, true)
			if err != nil {
				return err
			}
			applied, err := db.Migrate(ctx)
			if err != nil {
				return err
			}
			for _, m := range applied {
				f.Say("db.applied_in", m.Name, m.Duration.Round(1e6))
			}
			v, err := db.SchemaVersion(ctx)
			if err != nil {
				return err
			}
			if len(applied) == 0 {
				f.Say("db.up_to_date", v)
			} else {
				f.Say("db.migrated", v)
			}
			return nil
		},
	}
}

func newCmdStatus(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "status",
		Short:   "List the migrations and whether each is applied",
		Example: "  profil db status\n  profil db status -o json",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, err := f.OpenDB(ctx, true)
			if err != nil {
				return err
			}
			st, err := db.Status(ctx)
			if err != nil {
				return err
			}
			format, err := f.Format()
			if err != nil {
				return err
			}
			if format == output.Table {
				v, err := db.SchemaVersion(ctx)
				if err != nil {
					return err
				}
				fmt.Fprintln(f.IO.ErrOut, i18n.T("db.status",
					db.Target().Redacted(), v, sqlstore.LatestVersion(db.Dialect())))
			}
			return output.Print(f.IO, format, st, []output.Column[sqlstore.MigrationStatus]{
				{Header: "VERSION", Value: func(m sqlstore.MigrationStatus) string { return strconv.FormatInt(m.Version, 10) }},
				{Header: "NAME", Value: func(m sqlstore.MigrationStatus) string { return m.Name }},
				{Header: "APPLIED", Value: func(m sqlstore.MigrationStatus) string {
					if m.AppliedAt != nil {
						return present.PeopleTime(*m.AppliedAt)
					}
					if m.Applied {
						return i18n.Value("yes")
					}
					return i18n.Value("pending")
				}},
			})
		},
	}
}

func newCmdCheck(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Check the schema version and the integrity of the database",
		Long: `Check that the schema matches this profil, that the engine finds the file sound (SQLite:
integrity_check and foreign_key_check) and that every structure has at most one référent.
Exits 1 when a check fails.`,
		Example: "  profil db check",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, err := f.OpenDB(ctx, true)
			if err != nil {
				return err
			}
			res, err := db.Check(ctx)
			if err != nil {
				return err
			}
			format, err := f.Format()
			if err != nil {
				return err
			}
			if err := output.Print(f.IO, format, res, []output.Column[sqlstore.CheckResult]{
				{Header: "CHECK", Value: func(c sqlstore.CheckResult) string { return c.Check }},
				{Header: "RESULT", Value: func(c sqlstore.CheckResult) string {
					if c.OK {
						return "ok"
					}
					return "FAILED"
				}},
				{Header: "DETAIL", Value: func(c sqlstore.CheckResult) string { return c.Detail }},
			}); err != nil {
				return err
			}
			for _, c := range res {
				if !c.OK {
					return i18n.Errorf("db.check_failed", c.Check, c.Detail)
				}
			}
			return nil
		},
	}
}
