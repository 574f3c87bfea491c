package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/secret"
	"github.com/profil-cli/profil/internal/store"
)

// RequestStructure asks gestionnaires to reference a structure ("ma structure n'est pas dans la
// liste"). Anyone may ask; a SIRET already known is a conflict that names the structure.
func (s *Service) RequestStructure(ctx context.Context, actor domain.Actor, in domain.StructureInput, requesterEmail string) (domain.Request, error) {
	return s.RequestEntity(ctx, actor, EntityRequestInput{Structure: in, RequesterEmail: requesterEmail})
}

func requesterOf(actor domain.Actor, typed string) (string, error) {
	if strings.TrimSpace(typed) == "" {
		if actor.IsAnonymous() {
			return "", domain.Invalid("requester-email", "", "structure_request.requester_email_required")
		}
		return actor.Email, nil
	}
	return domain.NormalizeEmail(typed)
}

// RegisterInput is a new account request.
type RegisterInput struct {
	Email, LastName, FirstName, Function, Phone string
	Structure                                   domain.StructureRef
	Password                                    string // optional: without one, a temporary password is mailed at approval
}

// Register creates a pending account and its account request for one structure. No sign-in
// is needed; the account cannot sign in before the request is approved.
func (s *Service) Register(ctx context.Context, actor domain.Actor, in RegisterInput) (domain.Request, domain.User, error) {
	if err := domain.Authorize(actor, domain.UserRegister, domain.Subject{}); err != nil {
		return domain.Request{}, domain.User{}, err
	}
	u, err := newUser(in)
	if err != nil {
		return domain.Request{}, u, err
	}
	var r domain.Request
	err = s.store.Update(ctx, func(tx store.Tx) error {
		st, err := structureByRef(ctx, tx, in.Structure)
		if err != nil {
			return structurePending(ctx, tx, in.Structure, err)
		}
		settings, err := s.registration(ctx, tx)
		if err != nil {
			return err
		}
		if known, err := tx.UserByEmail(ctx, u.Email); err == nil {
			// Registering again before confirming the address: the code is mailed again.
			if settings.Activation && known.Status == domain.UserPending {
				rs, err := tx.ListRequests(ctx, store.RequestQuery{Kind: domain.RequestAccount, Status: domain.StatusUnverified, UserID: known.ID})
				if err != nil {
					return err
				}
				if len(rs) > 0 {
					// Only the owner of the mailbox can activate: what they typed last is what
					// the account will hold.
					if err := refreshPendingAccount(ctx, tx, known.ID, u); err != nil {
						return err
					}
					if _, err := resendActivation(ctx, s, tx, actor, rs[0].ID); err != nil {
						return err
					}
					r, err = tx.RequestByID(ctx, rs[0].ID)
					return err
				}
			}
			return domain.Errorf(domain.ErrConflict, "register.account_exists", u.Email, in.Structure)
		} else if !errors.Is(err, domain.ErrNotFound) {
			return err
		}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		r = domain.Request{Kind: domain.RequestAccount, UserID: u.ID, RequesterEmail: u.Email, StructureID: st.ID}
		if settings.Activation {
			r.Status = domain.StatusUnverified
		}
		if err := tx.CreateRequest(ctx, &r); err != nil {
			return err
		}
		r.UserEmail, r.StructureName, r.SIRET = u.Email, st.Name, st.SIRET
		if r.Status == domain.StatusUnverified {
			if err := startActivation(ctx, tx, &r, settings); err != nil {
				return err
			}
		} else if err := notifyNewRequest(ctx, tx, r, u, st); err != nil {
			return err
		}
		return audit(ctx, tx, actorOrSelf(actor, u), "request.create", st.ID, fmt.Sprintf("request %d", r.ID),
			map[string]any{"kind": r.Kind, "email": u.Email})
	})
	return r, u, err
}

func actorOrSelf(actor domain.Actor, u domain.User) domain.Actor {
	if actor.IsAnonymous() {
		return domain.Actor{UserID: u.ID, Email: u.Email}
	}
	return actor
}

