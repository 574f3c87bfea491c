package service

import (
	"context"
	"encoding/json"
	"io"
	"slices"

	"github.com/profil-cli/profil/internal/csvin"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/store"
)

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
	opts = s.importOptions(opts)
	sum, err := runImport(ctx, r, opts, &structureImport{s: s, actor: actor, opts: opts})
	s.refreshStatisticsAfter(ctx, sum, opts, "structures", "audit_events")
	return sum, err
}

// structureImport is the kind of line of `structure import`. Its lines are spooled as read,
// and checked again when the second pass rebuilds them.
type structureImport struct {
	s     *Service
	actor domain.Actor
	opts  ImportOptions
}

func (k *structureImport) columns() []csvin.Column { return StructureImportColumns }

func (k *structureImport) check(rec csvin.Record) (checkedLine, string, error) {
	cells := make([]string, len(StructureImportColumns))
	for i := range cells {
		cells[i] = rec.Get(i)
	}
	x, err := parseStructureRow(rec.Line, cells)
	if err != nil {
		return checkedLine{}, x.key, lineError(rec.Line, err, structureColumns)
	}
	dup := x.structure.SIRET
	if dup == "" {
		dup = "\x00" + x.match
	}
	return checkedLine{Key: x.key, Dup: dup, Ref: -1, Cells: cells}, x.key, nil
}

func (k *structureImport) resolve(context.Context) (func(int32) bool, error) {
	return func(int32) bool { return false }, nil
}

func (k *structureImport) row(line int, c checkedLine) *structureRow {
	x, _ := parseStructureRow(line, c.Cells) // checked in the first pass
	return x
}

func (k *structureImport) badRow(line int, key string) *structureRow {
	return &structureRow{importRow: importRow{line: line, key: key}}
}

func (k *structureImport) refuse(x *structureRow, why lateBad) error {
	if x.structure.SIRET == "" {
		return &LineError{Line: x.line, Column: "name", Value: x.key, Reason: i18n.T("import.duplicate_no_siret", why.first)}
	}
	return &LineError{Line: x.line, Column: "siret", Value: x.key, Reason: i18n.T("import.duplicate", why.first)}
}

func (k *structureImport) write(ctx context.Context, batch []*structureRow) error {
	if k.opts.DryRun {
		return k.s.store.View(ctx, func(tx store.Tx) error {
			_, _, err := planStructures(ctx, tx, batch)
			for _, x := range batch {
				x.result = wouldResult(x.result)
			}
			return err
		})
	}
	return k.s.store.Update(ctx, func(tx store.Tx) error {
		return writeStructures(ctx, tx, k.actor, batch, k.opts)
	})
}

// parseStructureRow reads and checks the cells of one structure (in the order of
// StructureImportColumns), as a new structure would have them.
func parseStructureRow(line int, cells []string) (*structureRow, error) {
	x := &structureRow{importRow: importRow{line: line, key: cells[scSIRET]}}
	if x.key == "" {
		x.key = cells[scName]
	}
	cell := func(i int) *string {
		if v := cells[i]; v != "" {
			return &v
		}
		return nil
	}
	x.in = domain.StructureInput{
		SIRET: cell(scSIRET), Name: cell(scName), Acronym: cell(scAcronym), APE: cell(scAPE), Address: cell(scAddress),
		PostalCode: cell(scPostalCode), City: cell(scCity),
	}
	if v := cells[scKinds]; v != "" {
		kinds, err := domain.ParseKinds(v)
		if err != nil {
			return x, err
		}
		x.in.Kinds = &kinds
	}
	if v := cells[scMinistry]; v != "" {
		b, err := domain.ParseYesNo("ministry", v)
		if err != nil {
			return x, err
		}
		x.in.Ministry = &b
	}
	if err := x.in.Apply(&x.structure); err != nil {
		return x, err
	}
	if x.structure.SIRET != "" {
		x.key = x.structure.SIRET
	} else {
		x.key = x.structure.Name
		x.match = domain.StructureMatchKey(x.structure)
	}
	return x, nil
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
			if _, ok := byKey[domain.StructureMatchKey(st)]; !ok || st.ID < byKey[domain.StructureMatchKey(st)].ID {
				byKey[domain.StructureMatchKey(st)] = st
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
		if domain.SameStructure(before, after) {
			x.result = ResultSkipped
			continue
		}
		x.result = ResultUpdated
		updates = append(updates, structureUpdate{before: before, after: after})
	}
	return create, updates, nil
}

type structureUpdate struct{ before, after domain.Structure }

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
