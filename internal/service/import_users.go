package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/profil-cli/profil/internal/csvin"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/store"
)

// Legacy sources of accounts.
var importSources = []string{"synapse", "prisme"}

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
	automatic []string // the profiles its members get
	userID    int64    // the existing account, in the second pass
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
	opts = s.importOptions(opts)
	sum, err := runImport(ctx, r, opts, &userImport{s: s, actor: actor, opts: opts, phones: phoneCache{}, sirets: map[uint64]int32{}})
	s.refreshStatisticsAfter(ctx, sum, opts, "users", "memberships", "grants", "audit_events")
	return sum, err
}

// userImport is the kind of line of `user import`.
type userImport struct {
	s      *Service
	actor  domain.Actor
	opts   ImportOptions
	phones phoneCache
	// The SIRETs of the file (as numbers: a million of them take about 30 MB), by index, and
	// what the database says of each.
	sirets     map[uint64]int32
	siretList  []uint64
	structures []importStructure
	// The sets of automatic profiles the structures' members get: a few, shared by
	// structures of the same kinds.
	profileSets [][]string
	// insertFirst: the previous batch found no account already there, so the next one is
	// inserted straight away (the first batch is looked up first: the file may have been
	// imported already).
	insertFirst bool
	// A dry run writes nothing, so it remembers the accounts its earlier lines would create
	// (a hash of each e-mail): a person on several lines is created once, then attached.
	wouldCreate map[uint64]struct{}
	seed        maphash.Seed
}

// importStructure is a structure lines refer to by SIRET.
type importStructure struct {
	id        int64 // 0: unknown
	automatic int32 // index in profileSets
}

// siretNumber is a normalised SIRET (14 digits) as a number.
func siretNumber(siret string) uint64 {
	n, _ := strconv.ParseUint(siret, 10, 64)
	return n
}

// resolveChunk is how many SIRETs one query of an import looks up.
const resolveChunk = 10_000

// The cells a checked account line is spooled as: its values, normalised.
const (
	ucellEmail = iota
	ucellLastName
	ucellFirstName
	ucellFunction
	ucellPhone
	ucellSIRET
	ucells
)

func (k *userImport) columns() []csvin.Column { return UserImportColumns }

func (k *userImport) check(rec csvin.Record) (checkedLine, string, error) {
	var x userRow
	if err := x.parse(rec.Get, k.phones, k.opts.Source); err != nil {
		return checkedLine{}, rec.Get(ucEmail), lineError(rec.Line, err, userColumns)
	}
	n := siretNumber(x.siret)
	ref, ok := k.sirets[n]
	if !ok {
		ref = int32(len(k.siretList))
		k.sirets[n] = ref
		k.siretList = append(k.siretList, n)
	}
	u := x.user
	// A person may be listed once per structure (a legacy base, or an export of every
	// member); the same person twice for one structure is a mistake in the file.
	return checkedLine{Key: u.Email, Dup: u.Email + "\x00" + x.siret, Ref: ref,
		Cells: []string{ucellEmail: u.Email, ucellLastName: u.LastName, ucellFirstName: u.FirstName,
			ucellFunction: u.Function, ucellPhone: u.Phone, ucellSIRET: x.siret}}, u.Email, nil
}

// resolve reads the structures of the SIRETs, and the profiles each one's members get, a
// chunk of SIRETs at a time: only their ids and a shared set of profiles are kept.
func (k *userImport) resolve(ctx context.Context) (func(int32) bool, error) {
	k.structures = make([]importStructure, len(k.siretList))
	k.profileSets = nil
	err := k.s.store.View(ctx, func(tx store.Tx) error {
		cat, err := tx.Catalogue(ctx)
		if err != nil {
			return err
		}
		sets := map[string]int32{}
		chunk := make([]string, 0, resolveChunk)
		for i := 0; i < len(k.siretList); i += resolveChunk {
			chunk = chunk[:0]
			for _, n := range k.siretList[i:min(i+resolveChunk, len(k.siretList))] {
				chunk = append(chunk, fmt.Sprintf("%014d", n))
			}
			found, err := tx.StructuresBySIRET(ctx, chunk)
			if err != nil {
				return err
			}
			for _, st := range found {
				ref, ok := k.sirets[siretNumber(st.SIRET)]
				if !ok {
					continue
				}
				profiles := automaticProfiles(cat, st)
				key := strings.Join(profiles, "\x00")
				set, ok := sets[key]
				if !ok {
					set = int32(len(k.profileSets))
					sets[key] = set
					k.profileSets = append(k.profileSets, profiles)
				}
				k.structures[ref] = importStructure{id: st.ID, automatic: set}
			}
		}
		return nil
	})
	return func(ref int32) bool { return k.structures[ref].id == 0 }, err
}

