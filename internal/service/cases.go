package service

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/csvin"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/store"
)

// Audit actions of the trainee portal's case files and registrations.
const (
	ActionCaseImport       = "case.import"
	ActionCaseClaim        = "case.claim"
	ActionTraineeRegister  = "trainee.register"
	ActionTraineeRefused   = "trainee.register-refused"
	ActionSecretSet        = "user.secret-set"
	ActionForgotPassword   = "user.forgot-password"
	ActionEmailChangeAsked = "user.email-change"
	ActionEmailChangeCode  = "user.email-change-code"
	ActionEmailConfirm     = "user.confirm-email"
	ActionFranceConnect    = "user.franceconnect-link"
	ActionFranceConnectOff = "user.franceconnect-unlink"
	ActionTermsPublish     = "terms.publish"
	ActionTermsAccept      = "terms.accept"
)

// The columns of `case import`.
const (
	ccNumber = iota
	ccLastName
	ccFirstName
	ccBirthDate
	ccEmail
	ccSIRET
)

// CaseImportColumns are the columns `case import` reads, with their French aliases.
var CaseImportColumns = []csvin.Column{
	ccNumber:    {Name: "case_number", Aliases: []string{"numero de dossier", "n de dossier", "no dossier", "dossier", "dpc", "numero dpc"}, Required: true},
	ccLastName:  {Name: "last_name", Aliases: []string{"nom", "nom de famille", "lastname"}, Required: true},
	ccFirstName: {Name: "first_name", Aliases: []string{"prenom", "firstname"}, Required: true},
	ccBirthDate: {Name: "birth_date", Aliases: []string{"date de naissance", "naissance", "birthdate"}, Required: true},
	ccEmail:     {Name: "email", Aliases: []string{"e-mail", "mail", "courriel", "adresse mail"}},
	ccSIRET:     {Name: "siret", Aliases: []string{"siret de l organisme", "siret organisme"}},
}

// caseColumnsOf maps the fields validators name to the columns of the file.
var caseColumnsOf = map[string]string{"last-name": "last_name", "first-name": "first_name", "birth-date": "birth_date", "case-number": "case_number"}

type caseRow struct {
	importRow
	c      domain.Case
	claim  int64 // the waiting account the case is given to, 0: none
	claimE string
}

// ImportCases imports the funder's case files (gestionnaires), with the reader and the rules
// of the other imports: every line checked first, all or nothing unless SkipInvalid, batches,
// dry run. A case is known by its number: a number imported already with the same data is
// skipped, with other data it is a bad line (an import never changes a case). A new case is
// given at once to the one active trainee account waiting without a case whose names and
// birth date are the case's (folded), and whose e-mail is the case's when the case has one
// (result "attached"); the account then takes the case's spelling of the names.
func (s *Service) ImportCases(ctx context.Context, actor domain.Actor, r io.Reader, opts ImportOptions) (ImportSummary, error) {
	if err := domain.Authorize(actor, domain.CaseImport, domain.Subject{}); err != nil {
		return ImportSummary{}, err
	}
	opts = s.importOptions(opts)
	sum, err := runImport(ctx, r, opts, &caseImport{s: s, actor: actor, opts: opts, now: time.Now()})
	s.refreshStatisticsAfter(ctx, sum, opts, "cases", "users", "audit_events")
	return sum, err
}

// caseImport is the kind of line of `case import`. Each good line refers to its case number,
// so that a number known already with other data is refused before anything is written.
type caseImport struct {
	s       *Service
	actor   domain.Actor
	opts    ImportOptions
	now     time.Time
	numbers []string // the case number of each good line, by reference
	sums    []string // what each good line says of its case, to compare with the database
}

func (k *caseImport) columns() []csvin.Column { return CaseImportColumns }

func (k *caseImport) check(rec csvin.Record) (checkedLine, string, error) {
	x := &caseRow{importRow: importRow{line: rec.Line, key: rec.Get(ccNumber)}}
	if err := x.parse(rec, k.now); err != nil {
		return checkedLine{}, x.key, lineError(rec.Line, err, caseColumnsOf)
	}
	ref := int32(len(k.numbers))
	k.numbers = append(k.numbers, x.c.Number)
	k.sums = append(k.sums, caseSum(x.c))
	cells := []string{x.c.Number, x.c.LastName, x.c.FirstName, x.c.BirthDate, x.c.Email, x.c.SIRET}
	return checkedLine{Key: x.c.Number, Dup: x.c.Number, Ref: ref, Cells: cells}, x.c.Number, nil
}

