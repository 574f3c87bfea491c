package service

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/store"
)

// Audit actions of personal data.
const (
	ActionUserData   = "user.data"
	ActionUserErase  = "user.erase"
	ActionAuditPrune = "audit.prune"
)

// PersonalData is everything profil holds on one person (RGPD article 15). Each section is a
// list, empty when there is nothing: sections that later features add (terms accepted, trainee
// case) are fields of their own, so that the shape of the answer only grows.
type PersonalData struct {
	User        domain.User
	Memberships []domain.MembershipRecord
	Profiles    []domain.GrantRecord
	Requests    []domain.Request
	Audit       []domain.AuditEvent // where the person is the actor, or named
	Mails       []domain.Mail       // to the person; bodies are not part of the answer
	Tokens      []domain.Token      // sessions and API tokens: names and dates
	Terms       []TermsAcceptance   // the versions of the terms of use accepted
	Trainee     *TraineeCase        // a trainee account's case, birth date, secret question; nil for others
	// FranceConnect is the FranceConnect identity linked to the account, nil when none. An
	// erasure unlinks it with the rest of the identity.
	FranceConnect *FranceConnectLink
}

// FranceConnectLink is the identity of FranceConnect an account signs in with.
type FranceConnectLink struct {
	Issuer, Subject string
}

// TermsAcceptance is one version of the terms of use a person accepted.
type TermsAcceptance struct {
	Version    string
	AcceptedAt time.Time
}

// TraineeCase is what the trainee portal holds on a trainee account: its funding case (""
// while it waits for one), its birth date, its secret question (never the answer, nor its
// hash) and the new address waiting for its code.
type TraineeCase struct {
	Number         string
	BirthDate      string
	SecretQuestion string
	QuestionSetAt  *time.Time
	PendingEmail   string
}

// lookupPerson loads the account named by email, or by its pseudonym once erased (only
// gestionnaires know erased accounts by their pseudonym).
func lookupPerson(ctx context.Context, tx store.Tx, actor domain.Actor, email string, lock bool) (domain.User, error) {
	if id, ok := domain.PseudonymID(email); ok {
		var (
			u   domain.User
			err error
		)
		if lock {
			u, err = tx.UserForUpdate(ctx, id)
		} else {
			u, err = tx.UserByID(ctx, id)
		}
		if err != nil || u.ErasedAt == nil {
			return domain.User{}, domain.Errorf(domain.ErrNotFound, "notfound.user", strings.TrimSpace(email))
		}
		return u, nil
	}
	u, err := userOrSelf(ctx, tx, actor, email)
	if err != nil || !lock {
		return u, err
	}
	return tx.UserForUpdate(ctx, u.ID)
}

// isSelf reports whether email names the actor (an empty one does).
func isSelf(actor domain.Actor, email string) bool {
	e := strings.TrimSpace(email)
	return e == "" || strings.EqualFold(e, actor.Email)
}