func (k *userImport) row(line int, c checkedLine) *userRow {
	cells := c.Cells
	x := &userRow{importRow: importRow{line: line, key: c.Key}, siret: cells[ucellSIRET],
		user: domain.User{Email: cells[ucellEmail], LastName: cells[ucellLastName], FirstName: cells[ucellFirstName],
			Function: cells[ucellFunction], Phone: cells[ucellPhone], Status: domain.UserActive, Source: k.opts.Source}}
	if ref, ok := k.sirets[siretNumber(x.siret)]; ok {
		if st := k.structures[ref]; st.id != 0 {
			x.structure, x.automatic = st.id, k.profileSets[st.automatic]
		}
	}
	return x
}

func (k *userImport) badRow(line int, key string) *userRow {
	return &userRow{importRow: importRow{line: line, key: key}}
}

func (k *userImport) refuse(x *userRow, why lateBad) error {
	if why.reason == lateDuplicate {
		return &LineError{Line: x.line, Column: "email", Value: x.user.Email, Reason: i18n.T("import.duplicate", why.first)}
	}
	return &LineError{Line: x.line, Column: "siret", Value: x.siret, Reason: i18n.T("import.unknown_siret")}
}

func (k *userImport) write(ctx context.Context, batch []*userRow) error {
	if k.opts.DryRun {
		return k.s.store.View(ctx, func(tx store.Tx) error {
			if err := classifyUsers(ctx, tx, batch); err != nil {
				return err
			}
			if k.wouldCreate == nil {
				k.wouldCreate, k.seed = map[uint64]struct{}{}, maphash.MakeSeed()
			}
			for _, x := range batch {
				if x.result == ResultCreated {
					h := maphash.String(k.seed, x.user.Email)
					if _, earlier := k.wouldCreate[h]; earlier {
						x.result = ResultAttached
					} else {
						k.wouldCreate[h] = struct{}{}
					}
				}
				x.result = wouldResult(x.result)
			}
			return nil
		})
	}
	first := k.insertFirst // read, never set, by the transaction: it may run twice
	var existed bool
	err := k.s.store.Update(ctx, func(tx store.Tx) error {
		var err error
		if first {
			err = writeNewUsers(ctx, tx, k.actor, batch)
		} else {
			existed, err = writeUsers(ctx, tx, k.actor, batch)
		}
		if err != nil {
			return err
		}
		counts := map[string]int{}
		for _, x := range batch {
			counts[x.result]++
		}
		if counts[ResultCreated]+counts[ResultAttached] == 0 {
			return nil // all done already: nothing to record
		}
		if err := auditImportedPeople(ctx, tx, k.actor, batch, k.opts); err != nil {
			return err
		}
		return audit(ctx, tx, k.actor, "user.import", 0, k.opts.Source, map[string]any{
			"source": k.opts.Source, "file": k.opts.File, "first_line": batch[0].line, "last_line": batch[len(batch)-1].line,
			"created": counts[ResultCreated], "attached": counts[ResultAttached], "skipped": counts[ResultSkipped],
		})
	})
	if first && errors.Is(err, domain.ErrConflict) {
		// Some of the batch was there already (an account, created by an earlier batch or by
		// someone else): nothing of it was kept, and it is written again, looked up first.
		k.insertFirst = false
		if importRewritten != nil {
			importRewritten()
		}
		return k.write(ctx, batch)
	}
	if err == nil {
		k.insertFirst = !existed
	}
	return err
}

// importRewritten, when set (by tests), is told of each batch of a user import written again,
// looked up first, after it met what existed.
var importRewritten func()

