package request

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/service"
)

// DecideOptions are the inputs of `request approve` and `request reject`.
type DecideOptions struct {
	IDs       []int64
	All       bool
	Structure *domain.StructureRef
	Input     service.DecideInput
}

// NewCmdDecide builds `request approve` (verb "approve") or `request reject` (verb "reject").
func NewCmdDecide(f *cmdutil.Factory, verb string) *cobra.Command {
	var (
		reason, structure string
		profiles          []string
		all, dryRun       bool
	)
	decision := domain.Approve
	short := "Approve requests: create the structure, or attach the person"
	example := `  profil request approve 42
  profil request approve 42 43 44 --profile rafael.prescriber-1
  profil request approve --all --structure "824 228 142 01072" --dry-run
  profil request list -q | profil request approve -`
	long := ""
	if verb == "reject" {
		decision = domain.Reject
		short = "Reject requests, with a reason the person will read"
		example = `  profil request reject 43 --reason "Personne inconnue de la structure"
  printf '43\n44\n' | profil request reject - --reason "Doublon"
  profil request reject 43 44 --reason "Doublon" --yes   # no confirmation asked`
		long = `

On a terminal, a missing --reason is asked, and the rejection is confirmed first (the people
are told by mail) unless --yes or --dry-run is given. Without a terminal nothing is asked:
--reason is required and the requests are rejected at once.`
	}
	cmd := &cobra.Command{
		Use:   verb + " ID…|- [flags]",
		Short: short,
		Long: short + `.

Give request ids as arguments, or "-" to read them from standard input (one per line or
separated by spaces), or --all --structure S for every pending request of a structure. Each
request is decided on its own: one that fails does not stop the others. Every item gets a
result line, in the order given (-o json: [{"id","result","error"}]; "untouched" for those a
stopped command did not reach); the command exits with the worst code of its items.
--dry-run checks everything and changes nothing.` + long,
		Example: example,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &DecideOptions{All: all, Input: service.DecideInput{Decision: decision, Reason: reason, Profiles: profiles, DryRun: dryRun}}
			if decision == domain.Reject && strings.TrimSpace(reason) == "" && !f.CanPrompt() {
				return cmdutil.FlagErrorf("decide.reason_required")
			}
			if structure != "" {
				ref, err := domain.ParseStructureRef(structure)
				if err != nil {
					return err
				}
				opts.Structure = &ref
			}
			switch {
			case all && opts.Structure == nil:
				return cmdutil.FlagErrorf("decide.all_needs_structure")
			case all && len(args) > 0:
				return cmdutil.FlagErrorf("decide.ids_and_all")
			case !all && len(args) == 0:
				return cmdutil.FlagErrorf("decide.ids_missing")
			}
			for _, a := range args {
				if a == "-" {
					ids, err := readIDs(f.IO.In)
					if err != nil {
						return err
					}
					opts.IDs = append(opts.IDs, ids...)
					continue
				}
				id, err := parseID(a)
				if err != nil {
					return err
				}
				opts.IDs = append(opts.IDs, id)
			}
			return decideRun(cmd.Context(), f, opts)
		},
	}
	if decision == domain.Approve {
		cmd.Flags().StringSliceVar(&profiles, "profile", nil, "profile codes to grant with the approval (repeat or comma-separate)")
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why (required to reject; sent to the person)")
	cmd.Flags().BoolVar(&all, "all", false, "every pending request of --structure")
	cmd.Flags().StringVar(&structure, "structure", "", "with --all: the structure (SIRET, SIREN, id or name)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "say what would happen, change nothing")
	cmd.ValidArgsFunction = f.CompletePendingRequests()
	_ = cmd.RegisterFlagCompletionFunc("structure", f.CompleteStructures())
	if decision == domain.Approve {
		_ = cmd.RegisterFlagCompletionFunc("profile", f.CompleteAllowedProfiles(cmdutil.StructureOfRequests))
	}
	return cmd
}

// maxIDsLine bounds one line of ids on standard input (`echo $(profil request list -q)` puts
// them all on one).
const maxIDsLine = 64 << 20

// readIDs reads request ids separated by white space, commas or new lines; blank lines and
// "#" comments are skipped, and a bad token names its line. A byte order mark, and a first
// line that is only the column's title "id" (a column saved from a spreadsheet), are skipped.
func readIDs(r io.Reader) ([]int64, error) {
	var ids []int64
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxIDsLine)
	line := 0
	for sc.Scan() {
		line++
		text, _, _ := strings.Cut(sc.Text(), "#")
		tokens := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\r' })
		if line == 1 {
			if len(tokens) > 0 {
				tokens[0] = strings.TrimPrefix(tokens[0], "\ufeff")
			}
			if len(tokens) == 1 && strings.EqualFold(strings.Trim(tokens[0], `"`), "id") {
				continue
			}
		}
		for _, tok := range tokens {
			if tok == "" {
				continue
			}
			id, err := parseID(strings.TrimSpace(tok))
			if err != nil {
				return nil, i18n.Errorf("decide.stdin_line", line, err)
			}
			ids = append(ids, id)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, i18n.Errorf("decide.stdin_read", err)
	}
	if len(ids) == 0 {
		return nil, cmdutil.FlagErrorf("decide.stdin_empty")
	}
	return ids, nil
}

func decideRun(ctx context.Context, f *cmdutil.Factory, opts *DecideOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	if opts.All {
		st, err := api.Structure(ctx, *opts.Structure)
		if err != nil {
			return err
		}
		rs, err := api.ListRequests(ctx, service.RequestQuery{StructureID: st.ID, Status: domain.StatusPending})
		if err != nil {
			return err
		}
		for _, r := range rs {
			opts.IDs = append(opts.IDs, r.ID)
		}
		if len(opts.IDs) == 0 {
			// The list holds only the requests one may decide: someone who decides none of
			// this structure's is told so, not that nothing waits.
			if me, err := api.Whoami(ctx); err != nil {
				return err
			} else if !me.Manager && (st.ReferentEmail == "" || !strings.EqualFold(st.ReferentEmail, me.Email)) {
				return domain.Errorf(domain.ErrForbidden, "decide.all_not_yours", st.Name)
			}
			f.Say("decide.none_pending", st.Name)
			return nil
		}
	}
	if opts.Input.Decision == domain.Reject {
		if err := askReject(f, opts); err != nil {
			return err
		}
	}
	format, err := f.Format()
	if err != nil {
		return err
	}
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	title := i18n.T("decide.progress_approve")
	if opts.Input.Decision == domain.Reject {
		title = i18n.T("decide.progress_reject")
	}
	ids := service.DistinctIDs(opts.IDs)
	distinct := len(ids)
	// One decision is told in one line (its confirmation, or its error); several get a table.
	single := distinct == 1 && format == output.Table && !cfg.Quiet
	progress := output.NewProgress(f.IO, title, int64(distinct))
	results := make([]present.BulkResult, 0, len(opts.IDs))
	worst := cmdutil.ExitOK
	var singleErr error
	var said strings.Builder // the lines of a batch, written at once
	err = api.DecideMany(ctx, opts.IDs, opts.Input, func(batch []service.Decision) {
		progress.Increment(int64(len(batch)))
		said.Reset()
		for _, d := range batch {
			res := present.BulkResult{ID: d.ID, Result: resultWord(opts.Input.Decision, d.Outcome, d.Err)}
			if d.Err != nil {
				res.Error = d.Err.Error()
				singleErr = d.Err
			} else if !cfg.Quiet && format == output.Table {
				said.WriteString(output.Escape(describe(d.Outcome)))
				said.WriteByte('\n')
			}
			results = append(results, res)
			worst = cmdutil.Worst(worst, cmdutil.ExitCode(d.Err))
		}
		if said.Len() > 0 {
			_, _ = io.WriteString(f.IO.ErrOut, said.String())
		}
	})
	progress.Done()
	if single && err == nil {
		return singleErr
	}
	// Stopped before it reached any request (not signed in, the database out of reach, Ctrl-C
	// at once): the error alone says it, with no list of every request as untouched.
	stoppedAtOnce := err != nil && len(results) == 0
	if err != nil && !stoppedAtOnce {
		// Stopped: the requests it did not reach are listed too, as untouched. Several batches
		// are decided one structure after another, so they are not the end of the list.
		reached := make(map[int64]bool, len(results))
		for _, r := range results {
			reached[r.ID] = true
		}
		for _, id := range ids {
			if !reached[id] {
				results = append(results, present.BulkResult{ID: id, Result: "untouched", Error: i18n.T("decide.untouched")})
			}
		}
	}
	// Several batches are decided one structure after another: the results are printed in the
	// order the ids were given.
	inputOrder(results, ids)
	// What was decided before a stop is decided: it is printed as a complete run's results
	// are, then the error that stopped the run.
	switch {
	case stoppedAtOnce:
	case cfg.Quiet:
		// The ids decided on stdout; what failed still says why, on stderr, one line each.
		for _, r := range results {
			if r.Error == "" {
				fmt.Fprintln(f.IO.Out, r.ID)
			} else if r.Result != "untouched" {
				fmt.Fprintf(f.IO.ErrOut, "profil: %s\n", output.Escape(r.Error))
			}
		}
	default:
		if perr := output.Print(f.IO, format, results, present.BulkColumns); perr != nil && err == nil {
			err = perr
		}
	}
	if err != nil {
		// Ctrl-C or SIGTERM: the batches committed stay decided, the others are untouched.
		decided := 0
		for _, r := range results {
			if r.Error == "" {
				decided++
			}
		}
		key := "decide.interrupted"
		if opts.Input.DryRun {
			key = "decide.interrupted_dry_run"
		}
		if ierr := cmdutil.Interrupted(ctx, key, decided, distinct); ierr != nil {
			return ierr
		}
		return err
	}
	if worst != cmdutil.ExitOK {
		return &cmdutil.SilentError{Code: worst}
	}
	return nil
}

// rejectAttempts is how many times the reason is asked before an empty one is the error.
const rejectAttempts = 3

// askReject, on a terminal, asks the reason of a rejection when --reason was not given, then
// confirms: the people are told by mail and a rejection cannot be undone. A "no" cancels and
// nothing changes. Without a terminal, or with --yes, it asks nothing (scripts proceed);
// --dry-run changes nothing and needs no confirmation.
func askReject(f *cmdutil.Factory, opts *DecideOptions) error {
	if !f.CanPrompt() {
		return nil
	}
	if strings.TrimSpace(opts.Input.Reason) == "" {
		var err error
		for attempt := 1; ; attempt++ {
			var v string
			if v, err = f.Prompter.Input(i18n.T("decide.ask_reason"), ""); err != nil {
				return err
			}
			if v = strings.TrimSpace(v); v != "" {
				opts.Input.Reason = v
				break
			}
			err = domain.Invalid("reason", "", "decide.reason_required_short")
			if attempt == rejectAttempts {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "  %v\n", err)
		}
	}
	if opts.Input.DryRun {
		return nil
	}
	n := len(service.DistinctIDs(opts.IDs))
	ok, err := f.Prompter.Confirm(i18n.N(n, "decide.confirm_reject", n), false)
	if err != nil {
		return err
	}
	if !ok {
		return prompt.ErrCancelled
	}
	return nil
}

func resultWord(d domain.Decision, out service.Outcome, err error) string {
	switch {
	case err != nil:
		return "error"
	case out.DryRun && d == domain.Approve:
		return "would-approve"
	case out.DryRun:
		return "would-reject"
	case d == domain.Approve:
		return "approved"
	}
	return "rejected"
}

func describe(out service.Outcome) string {
	r := out.Request
	kind := i18n.T("request.kind_" + string(r.Kind)) // structure, account, affiliation
	var s string
	switch rejected := r.Status == domain.StatusRejected; {
	case out.DryRun && rejected:
		s = i18n.T("decide.done_rejected_dry_run", r.ID, kind, r.StructureName)
	case out.DryRun:
		s = i18n.T("decide.done_approved_dry_run", r.ID, kind, r.StructureName)
	case rejected:
		s = i18n.T("decide.done_rejected", r.ID, kind, r.StructureName)
	default:
		s = i18n.T("decide.done_approved", r.ID, kind, r.StructureName)
	}
	if r.Kind != domain.RequestStructure {
		s += " — " + r.UserEmail
	}
	if out.Referent {
		s += i18n.T("decide.becomes_referent")
	}
	return s
}

// inputOrder sorts results in the order of their ids in ids (without repeats).
func inputOrder(results []present.BulkResult, ids []int64) {
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	slices.SortStableFunc(results, func(a, b present.BulkResult) int { return cmp.Compare(at[a.ID], at[b.ID]) })
}