// PersonalData gathers what profil holds on a person: for the person themself or a
// gestionnaire (anyone else is refused before anything is looked up, so that the answer says
// nothing of who has an account). The reading is itself audited.
func (s *Service) PersonalData(ctx context.Context, actor domain.Actor, email string) (PersonalData, error) {
	var d PersonalData
	if err := domain.RequireSignedIn(actor); err != nil {
		return d, err
	}
	if !actor.Manager && !isSelf(actor, email) {
		return d, domain.CanReadPersonalData(actor, -1)
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		d = PersonalData{}
		u, err := lookupPerson(ctx, tx, actor, email, false)
		if err != nil {
			return err
		}
		if err := domain.CanReadPersonalData(actor, u.ID); err != nil {
			return err
		}
		d.User = u
		if d.Memberships, err = tx.MembershipHistory(ctx, u.ID); err != nil {
			return err
		}
		if d.Profiles, err = tx.GrantHistory(ctx, u.ID); err != nil {
			return err
		}
		ids, err := identities(ctx, tx, u)
		if err != nil {
			return err
		}
		m := newMatcher(ids...)
		seen := map[int64]bool{}
		d.Requests, d.Mails = []domain.Request{}, []domain.Mail{}
		for _, email := range append([]string{u.Email}, m.emails...) {
			rs, err := tx.RequestsOf(ctx, u.ID, email)
			if err != nil {
				return err
			}
			for _, r := range rs {
				if !seen[r.ID] {
					seen[r.ID] = true
					d.Requests = append(d.Requests, r)
				}
			}
		}
		sort.Slice(d.Requests, func(i, j int) bool { return d.Requests[i].ID < d.Requests[j].ID })
		events, err := tx.AuditAbout(ctx, u.ID, m.emails)
		if err != nil {
			return err
		}
		d.Audit = events[:0]
		for _, e := range events {
			if e.ActorID == u.ID || m.namedIn(e.Actor) || m.namedIn(e.Target) || m.namedIn(e.Details) {
				d.Audit = append(d.Audit, e)
			}
		}
		for _, email := range m.emails {
			ms, err := tx.MailTo(ctx, email)
			if err != nil {
				return err
			}
			d.Mails = append(d.Mails, ms...)
		}
		sort.Slice(d.Mails, func(i, j int) bool { return d.Mails[i].ID < d.Mails[j].ID })
		for i := range d.Mails {
			d.Mails[i].Body = "" // may carry a secret: never part of the answer
		}
		if d.Tokens, err = tx.ListTokens(ctx, u.ID, ""); err != nil {
			return err
		}
		for i := range d.Tokens {
			d.Tokens[i].Hash = ""
		}
		if err := personalTrainee(ctx, tx, &d); err != nil {
			return err
		}
		d.User.PasswordHash = ""
		return audit(ctx, tx, actor, ActionUserData, 0, u.Email, map[string]any{"audit_events": len(d.Audit)})
	})
	return d, err
}

// EraseResult is what an erasure did.
type EraseResult struct {
	Pseudonym        string
	MembershipsEnded int
	TokensRevoked    int
	RequestsClosed   int
	MailsDeleted     int
	AuditRewritten   int
	RowsRewritten    int // mails to others and requests that named the person
}