// resolve finds the lines whose case number is known with other data.
func (k *caseImport) resolve(ctx context.Context) (func(int32) bool, error) {
	differs := map[int32]bool{}
	err := k.s.store.View(ctx, func(tx store.Tx) error {
		for from := 0; from < len(k.numbers); from += 1000 {
			to := min(from+1000, len(k.numbers))
			known, err := tx.CasesByNumber(ctx, k.numbers[from:to])
			if err != nil {
				return err
			}
			byNumber := map[string]string{}
			for _, c := range known {
				byNumber[c.Number] = caseSum(c)
			}
			for i := from; i < to; i++ {
				if sum, ok := byNumber[k.numbers[i]]; ok && sum != k.sums[i] {
					differs[int32(i)] = true
				}
			}
		}
		return nil
	})
	k.numbers, k.sums = nil, nil
	return func(ref int32) bool { return differs[ref] }, err
}

func (k *caseImport) row(line int, c checkedLine) *caseRow {
	return &caseRow{importRow: importRow{line: line, key: c.Key}, c: domain.Case{
		Number: c.Cells[0], LastName: c.Cells[1], FirstName: c.Cells[2], BirthDate: c.Cells[3], Email: c.Cells[4], SIRET: c.Cells[5],
	}}
}

func (k *caseImport) badRow(line int, key string) *caseRow {
	return &caseRow{importRow: importRow{line: line, key: key}}
}

func (k *caseImport) refuse(x *caseRow, why lateBad) error {
	if why.reason == lateDuplicate {
		return &LineError{Line: x.line, Column: "case_number", Value: x.c.Number, Reason: i18n.T("import.duplicate", why.first)}
	}
	return &LineError{Line: x.line, Column: "case_number", Value: x.c.Number, Reason: i18n.T("case.import_differs")}
}

func (k *caseImport) write(ctx context.Context, batch []*caseRow) error {
	if k.opts.DryRun {
		return k.s.store.View(ctx, func(tx store.Tx) error {
			if err := planCases(ctx, tx, batch); err != nil {
				return err
			}
			for _, x := range batch {
				x.result = wouldResult(x.result)
			}
			return nil
		})
	}
	return k.s.store.Update(ctx, func(tx store.Tx) error { return writeCases(ctx, tx, k.actor, batch, k.opts) })
}

// caseSum is what a case says, to tell whether an import line says the same.
func caseSum(c domain.Case) string {
	return strings.Join([]string{c.LastName, c.FirstName, c.BirthDate, c.Email, c.SIRET}, "\x00")
}

func (x *caseRow) parse(rec csvin.Record, now time.Time) error {
	number, err := domain.NormalizeCaseNumber("case_number", rec.Get(ccNumber))
	if err != nil {
		return err
	}
	if err := domain.CheckNames("last_name", rec.Get(ccLastName), "first_name", rec.Get(ccFirstName)); err != nil {
		return err
	}
	c := domain.Case{Number: number, LastName: clean(rec.Get(ccLastName)), FirstName: clean(rec.Get(ccFirstName))}
	if c.LastName == "" {
		return domain.Invalid("last_name", "", "field.required")
	}
	if c.FirstName == "" {
		return domain.Invalid("first_name", "", "field.required")
	}
	if c.BirthDate, err = domain.ParseBirthDate("birth_date", rec.Get(ccBirthDate), now); err != nil {
		return err
	}
	if e := rec.Get(ccEmail); e != "" {
		if c.Email, err = domain.NormalizeEmail(e); err != nil {
			return err
		}
	}
	if v := rec.Get(ccSIRET); v != "" {
		if c.SIRET, err = domain.NormalizeSIRET(v); err != nil {
			return err
		}
	}
	x.c = c
	return nil
}

// planCases decides what each row of a batch does: create the case (and give it to the one
// account waiting for it), or nothing when the case exists.
func planCases(ctx context.Context, tx store.Tx, batch []*caseRow) error {
	numbers := make([]string, len(batch))
	for i, x := range batch {
		numbers[i] = x.c.Number
	}
	known, err := tx.CasesByNumber(ctx, numbers)
	if err != nil {
		return err
	}
	exists := map[string]bool{}
	for _, c := range known {
		exists[c.Number] = true
	}
	waiting, err := tx.UnattachedTrainees(ctx)
	if err != nil {
		return err
	}
	byIdentity := map[string][]domain.User{}
	for _, u := range waiting {
		k := domain.IdentityKey(u.LastName, u.FirstName, u.BirthDate)
		byIdentity[k] = append(byIdentity[k], u)
	}
	taken := map[int64]bool{}
	for _, x := range batch {
		x.claim, x.claimE = 0, ""
		if exists[x.c.Number] {
			x.result = ResultSkipped
			continue
		}
		x.result = ResultCreated
		var match []domain.User
		for _, u := range byIdentity[x.c.Identity()] {
			if !taken[u.ID] && (x.c.Email == "" || x.c.Email == u.Email) {
				match = append(match, u)
			}
		}
		if len(match) == 1 { // several: nobody can tell which one; a gestionnaire decides
			x.claim, x.claimE = match[0].ID, match[0].Email
			taken[match[0].ID] = true
			x.result = ResultAttached
		}
	}
	return nil
}

