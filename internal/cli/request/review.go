package request

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/view"
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
func NewCmdReview(f *cmdutil.Factory, runF func(context.Context, *ReviewOptions) error) *cobra.Command {
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
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return reviewRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "", "only this kind: structure, account, affiliation or change")
	cmd.Flags().StringVar(&structure, "structure", "", "only the requests of this structure (id or SIRET)")
	_ = cmd.RegisterFlagCompletionFunc("kind", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"structure", "account", "affiliation", "change"}, cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("structure", f.CompleteStructures())
	return cmd
}

// reviewAction is one answer to "what do you decide?".
type reviewAction int

const (
	actApprove reviewAction = iota
	actApproveWithProfiles
	actReject
	actSkip
	actQuit
)

// reviewActionLabels are the message keys of the answers.
var reviewActionLabels = map[reviewAction]string{
	actApprove:             "review.action_approve",
	actApproveWithProfiles: "review.action_approve_profiles",
	actReject:              "review.action_reject",
	actSkip:                "review.action_skip",
	actQuit:                "review.action_quit",
}

// exitInterrupted is the exit code of a review stopped by Ctrl-C (SIGINT), as for any program
// a shell interrupts.
const exitInterrupted = 130

// errQuit ends the walk at the user's request.
var errQuit = errors.New("quit")

// reviewer holds one review session.
type reviewer struct {
	ctx context.Context
	api service.API
	p   prompt.Prompter
	w   io.Writer // stderr: everything here is for the person at the terminal
	now time.Time
	cat domain.Catalogue

	approved, rejected, skipped, failed int
	results                             []view.BulkResult
	codes                               []int
}

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
		results = []view.BulkResult{}
	}
	return output.Print(f.IO, format, results, view.BulkColumns)
}

// review shows one request and takes the decision on it. It returns errQuit, prompt.ErrCancelled,
// a cancelled context or a prompt failure to stop the walk; a refused decision is reported and
// counted, and the walk goes on.
func (rv *reviewer) review(queued domain.Request, pos, total int) error {
	// Someone else may have decided it since the queue was read.
	r, err := rv.api.Request(rv.ctx, queued.ID)
	if err != nil {
		if rv.ctx.Err() != nil {
			return rv.ctx.Err()
		}
		rv.fail(queued, err)
		return nil
	}
	if r.Status != domain.StatusPending {
		if r.DecidedByEmail != "" {
			fmt.Fprintf(rv.w, "\n%s\n", i18n.T("review.decided_meanwhile_by", pos, total, r.ID, r.Status.Text(), r.DecidedByEmail))
		} else {
			fmt.Fprintf(rv.w, "\n%s\n", i18n.T("review.decided_meanwhile", pos, total, r.ID, r.Status.Text()))
		}
		rv.record(r.ID, "skipped", "")
		rv.skipped++
		return nil
	}

	st, loaded := rv.structureOf(r)
	rv.showCard(r, st, loaded, pos, total)

	actions := []reviewAction{actApprove, actApproveWithProfiles, actReject, actSkip, actQuit}
	if r.Kind == domain.RequestStructure || r.Kind == domain.RequestChange {
		// Approving creates or changes the structure: there is no membership to grant profiles on.
		actions = slices.Delete(actions, 1, 2)
	}
	labels := make([]string, len(actions))
	for i, a := range actions {
		labels[i] = i18n.T(reviewActionLabels[a])
	}
	for {
		i, err := rv.p.Select(i18n.T("review.ask_decision", r.ID), labels, 0)
		if errors.Is(err, prompt.ErrBack) {
			// Esc: the decisions taken are taken; there is nothing to go back to.
			fmt.Fprintln(rv.w, i18n.T("review.esc_first_step"))
			continue
		}
		if err != nil {
			return err
		}
		switch actions[i] {
		case actApprove:
			return rv.decide(r, service.DecideInput{Decision: domain.Approve})
		case actApproveWithProfiles:
			codes, err := rv.pickProfiles(r, st)
			if err != nil {
				return err
			}
			if codes == nil {
				continue // nothing checked: back to the choices
			}
			return rv.decide(r, service.DecideInput{Decision: domain.Approve, Profiles: codes})
		case actReject:
			reason, err := rv.askReason(r)
			if errors.Is(err, prompt.ErrBack) {
				continue // Esc: back to the choices
			}
			if err != nil {
				return err
			}
			return rv.decide(r, service.DecideInput{Decision: domain.Reject, Reason: reason})
		case actSkip:
			fmt.Fprintln(rv.w, i18n.T("review.skipped", r.ID))
			rv.record(r.ID, "skipped", "")
			rv.skipped++
			return nil
		default:
			return errQuit
		}
	}
}