// EraseUser erases a person (RGPD article 17; gestionnaires): their memberships end, their
// profiles, sessions and API tokens are revoked, their pending requests are closed, the mails to
// them are deleted, and their e-mail, names, phone and function are replaced by the pseudonym
// erased-<id> in their account and wherever the audit trail, the outbox and the requests named
// them. The audit events stay (the trail keeps its length), under the pseudonym. A référent
// hands the role over first; nobody erases themself, nor the last gestionnaire. Once committed,
// the database files are scrubbed so that the e-mail is nowhere in them.
func (s *Service) EraseUser(ctx context.Context, actor domain.Actor, email string) (EraseResult, error) {
	var res EraseResult
	if err := domain.Authorize(actor, domain.UserErase, domain.Subject{}); err != nil {
		return res, err
	}
	if strings.TrimSpace(email) == "" {
		return res, domain.Invalid("email", "", "field.required")
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		res = EraseResult{}
		// First, before any row lock: writers take a row lock, then write their audit event.
		if err := tx.LockPersonalText(ctx); err != nil {
			return err
		}
		u, err := lookupPerson(ctx, tx, actor, email, true)
		if err != nil {
			return err
		}
		active, err := tx.ListMembers(ctx, store.MemberQuery{UserID: u.ID})
		if err != nil {
			return err
		}
		var referentOf []string
		for _, m := range active {
			if m.Referent {
				referentOf = append(referentOf, m.StructureName)
			}
		}
		managers, err := tx.CountManagers(ctx)
		if err != nil {
			return err
		}
		if err := domain.CanErase(actor, u, managers, referentOf); err != nil {
			return err
		}
		pseudonym := domain.Pseudonym(u.ID)
		res.Pseudonym = pseudonym

		ids, err := identities(ctx, tx, u)
		if err != nil {
			return err
		}
		m := newMatcher(ids...)
		closed := map[int64]bool{}
		for _, email := range append([]string{u.Email}, m.emails...) {
			requests, err := tx.RequestsOf(ctx, u.ID, email)
			if err != nil {
				return err
			}
			for _, r := range requests {
				if !r.Status.CanBecome(domain.StatusRejected) || closed[r.ID] {
					continue // decided already, or still unverified: nobody's queue
				}
				if r, err = r.Decide(actor.UserID, domain.Reject, i18n.T("erase.request_reason")); err != nil {
					return err
				}
				if err := tx.DecideRequest(ctx, &r); err != nil {
					return err
				}
				closed[r.ID] = true
			}
		}
		res.RequestsClosed = len(closed)
		for _, ms := range active {
			if err := tx.RevokeAllGrants(ctx, ms.MembershipID, actor.UserID); err != nil {
				return err
			}
			if err := tx.EndMembership(ctx, ms.MembershipID); err != nil {
				return err
			}
			res.MembershipsEnded++
		}
		if res.TokensRevoked, err = tx.RevokeTokensOf(ctx, u.ID, "", 0); err != nil {
			return err
		}
		for _, email := range m.emails {
			n, err := tx.DeleteMailTo(ctx, email)
			if err != nil {
				return err
			}
			res.MailsDeleted += n
		}

		fields, err := tx.FindText(ctx, u.ID, m.needles())
		if err != nil {
			return err
		}
		// A row is the person's when it belongs to their account or names them by e-mail; only
		// there are their names replaced too (elsewhere they may be a namesake's).
		type rowKey struct {
			table string
			id    int64
		}
		theirs := map[rowKey]bool{}
		for _, f := range fields {
			if f.Owner == u.ID || m.namedIn(f.Value) {
				theirs[rowKey{f.Table, f.ID}] = true
			}
		}
		var changed []store.TextField
		rows := map[string]map[int64]bool{}
		for _, f := range fields {
			if !theirs[rowKey{f.Table, f.ID}] {
				continue
			}
			v := m.replace(f.Value, pseudonym)
			if v == f.Value {
				continue
			}
			f.Value = v
			changed = append(changed, f)
			if rows[f.Table] == nil {
				rows[f.Table] = map[int64]bool{}
			}
			rows[f.Table][f.ID] = true
		}
		if err := tx.RewriteText(ctx, changed); err != nil {
			return err
		}
		res.AuditRewritten = len(rows["audit_events"])
		res.RowsRewritten = len(rows["mail_outbox"]) + len(rows["requests"])
		if err := eraseTrainee(ctx, tx, u, m.emails); err != nil {
			return err
		}
		if err := tx.EraseUser(ctx, u.ID, pseudonym); err != nil {
			return err
		}
		return audit(ctx, tx, actor, ActionUserErase, 0, pseudonym, map[string]any{
			"memberships_ended": res.MembershipsEnded, "tokens_revoked": res.TokensRevoked,
			"requests_closed": res.RequestsClosed, "mails_deleted": res.MailsDeleted,
			"audit_rewritten": res.AuditRewritten, "rows_rewritten": res.RowsRewritten,
		})
	})
	if err != nil {
		return res, err
	}
	if err := s.store.Scrub(ctx); err != nil {
		return res, fmt.Errorf("%s: %w", i18n.T("erase.scrub_failed", res.Pseudonym), err)
	}
	return res, nil
}

// PruneInput is how long audit events and decided requests are kept (nil: the portal's
// retention), and whether only to count.
type PruneInput struct {
	Audit, Requests *domain.Retention
	DryRun          bool
}

// PruneResult is what a prune removed, or would remove with DryRun.
type PruneResult struct {
	Audit, Requests               domain.Retention // the retentions applied
	AuditBefore, RequestsBefore   time.Time        // zero: kept forever
	AuditRemoved, RequestsRemoved int
}