// writeCases writes one batch: the new cases, the accounts they are given to, the audit.
func writeCases(ctx context.Context, tx store.Tx, actor domain.Actor, batch []*caseRow, opts ImportOptions) error {
	if err := planCases(ctx, tx, batch); err != nil {
		return err
	}
	var events []domain.AuditEvent
	label := actor.Label()
	for _, x := range batch {
		if x.result == ResultSkipped {
			continue
		}
		c := x.c
		created, err := tx.InsertCase(ctx, &c)
		if err != nil {
			return err
		}
		if !created {
			x.result = ResultSkipped // created by a concurrent import
			continue
		}
		if x.claim == 0 {
			continue
		}
		u, err := tx.UserForUpdate(ctx, x.claim)
		if err != nil {
			return err
		}
		if err := tx.ClaimCase(ctx, c.ID, u.ID); err != nil {
			return err
		}
		if _, err := tx.FranceConnectOf(ctx, u.ID); errors.Is(err, domain.ErrNotFound) {
			u.LastName, u.FirstName = c.LastName, c.FirstName // the case's spelling
			if err := tx.UpdateUser(ctx, &u); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		b, err := json.Marshal(map[string]any{"case": c.Number, "file": opts.File, "line": x.line})
		if err != nil {
			return err
		}
		events = append(events, domain.AuditEvent{ActorID: actor.UserID, Actor: label, Action: ActionCaseClaim, Target: u.Email, Details: string(b)})
	}
	if err := tx.AppendAudits(ctx, events); err != nil {
		return err
	}
	counts := map[string]int{}
	for _, x := range batch {
		counts[x.result]++
	}
	if counts[ResultCreated]+counts[ResultAttached] == 0 {
		return nil
	}
	return audit(ctx, tx, actor, ActionCaseImport, 0, opts.File, map[string]any{
		"file": opts.File, "first_line": batch[0].line, "last_line": batch[len(batch)-1].line,
		"created": counts[ResultCreated] + counts[ResultAttached], "attached": counts[ResultAttached], "skipped": counts[ResultSkipped],
	})
}

// Cases lists the case files (gestionnaires); unclaimed keeps those no account claimed.
func (s *Service) Cases(ctx context.Context, actor domain.Actor, unclaimed bool) ([]domain.Case, error) {
	if err := domain.Authorize(actor, domain.CaseRead, domain.Subject{}); err != nil {
		return nil, err
	}
	var out []domain.Case
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		out, err = tx.ListCases(ctx, store.CaseQuery{Unclaimed: unclaimed})
		return err
	})
	return out, err
}

// CaseDetail is a case and the account that claimed it.
type CaseDetail struct {
	Case  domain.Case
	Email string // of the account that claimed it, "" when unclaimed
}

// Case shows one case file (gestionnaires).
func (s *Service) Case(ctx context.Context, actor domain.Actor, number string) (CaseDetail, error) {
	var d CaseDetail
	if err := domain.Authorize(actor, domain.CaseRead, domain.Subject{}); err != nil {
		return d, err
	}
	n, err := domain.NormalizeCaseNumber("case-number", number)
	if err != nil {
		return d, err
	}
	err = s.store.View(ctx, func(tx store.Tx) error {
		c, err := tx.CaseByNumber(ctx, n)
		if err != nil {
			return err
		}
		d.Case = c
		if c.UserID != 0 {
			u, err := tx.UserByID(ctx, c.UserID)
			if err != nil {
				return err
			}
			d.Email = u.Email
		}
		return nil
	})
	return d, err
}

// TraineeRegistration is what `trainee register` asks.
type TraineeRegistration struct {
	LastName     string `json:"last_name"`
	FirstName    string `json:"first_name"`
	BirthDate    string `json:"birth_date"` // JJ/MM/AAAA or YYYY-MM-DD
	CaseNumber   string `json:"case_number"`
	NoCase       bool   `json:"no_case"`
	Email        string `json:"email"`
	EmailConfirm string `json:"email_confirm"`
	AcceptTerms  bool   `json:"accept_terms"`
}

// TraineeRegistered is what a registration made.
type TraineeRegistered struct {
	User       domain.User `json:"user"`
	CaseNumber string      `json:"case_number"` // "" without a case
	Terms      string      `json:"terms"`       // the version accepted, "" when none is published
	Mailed     bool        `json:"mailed"`      // a temporary password is on its way
}

