// Package store declares what the service layer needs from a database. One implementation
// (sqlstore) serves SQLite and PostgreSQL; the conformance suite in storetest holds both to the
// same behaviour.
package store

import (
	"context"
	"time"

	"github.com/profil-cli/profil/internal/domain"
)

// Store opens transactions. Every use case runs in exactly one: a failed command leaves the
// database as it was.
type Store interface {
	// Update runs fn in a read-write transaction, committed if fn returns nil. On SQLite the
	// write lock is taken at BEGIN, so concurrent writers queue instead of failing mid-way.
	//
	// fn may run more than once: when PostgreSQL aborts the transaction to break a deadlock or
	// a serialization conflict (at any statement, or at COMMIT), everything it wrote is rolled
	// back, its audit events and mails included, and Update runs fn again from the start in a
	// new transaction. So fn must not keep state outside its transaction, except variables it
	// sets afresh at its start (results it appends to, counters, flags): what the caller reads
	// after Update returns must come from the attempt that committed, and nothing else.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn for reading only.
	View(ctx context.Context, fn func(Tx) error) error
	// Dialect is "sqlite" or "postgres".
	Dialect() string
	// Scrub makes what committed transactions deleted or rewrote unreadable in the database's
	// files (SQLite: free pages and the write-ahead log); an erasure calls it once committed.
	Scrub(ctx context.Context) error
	// RefreshStatistics brings the planner's statistics of tables up to date after bulk writes
	// (PostgreSQL: ANALYZE, and VACUUM of the structures for the index-only reads of a
	// search), so that the next commands are planned for what the tables now hold rather than
	// for what they held before; SQLite plans without statistics, and it does nothing there.
	RefreshStatistics(ctx context.Context, tables ...string) error
	Close() error
}