// Prune removes the audit events and the decided requests older than their retention
// (gestionnaires), in one transaction, and writes an audit event that says how many went: it
// is itself kept. A retention of forever removes nothing.
func (s *Service) Prune(ctx context.Context, actor domain.Actor, in PruneInput) (PruneResult, error) {
	var res PruneResult
	if err := domain.Authorize(actor, domain.AuditPrune, domain.Subject{}); err != nil {
		return res, err
	}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		res = PruneResult{}
		var err error
		if res.Audit, err = retention(ctx, tx, in.Audit, domain.SettingRetentionAudit); err != nil {
			return err
		}
		if res.Requests, err = retention(ctx, tx, in.Requests, domain.SettingRetentionRequests); err != nil {
			return err
		}
		if !res.Audit.IsForever() {
			res.AuditBefore = res.Audit.Cutoff(tx.Now())
			if res.AuditRemoved, err = tx.PruneAudit(ctx, res.AuditBefore, in.DryRun); err != nil {
				return err
			}
		}
		if !res.Requests.IsForever() {
			res.RequestsBefore = res.Requests.Cutoff(tx.Now())
			if res.RequestsRemoved, err = tx.PruneRequests(ctx, res.RequestsBefore, in.DryRun); err != nil {
				return err
			}
		}
		if in.DryRun {
			return nil
		}
		details := map[string]any{
			"retention_audit": res.Audit.String(), "retention_requests": res.Requests.String(),
			"audit_removed": res.AuditRemoved, "requests_removed": res.RequestsRemoved,
		}
		if !res.AuditBefore.IsZero() {
			details["audit_before"] = res.AuditBefore
		}
		if !res.RequestsBefore.IsZero() {
			details["requests_before"] = res.RequestsBefore
		}
		return audit(ctx, tx, actor, ActionAuditPrune, 0, "", details)
	})
	return res, err
}

// retention is the retention given, or else the portal's setting key.
func retention(ctx context.Context, tx store.Tx, given *domain.Retention, key string) (domain.Retention, error) {
	if given != nil {
		return *given, nil
	}
	stored, err := tx.Settings(ctx)
	if err != nil {
		return domain.Forever, err
	}
	for _, v := range domain.EffectiveSettings(stored) {
		if v.Key == key {
			return domain.ParseRetention(key, v.Value)
		}
	}
	return domain.ParseRetention(key, domain.DefaultRetention)
}

// personalTrainee fills the sections of the trainee portal: terms accepted, case, secret
// question, FranceConnect identity, pending e-mail change.
func personalTrainee(ctx context.Context, tx store.Tx, d *PersonalData) error {
	id := d.User.ID
	acc, err := tx.TermsAcceptances(ctx, id)
	if err != nil {
		return err
	}
	d.Terms = []TermsAcceptance{}
	for _, a := range acc {
		d.Terms = append(d.Terms, TermsAcceptance{Version: a.Version, AcceptedAt: a.AcceptedAt})
	}
	if l, err := tx.FranceConnectOf(ctx, id); err == nil {
		d.FranceConnect = &FranceConnectLink{Issuer: l.Issuer, Subject: l.Sub}
	} else if !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	c, err := tx.CaseOf(ctx, id)
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	if !d.User.Trainee && c.ID == 0 {
		return nil
	}
	t := &TraineeCase{Number: c.Number, BirthDate: d.User.BirthDate}
	if q, err := tx.SecretQuestion(ctx, id); err == nil {
		at := q.SetAt
		t.SecretQuestion, t.QuestionSetAt = q.Question, &at
	} else if !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	if ch, err := tx.EmailChangeOf(ctx, id); err == nil {
		t.PendingEmail = ch.NewEmail
	} else if !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	d.Trainee = t
	return nil
}

// eraseTrainee removes what the trainee portal holds on a person being erased: the secret
// question, the FranceConnect identity, the pending e-mail change, the forgotten-password
// counts of their addresses; their case goes back to the funder's unclaimed cases, without the
// e-mail. The terms accepted stay: they name nobody once the account is a pseudonym.
func eraseTrainee(ctx context.Context, tx store.Tx, u domain.User, emails []string) error {
	if err := tx.DeleteSecretQuestion(ctx, u.ID); err != nil {
		return err
	}
	if _, err := tx.UnlinkFranceConnect(ctx, u.ID); err != nil {
		return err
	}
	if err := tx.DeleteEmailChange(ctx, u.ID); err != nil {
		return err
	}
	for _, e := range append([]string{u.Email}, emails...) {
		if err := tx.DeleteResetLock(ctx, e); err != nil {
			return err
		}
	}
	return tx.ReleaseCase(ctx, u.ID)
}
