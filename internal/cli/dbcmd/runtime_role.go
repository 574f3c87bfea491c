package dbcmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/output"
)

func newCmdRuntimeRole(f *cmdutil.Factory) *cobra.Command {
	var passwordStdin, dryRun bool
	cmd := &cobra.Command{
		Use:   "runtime-role NAME",
		Short: "Give a PostgreSQL role only what `profil serve` needs",
		Long: `Create the PostgreSQL LOGIN role NAME, or bring it up to date, with only what a server needs
on this database: CONNECT, USAGE on the schema, SELECT, INSERT, UPDATE and DELETE on the
tables, INSERT and SELECT only on audit_events, SELECT only on the version table of the
migrations, USAGE and SELECT on the sequences. No DDL, no TRUNCATE, never the owner: every
other privilege the role held on these tables is taken back.

Run it with the owner's --db, on a schema up to date, and again after every ` + "`profil db migrate`" + `:
it grants the tables a migration added. ` + "`profil serve`" + ` then runs with the role's --db; it never
migrates. Erasing a person (` + "`user erase`" + `) and pruning the audit trail (` + "`audit prune`" + `) change
audit rows, which the role may not: run them with the owner's --db.

--password-stdin sets the role's password, read from standard input; it is sent to
PostgreSQL as a SCRAM-SHA-256 verifier, never in clear, and never printed. Without it a new
role has no password (for peer or certificate authentication) and an existing one keeps its
own. Creating a role or setting its password needs CREATEROLE.

--dry-run prints the statements and runs them in a transaction that is rolled back.
PostgreSQL only: a SQLite file has no roles (exit 6).`,
		Example: `  printf '%s\n' "$PASSWORD" | profil --db postgres://profil_owner@db/profil db runtime-role profil_app --password-stdin
  profil --db postgres://profil_owner@db/profil db runtime-role profil_app --dry-run`,
		Args: cmdutil.ExactArgs(1, "args.role_name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var password *string
			if passwordStdin {
				pw, err := cmdutil.ReadSecretStdin(f.IO)
				if err != nil {
					return err
				}
				password = &pw
			}
			db, err := f.OpenDB(ctx, true)
			if err != nil {
				return err
			}
			res, err := db.RuntimeRole(ctx, args[0], password, dryRun)
			if err != nil {
				return err
			}
			if dryRun {
				for _, s := range res.Statements {
					fmt.Fprintln(f.IO.Out, output.Escape(s)+";")
				}
			}
			for _, w := range res.Warnings {
				fmt.Fprintln(f.IO.ErrOut, output.Escape(w))
			}
			switch {
			case dryRun:
				f.Say("role.dry_run")
			case res.Created:
				f.Say("role.created", res.Role, res.Tables, res.Database, res.Schema)
			default:
				f.Say("role.updated", res.Role, res.Tables, res.Database, res.Schema)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "set the role's password, read from standard input")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print the statements; change nothing")
	return cmd
}
