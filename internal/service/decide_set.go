package service

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// Set-based bulk decisions. A batch is planned in memory, then written with one statement per
// table, instead of some sixteen statements per request:
//
//  1. a few reads load what the batch's decisions look at: its requests, their accounts and
//     structures, the structures' référents, the memberships of the people (and of the
//     decider), the catalogue, the portal settings;
//  2. each request is decided, in the batch's order, by the very function a single decision
//     runs (decide), against a planTx: a Tx that answers from what was loaded, as changed by
//     the requests decided before it, and keeps what decide writes instead of writing it. A
//     request that fails leaves nothing of itself in the plan, as its savepoint would;
//  3. the plan is written: the requests' decisions, the accounts' statuses, the memberships,
//     the grants, the audit events and the mails, each in one statement.
//
// Whatever the plan cannot answer (a structure request, a change it does not expect) sends the
// batch back to the request-by-request path, decideEach, in the same transaction, before
// anything is written. A write that does not go as planned (a row a concurrent writer took)
// fails the transaction with errSetFallback: it is rolled back, and the batch decided request
// by request in a new one. The fast path is never needed for a decision to be right.
//
// The plan is written without a savepoint: inside one, SQLite copies every page the writes
// change to the savepoint's journal first, and at a million accounts the index entries of a
// batch fall on a page each (kept in memory, that journal's allocations and their release to
// the system took nearly a third of the CPU time of 10,000 approvals).

// errSetFallback says the batch must be decided request by request. Returned by decideSet,
// the transaction has written part of the plan, and must be rolled back.
var errSetFallback = errors.New("bulk decision: the batch is decided request by request")

// decideSet decides batch with a few statements. It returns ok false, having written nothing,
// when the batch must be decided request by request instead; errSetFallback when a write did
// not go as planned, having written part of the plan.
func decideSet(ctx context.Context, tx store.Tx, actor domain.Actor, batch []int64, in DecideInput) (results []Decision, ok bool, err error) {
	p, err := loadPlan(ctx, tx, actor, batch)
	if err != nil || p == nil {
		return nil, false, err
	}
	results = make([]Decision, 0, len(batch))
	for _, id := range batch {
		out, err := p.decide(ctx, actor, id, in)
		if errors.Is(err, errSetFallback) || (err != nil && (ctx.Err() != nil || !isItemError(err))) {
			if ctx.Err() != nil {
				return nil, false, ctx.Err()
			}
			return nil, false, nil
		}
		out.DryRun = in.DryRun && err == nil
		results = append(results, Decision{ID: id, Outcome: out, Err: err})
	}
	err = p.write(ctx, tx)
	switch {
	case err == nil:
		return results, true, nil
	case ctx.Err() == nil && (errors.Is(err, errSetFallback) || errors.Is(err, domain.ErrConflict)):
		return nil, false, fmt.Errorf("%w: %w", errSetFallback, err)
	}
	return nil, false, err
}

// loadPlan reads what the decisions of batch look at. It returns nil when the batch holds a
// structure request, which creates a structure: those are decided one by one.
func loadPlan(ctx context.Context, tx store.Tx, actor domain.Actor, batch []int64) (*planTx, error) {
	reqs, err := tx.RequestsByID(ctx, batch)
	if err != nil {
		return nil, err
	}
	n := len(reqs)
	p := &planTx{
		now: tx.Now(), requests: make(map[int64]domain.Request, n),
		users: make(map[int64]domain.User, n), loadedUsers: make(map[int64]domain.User, n),
		structures: make(map[int64]domain.Structure, n), referents: make(map[int64]int64, n),
		members: make(map[[2]int64]bool, 2*n),
		decided: make([]domain.Request, 0, n), memberships: make([]domain.Membership, 0, n),
		audits: make([]domain.AuditEvent, 0, 2*n), mails: make([]domain.Mail, 0, n),
	}
	var userIDs, structureIDs []int64
	for _, r := range reqs {
		// A structure request creates a structure, a change request rewrites one: request by
		// request.
		if r.Kind == domain.RequestStructure || r.Kind == domain.RequestChange {
			return nil, nil
		}
		p.requests[r.ID] = r
		userIDs = append(userIDs, r.UserID)
		structureIDs = append(structureIDs, r.StructureID)
	}
	userIDs, structureIDs = DistinctIDs(userIDs), DistinctIDs(structureIDs)
	if p.cat, err = tx.Catalogue(ctx); err != nil {
		return nil, err
	}
	if p.settings, err = tx.Settings(ctx); err != nil { // the language of the mails
		return nil, err
	}
	if len(reqs) == 0 {
		return p, nil
	}
	users, err := tx.UsersByID(ctx, userIDs)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		p.users[u.ID], p.loadedUsers[u.ID] = u, u
	}
	structures, err := tx.StructuresByID(ctx, structureIDs)
	if err != nil {
		return nil, err
	}
	for _, s := range structures {
		p.structures[s.ID] = s
	}
	referents, err := tx.Referents(ctx, structureIDs)
	if err != nil {
		return nil, err
	}
	for _, m := range referents {
		p.referents[m.StructureID] = m.UserID
	}
	if actor.UserID != 0 {
		userIDs = append(userIDs, actor.UserID)
	}
	memberships, err := tx.MembershipsOf(ctx, DistinctIDs(userIDs))
	if err != nil {
		return nil, err
	}
	for _, m := range memberships {
		if m.EndedAt == nil {
			p.members[[2]int64{m.UserID, m.StructureID}] = true
		}
	}
	return p, nil
}