// structureOf loads the structure of an account or affiliation request, for its kinds (the
// profiles it allows) and its référent; a structure request carries the structure asked for.
func (rv *reviewer) structureOf(r domain.Request) (domain.Structure, bool) {
	if r.Kind == domain.RequestStructure {
		return r.Structure, true
	}
	st, err := rv.api.Structure(rv.ctx, domain.StructureRef{ID: r.StructureID})
	if err != nil {
		return domain.Structure{ID: r.StructureID, Name: r.StructureName, SIRET: r.SIRET}, false
	}
	return st, true
}

// showCard prints what a decider needs to know about one request.
func (rv *reviewer) showCard(r domain.Request, st domain.Structure, loaded bool, pos, total int) {
	w := rv.w
	// label is a message key; "" continues the line above.
	line := func(label, value string) {
		if label != "" {
			label = i18n.T(label)
		}
		fmt.Fprintf(w, "  %-11s %s\n", label, value)
	}
	fmt.Fprintf(w, "\n%s\n", i18n.T("review.card_title", pos, total, r.ID, r.Kind.Text(), r.Waited(rv.now)))

	who, others, note := rv.person(r)
	if r.Kind == domain.RequestStructure {
		line("review.card_asked_by", who)
		name := st.Name
		if st.Acronym != "" {
			name += " (" + st.Acronym + ")"
		}
		line("review.card_structure", name)
		line("review.card_siret", orDash(view.FormatSIRET(st.SIRET)))
		line("review.card_address", orDash(strings.TrimSpace(strings.Join(nonEmpty(st.Address, strings.TrimSpace(st.PostalCode+" "+st.City)), ", "))))
		line("review.card_kinds", orDash(kindList(st.Kinds)))
		if st.APE != "" {
			line("review.card_ape", st.APE)
		}
		if st.Ministry {
			line("review.card_ministry", i18n.T("review.yes"))
		}
		if r.PublicBody {
			line("review.card_public_body", i18n.T("review.yes"))
		}
		if r.Account {
			line("review.card_account", i18n.T("review.account_becomes_referent"))
		}
		rv.showDocuments(r, line)
		return
	}
	if r.Kind == domain.RequestChange {
		line("review.card_asked_by", who)
		line("review.card_structure", structureText(st.Name, st.SIRET))
		for i, c := range r.Changes {
			label := ""
			if i == 0 {
				label = "review.card_changes"
			}
			line(label, i18n.T("view.change_line", c.Field, orDash(c.Before), orDash(c.After)))
		}
		if r.Comment != "" {
			line("review.card_comment", output.EscapeLine(r.Comment))
		}
		return
	}

	line("review.card_who", who)
	line("review.card_structure", structureText(st.Name, st.SIRET))
	if st.ReferentEmail != "" {
		line("review.card_referent", st.ReferentEmail)
	} else if loaded {
		line("review.card_referent", i18n.T("review.no_referent_yet"))
	}
	switch {
	case note != "":
		line("review.card_also_in", note)
	case len(others) == 0 && r.Kind == domain.RequestAccount:
		line("review.card_also_in", i18n.T("review.no_other_structure_new"))
	case len(others) == 0:
		line("review.card_also_in", i18n.T("review.no_other_structure"))
	default:
		for i, m := range others {
			label := ""
			if i == 0 {
				label = "review.card_also_in"
			}
			text := structureText(m.StructureName, m.SIRET)
			if m.Referent {
				text = i18n.T("review.is_referent", text)
			}
			line(label, text)
		}
	}
	if len(r.Profiles) > 0 {
		line("review.card_asked_for", strings.Join(r.Profiles, ", "))
	}
}

