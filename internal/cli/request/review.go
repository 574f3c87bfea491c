package request

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/service"
)

// ReviewOptions are the inputs of `request review`.
type ReviewOptions struct {
	Kind      domain.RequestKind
	Structure *domain.StructureRef
}

// NewCmdReview builds `request review`: the pending requests one at a time, on a terminal.
func NewCmdReview(f *cmdutil.Factory) *cobra.Command {
	var kind, structure string
	cmd := &cobra.Command{
		Use:   "review",
		Short: "Decide the pending requests one by one, on a terminal",
		Long: `Walk the pending requests you may decide, oldest first. Each one is shown with the person,
the structure, how long it has waited and the person's other structures; then choose:
approve, approve with profiles (checked among those the structure allows), reject (with a
reason the person will read), skip, or quit. Every decision is taken at once, in its own
transaction; Quit or Ctrl-C stops and keeps the decisions already taken (Ctrl-C exits 130).
Esc in the profiles or the reason goes back to the choices. A summary ends the session; with -o json, yaml or csv the result of each request is also printed on standard
output.

review needs a terminal. Scripts use "profil request list" and "profil request
approve|reject" instead.`,
		Example: `  profil request review
  profil request review --kind account
  profil request review --structure "824 228 142 01072"`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !f.CanPrompt() {
				return cmdutil.FlagErrorf("review.needs_terminal")
			}
			opts := &ReviewOptions{}
			if kind != "" {
				k, err := domain.ParseRequestKind(kind)
				if err != nil {
					return err
				}
				opts.Kind = k
			}
			if structure != "" {
				ref, err := domain.ParseStructureRef(structure)
				if err != nil {
					return err
				}
				opts.Structure = &ref
			}
			return reviewRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "", "only this kind: structure, account, affiliation or change")
	cmd.Flags().StringVar(&structure, "structure", "", "only the requests of this structure (SIRET, SIREN, id or name)")
	_ = cmd.RegisterFlagCompletionFunc("kind", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"structure", "account", "affiliation", "change"}, cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("structure", f.CompleteStructures())
	return cmd
}

// exitInterrupted is the exit code of a review stopped by Ctrl-C (SIGINT), as for any program
// a shell interrupts.
const exitInterrupted = 130

func reviewRun(ctx context.Context, f *cmdutil.Factory, opts *ReviewOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	format, err := f.Format()
	if err != nil {
		return err
	}
	filter := service.RequestQuery{Status: domain.StatusPending, Kind: opts.Kind}
	if opts.Structure != nil {
		st, err := api.Structure(ctx, *opts.Structure)
		if err != nil {
			return err
		}
		filter.StructureID = st.ID
	}
	queue, err := api.ListRequests(ctx, filter)
	if err != nil {
		return err
	}
	// Cards show what requesters typed: control characters are written visibly.
	rv := &reviewer{ctx: ctx, api: api, p: f.Prompter, w: output.EscapeWriter(f.IO.ErrOut), now: now(f)}
	if len(queue) == 0 {
		fmt.Fprintln(rv.w, i18n.T("review.empty"))
		return rv.printResults(f, format)
	}
	if rv.cat, err = api.Catalogue(ctx); err != nil {
		return err
	}
	fmt.Fprintln(rv.w, i18n.N(len(queue), "review.intro", len(queue)))

	done := 0
	var stop error
	for i, r := range queue {
		if ctx.Err() != nil {
			stop = prompt.ErrInterrupted
			break
		}
		stop = rv.review(r, i+1, len(queue))
		if stop != nil {
			break
		}
		done++
	}
	if errors.Is(stop, context.Canceled) || errors.Is(stop, context.DeadlineExceeded) {
		stop = prompt.ErrInterrupted // SIGINT while a decision was being taken: it was rolled back
	}

	summary := i18n.T("review.summary", rv.approved, rv.rejected, rv.skipped, rv.failed)
	if left := len(queue) - done; left > 0 {
		summary = i18n.T("review.summary_left", rv.approved, rv.rejected, rv.skipped, rv.failed, left)
	}
	fmt.Fprintf(rv.w, "\n%s\n", summary)
	if err := rv.printResults(f, format); err != nil {
		return err
	}
	switch {
	case stop == nil, errors.Is(stop, errQuit):
	case errors.Is(stop, prompt.ErrInterrupted):
		// Ctrl-C: the decisions taken stay (the summary says which); exit 130 as an
		// interrupted program does.
		fmt.Fprintln(rv.w, i18n.T("review.interrupted"))
		return &cmdutil.SilentError{Code: exitInterrupted}
	default:
		return stop // prompt.ErrCancelled prints "cancelled"; a broken terminal is reported
	}
	if worst := cmdutil.Worst(rv.codes...); worst != cmdutil.ExitOK {
		return &cmdutil.SilentError{Code: worst}
	}
	return nil
}

// printResults writes the per-request results on stdout for programs (-o json, yaml, csv); the
// table format has the summary on stderr instead.
func (rv *reviewer) printResults(f *cmdutil.Factory, format output.Format) error {
	if format == output.Table {
		return nil
	}
	results := rv.results
	if results == nil {
		results = []present.BulkResult{}
	}
	return output.Print(f.IO, format, results, present.BulkColumns)
}