// planTx is the Tx a planned decision runs against. Its embedded Tx is nil: a method it does
// not serve is a decision it was not made for, and calling it panics, which decide recovers
// as errSetFallback.
type planTx struct {
	store.Tx

	now         time.Time
	cat         domain.Catalogue
	settings    map[string]string
	requests    map[int64]domain.Request
	users       map[int64]domain.User // as the requests planned so far left them
	loadedUsers map[int64]domain.User // as read
	structures  map[int64]domain.Structure
	referents   map[int64]int64   // structure → user id of its référent
	members     map[[2]int64]bool // active (user, structure) memberships

	// What the planned decisions write, in order.
	decided     []domain.Request
	memberships []domain.Membership // ids -1, -2, … until written
	grants      []plannedGrant
	audits      []domain.AuditEvent
	mails       []domain.Mail

	undo []func() // how to take back the current request's changes to the maps
}

type plannedGrant struct {
	membership int // index in memberships
	code       string
	by         int64
}

// decide plans one request as decide would decide it, and takes back everything it planned if
// it fails.
func (p *planTx) decide(ctx context.Context, actor domain.Actor, id int64, in DecideInput) (out Outcome, err error) {
	lens := [5]int{len(p.decided), len(p.memberships), len(p.grants), len(p.audits), len(p.mails)}
	p.undo = p.undo[:0]
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", errSetFallback, r)
		}
		if err == nil {
			return
		}
		for i := len(p.undo) - 1; i >= 0; i-- {
			p.undo[i]()
		}
		p.decided, p.memberships, p.grants = p.decided[:lens[0]], p.memberships[:lens[1]], p.grants[:lens[2]]
		p.audits, p.mails = p.audits[:lens[3]], p.mails[:lens[4]]
	}()
	return decide(ctx, p, actor, id, in)
}

// set records a change of a map entry, to be taken back if the request fails.
func set[K comparable, V any](p *planTx, m map[K]V, k K, v V) {
	old, had := m[k]
	p.undo = append(p.undo, func() {
		if had {
			m[k] = old
		} else {
			delete(m, k)
		}
	})
	m[k] = v
}

func (p *planTx) Now() time.Time { return p.now }

func (p *planTx) Catalogue(context.Context) (domain.Catalogue, error) { return p.cat, nil }

func (p *planTx) Settings(context.Context) (map[string]string, error) {
	return maps.Clone(p.settings), nil
}

func (p *planTx) RequestForUpdate(_ context.Context, id int64) (domain.Request, error) {
	r, ok := p.requests[id]
	if !ok {
		return domain.Request{}, domain.Errorf(domain.ErrNotFound, "notfound.request", id)
	}
	return r, nil
}

func (p *planTx) LockStructure(_ context.Context, id int64) (domain.Structure, error) {
	s, ok := p.structures[id]
	if !ok {
		return domain.Structure{}, errSetFallback
	}
	return s, nil
}

func (p *planTx) Referent(_ context.Context, structureID int64) (domain.Membership, error) {
	if u := p.referents[structureID]; u != 0 {
		return domain.Membership{UserID: u, StructureID: structureID, Referent: true}, nil
	}
	return domain.Membership{}, domain.Errorf(domain.ErrNotFound, "notfound.referent", structureID)
}

func (p *planTx) ActiveMembership(_ context.Context, userID, structureID int64) (domain.Membership, error) {
	if p.members[[2]int64{userID, structureID}] {
		return domain.Membership{UserID: userID, StructureID: structureID, Referent: p.referents[structureID] == userID}, nil
	}
	return domain.Membership{}, domain.Errorf(domain.ErrNotFound, "notfound.membership", userID, structureID)
}

func (p *planTx) UserForUpdate(_ context.Context, id int64) (domain.User, error) {
	u, ok := p.users[id]
	if !ok {
		return domain.User{}, errSetFallback
	}
	return u, nil
}