// showDocuments lists the documents a structure request joins (name, type, size) and the
// date and age of its mandate. Documents are never opened: `profil request document` writes
// one out for a viewer the decider trusts.
func (rv *reviewer) showDocuments(r domain.Request, line func(label, value string)) {
	if len(r.Documents) == 0 {
		line("review.card_documents", i18n.T("review.no_documents"))
	}
	for i, d := range r.Documents {
		label := ""
		if i == 0 {
			label = "review.card_documents"
		}
		line(label, i18n.T("review.document", view.DocumentKindText(string(d.Kind)), output.Escape(d.Name), d.ContentType, d.Size))
	}
	if r.MandateDate != nil {
		line("review.card_mandate", i18n.T("view.mandate_date", r.MandateDate.Format(time.DateOnly), domain.MandateAge(*r.MandateDate, rv.now)))
	}
}

// person names who a request is for ("Anne Martin <anne@x.fr>") and lists their other
// structures. A decider who may not see the account (a référent, for a person of other
// structures) gets the e-mail and a note instead.
func (rv *reviewer) person(r domain.Request) (who string, others []domain.Member, note string) {
	email := r.UserEmail
	if email == "" {
		email = r.RequesterEmail
	}
	if r.UserID == 0 {
		return i18n.T("review.no_account", email), nil, ""
	}
	d, err := rv.api.User(rv.ctx, email)
	if err != nil {
		if errors.Is(err, domain.ErrForbidden) {
			if r.Kind == domain.RequestAccount {
				return email, nil, "" // a new account has no other structure
			}
			return email, nil, i18n.T("review.others_forbidden")
		}
		return email, nil, i18n.T("review.others_error", err)
	}
	name := strings.TrimSpace(d.User.FirstName + " " + d.User.LastName)
	who = email
	if name != "" {
		who = fmt.Sprintf("%s <%s>", name, email)
	}
	if d.User.Function != "" {
		who += ", " + d.User.Function
	}
	if d.User.Status != "" && d.User.Status != domain.UserActive {
		who += i18n.T("review.account_status", i18n.Value(string(d.User.Status)))
	}
	for _, m := range d.Memberships {
		if m.StructureID != r.StructureID {
			others = append(others, m)
		}
	}
	return who, others, ""
}

// pickProfiles asks which profiles to grant with the approval, among those the structure allows
// (the automatic ones come anyway). Two profiles of one exclusive family are refused and asked
// again. Nothing checked returns nil: back to the choices.
func (rv *reviewer) pickProfiles(r domain.Request, st domain.Structure) ([]string, error) {
	var codes, options []string
	var defaults []int
	for _, p := range rv.cat {
		if p.Automatic || rv.cat.CheckGrant(st, nil, p.Code) != nil {
			continue
		}
		if slices.Contains(r.Profiles, p.Code) {
			defaults = append(defaults, len(codes))
		}
		codes = append(codes, p.Code)
		options = append(options, p.Code+" — "+p.Label)
	}
	if len(codes) == 0 {
		fmt.Fprintln(rv.w, i18n.T("review.no_profile_possible", st.Name))
		return nil, nil
	}
	for {
		picked, err := rv.p.MultiSelect(i18n.T("review.ask_profiles", output.Escape(st.Name)), options, defaults)
		if errors.Is(err, prompt.ErrBack) {
			return nil, nil // Esc: back to the choices
		}
		if err != nil {
			return nil, err
		}
		if len(picked) == 0 {
			fmt.Fprintln(rv.w, i18n.T("review.no_profile_checked"))
			return nil, nil
		}
		chosen := make([]string, len(picked))
		for i, idx := range picked {
			chosen[i] = codes[idx]
		}
		if err := checkProfiles(rv.cat, st, chosen); err != nil {
			fmt.Fprintln(rv.w, i18n.T("review.choose_again", err))
			defaults = picked
			continue
		}
		return chosen, nil
	}
}

