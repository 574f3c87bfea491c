package structure

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/output"
)

// NewCmdRequestChange builds `structure request-change`: the référent reports a change of the
// structure's data; the gestionnaires apply it.
func NewCmdRequestChange(f *cmdutil.Factory) *cobra.Command {
	ff := &fieldFlags{}
	var comment string
	cmd := &cobra.Command{
		Use:   "request-change ID|SIRET --field value… [--comment TEXT]",
		Short: "Report a change of a structure's data to the gestionnaires (référents)",
		Long: `Report a change of the data of your structure: the fields are those of ` + "`profil structure update`" + `,
checked the same way now and again when a gestionnaire approves the request. The gestionnaires
apply the change or refuse it, and you are told by mail either way; ` + "`profil request show`" + `
lists each field before → after. Only the structure's référent (or a gestionnaire) may ask.`,
		Example: `  profil structure request-change 12 --address "4 rue Lafaurie de Monbadon" --city Bordeaux \
      --comment "Déménagement au 1er janvier"
  profil structure request-change "824 228 142 01072" --acronym "AFPA BB"`,
		Args: cmdutil.ExactArgs(1, "args.structure_ref"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("adhesion-year") {
				return cmdutil.FlagErrorf("structure_request.adhesion_year")
			}
			ref, err := domain.ParseStructureRef(args[0])
			if err != nil {
				return err
			}
			in, err := ff.input(cmd.Flags())
			if err != nil {
				return err
			}
			if in == (domain.StructureInput{}) {
				return cmdutil.FlagErrorf("change.flags")
			}
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			r, err := api.RequestChange(ctx, ref, in, comment)
			if err != nil {
				return err
			}
			if cfg, err := f.Config(); err == nil && cfg.Quiet {
				fmt.Fprintln(f.IO.Out, r.ID)
				return nil
			}
			f.Say("change.sent", r.ID)
			format, err := f.Format()
			if err != nil {
				return err
			}
			v := present.FromRequest(r, time.Now())
			return output.PrintOne(f.IO, format, v, present.RequestDetailOf(v))
		},
	}
	ff.register(cmd.Flags())
	_ = cmd.Flags().MarkHidden("adhesion-year")
	cmd.Flags().StringVar(&comment, "comment", "", "why the data change, for the gestionnaires")
	_ = cmd.RegisterFlagCompletionFunc("kind", completeKinds)
	return cmd
}