// RegisterTrainee creates a trainee account (anyone): active, without structure, its
// temporary password mailed under the rules of every temporary password. With a case number
// the case must exist, be unclaimed, and carry the names and birth date typed (folded); every
// way of failing that reads the same (exit 6), and is audited. Without one the account waits
// for its case: a later `case import` gives it the case of the same names and birth date. The
// terms of use must be accepted; the current version, when one is published, is recorded.
func (s *Service) RegisterTrainee(ctx context.Context, actor domain.Actor, in TraineeRegistration) (TraineeRegistered, error) {
	var res TraineeRegistered
	if err := domain.Authorize(actor, domain.TraineeRegister, domain.Subject{}); err != nil {
		return res, err
	}
	if err := domain.CheckNames("last-name", in.LastName, "first-name", in.FirstName); err != nil {
		return res, err
	}
	last, first := clean(in.LastName), clean(in.FirstName)
	if last == "" {
		return res, domain.Invalid("last-name", "", "field.required")
	}
	if first == "" {
		return res, domain.Invalid("first-name", "", "field.required")
	}
	birth, err := domain.ParseBirthDate("birth-date", in.BirthDate, time.Now())
	if err != nil {
		return res, err
	}
	email, err := domain.NormalizeEmail(in.Email)
	if err != nil {
		return res, err
	}
	confirm, err := domain.NormalizeEmail(in.EmailConfirm)
	if err != nil {
		return res, domain.Invalid("email-confirm", strings.TrimSpace(in.EmailConfirm), "trainee.emails_differ")
	}
	if confirm != email {
		return res, domain.Invalid("email-confirm", confirm, "trainee.emails_differ")
	}
	if !in.AcceptTerms {
		return res, domain.Invalid("accept-terms", "", "trainee.terms_required")
	}
	number := ""
	switch {
	case in.NoCase && strings.TrimSpace(in.CaseNumber) != "":
		return res, domain.Invalid("case-number", "", "trainee.case_or_none")
	case !in.NoCase:
		if number, err = domain.NormalizeCaseNumber("case-number", in.CaseNumber); err != nil {
			return res, err
		}
	}
	refused := false
	err = s.store.Update(ctx, func(tx store.Tx) error {
		res, refused = TraineeRegistered{}, false
		if err := tx.LockName(ctx, "trainee "+email); err != nil {
			return err
		}
		if _, err := tx.UserByEmail(ctx, email); err == nil {
			return domain.Errorf(domain.ErrConflict, "trainee.email_taken", email)
		} else if !errors.Is(err, domain.ErrNotFound) {
			return err
		}
		var c domain.Case
		if number != "" {
			c, err = tx.CaseByNumber(ctx, number)
			switch {
			case errors.Is(err, domain.ErrNotFound):
				refused = true
			case err != nil:
				return err
			case c.UserID != 0 || !domain.MatchesCase(c, last, first, birth):
				refused = true
			}
			if refused {
				// Audited, and committed: guessing case numbers leaves a trace. Which part
				// differed is said to nobody, not even the audit trail.
				return audit(ctx, tx, actor, ActionTraineeRefused, 0, email, map[string]any{"case": number})
			}
			last, first = c.LastName, c.FirstName // the case's spelling
		}
		u := domain.User{Email: email, LastName: last, FirstName: first, Status: domain.UserActive, Trainee: true,
			BirthDate: birth, MustChangePassword: true}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		if c.ID != 0 {
			if err := tx.ClaimCase(ctx, c.ID, u.ID); err != nil {
				return err
			}
			res.CaseNumber = c.Number
		}
		cur, err := tx.CurrentTerms(ctx)
		switch {
		case err == nil:
			if _, err := tx.AcceptTerms(ctx, u.ID, cur.Version); err != nil {
				return err
			}
			res.Terms = cur.Version
		case !errors.Is(err, domain.ErrNotFound):
			return err
		}
		self := actorOrSelf(actor, u)
		if err := audit(ctx, tx, self, ActionTraineeRegister, 0, u.Email, map[string]any{
			"case": res.CaseNumber, "terms": res.Terms}); err != nil {
			return err
		}
		if res.Mailed, err = s.queueTemporaryPassword(ctx, tx, self, &u, false); err != nil {
			return err
		}
		res.User = u
		return nil
	})
	if err != nil {
		return TraineeRegistered{}, err
	}
	if refused {
		return TraineeRegistered{}, domain.Errorf(domain.ErrInvalid, "trainee.case_refused")
	}
	return res, nil
}
