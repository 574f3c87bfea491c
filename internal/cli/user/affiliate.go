package user

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
)

// AffiliateOptions are the inputs of `user affiliate`.
type AffiliateOptions struct {
	Structure domain.StructureRef
	User      string // empty: yourself
}

// NewCmdAffiliate builds `user affiliate`: an existing account asks to join one more structure.
func NewCmdAffiliate(f *cmdutil.Factory) *cobra.Command {
	var structure, user string
	cmd := &cobra.Command{
		Use:   "affiliate --structure ID|SIRET [--user EMAIL]",
		Short: "Ask to join one more structure (affiliation request)",
		Long: `Ask for your account to be attached to one more structure. The référent of that structure
decides, or the gestionnaires when it has none; the answer is mailed. A gestionnaire may ask on
behalf of someone with --user. Your pending requests: ` + "`profil request list --mine`" + `.`,
		Example: `  profil user affiliate --structure "824 228 142 01072"
  profil user affiliate --structure 12 --user claire.martin@horizons.fr     # gestionnaires`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, err := parseStructure(structure, "structure_flag.to_join")
			if err != nil {
				return err
			}
			opts := &AffiliateOptions{Structure: ref, User: strings.TrimSpace(user)}
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			r, err := api.Affiliate(ctx, opts.Structure, opts.User)
			if err != nil {
				return err
			}
			return printRequest(f, r, i18n.T("affiliate.sent", r.ID, r.UserEmail, r.StructureName))
		},
	}
	cmd.Flags().StringVar(&structure, "structure", "", "the structure to join: its SIRET, SIREN, id or name")
	_ = cmd.RegisterFlagCompletionFunc("structure", f.CompleteStructures())
	cmd.Flags().StringVar(&user, "user", "", "the person to attach (gestionnaires; default: yourself)")
	return cmd
}
