package audit

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
)

// ListOptions are the inputs of `audit list`.
type ListOptions struct {
	Actor     string // an e-mail; empty: anyone (gestionnaires) or yourself
	Mine      bool   // only your own actions
	Structure *domain.StructureRef
	Since     time.Time
	Action    string // exact, or a prefix ending in "."
	Decisions bool   // only decisions on requests: request.approve, request.reject
	Limit     int    // the most recent events only; 0: all
}

// decisionActions are what --decisions keeps.
var decisionActions = map[string]bool{"request." + string(domain.Approve): true, "request." + string(domain.Reject): true}

// actionPattern is what an audit action or action prefix looks like: "request.approve",
// "request.", "user.reset-password".
var actionPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9_-]*(\.[a-z0-9_-]*)*$`) })

// knownActions feed the completion of --action: each noun as a prefix ("request."), then
// every action the audit trail may hold.
func knownActions() []string {
	var out []string
	for _, a := range domain.AuditActions() {
		noun, _, _ := strings.Cut(a, ".")
		if !slices.Contains(out, noun+".") {
			out = append(out, noun+".")
		}
	}
	return append(out, domain.AuditActions()...)
}

// NewCmdList builds `audit list`.
func NewCmdList(f *cmdutil.Factory) *cobra.Command {
	opts := &ListOptions{}
	var structure, since string
	cmd := &cobra.Command{
		Use:     "list [--actor EMAIL | --mine] [--structure ID|SIRET] [--since DATE] [--action ACTION]",
		Aliases: []string{"ls"},
		Short:   "List audit events, oldest first",
		Long: `List audit events, oldest first, filtered by who acted, on which structure, since when and
what was done. Gestionnaires read every event; everyone else reads only their own.

--mine is your own actions; --mine --decisions is the overall view of the decisions you took
on requests (the requests themselves: ` + "`profil request list --decided-by me --all`" + `).

--since takes a date (2026-11-23, or 23/11/2026 as written in France; Paris time), a date and
time (2026-11-23T08:00:00Z), or a time ago: 30min, 24h, 7d (or 7j), 2w (or 2sem), 3mo (or 3mois).
--action takes an action (request.approve) or, ending with a dot, a family (request.).
--limit keeps the most recent events (default 100; 0 for all).`,
		Example: `  profil audit list --mine --decisions
  profil audit list --structure "824 228 142 01072" --since 30d
  profil audit list --actor claire.martin@horizons.fr --since 01/01/2026 -o csv > actions.csv
  profil audit list --action referent.set --limit 0 -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Actor = strings.TrimSpace(opts.Actor)
			opts.Action = strings.ToLower(strings.TrimSpace(opts.Action))
			if opts.Mine && opts.Actor != "" {
				return cmdutil.FlagErrorf("audit.actor_and_mine")
			}
			if opts.Decisions && opts.Action != "" {
				return cmdutil.FlagErrorf("audit.action_and_decisions")
			}
			if opts.Limit < 0 {
				return cmdutil.FlagErrorf("search.limit_invalid")
			}
			if opts.Action != "" && !actionPattern().MatchString(opts.Action) {
				return domain.Invalid("action", opts.Action, "audit.action_invalid")
			}
			if cmd.Flags().Changed("structure") {
				ref, err := domain.ParseStructureRef(structure)
				if err != nil {
					return err
				}
				opts.Structure = &ref
			}
			if cmd.Flags().Changed("since") {
				t, err := ParseSince(since, now(f))
				if err != nil {
					return err
				}
				opts.Since = t
			}
			return listRun(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Actor, "actor", "", `only the actions of this person (e-mail; "me" for yours)`)
	fl.BoolVar(&opts.Mine, "mine", false, "only your own actions")
	fl.BoolVar(&opts.Decisions, "decisions", false, "only the decisions on requests (request.approve, request.reject)")
	fl.StringVar(&structure, "structure", "", "only the events of this structure (SIRET, SIREN, id or name)")
	_ = cmd.RegisterFlagCompletionFunc("structure", f.CompleteStructures())
	fl.StringVar(&since, "since", "", "only from this moment: 2026-11-23, 23/11/2026, RFC 3339, or 24h, 7d/7j, 2w/2sem, 3mo/3mois ago")
	fl.StringVar(&opts.Action, "action", "", `only this action (request.approve) or family ("request.")`)
	fl.IntVar(&opts.Limit, "limit", 100, "the most recent events only (0: all)")
	_ = cmd.RegisterFlagCompletionFunc("action", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return knownActions(), cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

func listRun(ctx context.Context, f *cmdutil.Factory, opts *ListOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	who := opts.Actor
	if opts.Mine || strings.EqualFold(who, "me") {
		actor, err := api.Whoami(ctx)
		if err != nil {
			return err
		}
		who = actor.Email
	}
	// The most recent events are wanted: the store cuts at the latest ones, unless the
	// decisions filter below must see them all first.
	q := service.AuditQuery{Action: opts.Action, Since: opts.Since, Limit: opts.Limit, Latest: true, ActorEmail: who, Structure: opts.Structure}
	if opts.Decisions {
		q.Action, q.Limit = "request.", 0
	}
	events, err := api.Audit(ctx, q)
	if err != nil {
		return err
	}
	if opts.Decisions {
		events = slices.DeleteFunc(events, func(e domain.AuditEvent) bool { return !decisionActions[e.Action] })
	}
	if opts.Limit > 0 && len(events) > opts.Limit {
		events = events[len(events)-opts.Limit:]
	}
	return cmdutil.PrintList(f, events, func(e domain.AuditEvent) int64 { return e.ID }, "audit.empty", present.AuditEvents, present.AuditColumns)
}

func now(f *cmdutil.Factory) time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}
