package request

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/service"
)

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
	results                             []present.BulkResult
	codes                               []int
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
			fmt.Fprintf(rv.w, "\n%s\n", i18n.T("review.decided_meanwhile_by", pos, total, r.ID, r.Status.Label(), r.DecidedByEmail))
		} else {
			fmt.Fprintf(rv.w, "\n%s\n", i18n.T("review.decided_meanwhile", pos, total, r.ID, r.Status.Label()))
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
	rv.results = append(rv.results, present.BulkResult{ID: id, Result: result, Error: errText})
}
