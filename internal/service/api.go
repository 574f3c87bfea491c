package service

import (
	"context"
	"io"
	"time"

	"github.com/profil-cli/profil/internal/domain"
)

// API is every use case a command runs, on behalf of one actor: the actor is bound when the
// API is made (Service.As for the local database; a client of `profil serve` binds the
// token it sends), so no method takes one. Commands work through API only; Authenticate and
// Bootstrap (profil init) stay on *Service.
//
// Every method can be carried over HTTP by generated code, which reads this declaration:
//   - the first parameter is ctx context.Context, the last result is err error, and every
//     parameter and result is named;
//   - parameters and results are values JSON carries: domain and service structs with
//     exported fields, slices, maps, strings, numbers, bools, time.Time, time.Duration and
//     pointers to those — no interface, channel or func, with two exceptions:
//   - an io.Reader parameter is an upload (an import file), streamed;
//   - a LAST parameter func(T) error or func([]T) receives results as they come (export
//     rows, the reports of each batch of a bulk decision, import progress).
//
// Fields of type error in results (Decision.Err, LineResult.Err) are carried as the error of
// a method is: with what the exit codes mean (not found, not allowed, conflict, invalid…).
type API interface {
	// Sign-in and sign-out.

	// Login signs in with a password and returns the new session's token and the account.
	Login(ctx context.Context, email, password string) (token string, user domain.User, err error)
	// Logout ends the session whose token this machine kept; a session already gone (revoked,
	// expired, unknown) is no error.
	Logout(ctx context.Context, token string) (err error)
	// Whoami is the actor the API is bound to: anonymous, a session or an API token.
	Whoami(ctx context.Context) (actor domain.Actor, err error)
	// Me is the signed-in person's account.
	Me(ctx context.Context) (user domain.User, err error)

	// Structures.

	CreateStructure(ctx context.Context, in domain.StructureInput) (structure domain.Structure, err error)
	UpdateStructure(ctx context.Context, ref domain.StructureRef, in domain.StructureInput) (structure domain.Structure, err error)
	SetAdhesion(ctx context.Context, ref domain.StructureRef, year int) (structure domain.Structure, err error)
	Structure(ctx context.Context, ref domain.StructureRef) (structure domain.Structure, err error)
	SearchStructures(ctx context.Context, q StructureQuery) (structures []domain.Structure, err error)
	Members(ctx context.Context, ref domain.StructureRef, withoutProfiles bool) (members []domain.Member, structure domain.Structure, err error)
	ImportStructures(ctx context.Context, file io.Reader, opts ImportOptions, events func([]ImportEvent)) (summary ImportSummary, err error)
	RequestEntity(ctx context.Context, in EntityRequestInput) (request domain.Request, err error)
	RequestChange(ctx context.Context, ref domain.StructureRef, in domain.StructureInput, comment string) (request domain.Request, err error)

	// People.

	Register(ctx context.Context, in RegisterInput) (request domain.Request, user domain.User, err error)
	Affiliate(ctx context.Context, ref domain.StructureRef, userEmail string) (request domain.Request, err error)
	User(ctx context.Context, email string) (detail UserDetail, err error)
	UpdateUser(ctx context.Context, email string, in UserUpdate) (user domain.User, err error)
	ChangePassword(ctx context.Context, current, next string) (err error)
	ResetPassword(ctx context.Context, email string) (result ResetResult, err error)
	ListMembersOf(ctx context.Context, ref *domain.StructureRef, withoutProfiles bool) (members []domain.Member, err error)
	ImportUsers(ctx context.Context, file io.Reader, opts ImportOptions, events func([]ImportEvent)) (summary ImportSummary, err error)
	DisableUser(ctx context.Context, in DisableInput) (result DisableResult, err error)
	EnableUser(ctx context.Context, email string) (user domain.User, err error)
	UnlockUser(ctx context.Context, email string) (user domain.User, changed bool, err error)
	PersonalData(ctx context.Context, email string) (data PersonalData, err error)
	EraseUser(ctx context.Context, email string) (result EraseResult, err error)
	SetReferent(ctx context.Context, ref domain.StructureRef, email string) (user domain.User, structure domain.Structure, err error)
	Detach(ctx context.Context, in DetachInput) (user domain.User, structure domain.Structure, err error)

	// Profiles.

	Catalogue(ctx context.Context) (catalogue domain.Catalogue, err error)
	Grant(ctx context.Context, email string, ref domain.StructureRef, codes []string) (results []GrantResult, err error)
	Revoke(ctx context.Context, email string, ref domain.StructureRef, codes []string) (results []GrantResult, err error)
	RevokeWouldChange(ctx context.Context, email string, ref domain.StructureRef, codes []string) (change bool, err error)
	Profiles(ctx context.Context, email string) (members []domain.Member, err error)

	// Requests.

	ListRequests(ctx context.Context, q RequestQuery) (requests []domain.Request, err error)
	Request(ctx context.Context, id int64) (request domain.Request, err error)
	RequestDocument(ctx context.Context, id int64, which string) (document domain.Document, err error)
	Decide(ctx context.Context, id int64, in DecideInput) (outcome Outcome, err error)
	DecideMany(ctx context.Context, ids []int64, in DecideInput, report func([]Decision)) (err error)
	Activate(ctx context.Context, id int64, code string) (request domain.Request, err error)
	ResendActivation(ctx context.Context, email string) (err error)
	PurgeUnverified(ctx context.Context, olderThan time.Duration) (purged int, err error)

	// Audit trail, personal data, exports.

	Audit(ctx context.Context, q AuditQuery) (events []domain.AuditEvent, err error)
	Prune(ctx context.Context, in PruneInput) (result PruneResult, err error)
	ExportMembers(ctx context.Context, scope ExportScope, row func(domain.Member) error) (summary ExportSummary, err error)

	// API tokens.

	CreateAPIToken(ctx context.Context, name string, ttl time.Duration, scope string) (secret string, token domain.Token, err error)
	ListTokens(ctx context.Context) (tokens []domain.Token, err error)
	APIToken(ctx context.Context, id int64) (token domain.Token, err error)
	RevokeAPIToken(ctx context.Context, id int64) (token domain.Token, err error)

	// Portal settings.

	Settings(ctx context.Context) (settings []domain.SettingValue, err error)
	Setting(ctx context.Context, key string) (setting domain.SettingValue, err error)
	SetSetting(ctx context.Context, key, value string) (result SetSettingResult, err error)

	// Trainee portal: the funder's case files, trainees' accounts, the terms of use.

	ImportCases(ctx context.Context, file io.Reader, opts ImportOptions, events func([]ImportEvent)) (summary ImportSummary, err error)
	Cases(ctx context.Context, unclaimed bool) (cases []domain.Case, err error)
	Case(ctx context.Context, number string) (detail CaseDetail, err error)
	RegisterTrainee(ctx context.Context, in TraineeRegistration) (registered TraineeRegistered, err error)
	Trainees(ctx context.Context, filter TraineeFilter) (trainees []domain.Trainee, err error)
	ExportTrainees(ctx context.Context, filter TraineeFilter, row func(domain.Trainee) error) (summary ExportSummary, err error)
	SetSecretQuestion(ctx context.Context, question, answer string) (err error)
	// SecretQuestionOf is the question a forgotten-password reset asks for email; an address
	// without one gets a question that tells nothing.
	SecretQuestionOf(ctx context.Context, email string) (question string, err error)
	ForgotPassword(ctx context.Context, in ForgotInput) (err error)
	ConfirmEmail(ctx context.Context, code string) (user domain.User, err error)
	PublishTerms(ctx context.Context, version, body string) (terms domain.TermsVersion, err error)
	Terms(ctx context.Context, version string) (terms domain.TermsVersion, err error)
	AcceptTerms(ctx context.Context, version string) (accepted TermsAccepted, err error)
	TermsStatus(ctx context.Context) (report TermsReport, err error)
	LinkFranceConnect(ctx context.Context, email, issuer, sub string) (link domain.FranceConnectLink, changed bool, err error)
	UnlinkFranceConnect(ctx context.Context, email string) (changed bool, err error)

	// Outbox.

	ListMail(ctx context.Context, pendingOnly bool) (mails []domain.Mail, err error)
	// SendMail delivers the due messages through the SMTP server smtp names. Through a
	// server, the server connects to that SMTP server.
	SendMail(ctx context.Context, smtp SMTPSettings, batch int) (report MailReport, err error)
}

