package user

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/structure"
	"github.com/profil-cli/profil/internal/service"
)

// NewCmdImport builds `user import`: the accounts of the former portals' bases.
func NewCmdImport(f *cmdutil.Factory) *cobra.Command {
	opts := &structure.ImportOptions{}
	cmd := &cobra.Command{
		Use:   "import --source synapse|prisme FILE.csv",
		Short: "Import the accounts of a former portal: Synapse (ex-Aquitaine) or PRISME (Limousin) (gestionnaires)",
		Long: `Import the accounts of a former portal's base: Synapse (ex-Aquitaine) or PRISME (Limousin).

Columns: email, last_name, first_name (required), function, phone, siret (required: the
structure to attach the account to, which must exist: import the structures first with
` + "`profil structure import`" + `). French headers are understood too: courriel, mail,
adresse mail, nom, prenom, fonction, telephone, tel.

Each line creates an active account without password, attached to the structure of its SIRET
with the profiles every member gets (PARCOURS PRO bénéficiaire). Its owner signs in with their
e-mail address: at the first attempt a temporary password is mailed to them, as the guides
announce. An import makes nobody référent: hand the role over with ` + "`profil referent set`" + `.

An e-mail that already has an account is attached to the structure when it is not a member
yet (result "attached"), and skipped otherwise; the account itself (names, phone, password,
status) is left as it is. Two lines with the same e-mail, an unknown SIRET, an invalid
e-mail or phone number are bad lines.

` + structure.ImportFileHelp,
		Example: `  profil user import --source synapse comptes-synapse.csv --dry-run
  profil user import --source prisme prisme.csv --skip-invalid --report prisme-resultat.csv
  profil user import --source synapse comptes.csv -o json | jq -r '.[] | select(.result == "error") | .line'`,
		Args: cmdutil.ExactArgs(1, "args.csv_file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			opts.Source = strings.ToLower(strings.TrimSpace(opts.Source))
			switch opts.Source {
			case "synapse", "prisme":
			case "":
				return cmdutil.FlagErrorf("user_import.source_required")
			default:
				return cmdutil.FlagErrorf("user_import.source_invalid", opts.Source)
			}
			return structure.RunImport(cmd.Context(), f, opts, "import.what_accounts", service.API.ImportUsers)
		},
	}
	cmd.Flags().StringVar(&opts.Source, "source", "", "the base the accounts come from: synapse or prisme")
	structure.ImportFlags(cmd, opts)
	_ = cmd.RegisterFlagCompletionFunc("source", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"synapse", "prisme"}, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}