func newUser(in RegisterInput) (domain.User, error) {
	email, err := domain.NormalizeEmail(in.Email)
	if err != nil {
		return domain.User{}, err
	}
	u := domain.User{Email: email, Status: domain.UserPending}
	if err := domain.PersonFlags.SetNames(&u, in.LastName, in.FirstName, in.Function); err != nil {
		return domain.User{}, err
	}
	if u.Phone, err = domain.NormalizePhone(in.Phone); err != nil {
		return u, err
	}
	if in.Password != "" {
		if err := secret.ValidatePasswordStrength(in.Password); err != nil {
			return u, domain.Invalid("password", "", err.Error())
		}
		if u.PasswordHash, err = secret.HashPassword(in.Password); err != nil {
			return u, err
		}
	}
	return u, nil
}

func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// notifyNewRequest tells the person their request is received, and the deciders that it waits:
// the référent of the structure, or every gestionnaire when it has none.
func notifyNewRequest(ctx context.Context, tx store.Tx, r domain.Request, u domain.User, st domain.Structure) error {
	if err := mailRequestReceived(ctx, tx, u, st, r.Kind); err != nil {
		return err
	}
	deciders, err := decidersOf(ctx, tx, st.ID)
	if err != nil {
		return err
	}
	for _, to := range deciders {
		if err := mailRequestWaiting(ctx, tx, to, r, u, st); err != nil {
			return err
		}
	}
	return nil
}

func decidersOf(ctx context.Context, tx store.Tx, structureID int64) ([]string, error) {
	ref, err := tx.Referent(ctx, structureID)
	if err == nil {
		u, err := tx.UserByID(ctx, ref.UserID)
		if err != nil {
			return nil, err
		}
		return []string{u.Email}, nil
	}
	if !errors.Is(err, domain.ErrNotFound) {
		return nil, err
	}
	return tx.ManagerEmails(ctx)
}

// Affiliate asks for one more structure: the signed-in user for themself, or a gestionnaire on
// behalf of someone (userEmail).
func (s *Service) Affiliate(ctx context.Context, actor domain.Actor, ref domain.StructureRef, userEmail string) (domain.Request, error) {
	if err := domain.RequireSignedIn(actor); err != nil {
		return domain.Request{}, err
	}
	var r domain.Request
	err := s.store.Update(ctx, func(tx store.Tx) error {
		u, err := userOrSelf(ctx, tx, actor, userEmail)
		if err != nil {
			return err
		}
		if err := domain.Authorize(actor, domain.AffiliationAsk, domain.Subject{TargetUser: u.ID}); err != nil {
			return err
		}
		st, err := structureByRef(ctx, tx, ref)
		if err != nil {
			return err
		}
		if _, err := tx.ActiveMembership(ctx, u.ID, st.ID); err == nil {
			return domain.Errorf(domain.ErrConflict, "member.already", u.Email, st.Name)
		} else if !errors.Is(err, domain.ErrNotFound) {
			return err
		}
		r = domain.Request{Kind: domain.RequestAffiliation, UserID: u.ID, RequesterEmail: u.Email, StructureID: st.ID}
		if err := tx.CreateRequest(ctx, &r); err != nil {
			if errors.Is(err, domain.ErrConflict) {
				return domain.Errorf(domain.ErrConflict, "request.already_pending", u.Email, st.Name)
			}
			return err
		}
		r.UserEmail, r.StructureName, r.SIRET = u.Email, st.Name, st.SIRET
		if err := notifyNewRequest(ctx, tx, r, u, st); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "request.create", st.ID, fmt.Sprintf("request %d", r.ID), map[string]any{"kind": r.Kind, "email": u.Email})
	})
	return r, err
}

func userOrSelf(ctx context.Context, tx store.Tx, actor domain.Actor, email string) (domain.User, error) {
	if strings.TrimSpace(email) == "" {
		return tx.UserByID(ctx, actor.UserID)
	}
	e, err := domain.NormalizeEmail(email)
	if err != nil {
		return domain.User{}, err
	}
	return tx.UserByEmail(ctx, e)
}

// roleOf tells what the actor is to a structure.
func roleOf(ctx context.Context, tx store.Tx, actor domain.Actor, structureID int64) (domain.StructureRole, error) {
	var role domain.StructureRole
	ref, err := tx.Referent(ctx, structureID)
	switch {
	case err == nil:
		role.ReferentID = ref.UserID
	case !errors.Is(err, domain.ErrNotFound):
		return role, err
	}
	if !actor.IsAnonymous() {
		_, err := tx.ActiveMembership(ctx, actor.UserID, structureID)
		switch {
		case err == nil:
			role.Member = true
		case !errors.Is(err, domain.ErrNotFound):
			return role, err
		}
	}
	return role, nil
}

