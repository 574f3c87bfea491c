package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/profil-cli/profil/internal/csvin"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/store"
)

// Imports load files of hundreds of thousands of lines: extracts of the public registers
// (structures) and the account bases of the former portals (Synapse in ex-Aquitaine, PRISME in
// Limousin). Both run in two passes:
//
//  1. every line is read and checked (columns, values, duplicates within the file, SIRETs known
//     to the database), without writing anything. A bad line stops the import there, with the
//     list of bad lines, unless SkipInvalid is set;
//  2. the good lines are written in batches of BatchSize lines, one transaction and one audit
//     event per batch. What a line does is decided in its batch's transaction from what the
//     database holds (an account that exists is attached, not created again), so a run that
//     stops half-way (a crash, a kill) keeps the batches it committed, and running the same
//     file again completes it without duplicates. A run that finds everything done writes
//     nothing, not even an audit event.
//
// A dry run does both passes and writes nothing: the second only reads, to say what would
// happen.

// DefaultImportBatch is how many lines one transaction of an import writes.
const DefaultImportBatch = 5000

// maxListedLines bounds how many bad lines the message of a refused import lists.
const maxListedLines = 20

// The results of an import line.
const (
	ResultCreated     = "created"
	ResultAttached    = "attached" // an existing account attached to one more structure
	ResultUpdated     = "updated"
	ResultSkipped     = "skipped" // already there: nothing to do
	ResultError       = "error"
	ResultWouldCreate = "would-create"
	ResultWouldAttach = "would-attach"
	ResultWouldUpdate = "would-update"
)

// Legacy sources of accounts.
var importSources = []string{"synapse", "prisme"}

// ImportOptions tune an import.
type ImportOptions struct {
	// Source is the base the accounts of a user import come from: "synapse" or "prisme".
	Source string
	// File names the file in the audit trail.
	File string
	// DryRun reads and checks everything and writes nothing.
	DryRun bool
	// SkipInvalid imports the good lines of a file that has bad ones.
	SkipInvalid bool
	// BatchSize is how many lines one transaction writes; 0 means DefaultImportBatch.
	BatchSize int
	// OnResult, when set, receives the result of each line, in the order of the file. When the
	// import is refused for bad lines, only those are reported.
	OnResult func(LineResult) `json:"-"`
	// OnProgress, when set, is told after each batch how many good lines are done, of how many.
	OnProgress func(done, total int) `json:"-"`
}

func (o ImportOptions) batchSize() int {
	if o.BatchSize > 0 {
		return o.BatchSize
	}
	return DefaultImportBatch
}

// LineResult is what happened to one line of an import file.
type LineResult struct {
	Line int
	// Key is what identifies the line's subject: the e-mail, the SIRET, or the name of a
	// structure without SIRET.
	Key    string
	Result string
	// Err says why a line was refused (Result is ResultError); it is a *LineError.
	Err error
}

// ImportSummary counts the results of an import.
type ImportSummary struct {
	Lines  int            // lines read, header excluded
	Counts map[string]int // lines by result
}

// LineError is why one line of an import file is refused. It unwraps to domain.ErrInvalid.
type LineError struct {
	Line   int
	Column string // empty when the line as a whole is at fault
	Value  string // the cell as read, for the message
	Reason string
}

func (e *LineError) Error() string { return i18n.T("import.line_error", e.Line, e.Detail()) }

// Detail is the message without the line number: `column phone: "05 56" is not a valid phone
// number`.
func (e *LineError) Detail() string {
	if e.Column == "" {
		return e.Reason
	}
	return i18n.T("import.column", e.Column, phrase(e.Value, e.Reason))
}

// Unwrap makes errors.Is(err, domain.ErrInvalid) true.
func (e *LineError) Unwrap() error { return domain.ErrInvalid }

// phrase joins a value and the validators' reason into a sentence: "x" is not…, "x" must…,
// or "x": reason. Which reasons read as a predicate depends on the language, so the catalogue
// lists their first words.
func phrase(value, reason string) string {
	if value == "" {
		return reason
	}
	if utf8.RuneCountInString(value) > 60 {
		value = string([]rune(value)[:60]) + "…"
	}
	switch {
	case startsWithAny(reason, i18n.T("import.phrase_is_starts")):
		return i18n.T("import.phrase_is", value, reason)
	case startsWithAny(reason, i18n.T("import.phrase_predicate_starts")):
		return i18n.T("import.phrase_predicate", value, reason)
	}
	return i18n.T("import.phrase_colon", value, reason)
}

