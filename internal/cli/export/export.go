// Package export holds `profil export`: files of personal data for spreadsheets and other
// programs, written by cron jobs as well as by people. Rows are streamed from the database to
// the file, so memory stays flat whatever the number of members, and a file named by --output
// appears whole or not at all.
package export

import (
	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
)

// NewCmd builds `profil export` and its verbs.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Export user lists and trainee accounts to CSV (Excel) or JSON files",
		Long: `Export user lists for spreadsheets and other programs: every member of one structure, or of
every structure, with their rights; or the trainee accounts of the trainee-pay portal. Exports are meant for cron jobs as well as people: rows are
streamed (memory stays flat with a million members) and a file named by --file is replaced
only once the export is complete.`,
		Example: `  profil export users --structure "824 228 142 01072" --excel --file membres.csv
  profil export users --all -o json --file /var/exports/users.json
  profil export trainees --without-case --excel --file en-attente.csv`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(NewCmdUsers(f), NewCmdTrainees(f))
	return cmd
}
