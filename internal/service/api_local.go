package service

import (
	"context"
	"io"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// As returns the use cases run by actor on this service's database.
func (s *Service) As(actor domain.Actor) API {
	return &local{s: s, actor: actor}
}

// local is API over the database: each method runs the *Service use case as the bound actor.
type local struct {
	s     *Service
	actor domain.Actor
}

var _ API = (*local)(nil)

func (l *local) Login(ctx context.Context, email, password string) (string, domain.User, error) {
	return l.s.Login(ctx, email, password)
}

func (l *local) Logout(ctx context.Context, token string) error { return l.s.Logout(ctx, token) }

func (l *local) Whoami(ctx context.Context) (domain.Actor, error) { return l.actor, nil }

func (l *local) Me(ctx context.Context) (domain.User, error) { return l.s.Me(ctx, l.actor) }

func (l *local) CreateStructure(ctx context.Context, in domain.StructureInput) (domain.Structure, error) {
	return l.s.CreateStructure(ctx, l.actor, in)
}

func (l *local) UpdateStructure(ctx context.Context, ref domain.StructureRef, in domain.StructureInput) (domain.Structure, error) {
	return l.s.UpdateStructure(ctx, l.actor, ref, in)
}

func (l *local) SetAdhesion(ctx context.Context, ref domain.StructureRef, year int) (domain.Structure, error) {
	return l.s.SetAdhesion(ctx, l.actor, ref, year)
}

func (l *local) Structure(ctx context.Context, ref domain.StructureRef) (domain.Structure, error) {
	return l.s.Structure(ctx, l.actor, ref)
}

func (l *local) SearchStructures(ctx context.Context, q StructureQuery) ([]domain.Structure, error) {
	return l.s.SearchStructures(ctx, l.actor, store.StructureQuery{Text: q.Text, Department: q.Department, Kind: q.Kind, Limit: q.Limit})
}

func (l *local) Members(ctx context.Context, ref domain.StructureRef, withoutProfiles bool) ([]domain.Member, domain.Structure, error) {
	return l.s.Members(ctx, l.actor, ref, withoutProfiles)
}

// importEvents sets the callbacks of opts that tell events.
func importEvents(opts ImportOptions, events func([]ImportEvent)) ImportOptions {
	if events == nil {
		return opts
	}
	opts.OnResult = func(r LineResult) { events([]ImportEvent{{Result: &r}}) }
	opts.OnProgress = func(done, total int) { events([]ImportEvent{{Done: done, Total: total}}) }
	return opts
}

func (l *local) ImportStructures(ctx context.Context, file io.Reader, opts ImportOptions, events func([]ImportEvent)) (ImportSummary, error) {
	return l.s.ImportStructures(ctx, l.actor, file, importEvents(opts, events))
}

func (l *local) RequestEntity(ctx context.Context, in EntityRequestInput) (domain.Request, error) {
	return l.s.RequestEntity(ctx, l.actor, in)
}

func (l *local) RequestChange(ctx context.Context, ref domain.StructureRef, in domain.StructureInput, comment string) (domain.Request, error) {
	return l.s.RequestChange(ctx, l.actor, ref, in, comment)
}

func (l *local) Register(ctx context.Context, in RegisterInput) (domain.Request, domain.User, error) {
	return l.s.Register(ctx, l.actor, in)
}

func (l *local) Affiliate(ctx context.Context, ref domain.StructureRef, userEmail string) (domain.Request, error) {
	return l.s.Affiliate(ctx, l.actor, ref, userEmail)
}

func (l *local) User(ctx context.Context, email string) (UserDetail, error) {
	return l.s.User(ctx, l.actor, email)
}

func (l *local) UpdateUser(ctx context.Context, email string, in UserUpdate) (domain.User, error) {
	return l.s.UpdateUser(ctx, l.actor, email, in)
}

func (l *local) ChangePassword(ctx context.Context, current, next string) error {
	return l.s.ChangePassword(ctx, l.actor, current, next)
}

func (l *local) ResetPassword(ctx context.Context, email string) (ResetResult, error) {
	return l.s.ResetPassword(ctx, l.actor, email)
}

func (l *local) ListMembersOf(ctx context.Context, ref *domain.StructureRef, withoutProfiles bool) ([]domain.Member, error) {
	return l.s.ListMembersOf(ctx, l.actor, ref, withoutProfiles)
}

func (l *local) ImportUsers(ctx context.Context, file io.Reader, opts ImportOptions, events func([]ImportEvent)) (ImportSummary, error) {
	return l.s.ImportUsers(ctx, l.actor, file, importEvents(opts, events))
}

func (l *local) DisableUser(ctx context.Context, in DisableInput) (DisableResult, error) {
	return l.s.DisableUser(ctx, l.actor, in)
}

func (l *local) EnableUser(ctx context.Context, email string) (domain.User, error) {
	return l.s.EnableUser(ctx, l.actor, email)
}

func (l *local) UnlockUser(ctx context.Context, email string) (domain.User, bool, error) {
	return l.s.UnlockUser(ctx, l.actor, email)
}

func (l *local) PersonalData(ctx context.Context, email string) (PersonalData, error) {
	return l.s.PersonalData(ctx, l.actor, email)
}

func (l *local) EraseUser(ctx context.Context, email string) (EraseResult, error) {
	return l.s.EraseUser(ctx, l.actor, email)
}

func (l *local) SetReferent(ctx context.Context, ref domain.StructureRef, email string) (domain.User, domain.Structure, error) {
	return l.s.SetReferent(ctx, l.actor, ref, email)
}

func (l *local) Detach(ctx context.Context, in DetachInput) (domain.User, domain.Structure, error) {
	return l.s.Detach(ctx, l.actor, in)
}

func (l *local) Catalogue(ctx context.Context) (domain.Catalogue, error) {
	return l.s.Catalogue(ctx, l.actor)
}

func (l *local) Grant(ctx context.Context, email string, ref domain.StructureRef, codes []string) ([]GrantResult, error) {
	return l.s.Grant(ctx, l.actor, email, ref, codes)
}

func (l *local) Revoke(ctx context.Context, email string, ref domain.StructureRef, codes []string) ([]GrantResult, error) {
	return l.s.Revoke(ctx, l.actor, email, ref, codes)
}

func (l *local) RevokeWouldChange(ctx context.Context, email string, ref domain.StructureRef, codes []string) (bool, error) {
	return l.s.RevokeWouldChange(ctx, l.actor, email, ref, codes)
}

func (l *local) Profiles(ctx context.Context, email string) ([]domain.Member, error) {
	return l.s.Profiles(ctx, l.actor, email)
}

func (l *local) ListRequests(ctx context.Context, q RequestQuery) ([]domain.Request, error) {
	return l.s.ListRequests(ctx, l.actor, RequestFilter{Mine: q.Mine, Query: store.RequestQuery{
		Kind: q.Kind, Status: q.Status, StructureID: q.StructureID, DecidedBy: q.DecidedBy, Limit: q.Limit,
	}})
}

func (l *local) Request(ctx context.Context, id int64) (domain.Request, error) {
	return l.s.Request(ctx, l.actor, id)
}

func (l *local) RequestDocument(ctx context.Context, id int64, which string) (domain.Document, error) {
	return l.s.RequestDocument(ctx, l.actor, id, which)
}

func (l *local) Decide(ctx context.Context, id int64, in DecideInput) (Outcome, error) {
	return l.s.Decide(ctx, l.actor, id, in)
}

func (l *local) DecideMany(ctx context.Context, ids []int64, in DecideInput, report func([]Decision)) error {
	return l.s.DecideMany(ctx, l.actor, ids, in, report)
}

func (l *local) Activate(ctx context.Context, id int64, code string) (domain.Request, error) {
	return l.s.Activate(ctx, l.actor, id, code)
}

func (l *local) ResendActivation(ctx context.Context, email string) error {
	return l.s.ResendActivation(ctx, l.actor, email)
}

func (l *local) PurgeUnverified(ctx context.Context, olderThan time.Duration) (int, error) {
	return l.s.PurgeUnverified(ctx, l.actor, olderThan)
}

func (l *local) Audit(ctx context.Context, q AuditQuery) ([]domain.AuditEvent, error) {
	return l.s.Audit(ctx, l.actor, store.AuditQuery{Action: q.Action, Since: q.Since, Limit: q.Limit, Latest: q.Latest}, q.ActorEmail, q.Structure)
}

func (l *local) Prune(ctx context.Context, in PruneInput) (PruneResult, error) {
	return l.s.Prune(ctx, l.actor, in)
}

func (l *local) ExportMembers(ctx context.Context, scope ExportScope, row func(domain.Member) error) (ExportSummary, error) {
	return l.s.ExportMembers(ctx, l.actor, scope, row)
}

func (l *local) CreateAPIToken(ctx context.Context, name string, ttl time.Duration, scope string) (string, domain.Token, error) {
	return l.s.CreateAPIToken(ctx, l.actor, name, ttl, scope)
}

func (l *local) ListTokens(ctx context.Context) ([]domain.Token, error) {
	return l.s.ListTokens(ctx, l.actor)
}

func (l *local) APIToken(ctx context.Context, id int64) (domain.Token, error) {
	return l.s.APIToken(ctx, l.actor, id)
}

func (l *local) RevokeAPIToken(ctx context.Context, id int64) (domain.Token, error) {
	return l.s.RevokeAPIToken(ctx, l.actor, id)
}

func (l *local) Settings(ctx context.Context) ([]domain.SettingValue, error) {
	return l.s.Settings(ctx, l.actor)
}

func (l *local) Setting(ctx context.Context, key string) (domain.SettingValue, error) {
	return l.s.Setting(ctx, l.actor, key)
}

func (l *local) SetSetting(ctx context.Context, key, value string) (SetSettingResult, error) {
	return l.s.SetSetting(ctx, l.actor, key, value)
}

func (l *local) ListMail(ctx context.Context, pendingOnly bool) ([]domain.Mail, error) {
	return l.s.ListMail(ctx, l.actor, pendingOnly)
}

func (l *local) SendMail(ctx context.Context, smtp SMTPSettings, batch int) (MailReport, error) {
	return l.s.SendMail(ctx, l.actor, smtp, batch)
}

func (l *local) ImportCases(ctx context.Context, file io.Reader, opts ImportOptions, events func([]ImportEvent)) (ImportSummary, error) {
	return l.s.ImportCases(ctx, l.actor, file, importEvents(opts, events))
}

func (l *local) Cases(ctx context.Context, unclaimed bool) ([]domain.Case, error) {
	return l.s.Cases(ctx, l.actor, unclaimed)
}

func (l *local) Case(ctx context.Context, number string) (CaseDetail, error) {
	return l.s.Case(ctx, l.actor, number)
}

func (l *local) RegisterTrainee(ctx context.Context, in TraineeRegistration) (TraineeRegistered, error) {
	return l.s.RegisterTrainee(ctx, l.actor, in)
}

func (l *local) Trainees(ctx context.Context, filter TraineeFilter) ([]domain.Trainee, error) {
	return l.s.Trainees(ctx, l.actor, filter)
}

func (l *local) ExportTrainees(ctx context.Context, filter TraineeFilter, row func(domain.Trainee) error) (ExportSummary, error) {
	return l.s.ExportTrainees(ctx, l.actor, filter, row)
}

func (l *local) SetSecretQuestion(ctx context.Context, question, answer string) error {
	return l.s.SetSecretQuestion(ctx, l.actor, question, answer)
}

func (l *local) SecretQuestionOf(ctx context.Context, email string) (string, error) {
	return l.s.SecretQuestionOf(ctx, l.actor, email)
}

func (l *local) ForgotPassword(ctx context.Context, in ForgotInput) error {
	return l.s.ForgotPassword(ctx, l.actor, in)
}

func (l *local) ConfirmEmail(ctx context.Context, code string) (domain.User, error) {
	return l.s.ConfirmEmail(ctx, l.actor, code)
}

func (l *local) PublishTerms(ctx context.Context, version, body string) (domain.TermsVersion, error) {
	return l.s.PublishTerms(ctx, l.actor, version, body)
}

func (l *local) Terms(ctx context.Context, version string) (domain.TermsVersion, error) {
	return l.s.Terms(ctx, l.actor, version)
}

func (l *local) AcceptTerms(ctx context.Context, version string) (TermsAccepted, error) {
	return l.s.AcceptTerms(ctx, l.actor, version)
}

func (l *local) TermsStatus(ctx context.Context) (TermsReport, error) {
	return l.s.TermsStatus(ctx, l.actor)
}

func (l *local) LinkFranceConnect(ctx context.Context, email, issuer, sub string) (domain.FranceConnectLink, bool, error) {
	return l.s.LinkFranceConnect(ctx, l.actor, email, issuer, sub)
}

func (l *local) UnlinkFranceConnect(ctx context.Context, email string) (bool, error) {
	return l.s.UnlinkFranceConnect(ctx, l.actor, email)
}