func (p *planTx) DecideRequest(_ context.Context, r *domain.Request) error {
	if !p.requests[r.ID].Status.CanBecome(r.Status) {
		return domain.Errorf(domain.ErrConflict, "request.already_decided_race", r.ID)
	}
	now := p.now
	r.DecidedAt = &now
	set(p, p.requests, r.ID, *r)
	p.decided = append(p.decided, *r)
	return nil
}

// UpdateUser plans a change of status, the only change a decision makes to an account.
func (p *planTx) UpdateUser(_ context.Context, u *domain.User) error {
	was, ok := p.users[u.ID]
	if !ok {
		return errSetFallback
	}
	changed := *u
	changed.Status, changed.UpdatedAt = was.Status, was.UpdatedAt
	if !reflect.DeepEqual(changed, was) {
		return errSetFallback
	}
	u.UpdatedAt = p.now
	set(p, p.users, u.ID, *u)
	return nil
}

func (p *planTx) AddMembership(_ context.Context, m *domain.Membership) error {
	key := [2]int64{m.UserID, m.StructureID}
	if p.members[key] || (m.Referent && p.referents[m.StructureID] != 0) {
		return errSetFallback // decide checks both first
	}
	m.ID, m.CreatedAt, m.EndedAt = -int64(len(p.memberships)+1), p.now, nil
	p.memberships = append(p.memberships, *m)
	set(p, p.members, key, true)
	if m.Referent {
		set(p, p.referents, m.StructureID, m.UserID)
	}
	return nil
}

func (p *planTx) AddGrant(_ context.Context, membershipID int64, code string, by int64) error {
	i := int(-membershipID - 1)
	if i < 0 || i >= len(p.memberships) {
		return errSetFallback
	}
	p.grants = append(p.grants, plannedGrant{membership: i, code: code, by: by})
	return nil
}

func (p *planTx) AppendAudit(_ context.Context, e *domain.AuditEvent) error {
	e.At = p.now
	p.audits = append(p.audits, *e)
	return nil
}

func (p *planTx) EnqueueMail(_ context.Context, m *domain.Mail) error {
	p.mails = append(p.mails, *m)
	return nil
}

// write writes the plan: one statement per table (per decision and per account status). A
// row that does not go as planned returns errSetFallback.
func (p *planTx) write(ctx context.Context, tx store.Tx) error {
	type decision struct {
		status domain.RequestStatus
		by     int64
		reason string
	}
	var order []decision
	groups := map[decision][]int64{}
	for _, r := range p.decided {
		d := decision{r.Status, r.DecidedBy, r.Reason}
		if _, ok := groups[d]; !ok {
			order = append(order, d)
		}
		groups[d] = append(groups[d], r.ID)
	}
	for _, d := range order {
		n, err := tx.DecideRequests(ctx, groups[d], d.status, d.by, d.reason)
		if err != nil {
			return err
		}
		if n != len(groups[d]) {
			return errSetFallback
		}
	}

	statuses := map[domain.UserStatus][]int64{}
	for id, u := range p.users {
		if u.Status != p.loadedUsers[id].Status {
			statuses[u.Status] = append(statuses[u.Status], id)
		}
	}
	for _, status := range slices.Sorted(maps.Keys(statuses)) {
		ids := statuses[status]
		slices.Sort(ids)
		n, err := tx.SetUsersStatus(ctx, ids, status)
		if err != nil {
			return err
		}
		if n != len(ids) {
			return errSetFallback
		}
	}

	if len(p.memberships) > 0 {
		ms := slices.Clone(p.memberships)
		if err := tx.InsertMemberships(ctx, ms); err != nil {
			return err
		}
		for _, m := range ms {
			if m.ID == 0 {
				return errSetFallback // a concurrent writer attached them first
			}
		}
		type rows struct {
			ids   []int64
			codes []string
		}
		byGranter := map[int64]*rows{}
		var granters []int64
		for _, g := range p.grants {
			b := byGranter[g.by]
			if b == nil {
				b = &rows{}
				byGranter[g.by], granters = b, append(granters, g.by)
			}
			b.ids, b.codes = append(b.ids, ms[g.membership].ID), append(b.codes, g.code)
		}
		for _, by := range granters {
			if err := tx.InsertGrants(ctx, byGranter[by].ids, byGranter[by].codes, by); err != nil {
				return err
			}
		}
	}
	if len(p.audits) > 0 {
		if err := tx.AppendAudits(ctx, p.audits); err != nil {
			return err
		}
	}
	if len(p.mails) > 0 {
		if err := tx.EnqueueMails(ctx, p.mails); err != nil {
			return err
		}
	}
	return nil
}