// startsWithAny reports whether s starts with one of the "|"-separated prefixes.
func startsWithAny(s, prefixes string) bool {
	for _, p := range strings.Split(prefixes, "|") {
		if p != "" && strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// lineError turns a validator's error into the error of a line, the field named by the column
// it came from.
func lineError(line int, err error, columns map[string]string) error {
	var fe *domain.FieldError
	if errors.As(err, &fe) {
		col := fe.Field
		if c, ok := columns[col]; ok {
			col = c
		}
		return &LineError{Line: line, Column: col, Value: fe.Value, Reason: fe.Reason}
	}
	var le *LineError
	if errors.As(err, &le) {
		return le
	}
	return &LineError{Line: line, Reason: err.Error()}
}

// ImportError refuses a file with bad lines: nothing was written. It unwraps to
// domain.ErrInvalid (exit 6).
type ImportError struct {
	Bad   []LineResult // the first bad lines, at most maxListedLines
	Count int          // how many lines are bad
	Lines int          // how many lines the file has
}

func (e *ImportError) Error() string {
	var b strings.Builder
	b.WriteString(i18n.N(e.Count, "import.refused", e.Count, e.Lines))
	for _, r := range e.Bad {
		b.WriteString("\n  ")
		b.WriteString(r.Err.Error())
	}
	if more := e.Count - len(e.Bad); more > 0 {
		b.WriteString("\n  ")
		b.WriteString(i18n.T("import.and_more", more))
	}
	return b.String()
}

// Unwrap makes errors.Is(err, domain.ErrInvalid) true.
func (e *ImportError) Unwrap() error { return domain.ErrInvalid }

// importRow is the part every kind of row shares: its line, its key and its fate.
type importRow struct {
	line   int
	key    string
	err    error // the line is refused
	result string
}

func (r *importRow) base() *importRow { return r }

type row interface{ base() *importRow }

// run is one import under way: the rows read in the first pass, and the reporting of their
// results in file order.
type run[R row] struct {
	opts    ImportOptions
	rows    []R
	bad     int
	emitted int // rows reported so far
	summary ImportSummary
}

// refuse marks a row bad.
func (r *run[R]) refuse(x R, err error) {
	b := x.base()
	if b.err == nil {
		r.bad++
	}
	b.err, b.result = err, ResultError
}

// report sends the results of the rows up to (not including) index end.
func (r *run[R]) report(end int) {
	for ; r.emitted < end; r.emitted++ {
		b := r.rows[r.emitted].base()
		if b.result == "" {
			continue
		}
		r.summary.Counts[b.result]++
		if r.opts.OnResult != nil {
			r.opts.OnResult(LineResult{Line: b.line, Key: b.key, Result: b.result, Err: b.err})
		}
	}
}

// check ends the first pass: a file with bad lines is refused unless SkipInvalid.
func (r *run[R]) check() error {
	r.summary.Lines = len(r.rows)
	if r.bad == 0 || r.opts.SkipInvalid {
		return nil
	}
	e := &ImportError{Count: r.bad, Lines: len(r.rows)}
	for _, x := range r.rows {
		b := x.base()
		if b.err == nil {
			continue
		}
		if len(e.Bad) < maxListedLines {
			e.Bad = append(e.Bad, LineResult{Line: b.line, Key: b.key, Result: ResultError, Err: b.err})
		}
	}
	r.report(len(r.rows)) // only bad rows have a result yet
	return e
}

// batches calls write with the good rows in batches of the batch size, in file order, and
// reports every row once its batch is written.
func (r *run[R]) batches(write func(batch []R) error) error {
	size, total, done := r.opts.batchSize(), len(r.rows)-r.bad, 0
	batch := make([]R, 0, min(size, total))
	flush := func(end int) error {
		if len(batch) > 0 {
			if err := write(batch); err != nil {
				first, last := batch[0].base().line, batch[len(batch)-1].base().line
				if r.opts.DryRun {
					return err
				}
				return i18n.Errorf("import.batch_failed", first, last, err)
			}
			done += len(batch)
			if r.opts.OnProgress != nil {
				r.opts.OnProgress(done, total)
			}
			batch = batch[:0]
		}
		r.report(end)
		return nil
	}
	for i, x := range r.rows {
		if x.base().err != nil {
			continue
		}
		batch = append(batch, x)
		if len(batch) == size {
			if err := flush(i + 1); err != nil {
				return err
			}
		}
	}
	return flush(len(r.rows))
}

// readRows reads every record of the file, calling parse for each, and keeps the rows in file
// order. A line that is not well-formed CSV becomes a refused row made by broken. It stops when
// ctx is cancelled (Ctrl-C while a large file is checked).
func readRows[R row](ctx context.Context, rd *csvin.Reader, r *run[R], parse func(csvin.Record) R, broken func(line int) R) error {
	for n := 1; ; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var le *csvin.LineError
		if errors.As(err, &le) {
			x := broken(le.Line)
			r.rows = append(r.rows, x)
			r.refuse(x, &LineError{Line: le.Line, Reason: i18n.T("import.bad_csv", le.Err.Error())})
			continue
		}
		if err != nil {
			return i18n.Errorf("import.read_failed", err)
		}
		r.rows = append(r.rows, parse(rec))
	}
}

func newRun[R row](opts ImportOptions) *run[R] {
	return &run[R]{opts: opts, summary: ImportSummary{Counts: map[string]int{}}}
}

// The columns of `user import`.
const (
	ucEmail = iota
	ucLastName
	ucFirstName
	ucFunction
	ucPhone
	ucSIRET
)

// UserImportColumns are the columns `user import` reads, with their French aliases.
var UserImportColumns = []csvin.Column{
	ucEmail:     {Name: "email", Aliases: []string{"e-mail", "mail", "courriel", "adresse mail", "adresse e-mail", "adresse email", "adresse electronique"}, Required: true},
	ucLastName:  {Name: "last_name", Aliases: []string{"nom", "nom de famille", "lastname"}, Required: true},
	ucFirstName: {Name: "first_name", Aliases: []string{"prenom", "firstname"}, Required: true},
	ucFunction:  {Name: "function", Aliases: []string{"fonction", "poste"}},
	ucPhone:     {Name: "phone", Aliases: []string{"telephone", "tel", "numero de telephone"}},
	ucSIRET:     {Name: "siret", Aliases: []string{"n siret", "no siret", "numero siret", "siret de la structure"}, Required: true},
}

// userColumns maps the fields validators name to the columns of the file.
var userColumns = map[string]string{"last-name": "last_name", "first-name": "first_name"}

type userRow struct {
	importRow
	user      domain.User
	siret     string
	structure int64
	userID    int64 // the existing account, in the second pass
}

// ImportUsers imports the accounts of a legacy base (gestionnaires only). Each line is an
// account, active, without password (a temporary one is mailed at its first sign-in), attached
// to the structure of its SIRET with the catalogue's automatic profiles; nobody becomes
// référent by an import. An e-mail that has an account already is attached to the structure
// if it is not a member yet, and skipped otherwise; the account itself is left as it is.
func (s *Service) ImportUsers(ctx context.Context, actor domain.Actor, r io.Reader, opts ImportOptions) (ImportSummary, error) {
	if err := domain.Authorize(actor, domain.Import, domain.Subject{}); err != nil {
		return ImportSummary{}, err
	}
	if !slices.Contains(importSources, opts.Source) {
		return ImportSummary{}, domain.Invalid("source", opts.Source, "import.source_invalid", strings.Join(importSources, ", "))
	}
	rd, err := csvin.NewReader(r, UserImportColumns)
	if err != nil {
		return ImportSummary{}, err
	}
	run := newRun[*userRow](opts)
	phones := phoneCache{}
	firstLine := map[string]int{}
	err = readRows(ctx, rd, run, func(rec csvin.Record) *userRow {
		x := &userRow{importRow: importRow{line: rec.Line, key: rec.Get(ucEmail)}}
		if err := x.parse(rec, phones, opts.Source); err != nil {
			run.refuse(x, lineError(rec.Line, err, userColumns))
			return x
		}
		x.key = x.user.Email
		// A person may be listed once per structure (a legacy base, or an export of every
		// member); the same person twice for one structure is a mistake in the file.
		pair := x.user.Email + " " + x.siret
		if first, dup := firstLine[pair]; dup {
			run.refuse(x, &LineError{Line: rec.Line, Column: "email", Value: x.user.Email,
				Reason: i18n.T("import.duplicate", first)})
			return x
		}
		firstLine[pair] = rec.Line
		return x
	}, func(line int) *userRow { return &userRow{importRow: importRow{line: line}} })
	if err != nil {
		return run.summary, err
	}
	firstLine = nil

	// The structures of the SIRETs, and the profiles each one's members get.
	var (
		cat        domain.Catalogue
		structures = map[string]domain.Structure{}
	)
	err = s.store.View(ctx, func(tx store.Tx) error {
		var err error
		if cat, err = tx.Catalogue(ctx); err != nil {
			return err
		}
		sirets := map[string]bool{}
		var list []string
		for _, x := range run.rows {
			if x.err == nil && !sirets[x.siret] {
				sirets[x.siret] = true
				list = append(list, x.siret)
			}
		}
		found, err := tx.StructuresBySIRET(ctx, list)
		for _, st := range found {
			structures[st.SIRET] = st
		}
		return err
	})
	if err != nil {
		return run.summary, err
	}
	automatic := map[int64][]string{}
	for _, x := range run.rows {
		if x.err != nil {
			continue
		}
		st, ok := structures[x.siret]
		if !ok {
			run.refuse(x, &LineError{Line: x.line, Column: "siret", Value: x.siret,
				Reason: i18n.T("import.unknown_siret")})
			continue
		}
		x.structure = st.ID
		if _, done := automatic[st.ID]; !done {
			automatic[st.ID] = automaticProfiles(cat, st)
		}
	}
	if err := run.check(); err != nil {
		return run.summary, err
	}

	insertFirst := false // the first batch is looked up first: the file may have been imported already
	err = run.batches(func(batch []*userRow) error {
		if opts.DryRun {
			return s.store.View(ctx, func(tx store.Tx) error {
				if err := classifyUsers(ctx, tx, batch); err != nil {
					return err
				}
				for _, x := range batch {
					x.result = wouldResult(x.result)
				}
				return nil
			})
		}
		first := insertFirst // read, never set, by the transaction: it may run twice
		var existed bool
		err := s.store.Update(ctx, func(tx store.Tx) error {
			var err error
			if existed, err = writeUsers(ctx, tx, actor, batch, automatic, first); err != nil {
				return err
			}
			counts := map[string]int{}
			for _, x := range batch {
				counts[x.result]++
			}
			if counts[ResultCreated]+counts[ResultAttached] == 0 {
				return nil // all done already: nothing to record
			}
			if err := auditImportedPeople(ctx, tx, actor, batch, opts); err != nil {
				return err
			}
			return audit(ctx, tx, actor, "user.import", 0, opts.Source, map[string]any{
				"source": opts.Source, "file": opts.File, "first_line": batch[0].line, "last_line": batch[len(batch)-1].line,
				"created": counts[ResultCreated], "attached": counts[ResultAttached], "skipped": counts[ResultSkipped],
			})
		})
		if err != nil {
			for _, x := range batch {
				x.result = "" // not written: reported by nobody
			}
			return err
		}
		insertFirst = !existed
		return nil
	})
	return run.summary, err
}

// parse reads and checks the cells of one account.
func (x *userRow) parse(rec csvin.Record, phones phoneCache, source string) error {
	email, err := domain.NormalizeEmail(rec.Get(ucEmail))
	if err != nil {
		return err
	}
	if err := domain.CheckTexts("last_name", rec.Get(ucLastName), "first_name", rec.Get(ucFirstName), "function", rec.Get(ucFunction)); err != nil {
		return err
	}
	u := domain.User{Email: email, LastName: clean(rec.Get(ucLastName)), FirstName: clean(rec.Get(ucFirstName)),
		Function: clean(rec.Get(ucFunction)), Status: domain.UserActive, Source: source}
	if u.LastName == "" {
		return domain.Invalid("last_name", "", "field.required")
	}
	if u.FirstName == "" {
		return domain.Invalid("first_name", "", "field.required")
	}
	if u.Phone, err = phones.normalize(rec.Get(ucPhone)); err != nil {
		return err
	}
	raw := rec.Get(ucSIRET)
	if raw == "" {
		return domain.Invalid("siret", "", "import.siret_required")
	}
	if x.siret, err = domain.NormalizeSIRET(raw); err != nil {
		return err
	}
	x.user = u
	return nil
}

// automaticProfiles are the catalogue's automatic profiles that a membership of st may hold,
// as grantAll would check them one after the other.
func automaticProfiles(cat domain.Catalogue, st domain.Structure) []string {
	var held []string
	for _, code := range cat.Automatic() {
		if cat.CheckGrant(st, held, code) == nil {
			held = append(held, code)
		}
	}
	return held
}

// classifyUsers decides from the database what each row of a batch does: create an account,
// attach an existing one, or nothing.
func classifyUsers(ctx context.Context, tx store.Tx, batch []*userRow) error {
	emails := make([]string, len(batch))
	for i, x := range batch {
		emails[i] = x.user.Email
	}
	ids, err := tx.UserIDsByEmail(ctx, emails)
	if err != nil {
		return err
	}
	var existing []int64
	for _, x := range batch {
		x.userID = ids[x.user.Email]
		if x.userID != 0 {
			existing = append(existing, x.userID)
		}
	}
	// A member, or a former member: an import never undoes a detachment.
	member := map[[2]int64]bool{}
	if len(existing) > 0 {
		ms, err := tx.MembershipsOf(ctx, existing)
		if err != nil {
			return err
		}
		for _, m := range ms {
			member[[2]int64{m.UserID, m.StructureID}] = true
		}
	}
	for _, x := range batch {
		switch {
		case x.userID == 0:
			x.result = ResultCreated
		case member[[2]int64{x.userID, x.structure}]:
			x.result = ResultSkipped
		default:
			x.result = ResultAttached
		}
	}
	return nil
}

// writeUsers writes one batch: the new accounts, the memberships, their automatic profiles.
// With insertFirst the accounts are inserted straight away and only those that exist already
// are looked up, so that an import into a base without them looks nothing up; otherwise the
// batch is looked up first, so that a run over accounts already imported inserts nothing. It
// reports whether accounts of the batch existed already.
func writeUsers(ctx context.Context, tx store.Tx, actor domain.Actor, batch []*userRow, automatic map[int64][]string, insertFirst bool) (existed bool, err error) {
	creating := batch
	if !insertFirst {
		if err := classifyUsers(ctx, tx, batch); err != nil {
			return false, err
		}
		creating = nil
		for _, x := range batch {
			if x.result == ResultCreated {
				creating = append(creating, x)
			}
		}
	}
	users := make([]domain.User, len(creating))
	for i, x := range creating {
		users[i] = x.user
	}
	if err := tx.InsertUsers(ctx, users); err != nil {
		return false, err
	}
	var there []*userRow // the accounts that exist: created by a concurrent writer since classifyUsers, or never looked up
	for i, x := range creating {
		x.userID, x.result = users[i].ID, ResultCreated
		if x.userID == 0 {
			there = append(there, x)
		}
	}
	if len(there) > 0 {
		if err := classifyUsers(ctx, tx, there); err != nil {
			return false, err
		}
		for _, x := range there {
			if x.result == ResultCreated {
				return false, fmt.Errorf("the account %s is neither created nor found", x.user.Email)
			}
		}
	}
	existed = len(creating) < len(batch) || len(there) > 0
	var (
		joining []*userRow
		ms      []domain.Membership
	)
	for _, x := range batch {
		if x.result == ResultCreated || x.result == ResultAttached {
			joining = append(joining, x)
			ms = append(ms, domain.Membership{UserID: x.userID, StructureID: x.structure})
		}
	}
	if err := tx.InsertMemberships(ctx, ms); err != nil {
		return existed, err
	}
	var (
		grantOn []int64
		codes   []string
	)
	for i, x := range joining {
		if ms[i].ID == 0 {
			x.result = ResultSkipped // attached by a concurrent writer
			continue
		}
		for _, code := range automatic[x.structure] {
			grantOn = append(grantOn, ms[i].ID)
			codes = append(codes, code)
		}
	}
	return existed, tx.InsertGrants(ctx, grantOn, codes, actor.UserID)
}

// wouldResult is what a dry run says of a result.
func wouldResult(result string) string {
	switch result {
	case ResultCreated:
		return ResultWouldCreate
	case ResultAttached:
		return ResultWouldAttach
	case ResultUpdated:
		return ResultWouldUpdate
	}
	return result
}

// The columns of `structure import`.
const (
	scSIRET = iota
	scName
	scAcronym
	scAPE
	scAddress
	scPostalCode
	scCity
	scKinds
	scMinistry
)

// StructureImportColumns are the columns `structure import` reads, with their French aliases.
var StructureImportColumns = []csvin.Column{
	scSIRET:      {Name: "siret", Aliases: []string{"n siret", "no siret", "numero siret"}},
	scName:       {Name: "name", Aliases: []string{"nom", "raison sociale", "denomination"}, Required: true},
	scAcronym:    {Name: "acronym", Aliases: []string{"sigle", "acronyme"}},
	scAPE:        {Name: "ape", Aliases: []string{"code ape", "naf", "code naf", "ape naf"}},
	scAddress:    {Name: "address", Aliases: []string{"adresse"}},
	scPostalCode: {Name: "postal_code", Aliases: []string{"code postal", "cp"}},
	scCity:       {Name: "city", Aliases: []string{"ville", "commune"}},
	scKinds:      {Name: "kinds", Aliases: []string{"kind", "type", "types"}},
	scMinistry:   {Name: "ministry", Aliases: []string{"ministere"}},
}

// structureColumns maps the fields validators name to the columns of the file.
var structureColumns = map[string]string{"kind": "kinds"}

type structureRow struct {
	importRow
	in        domain.StructureInput // the non-empty cells
	structure domain.Structure      // the line as a new structure
	match     string                // without SIRET: folded name, address and postal code
}

// ImportStructures creates and updates structures from a file (gestionnaires only), such as an
// extract of the public registers. A line whose SIRET is known updates that structure; a line
// without SIRET updates the structure without SIRET of the same name, address and postal code
// (compared without case, accents or punctuation), if there is one. Otherwise the line creates
// a structure. Updates change only what the file says: an empty cell never erases a value,
// and kinds are added to those the structure has, never removed (removing one could break the
// profiles of its members; `profil structure update` does it with that check).
func (s *Service) ImportStructures(ctx context.Context, actor domain.Actor, r io.Reader, opts ImportOptions) (ImportSummary, error) {
	if err := domain.Authorize(actor, domain.Import, domain.Subject{}); err != nil {
		return ImportSummary{}, err
	}
	rd, err := csvin.NewReader(r, StructureImportColumns)
	if err != nil {
		return ImportSummary{}, err
	}
	run := newRun[*structureRow](opts)
	firstLine := map[string]int{}
	err = readRows(ctx, rd, run, func(rec csvin.Record) *structureRow {
		x := &structureRow{importRow: importRow{line: rec.Line, key: rec.Get(scSIRET)}}
		if x.key == "" {
			x.key = rec.Get(scName)
		}
		if err := x.parse(rec); err != nil {
			run.refuse(x, lineError(rec.Line, err, structureColumns))
			return x
		}
		k, column := x.structure.SIRET, "siret"
		if k == "" {
			k, column = "\x00"+x.match, "name"
		}
		if first, dup := firstLine[k]; dup {
			reason := i18n.T("import.duplicate", first)
			if column == "name" {
				reason = i18n.T("import.duplicate_no_siret", first)
			}
			run.refuse(x, &LineError{Line: rec.Line, Column: column, Value: x.key, Reason: reason})
			return x
		}
		firstLine[k] = rec.Line
		return x
	}, func(line int) *structureRow { return &structureRow{importRow: importRow{line: line}} })
	if err != nil {
		return run.summary, err
	}
	if err := run.check(); err != nil {
		return run.summary, err
	}
	err = run.batches(func(batch []*structureRow) error {
		if opts.DryRun {
			return s.store.View(ctx, func(tx store.Tx) error {
				_, _, err := planStructures(ctx, tx, batch)
				for _, x := range batch {
					x.result = wouldResult(x.result)
				}
				return err
			})
		}
		err := s.store.Update(ctx, func(tx store.Tx) error {
			return writeStructures(ctx, tx, actor, batch, opts)
		})
		if err != nil {
			for _, x := range batch {
				x.result = ""
			}
		}
		return err
	})
	return run.summary, err
}

// parse reads and checks the cells of one structure, as a new structure would have them.
func (x *structureRow) parse(rec csvin.Record) error {
	cell := func(i int) *string {
		if v := rec.Get(i); v != "" {
			return &v
		}
		return nil
	}
	x.in = domain.StructureInput{
		SIRET: cell(scSIRET), Name: cell(scName), Acronym: cell(scAcronym), APE: cell(scAPE), Address: cell(scAddress),
		PostalCode: cell(scPostalCode), City: cell(scCity),
	}
	if v := rec.Get(scKinds); v != "" {
		kinds, err := domain.ParseKinds(v)
		if err != nil {
			return err
		}
		x.in.Kinds = &kinds
	}
	if v := rec.Get(scMinistry); v != "" {
		b, err := parseYesNo(v)
		if err != nil {
			return domain.Invalid("ministry", v, err.Error())
		}
		x.in.Ministry = &b
	}
	if err := x.in.Apply(&x.structure); err != nil {
		return err
	}
	if x.structure.SIRET != "" {
		x.key = x.structure.SIRET
	} else {
		x.key = x.structure.Name
		x.match = noSIRETKey(x.structure)
	}
	return nil
}

// noSIRETKey is how a structure without SIRET is recognised: its name, address and postal
// code, folded.
func noSIRETKey(st domain.Structure) string {
	return domain.Fold(st.Name) + "\x00" + domain.Fold(st.Address) + "\x00" + st.PostalCode
}

// parseYesNo reads the yes/no cells of spreadsheets.
func parseYesNo(s string) (bool, error) {
	switch domain.Fold(s) {
	case "true", "vrai", "oui", "yes", "1":
		return true, nil
	case "false", "faux", "non", "no", "0":
		return false, nil
	}
	return false, errors.New(i18n.T("import.yes_no"))
}

// planStructures decides from the database what each row of a batch does. It returns the
// structures to create, and the structures to update with their state before the update.
func planStructures(ctx context.Context, tx store.Tx, batch []*structureRow) (create []*structureRow, updates []structureUpdate, err error) {
	var sirets, names []string
	for _, x := range batch {
		if x.structure.SIRET != "" {
			sirets = append(sirets, x.structure.SIRET)
		} else {
			names = append(names, domain.Fold(x.structure.Name))
		}
	}
	bySIRET := map[string]domain.Structure{}
	found, err := tx.StructuresBySIRET(ctx, sirets)
	if err != nil {
		return nil, nil, err
	}
	for _, st := range found {
		bySIRET[st.SIRET] = st
	}
	byKey := map[string]domain.Structure{}
	if len(names) > 0 {
		found, err := tx.StructuresWithoutSIRET(ctx, names)
		if err != nil {
			return nil, nil, err
		}
		for _, st := range found {
			if _, ok := byKey[noSIRETKey(st)]; !ok || st.ID < byKey[noSIRETKey(st)].ID {
				byKey[noSIRETKey(st)] = st
			}
		}
	}
	for _, x := range batch {
		before, exists := bySIRET[x.structure.SIRET]
		if x.structure.SIRET == "" {
			before, exists = byKey[x.match]
		}
		if !exists {
			x.result = ResultCreated
			create = append(create, x)
			continue
		}
		after := before
		in := x.in
		if in.Kinds != nil {
			kinds := domain.SortKinds(append(slices.Clone(before.Kinds), *in.Kinds...))
			in.Kinds = &kinds
		}
		if err := in.Apply(&after); err != nil {
			return nil, nil, i18n.Errorf("import.line", x.line, err)
		}
		if sameStructure(before, after) {
			x.result = ResultSkipped
			continue
		}
		x.result = ResultUpdated
		updates = append(updates, structureUpdate{before: before, after: after})
	}
	return create, updates, nil
}

// importedPerson is the audit detail of one person an import attached to a structure.
type importedPerson struct {
	Source  string `json:"source"`
	Line    int    `json:"line"`    // of the file the batch's user.import event names
	Created bool   `json:"created"` // the account was created, not only attached
}

// auditImportedPeople writes one audit event per person the batch attached, on the structure
// they joined, so that `audit list --structure S` shows everyone an import brought into S.
// The events are written in a few set-based statements: an import may list a million people.
func auditImportedPeople(ctx context.Context, tx store.Tx, actor domain.Actor, batch []*userRow, opts ImportOptions) error {
	events := make([]domain.AuditEvent, 0, len(batch))
	label := actor.Label()
	for _, x := range batch {
		if x.result != ResultCreated && x.result != ResultAttached {
			continue
		}
		b, err := json.Marshal(importedPerson{Source: opts.Source, Line: x.line, Created: x.result == ResultCreated})
		if err != nil {
			return err
		}
		events = append(events, domain.AuditEvent{ActorID: actor.UserID, Actor: label, Action: "member.import",
			StructureID: x.structure, Target: x.user.Email, Details: string(b)})
	}
	return tx.AppendAudits(ctx, events)
}

type structureUpdate struct{ before, after domain.Structure }

// sameStructure reports whether an import line changes nothing of a structure.
func sameStructure(a, b domain.Structure) bool {
	return a.SIRET == b.SIRET && a.Name == b.Name && a.Acronym == b.Acronym && a.APE == b.APE && a.Address == b.Address &&
		a.PostalCode == b.PostalCode && a.City == b.City && slices.Equal(a.Kinds, b.Kinds) && a.Ministry == b.Ministry
}

// writeStructures writes one batch: the new structures, then the updates, each of them audited
// as `structure update` is, and the batch as a whole.
func writeStructures(ctx context.Context, tx store.Tx, actor domain.Actor, batch []*structureRow, opts ImportOptions) error {
	create, updates, err := planStructures(ctx, tx, batch)
	if err != nil {
		return err
	}
	// Lock the structures to rewrite, then plan again from what they hold once locked: a
	// change committed meanwhile (kinds, adhesion) is kept, not overwritten by the old row.
	locked := map[int64]bool{}
	for {
		var ids []int64
		for _, u := range updates {
			if !locked[u.before.ID] {
				ids = append(ids, u.before.ID)
				locked[u.before.ID] = true
			}
		}
		if len(ids) == 0 {
			break
		}
		if err := tx.LockStructures(ctx, ids); err != nil {
			return err
		}
		if create, updates, err = planStructures(ctx, tx, batch); err != nil {
			return err
		}
	}
	ss := make([]domain.Structure, len(create))
	for i, x := range create {
		ss[i] = x.structure
	}
	if err := tx.InsertStructures(ctx, ss); err != nil {
		return err
	}
	events := make([]domain.AuditEvent, 0, len(create))
	for i, x := range create {
		if ss[i].ID == 0 {
			x.result = ResultSkipped // its SIRET was created by a concurrent writer
			continue
		}
		details := structureDetails(ss[i])
		details["file"], details["line"] = opts.File, x.line
		b, err := json.Marshal(details)
		if err != nil {
			return err
		}
		events = append(events, domain.AuditEvent{ActorID: actor.UserID, Actor: actor.Label(), Action: domain.ActionStructureCreate,
			StructureID: ss[i].ID, Target: ss[i].Label(), Details: string(b)})
	}
	if err := tx.AppendAudits(ctx, events); err != nil {
		return err
	}
	for _, u := range updates {
		after := u.after
		if err := tx.UpdateStructure(ctx, &after); err != nil {
			return err
		}
		if err := audit(ctx, tx, actor, domain.ActionStructureUpdate, after.ID, after.Label(), changes(u.before, after)); err != nil {
			return err
		}
	}
	counts := map[string]int{}
	for _, x := range batch {
		counts[x.result]++
	}
	if counts[ResultCreated]+counts[ResultUpdated] == 0 {
		return nil
	}
	return audit(ctx, tx, actor, "structure.import", 0, opts.File, map[string]any{
		"file": opts.File, "first_line": batch[0].line, "last_line": batch[len(batch)-1].line,
		"created": counts[ResultCreated], "updated": counts[ResultUpdated], "skipped": counts[ResultSkipped],
	})
}

// phoneCache memoises domain.NormalizePhone for the numbers of the French numbering plan
// typed as ten digits ("05 56 00 00 00", "05.56.00.00.00") or as "+33" or "0033" and nine
// digits. Checking a number takes the phone library about a tenth of a millisecond, which
// would make the check of a million accounts last minutes; but whether such a number is valid,
// and in which country or overseas department it rings, depends only on its first digits: in
// the library's metadata for France and its overseas departments, every pattern of a
// nine-digit national number ends with at least four free digits. So the result for one number
// gives the result for every number that differs only in its last four digits, and the library
// is asked once per such prefix. Other spellings go to domain.NormalizePhone unchanged.
type phoneCache map[string]phoneClass

type phoneClass struct {
	prefix string // the E.164 result without its last four digits
	reason string // the number is invalid, for this reason
}

func (c phoneCache) normalize(s string) (string, error) {
	key, last4, ok := phoneKey(s)
	if !ok {
		return domain.NormalizePhone(s)
	}
	if cl, hit := c[key]; hit {
		if cl.reason != "" {
			return "", domain.Invalid("phone", s, cl.reason)
		}
		return cl.prefix + last4, nil
	}
	e164, err := domain.NormalizePhone(s)
	var fe *domain.FieldError
	switch {
	case errors.As(err, &fe):
		c[key] = phoneClass{reason: fe.Reason}
	case err == nil && strings.HasSuffix(e164, last4):
		c[key] = phoneClass{prefix: strings.TrimSuffix(e164, last4)}
	}
	return e164, err
}

// phoneKey returns the cache key of s (its form and digits but the last four) and its last
// four digits, when s is ten digits starting with a single 0, or "+33" or "0033" and nine
// digits, written with digits, spaces, dots and hyphens only.
func phoneKey(s string) (key, last4 string, ok bool) {
	var d [16]byte
	n := 0
	plus := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if n == len(d) {
				return "", "", false
			}
			d[n] = c
			n++
		case c == '+' && n == 0 && !plus:
			plus = true
		case c == ' ' || c == '.' || c == '-':
		default:
			return "", "", false
		}
	}
	digits := string(d[:n])
	var form string
	switch {
	case plus && n == 11 && strings.HasPrefix(digits, "33") && digits[2] != '0':
		form = "+"
	case !plus && n == 13 && strings.HasPrefix(digits, "0033") && digits[4] != '0':
		form = "00"
	case !plus && n == 10 && digits[0] == '0' && digits[1] != '0':
		form = "0"
	default:
		return "", "", false
	}
	return form + digits[:n-4], digits[n-4:], true
}
