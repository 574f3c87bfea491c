package audit

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
)

// PruneOptions are the inputs of `audit prune`.
type PruneOptions struct {
	Input service.PruneInput
}

// NewCmdPrune builds `audit prune`.
func NewCmdPrune(f *cmdutil.Factory) *cobra.Command {
	var keepAudit, keepRequests string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "prune [--audit KEEP] [--requests KEEP] [--dry-run]",
		Short: "Remove audit events and decided requests past their retention (gestionnaires)",
		Long: `Remove what is older than its retention: the audit events (--audit) and the decided requests
(--requests; pending ones always stay). A retention is "forever" (nothing is removed), or a
number of days, months or years: 400d, 18m, 5y. Without the flag, the portal's retention
applies (profil settings set retention.audit 5y, retention.requests 2y; forever unless set).
Everything goes in one transaction, and the prune
writes an audit event with what it removed, which is itself kept. --dry-run only says what
would go. Run it from cron, for example once a week.`,
		Example: `  profil settings set retention.audit 5y
  profil audit prune --dry-run
  profil audit prune --audit 5y --requests 2y`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &PruneOptions{Input: service.PruneInput{DryRun: dryRun}}
			for _, fl := range []struct {
				name, value string
				to          **domain.Retention
			}{{"audit", keepAudit, &opts.Input.Audit}, {"requests", keepRequests, &opts.Input.Requests}} {
				if !cmd.Flags().Changed(fl.name) {
					continue // the portal's retention
				}
				r, err := domain.ParseRetention(fl.name, fl.value)
				if err != nil {
					return err
				}
				*fl.to = &r
			}
			return pruneRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&keepAudit, "audit", domain.DefaultRetention, "how long audit events are kept: forever, 400d, 18m, 5y")
	cmd.Flags().StringVar(&keepRequests, "requests", domain.DefaultRetention, "how long decided requests are kept: forever, 400d, 18m, 5y")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "say what would be removed, remove nothing")
	return cmd
}

func pruneRun(ctx context.Context, f *cmdutil.Factory, opts *PruneOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	res, err := api.Prune(ctx, opts.Input)
	if err != nil {
		return err
	}
	key := "prune.done"
	if opts.Input.DryRun {
		key = "prune.would"
	}
	f.Say(key, res.AuditRemoved, res.Audit.String(), res.RequestsRemoved, res.Requests.String())
	return nil
}