// checkProfiles applies the catalogue's rules to profiles granted together on a new membership.
func checkProfiles(cat domain.Catalogue, st domain.Structure, codes []string) error {
	for i, a := range codes {
		pa, _ := cat.Lookup(a)
		for _, b := range codes[:i] {
			if pb, _ := cat.Lookup(b); pa.Exclusive && pb.Exclusive && pa.Family != "" && pa.Family == pb.Family {
				return errors.New(i18n.T("review.profiles_exclusive", b, a, pa.Family))
			}
		}
	}
	var held []string
	for _, code := range codes {
		if err := cat.CheckGrant(st, held, code); err != nil {
			return err
		}
		held = append(held, code)
	}
	return nil
}

// askReason asks why a request is rejected; the person reads it, so it may not be empty.
func (rv *reviewer) askReason(r domain.Request) (string, error) {
	for {
		reason, err := rv.p.Input(i18n.T("review.ask_reason", r.ID), "")
		if err != nil {
			return "", err
		}
		if reason = strings.TrimSpace(reason); reason != "" {
			return reason, nil
		}
		fmt.Fprintln(rv.w, i18n.T("review.reason_required"))
	}
}

// decide takes one decision in its own transaction and reports it.
func (rv *reviewer) decide(r domain.Request, in service.DecideInput) error {
	out, err := rv.api.Decide(rv.ctx, r.ID, in)
	if err != nil {
		if rv.ctx.Err() != nil {
			return rv.ctx.Err() // interrupted: the transaction was rolled back
		}
		rv.fail(r, err)
		return nil
	}
	d := out.Request
	who, where := d.UserEmail, d.StructureName
	if who == "" {
		who = r.UserEmail
	}
	if where == "" {
		where = r.StructureName
	}
	verb := "approved"
	msg := i18n.T("review.approved", r.ID, who, where)
	if in.Decision == domain.Reject {
		verb = "rejected"
		msg = i18n.T("review.rejected", r.ID, who, where)
		rv.rejected++
	} else {
		rv.approved++
	}
	if len(in.Profiles) > 0 {
		msg += i18n.T("review.with_profiles", strings.Join(in.Profiles, ", "))
	}
	if out.Referent {
		msg += i18n.T("review.now_referent")
	}
	if r.Kind == domain.RequestStructure && in.Decision == domain.Approve {
		msg += i18n.T("review.structure_created")
	}
	fmt.Fprintln(rv.w, msg)
	rv.record(r.ID, verb, "")
	return nil
}

func (rv *reviewer) fail(r domain.Request, err error) {
	fmt.Fprintln(rv.w, i18n.T("review.failed", r.ID, err))
	rv.failed++
	rv.record(r.ID, "error", err.Error())
	rv.codes = append(rv.codes, cmdutil.ExitCode(err))
}

func (rv *reviewer) record(id int64, result, errText string) {
	rv.results = append(rv.results, view.BulkResult{ID: id, Result: result, Error: errText})
}

func structureText(name, siret string) string {
	if siret == "" {
		return name
	}
	return name + " · SIRET " + view.FormatSIRET(siret)
}

func kindList(kinds []domain.Kind) string {
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = i18n.Value(string(k))
	}
	return strings.Join(parts, ", ")
}

func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