// Tx is one unit of work. Its clock is read once: every row a use case writes carries the same
// time.
type Tx interface {
	Now() time.Time
	// LockName serialises the transactions that check then create something no row stands
	// for yet (the first gestionnaire, a pending request for a SIRET): it holds a lock on name
	// until the transaction ends, so that the second one waits, then sees what the first
	// created. On PostgreSQL it is a transaction-level advisory lock keyed by the schema and
	// name; SQLite write transactions are serial already, and there it does nothing.
	LockName(ctx context.Context, name string) error
	// Savepoint runs fn so that, if it fails, what it wrote is undone and the transaction goes
	// on: bulk work decides many items in one transaction, each succeeding or failing alone.
	// A failure that dooms the whole transaction (a deadlock) is returned as it is, and the
	// caller must give up the transaction.
	Savepoint(ctx context.Context, fn func() error) error

	CreateStructure(ctx context.Context, s *domain.Structure) error
	// UpdateStructure writes every column of the structure: load it with LockStructure (or
	// lock it with LockStructures and read it again) in the same transaction first, or a change
	// committed meanwhile is written over.
	UpdateStructure(ctx context.Context, s *domain.Structure) error
	StructureByID(ctx context.Context, id int64) (domain.Structure, error)
	StructureBySIRET(ctx context.Context, siret string) (domain.Structure, error)
	SearchStructures(ctx context.Context, q StructureQuery) ([]domain.Structure, error)

	CreateUser(ctx context.Context, u *domain.User) error
	// UpdateUser writes every column of the account: load it with UserForUpdate in the same
	// transaction first, or a change committed meanwhile is written over. An erased account is
	// never written (ErrNotFound).
	UpdateUser(ctx context.Context, u *domain.User) error
	UserByID(ctx context.Context, id int64) (domain.User, error)
	// UserForUpdate loads an account and, on PostgreSQL, locks its row until the transaction
	// ends (SQLite write transactions are serial already). A use case that reads an account
	// and writes it back loads it this way, so that two such changes queue instead of one
	// overwriting the other. Locks are taken requests first, then structures, then accounts.
	UserForUpdate(ctx context.Context, id int64) (domain.User, error)
	UserByEmail(ctx context.Context, email string) (domain.User, error)
	CountManagers(ctx context.Context) (int, error)
	// ManagerEmails lists the e-mails of active gestionnaires, to tell them of new requests.
	ManagerEmails(ctx context.Context) ([]string, error)
	ListUsers(ctx context.Context, q UserQuery) ([]domain.User, error)

	CreateToken(ctx context.Context, t *domain.Token) error
	TokenByHash(ctx context.Context, hash string) (domain.Token, error)
	TouchToken(ctx context.Context, id int64) error
	RevokeToken(ctx context.Context, id int64) error
	// ListTokens lists the tokens of one user, oldest first; an empty kind lists every kind.
	ListTokens(ctx context.Context, userID int64, kind domain.TokenKind) ([]domain.Token, error)
	TokenByID(ctx context.Context, id int64) (domain.Token, error)
	// RevokeTokensOf revokes the live tokens of a user: of one kind ("" for every kind), all
	// but keep (0 keeps none). It returns how many it revoked.
	RevokeTokensOf(ctx context.Context, userID int64, kind domain.TokenKind, keep int64) (int, error)

	AppendAudit(ctx context.Context, e *domain.AuditEvent) error
	// AppendAudits writes many events at the transaction's time in a few set-based statements
	// (imports: one event per person attached and per structure created).
	AppendAudits(ctx context.Context, es []domain.AuditEvent) error
	ListAudit(ctx context.Context, q AuditQuery) ([]domain.AuditEvent, error)

	// LockStructure serialises the decisions that touch one structure's référent: on
	// PostgreSQL it takes the structure's row lock until the transaction ends (SQLite
	// transactions are serial already). It returns the structure as it is once locked.
	LockStructure(ctx context.Context, id int64) (domain.Structure, error)
	// LockStructures locks the structures ids in ascending id order until the transaction ends
	// (PostgreSQL; nothing on SQLite): a bulk change locks what it is about to rewrite.
	LockStructures(ctx context.Context, ids []int64) error
	AddMembership(ctx context.Context, m *domain.Membership) error
	ActiveMembership(ctx context.Context, userID, structureID int64) (domain.Membership, error)
	// Referent returns the active référent membership of a structure, ErrNotFound if none.
	Referent(ctx context.Context, structureID int64) (domain.Membership, error)
	SetReferent(ctx context.Context, membershipID int64, referent bool) error
	EndMembership(ctx context.Context, membershipID int64) error
	ListMembers(ctx context.Context, q MemberQuery) ([]domain.Member, error)
	// EachMember streams the rows of ListMembers (same filters, same order, same profiles) to
	// fn one at a time, never holding them all in memory: exports of every structure run to
	// millions of rows. User.PasswordHash, CreatedAt and UpdatedAt are left empty (no export
	// shows them, and reading two timestamps per row is a tenth of an export's time). It stops at fn's first error and
	// returns it as is. fn must not use the Tx: the rows are still being read.
	EachMember(ctx context.Context, q MemberQuery, fn func(domain.Member) error) error

	// Catalogue reads the profiles table: every profile and its rules, in display order.
	Catalogue(ctx context.Context) (domain.Catalogue, error)
	AddGrant(ctx context.Context, membershipID int64, code string, by int64) error
	RevokeGrant(ctx context.Context, membershipID int64, code string, by int64) error
	RevokeAllGrants(ctx context.Context, membershipID int64, by int64) error
	Grants(ctx context.Context, membershipID int64) ([]string, error)

	CreateRequest(ctx context.Context, r *domain.Request) error
	// RequestForUpdate loads a request and, on PostgreSQL, locks its row until the
	// transaction ends, so two deciders never both see it pending.
	RequestForUpdate(ctx context.Context, id int64) (domain.Request, error)
	// LockRequests locks the requests ids, the structures they are for and the accounts of
	// their people until the transaction ends: the requests first, then the structures, then
	// the accounts, each in ascending id order, the order a single decision takes them in, so
	// that concurrent deciders queue instead of deadlocking. SQLite write transactions are
	// serial already: there it does nothing.
	LockRequests(ctx context.Context, ids []int64) error
	RequestByID(ctx context.Context, id int64) (domain.Request, error)
	// DecideRequest records the decision only if the request is still pending; otherwise
	// it returns ErrConflict.
	DecideRequest(ctx context.Context, r *domain.Request) error
	// SetRequestStructure records the structure a structure request created.
	SetRequestStructure(ctx context.Context, requestID, structureID int64) error
	ListRequests(ctx context.Context, q RequestQuery) ([]domain.Request, error)
	// SaveActivation writes the status and the activation columns of a request still
	// unverified or pending (ErrConflict otherwise).
	SaveActivation(ctx context.Context, r *domain.Request) error
	// DeleteRequests removes requests and their documents; it returns how many it removed.
	DeleteRequests(ctx context.Context, ids []int64) (int, error)
	// AddRequestDocument stores a document of a request, content included.
	AddRequestDocument(ctx context.Context, d *domain.Document) error
	// RequestDocuments lists the documents of a request, oldest first, without their content.
	RequestDocuments(ctx context.Context, requestID int64) ([]domain.Document, error)
	// RequestDocumentContent reads the bytes of one document.
	RequestDocumentContent(ctx context.Context, id int64) ([]byte, error)

	EnqueueMail(ctx context.Context, m *domain.Mail) error
	ListMail(ctx context.Context, q MailQuery) ([]domain.Mail, error)
	// ClaimMail marks up to limit due messages as being sent until leaseUntil and returns
	// them; a message claimed by one sender is invisible to the others until its lease ends.
	ClaimMail(ctx context.Context, limit int, leaseUntil time.Time) ([]domain.Mail, error)
	// MarkMailSent records a delivery; a sensitive message's body becomes wiped.
	MarkMailSent(ctx context.Context, id int64, wiped string) error
	MarkMailFailed(ctx context.Context, id int64, errText string, next time.Time) error

	// Settings returns the portal settings that were set, by key; a key never set has no entry
	// (its default is in domain.Settings).
	Settings(ctx context.Context) (map[string]string, error)
	// SettingsForUpdate is Settings for a transaction that will change them: on PostgreSQL it
	// makes concurrent changers of settings wait for each other until the transaction ends
	// (SQLite write transactions are serial already), so that each reads what the last wrote.
	SettingsForUpdate(ctx context.Context) (map[string]string, error)
	// SetSetting stores the value of a portal setting, set by the user given (0: none).
	SetSetting(ctx context.Context, key, value string, by int64) error

	// Imports.
	//
	// A bulk write (InsertUsers, InsertMemberships, InsertGrants, AppendAudits, EnqueueMails,
	// DecideRequests, SetUsersStatus) that fails may have written part of its rows: its
	// transaction must be rolled back, as PostgreSQL requires anyway. On SQLite, a row that
	// points to no row (a foreign key) fails the transaction at its commit.
	//
	// StructuresBySIRET loads the structures whose SIRET is among sirets, in no order.
	StructuresBySIRET(ctx context.Context, sirets []string) ([]domain.Structure, error)
	// StructuresWithoutSIRET loads the structures without SIRET whose folded name is among names.
	StructuresWithoutSIRET(ctx context.Context, foldedNames []string) ([]domain.Structure, error)
	// InsertStructures creates structures in bulk, setting the ID and times of each one created;
	// one whose SIRET is taken already (by a concurrent writer) is left out with ID 0.
	InsertStructures(ctx context.Context, ss []domain.Structure) error
	// UserIDsByEmail maps those of emails (stored spelling) that have an account to its id.
	UserIDsByEmail(ctx context.Context, emails []string) (map[string]int64, error)
	// MembershipsOf lists the memberships of the users given, active and ended, in no order.
	MembershipsOf(ctx context.Context, userIDs []int64) ([]domain.Membership, error)
	// InsertUsers creates accounts in bulk, setting the ID and times of each one created; one
	// whose e-mail has an account already (created by a concurrent writer) is left out with ID 0.
	InsertUsers(ctx context.Context, us []domain.User) error
	// InsertMemberships attaches users in bulk as given (référent or not), setting the ID and
	// CreatedAt of each one created; a pair already active is left out with ID 0.
	InsertMemberships(ctx context.Context, ms []domain.Membership) error
	// InsertGrants grants codes[i] on membershipIDs[i], by the user given (0: none); a profile
	// already held is left alone.
	InsertGrants(ctx context.Context, membershipIDs []int64, codes []string, by int64) error
	// InsertNewUsers, InsertNewMemberships and InsertNewGrants write, as the three above, rows
	// the caller believes new, setting the ID and times of each account and membership: on
	// PostgreSQL they are copied straight into their tables, with no conflict to handle per
	// row. When one of them exists already (an e-mail with an account, a pair already active, a
	// profile already held), the call fails with domain.ErrConflict, having maybe written some
	// of them: the transaction must then be rolled back (on PostgreSQL it is aborted).
	InsertNewUsers(ctx context.Context, us []domain.User) error
	InsertNewMemberships(ctx context.Context, ms []domain.Membership) error
	InsertNewGrants(ctx context.Context, membershipIDs []int64, codes []string, by int64) error

	// Bulk decisions: a batch of requests read with a few queries and written with one
	// statement per table.
	// RequestsByID loads the requests ids as RequestByID does, in no order; an unknown id is
	// left out.
	RequestsByID(ctx context.Context, ids []int64) ([]domain.Request, error)
	// RequestKeys reads what the requests ids are about (their kind, person and structure), in
	// no order; an unknown id is left out.
	RequestKeys(ctx context.Context, ids []int64) ([]RequestKey, error)
	// StructuresByID loads the structures ids, in no order; an unknown id is left out.
	StructuresByID(ctx context.Context, ids []int64) ([]domain.Structure, error)
	// UsersByID loads the accounts ids, in no order; an unknown id is left out.
	UsersByID(ctx context.Context, ids []int64) ([]domain.User, error)
	// Referents returns the active référent memberships of the structures given, in no order.
	Referents(ctx context.Context, structureIDs []int64) ([]domain.Membership, error)
	// DecideRequests records one decision on the requests ids that are still pending and
	// returns how many it decided.
	DecideRequests(ctx context.Context, ids []int64, status domain.RequestStatus, decidedBy int64, reason string) (int, error)
	// SetUsersStatus sets the status of the accounts ids and returns how many it changed.
	SetUsersStatus(ctx context.Context, ids []int64, status domain.UserStatus) (int, error)
	// EnqueueMails queues messages in bulk, in their order, as EnqueueMail queues one.
	EnqueueMails(ctx context.Context, ms []domain.Mail) error

	// Personal data (RGPD).
	// MembershipHistory lists every membership of a person, ended ones too, oldest first.
	MembershipHistory(ctx context.Context, userID int64) ([]domain.MembershipRecord, error)
	// GrantHistory lists every profile granted on the person's memberships, revoked ones too.
	GrantHistory(ctx context.Context, userID int64) ([]domain.GrantRecord, error)
	// RequestsOf lists the requests of a person: theirs by account, or asked from their e-mail.
	RequestsOf(ctx context.Context, userID int64, email string) ([]domain.Request, error)
	// AuditAbout lists the audit events the person made (by account) or whose actor, target or
	// details contain one of needles (case-insensitive), oldest first.
	AuditAbout(ctx context.Context, userID int64, needles []string) ([]domain.AuditEvent, error)
	// MailTo lists the outbox messages addressed to addr (any case).
	MailTo(ctx context.Context, addr string) ([]domain.Mail, error)
	// DeleteMailTo deletes the outbox messages addressed to addr, sent or not.
	DeleteMailTo(ctx context.Context, addr string) (int, error)
	// LockPersonalText makes the transactions that would write audit events, mails or requests
	// wait until this one ends (PostgreSQL: a SHARE ROW EXCLUSIVE lock on those tables; SQLite
	// write transactions are serial already): what an erasure finds and rewrites is then all
	// there is, and nothing naming the person is committed behind its back.
	LockPersonalText(ctx context.Context) error
	// FindText returns every column of personal text (audit actor, target and details; mail
	// address, subject, body and error; request e-mail, payload and reason) of the rows that
	// contain one of needles (case-insensitive; ASCII only on SQLite) or, for audit events and
	// requests, belong to the account userID.
	FindText(ctx context.Context, userID int64, needles []string) ([]TextField, error)
	// RewriteText writes fields back. For audit events it is the one path that changes them,
	// allowed by the database for this transaction only, and for those columns only.
	RewriteText(ctx context.Context, fields []TextField) error
	// EraseUser replaces the e-mail and names of the account by pseudonym, blanks its phone,
	// function, password and token names, and marks it disabled and erased.
	EraseUser(ctx context.Context, id int64, pseudonym string) error
	// PruneAudit deletes the audit events older than before and returns how many (with dryRun,
	// only counts them).
	PruneAudit(ctx context.Context, before time.Time, dryRun bool) (int, error)
	// PruneRequests deletes the requests decided before before (pending ones stay).
	PruneRequests(ctx context.Context, before time.Time, dryRun bool) (int, error)

	// Trainee portal: case files, secret questions, terms of use, FranceConnect, e-mail changes.
	// InsertCase creates a case, setting its ID and times; it reports false, and writes
	// nothing, when the number has a case already.
	InsertCase(ctx context.Context, c *domain.Case) (bool, error)
	// CasesByNumber loads the cases whose number is among numbers, in no order.
	CasesByNumber(ctx context.Context, numbers []string) ([]domain.Case, error)
	CaseByNumber(ctx context.Context, number string) (domain.Case, error)
	// CaseOf is the case the account claimed (ErrNotFound: none).
	CaseOf(ctx context.Context, userID int64) (domain.Case, error)
	// ListCases lists cases by number.
	ListCases(ctx context.Context, q CaseQuery) ([]domain.Case, error)
	// ClaimCase gives an unclaimed case to an account (ErrConflict: claimed already, or the
	// account has a case).
	ClaimCase(ctx context.Context, caseID, userID int64) error
	// ReleaseCase unclaims the case of an account and blanks its e-mail (an erasure).
	ReleaseCase(ctx context.Context, userID int64) error
	// UnattachedTrainees lists the active trainee accounts that claim no case, by id.
	UnattachedTrainees(ctx context.Context) ([]domain.User, error)
	// ListTrainees lists the trainee accounts (not erased) with their case number and the last
	// version of the terms they accepted, by last name, first name and id.
	ListTrainees(ctx context.Context) ([]domain.Trainee, error)
	SecretQuestion(ctx context.Context, userID int64) (domain.SecretQuestion, error)
	// SetSecretQuestion writes the question of an account, replacing the one it had.
	SetSecretQuestion(ctx context.Context, q *domain.SecretQuestion) error
	DeleteSecretQuestion(ctx context.Context, userID int64) error
	// ResetLock reads the forgotten-password count of an address (a zero count when none).
	ResetLock(ctx context.Context, email string) (domain.ResetLock, error)
	SaveResetLock(ctx context.Context, l *domain.ResetLock) error
	DeleteResetLock(ctx context.Context, email string) error
	// PublishTerms stores a new version of the terms (ErrConflict: the version exists); it
	// becomes the current one.
	PublishTerms(ctx context.Context, v *domain.TermsVersion) error
	// CurrentTerms is the version published last (ErrNotFound: none yet).
	CurrentTerms(ctx context.Context) (domain.TermsVersion, error)
	TermsByVersion(ctx context.Context, version string) (domain.TermsVersion, error)
	// ListTerms lists the versions, oldest first, without their text.
	ListTerms(ctx context.Context) ([]domain.TermsVersion, error)
	// AcceptTerms records that the account accepted the version; false when it had already.
	AcceptTerms(ctx context.Context, userID int64, version string) (bool, error)
	TermsAccepted(ctx context.Context, userID int64, version string) (bool, error)
	// TermsAcceptances lists the acceptances of one account (0: of every account), oldest first.
	TermsAcceptances(ctx context.Context, userID int64) ([]domain.TermsAcceptance, error)
	FranceConnectOf(ctx context.Context, userID int64) (domain.FranceConnectLink, error)
	// FranceConnectBySub finds the account an identity is linked to (ErrNotFound: none).
	FranceConnectBySub(ctx context.Context, issuer, sub string) (domain.FranceConnectLink, error)
	LinkFranceConnect(ctx context.Context, l *domain.FranceConnectLink) error
	// UnlinkFranceConnect removes the link of an account; false when it had none.
	UnlinkFranceConnect(ctx context.Context, userID int64) (bool, error)
	EmailChangeOf(ctx context.Context, userID int64) (domain.EmailChange, error)
	// SaveEmailChange writes the pending change of an account, replacing the one it had.
	SaveEmailChange(ctx context.Context, c *domain.EmailChange) error
	DeleteEmailChange(ctx context.Context, userID int64) error
}