// parse reads and checks the cells of one account.
func (x *userRow) parse(get func(column int) string, phones phoneCache, source string) error {
	email, err := domain.NormalizeEmail(get(ucEmail))
	if err != nil {
		return err
	}
	u := domain.User{Email: email, Status: domain.UserActive, Source: source}
	if err := domain.PersonColumns.SetNames(&u, get(ucLastName), get(ucFirstName), get(ucFunction)); err != nil {
		return err
	}
	if u.Phone, err = phones.normalize(get(ucPhone)); err != nil {
		return err
	}
	raw := get(ucSIRET)
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

// writeUsers writes one batch looked up first (classifyUsers): the new accounts, the
// memberships, their automatic profiles, leaving out what a concurrent writer created in the
// meantime. It reports whether accounts of the batch existed already.
func writeUsers(ctx context.Context, tx store.Tx, actor domain.Actor, batch []*userRow) (existed bool, err error) {
	if err := classifyUsers(ctx, tx, batch); err != nil {
		return false, err
	}
	var creating []*userRow
	for _, x := range batch {
		if x.result == ResultCreated {
			creating = append(creating, x)
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
	// Existed: accounts found by the look-up or created by someone else since; not those the
	// batch created itself, for a person on several of its lines.
	existed = len(creating) < len(batch)
	if len(there) > 0 && !existed {
		created := make(map[int64]bool, len(users))
		for _, u := range users {
			created[u.ID] = true
		}
		existed = slices.ContainsFunc(there, func(x *userRow) bool { return !created[x.userID] })
	}
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
		for _, code := range x.automatic {
			grantOn = append(grantOn, ms[i].ID)
			codes = append(codes, code)
		}
	}
	return existed, tx.InsertGrants(ctx, grantOn, codes, actor.UserID)
}

// writeNewUsers writes one batch of people believed new, without looking anything up: each
// e-mail's account, created by its first line (the next lines of the same e-mail are attached
// to their structures), every membership and its automatic profiles. If any of it exists
// already, it fails with domain.ErrConflict and the transaction must be rolled back: the batch
// is then written again by writeUsers. An import into a base without its people reads
// nothing and has no conflict to handle per row.
func writeNewUsers(ctx context.Context, tx store.Tx, actor domain.Actor, batch []*userRow) error {
	account := make(map[string]int, len(batch)) // e-mail → index in users
	users := make([]domain.User, 0, len(batch))
	for _, x := range batch {
		if _, ok := account[x.user.Email]; ok {
			x.result = ResultAttached
			continue
		}
		account[x.user.Email] = len(users)
		users = append(users, x.user)
		x.result = ResultCreated
	}
	if err := tx.InsertNewUsers(ctx, users); err != nil {
		return err
	}
	ms := make([]domain.Membership, len(batch))
	for i, x := range batch {
		x.userID = users[account[x.user.Email]].ID
		ms[i] = domain.Membership{UserID: x.userID, StructureID: x.structure}
	}
	if err := tx.InsertNewMemberships(ctx, ms); err != nil {
		return err
	}
	var (
		grantOn []int64
		codes   []string
	)
	for i, x := range batch {
		for _, code := range x.automatic {
			grantOn = append(grantOn, ms[i].ID)
			codes = append(codes, code)
		}
	}
	return tx.InsertNewGrants(ctx, grantOn, codes, actor.UserID)
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
	details := personDetails(opts.Source)
	for _, x := range batch {
		if x.result != ResultCreated && x.result != ResultAttached {
			continue
		}
		events = append(events, domain.AuditEvent{ActorID: actor.UserID, Actor: label, Action: "member.import",
			StructureID: x.structure, Target: x.user.Email, Details: details(x.line, x.result == ResultCreated)})
	}
	return tx.AppendAudits(ctx, events)
}

// personDetails returns the function that writes the JSON of an importedPerson of source: the
// bytes json.Marshal writes, without its reflection for each of a million people.
func personDetails(source string) func(line int, created bool) string {
	quoted, _ := json.Marshal(source) // a string always marshals
	head := `{"source":` + string(quoted) + `,"line":`
	var b []byte
	return func(line int, created bool) string {
		b = strconv.AppendInt(append(b[:0], head...), int64(line), 10)
		b = strconv.AppendBool(append(b, `,"created":`...), created)
		return string(append(b, '}'))
	}
}
