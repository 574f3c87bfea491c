package request

import (
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/output"
)

// NewCmdActivate builds `request activate`: confirm a request's e-mail address with the code
// mailed.
func NewCmdActivate(f *cmdutil.Factory) *cobra.Command {
	var code string
	cmd := &cobra.Command{
		Use:   "activate ID --code CODE",
		Short: "Confirm your request's e-mail address with the code mailed to you",
		Long: `When the portal asks for it (setting registration.activation), a new request waits, unverified,
until its e-mail address is confirmed: a code is mailed to it, valid 48 hours by default
(activation.ttl), once. Activating the request sends it to the people who decide it. Five wrong
codes void the code; have a new one mailed with ` + "`profil request resend-activation`" + `.
No sign-in is needed.`,
		Example: `  profil request activate 42 --code abcde-fghjk`,
		Args:    cmdutil.ExactArgs(1, "args.request_id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			if strings.TrimSpace(code) == "" {
				return cmdutil.FlagErrorf("activation.code_required")
			}
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			r, err := api.Activate(ctx, id, code)
			if err != nil {
				return err
			}
			f.Say("activation.done", r.ID)
			format, err := f.Format()
			if err != nil {
				return err
			}
			v := present.FromRequest(r, now(f))
			return output.PrintOne(f.IO, format, v, present.RequestDetailOf(v))
		},
	}
	cmd.Flags().StringVar(&code, "code", "", "the code mailed to you")
	return cmd
}

// NewCmdResendActivation builds `request resend-activation`.
func NewCmdResendActivation(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "resend-activation EMAIL",
		Short: "Have a new activation code mailed for your unverified requests",
		Long: `Mail a new activation code for each unverified request made from EMAIL; the old code stops
working. One mail per address per 15 minutes. The answer is the same whether or not the address
has a request waiting. No sign-in is needed.`,
		Example: `  profil request resend-activation claire.martin@travail.gouv.fr`,
		Args:    cmdutil.ExactArgs(1, "args.email"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			if err := api.ResendActivation(ctx, args[0]); err != nil {
				return err
			}
			f.Say("activation.resent")
			return nil
		},
	}
}

// NewCmdPurge builds `request purge`.
func NewCmdPurge(f *cmdutil.Factory) *cobra.Command {
	var (
		unverified bool
		olderThan  string
	)
	cmd := &cobra.Command{
		Use:   "purge --unverified --older-than DAYS",
		Short: "Remove the unverified requests left stale (gestionnaires)",
		Long: `Remove the requests whose e-mail address was never confirmed, made more than --older-than ago
(e.g. 30d), with their documents; the accounts they carried are refused. Audited. Meant for a
cron job.`,
		Example: `  profil request purge --unverified --older-than 30d`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !unverified {
				return cmdutil.FlagErrorf("activation.purge_unverified")
			}
			d, err := parseDays(olderThan)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			n, err := api.PurgeUnverified(ctx, d)
			if err != nil {
				return err
			}
			if cfg, err := f.Config(); err == nil && cfg.Quiet {
				_, err := f.IO.Out.Write([]byte(strconv.Itoa(n) + "\n"))
				return err
			}
			f.Say("activation.purged", n)
			return nil
		},
	}
	cmd.Flags().BoolVar(&unverified, "unverified", false, "remove unverified requests (required)")
	cmd.Flags().StringVar(&olderThan, "older-than", "30d", "made more than this long ago: days (30d) or hours (72h)")
	return cmd
}

// parseDays reads "30d" or a Go duration ("72h").
func parseDays(s string) (time.Duration, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.Atoi(n)
		if err == nil && days > 0 && days <= 3650 {
			return time.Duration(days) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return d, nil
	}
	return 0, domain.Invalid("older-than", s, "activation.older_than")
}