// RequestKey is what a request is about: its kind, its person and its structure (0 when it
// has none).
type RequestKey struct {
	ID          int64
	Kind        domain.RequestKind
	UserID      int64
	StructureID int64
}

// CaseQuery filters case files.
type CaseQuery struct {
	Unclaimed bool
	Limit     int
}

// TextField is one text column of one row, as FindText read it or as RewriteText writes it.
type TextField struct {
	Table, Column string
	ID            int64
	Value         string
	// Owner is the account the row belongs to (the actor of an audit event, the person of a
	// request), 0 when none; RewriteText ignores it.
	Owner int64
}

// UserQuery filters accounts; zero fields do not filter.
type UserQuery struct {
	Status domain.UserStatus
	Limit  int
}

// MemberQuery filters active memberships; zero fields do not filter.
type MemberQuery struct {
	StructureID     int64
	UserID          int64
	WithoutProfiles bool // only members who hold no profile yet (besides automatic ones)
	// IgnoreProfiles are profile codes that do not count as "a right" for WithoutProfiles
	// (the automatic PARCOURS PRO bénéficiaire).
	IgnoreProfiles []string
}

// RequestQuery filters the queue; zero fields do not filter.
type RequestQuery struct {
	Kind        domain.RequestKind
	Status      domain.RequestStatus
	StructureID int64
	UserID      int64 // the person's own requests (--mine)
	DecidedBy   int64
	// DecidableBy limits to the requests this non-gestionnaire user may decide: account and
	// affiliation requests of structures they are référent of.
	DecidableBy int64
	IDs         []int64
	Limit       int
	// Verified leaves out the unverified requests (their e-mail not confirmed): they are in
	// nobody's queue.
	Verified       bool
	RequesterEmail string    // the requests made from this address (stored spelling)
	CreatedBefore  time.Time // made before this time
}

// MailQuery filters the outbox.
type MailQuery struct {
	PendingOnly bool  // not sent yet
	SecretFor   int64 // only the messages that will carry a temporary password for this account
	Limit       int
}

// StructureQuery filters structures. Text is matched on the folded name and acronym (any
// word order, each word a substring), or as a SIRET/SIREN prefix when it is all digits.
type StructureQuery struct {
	Text       string
	Department string
	Kind       domain.Kind
	Limit      int // 0: no limit
}

// AuditQuery filters the audit trail; zero fields do not filter.
type AuditQuery struct {
	ActorID     int64
	StructureID int64
	Action      string // exact, or a prefix ending in "." ("request.")
	Since       time.Time
	Limit       int
	// Latest keeps the most recent Limit events (still returned oldest first).
	Latest bool
}