// Outcome is what happened to one request of a decision.
type Outcome struct {
	Request  domain.Request
	Referent bool // the person became the structure's référent
	DryRun   bool
}

var errDryRun = errors.New("dry run")

// DecideInput is one decision.
type DecideInput struct {
	Decision domain.Decision
	Reason   string
	Profiles []string
	DryRun   bool // check everything, change nothing

	// registration replaces the portal's registration settings (Service.Registration).
	registration *domain.RegistrationSettings
}

// Decide approves or rejects one request in one transaction. With DryRun the same checks run
// and the transaction is rolled back.
func (s *Service) Decide(ctx context.Context, actor domain.Actor, id int64, in DecideInput) (Outcome, error) {
	var out Outcome
	if err := domain.RequireSignedIn(actor); err != nil {
		return out, err
	}
	if err := domain.CheckReason("reason", in.Reason); err != nil {
		return out, err
	}
	in.registration = s.Registration
	err := s.store.Update(ctx, func(tx store.Tx) error {
		var err error
		out, err = decide(ctx, tx, actor, id, in)
		if err == nil && in.DryRun {
			return errDryRun
		}
		return err
	})
	if errors.Is(err, errDryRun) {
		out.DryRun = true
		return out, nil
	}
	return out, err
}

// DecideBatchSize is how many requests one transaction of DecideMany decides: large enough
// that 10,000 decisions cost a few commits, small enough that other deciders wait
// milliseconds for the write lock, not the whole run.
const DecideBatchSize = 500

// Decision is the result of one request of a bulk decision.
type Decision struct {
	ID      int64
	Outcome Outcome
	Err     error // nil when decided (or, in a dry run, decidable)
}

// DecideMany decides the requests ids (repeats count once), in transactions of at most
// DecideBatchSize requests. Each request is decided or refused on its own: one that fails
// leaves the others of its batch decided. More than one batch is decided one group of
// requests after another: those about one structure or one person together, in the order
// given (see decisionOrder). report receives the results of each batch, in the order decided,
// once its transaction has committed (in a dry run, rolled back), so what it is told is what
// the database holds; it may be nil. The error is what stopped the run (a cancelled context,
// a failed commit); the batches reported before it stay decided.
func (s *Service) DecideMany(ctx context.Context, actor domain.Actor, ids []int64, in DecideInput, report func([]Decision)) error {
	if err := domain.RequireSignedIn(actor); err != nil {
		return err
	}
	if report == nil { // a client of the server that asked for no results
		report = func([]Decision) {}
	}
	if err := domain.CheckReason("reason", in.Reason); err != nil {
		return err
	}
	ids, err := s.orderDecisions(ctx, actor, DistinctIDs(ids))
	if err != nil {
		return err
	}
	in.registration = s.Registration
	size := s.batchSize()
	for start := 0; start < len(ids); start += size {
		batch := ids[start:min(start+size, len(ids))]
		results, err := s.decideBatch(ctx, actor, batch, in, s.setBased)
		if errors.Is(err, errSetFallback) {
			// A set write did not go as planned, and its transaction was rolled back.
			results, err = s.decideBatch(ctx, actor, batch, in, false)
		}
		if err != nil {
			return err
		}
		report(results)
	}
	return nil
}

// batchSize is how many requests a transaction of DecideMany decides.
func (s *Service) batchSize() int {
	if s.decideBatchSize > 0 {
		return s.decideBatchSize
	}
	return DecideBatchSize
}