// StructureQuery filters a structure search; zero fields do not filter.
type StructureQuery struct {
	Text       string // SIRET, SIREN, name, acronym or city, accents and case aside
	Department string
	Kind       domain.Kind
	Limit      int // 0: no limit
}

// RequestQuery filters the requests listed: by default those the actor may decide; with
// Mine, the actor's own.
type RequestQuery struct {
	Kind        domain.RequestKind
	Status      domain.RequestStatus
	StructureID int64
	DecidedBy   int64 // the account that decided
	Limit       int
	Mine        bool
}

// AuditQuery filters the audit trail; zero fields do not filter.
type AuditQuery struct {
	Action     string // exact, or a prefix ending in "." ("request.")
	Since      time.Time
	Limit      int
	Latest     bool   // keep the most recent Limit events (still returned oldest first)
	ActorEmail string // the events of this account
	Structure  *domain.StructureRef
}

// ImportEvent is what an import tells as it goes: the result of one line, or, after each
// batch written, how many good lines are done of how many.
type ImportEvent struct {
	Result      *LineResult
	Done, Total int
}

// SMTPSettings names the SMTP server that delivers the outbox: URL is as mail.ParseSMTPURL
// reads it (it may hold a password: never print it), From the sender ("" for the default).
type SMTPSettings struct {
	URL  string
	From string
}

// String never shows the URL, which may hold a password.
func (s SMTPSettings) String() string { return "SMTPSettings{From: " + s.From + "}" }

// GoString is String, for %#v.
func (s SMTPSettings) GoString() string { return s.String() }