// decideBatch decides batch in one transaction: set-based if setBased and the plan can,
// request by request otherwise. It returns errSetFallback, having written nothing, when a set
// write failed and the batch must be decided again request by request.
func (s *Service) decideBatch(ctx context.Context, actor domain.Actor, batch []int64, in DecideInput, setBased bool) ([]Decision, error) {
	var results []Decision
	err := s.store.Update(ctx, func(tx store.Tx) error {
		results = nil // again from scratch if the batch is retried
		if err := tx.LockRequests(ctx, batch); err != nil {
			return err
		}
		var err error
		if setBased {
			var ok bool
			if results, ok, err = decideSet(ctx, tx, actor, batch, in); err != nil {
				return err
			} else if ok {
				s.setBatches.Add(1)
			} else {
				results = nil
			}
		}
		if results == nil {
			if results, err = decideEach(ctx, tx, actor, batch, in); err != nil {
				return err
			}
		}
		if in.DryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, err
	}
	return results, nil
}

// decideEach decides batch request by request, each in its savepoint: the path of the
// batches the set-based plan does not take (see decideSet).
func decideEach(ctx context.Context, tx store.Tx, actor domain.Actor, batch []int64, in DecideInput) ([]Decision, error) {
	results := make([]Decision, 0, len(batch))
	for _, id := range batch {
		var out Outcome
		err := tx.Savepoint(ctx, func() error {
			var err error
			out, err = decide(ctx, tx, actor, id, in)
			return err
		})
		if err != nil && (ctx.Err() != nil || !isItemError(err)) {
			return nil, err
		}
		out.DryRun = in.DryRun && err == nil
		results = append(results, Decision{ID: id, Outcome: out, Err: err})
	}
	return results, nil
}

// isItemError tells the failures of one request (not found, not allowed, already decided, a
// rule) from those that stop a bulk decision (the database, the context).
func isItemError(err error) bool {
	for _, sentinel := range []error{domain.ErrNotFound, domain.ErrForbidden, domain.ErrConflict, domain.ErrInvalid} {
		if errors.Is(err, sentinel) {
			return true
		}
	}
	return false
}

// DistinctIDs returns ids without repeats, in their first order: a bulk decision decides an
// id given twice once.
func DistinctIDs(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func decide(ctx context.Context, tx store.Tx, actor domain.Actor, id int64, in DecideInput) (Outcome, error) {
	r, err := tx.RequestForUpdate(ctx, id)
	if err != nil {
		return Outcome{Request: domain.Request{ID: id}}, err
	}
	out := Outcome{Request: r}
	var st domain.Structure
	role := domain.StructureRole{}
	if r.Kind != domain.RequestStructure {
		// Lock the structure first: two approvals for one structure without référent must not
		// both see it without one.
		if st, err = tx.LockStructure(ctx, r.StructureID); err != nil {
			return out, err
		}
		if role, err = roleOf(ctx, tx, actor, st.ID); err != nil {
			return out, err
		}
	}
	if err := domain.CanDecideRequest(actor, r, role); err != nil {
		return out, err
	}
	if r, err = r.Decide(actor.UserID, in.Decision, in.Reason); err != nil {
		return out, err
	}
	// Claim the request before any effect: a concurrent decider gets the conflict, not a
	// duplicate membership.
	if err := tx.DecideRequest(ctx, &r); err != nil {
		return out, err
	}
	out.Request = r
	details := map[string]any{"kind": r.Kind, "status": r.Status}
	if r.Reason != "" {
		details["reason"] = r.Reason
	}
	if r.Kind == domain.RequestStructure {
		if err := decideStructureRequest(ctx, tx, actor, &r, in.registration); err != nil {
			return out, err
		}
		out.Request = r
		if r.Account && r.Status == domain.StatusApproved {
			out.Referent = true
			details["referent"] = true
		}
		return out, audit(ctx, tx, actor, "request."+string(in.Decision), r.StructureID, fmt.Sprintf("request %d", r.ID), details)
	}
	if r.Kind == domain.RequestChange {
		if err := decideChangeRequest(ctx, tx, actor, r, st); err != nil {
			return out, err
		}
		return out, audit(ctx, tx, actor, "request."+string(in.Decision), st.ID, fmt.Sprintf("request %d", r.ID), details)
	}
	u, err := tx.UserForUpdate(ctx, r.UserID) // activated or refused below
	if err != nil {
		return out, err
	}
	if r.Status == domain.StatusApproved {
		if out.Referent, err = approveMembership(ctx, tx, actor, &u, st, role, in.Profiles, r); err != nil {
			return out, err
		}
		details["referent"] = out.Referent
		if len(in.Profiles) > 0 {
			details["profiles"] = in.Profiles
		}
	} else if r.Kind == domain.RequestAccount && u.Status == domain.UserPending {
		u.Status = domain.UserRefused
		if err := tx.UpdateUser(ctx, &u); err != nil {
			return out, err
		}
	}
	if err := mailRequestDecided(ctx, tx, u, st, r, out.Referent); err != nil {
		return out, err
	}
	return out, audit(ctx, tx, actor, "request."+string(in.Decision), st.ID, u.Email, details)
}

func decideStructureRequest(ctx context.Context, tx store.Tx, actor domain.Actor, r *domain.Request, override *domain.RegistrationSettings) error {
	if r.Status == domain.StatusRejected {
		if r.Account {
			if err := refuseEntityAccount(ctx, tx, *r); err != nil {
				return err
			}
		}
		return mailStructureRequestDecided(ctx, tx, r.RequesterEmail, r.Structure, false, r.Reason)
	}
	if err := domain.CheckMandateStillValid(r.MandateDate, tx.Now()); err != nil {
		return err
	}
	st := r.Structure
	if err := domain.ValidateStructure(st); err != nil {
		return err
	}
	if err := ensureSIRETFree(ctx, tx, st.SIRET, 0); err != nil {
		return err
	}
	if err := tx.CreateStructure(ctx, &st); err != nil {
		return err
	}
	if err := tx.SetRequestStructure(ctx, r.ID, st.ID); err != nil {
		return err
	}
	r.StructureID, r.Structure, r.StructureName = st.ID, st, st.Name
	if err := audit(ctx, tx, actor, domain.ActionStructureCreate, st.ID, st.Label(), structureDetails(st)); err != nil {
		return err
	}
	if r.Account {
		if err := approveEntityAccount(ctx, tx, actor, *r, st); err != nil {
			return err
		}
		settings, err := registrationOf(ctx, tx, override)
		if err != nil {
			return err
		}
		return mailEntityApproved(ctx, tx, r.RequesterEmail, st, settings.ReferentLabel)
	}
	return mailStructureRequestDecided(ctx, tx, r.RequesterEmail, st, true, "")
}

// approveMembership attaches the person: activates a pending account, makes them référent of a
// structure that has none, grants the automatic profile and those asked. An account without a
// password gets one by mail at its first sign-in, as imported accounts do: no password is
// hashed while the write lock is held.
func approveMembership(ctx context.Context, tx store.Tx, actor domain.Actor, u *domain.User, st domain.Structure, role domain.StructureRole, profiles []string, r domain.Request) (referent bool, err error) {
	if u.Status != domain.UserActive {
		if u.Status == domain.UserDisabled {
			return false, domain.Errorf(domain.ErrConflict, "auth.account_disabled", u.Email)
		}
		u.Status = domain.UserActive
		if err := tx.UpdateUser(ctx, u); err != nil {
			return false, err
		}
	}
	if _, err := tx.ActiveMembership(ctx, u.ID, st.ID); err == nil {
		return false, domain.Errorf(domain.ErrConflict, "member.already", u.Email, st.Name)
	} else if !errors.Is(err, domain.ErrNotFound) {
		return false, err
	}
	next, err := domain.ReferentChange{Structure: st, Current: role.ReferentID, Joining: u}.Next()
	if err != nil {
		return false, err
	}
	m := domain.Membership{UserID: u.ID, StructureID: st.ID, Referent: next == u.ID}
	if err := tx.AddMembership(ctx, &m); err != nil {
		return false, err
	}
	cat, err := tx.Catalogue(ctx)
	if err != nil {
		return false, err
	}
	if err := grantAll(ctx, tx, actor, cat, st, m.ID, nil, append(automaticProfiles(cat, st), profiles...)); err != nil {
		return false, err
	}
	if m.Referent {
		if err := audit(ctx, tx, actor, "referent.set", st.ID, u.Email, map[string]any{"first_member": true, "request": r.ID}); err != nil {
			return false, err
		}
	}
	return m.Referent, nil
}

// structurePending explains a SIRET not found when a request to reference it waits for a
// gestionnaire: the person registers once it is approved.
func structurePending(ctx context.Context, tx store.Tx, ref domain.StructureRef, notFound error) error {
	if ref.SIRET == "" || !errors.Is(notFound, domain.ErrNotFound) {
		return notFound
	}
	pending, err := tx.ListRequests(ctx, store.RequestQuery{Kind: domain.RequestStructure, Status: domain.StatusPending})
	if err != nil {
		return err
	}
	for _, r := range pending {
		if r.Structure.SIRET == ref.SIRET {
			return domain.Errorf(domain.ErrNotFound, "register.structure_pending", r.Structure.Name, groupDigits(ref.SIRET), r.ID)
		}
	}
	return notFound
}
