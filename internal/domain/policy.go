package domain

import (
	"fmt"
	"slices"
	"sort"
)

// Who may do what: ONE table. Every use case asks Authorize, inside its transaction, with what
// it loaded; no command checks rights on its own.

// Action is something a use case does, named "noun.verb".
type Action string

// The actions of profil.
const (
	StructureRead       Action = "structure.read"   // show, search, list
	StructurePublic     Action = "structure.public" // show, search, list: the public fields only
	StructureCreate     Action = "structure.create"
	StructureUpdate     Action = "structure.update"
	StructureAdhesion   Action = "structure.adhesion"
	StructureAsk        Action = "structure.request"        // ask for a structure to be referenced
	StructureChangeAsk  Action = "structure.request-change" // report a change of a structure's data
	UserRegister        Action = "user.register"
	UserRead            Action = "user.read"
	UserEdit            Action = "user.update" // e-mail, phone, function; names for gestionnaires
	UserPassword        Action = "user.passwd"
	UserResetPassword   Action = "user.reset-password"
	UserList            Action = "user.list-all" // every membership of every structure
	UserDisable         Action = "user.disable"
	UserEnable          Action = "user.enable"
	UserUnlock          Action = "user.unlock"
	AffiliationAsk      Action = "user.affiliate"
	RequestRead         Action = "request.read"     // list: each sees what they may decide, or their own
	RequestShow         Action = "request.show"     // one request, to whoever may decide it
	RequestDecide       Action = "request.decide"   // approve, reject
	RequestActivate     Action = "request.activate" // confirm a request's e-mail with the code mailed, or have it mailed again
	RequestPurge        Action = "request.purge"    // remove the unverified requests left stale
	MembersRead         Action = "members.read"     // the user list of a structure
	MemberDetach        Action = "member.detach"
	ReferentHandOver    Action = "referent.set"
	ProfileGrant        Action = "profile.grant" // grant and revoke
	CatalogueRead       Action = "profile.catalog"
	Export              Action = "export.users"
	ExportTrainees      Action = "export.trainees" // the trainee accounts, to a file
	Import              Action = "import"
	AuditRead           Action = "audit.read"
	MailRead            Action = "mail.list"
	MailSend            Action = "mail.send"
	TokenManage         Action = "token.manage"
	UserData            Action = "user.data"  // everything held on a person (RGPD access)
	UserErase           Action = "user.erase" // anonymise a person (RGPD erasure)
	AuditPrune          Action = "audit.prune"
	SettingsRead        Action = "settings.read"
	SettingsWrite       Action = "settings.set"
	CaseImport          Action = "case.import"
	CaseRead            Action = "case.read"            // case list, case show
	TraineeRegister     Action = "trainee.register"     // a trainee's own account, with or without a case
	TraineeList         Action = "trainee.list"         // the trainee accounts
	SecretSet           Action = "user.secret-set"      // one's own secret question
	PasswordForgot      Action = "user.forgot-password" // reset one's password with the secret question
	EmailConfirm        Action = "user.confirm-email"   // confirm a new address with the code mailed to it
	FranceConnectManage Action = "user.franceconnect"   // link or unlink a FranceConnect identity
	TermsPublish        Action = "terms.publish"
	TermsRead           Action = "terms.show"
	TermsAccept         Action = "terms.accept"
	TermsStatus         Action = "terms.status"
)

// Who is the kind of actor a rule lets through, as the key of its description in messages. Gestionnaires pass every rule but Anyone's
// (which everybody passes).
type Who string

// The kinds of actor, from the widest to the narrowest.
const (
	Anyone      Who = "who.anyone"
	SignedIn    Who = "who.signed_in"
	Members     Who = "who.members"
	Self        Who = "who.self"
	SelfOrRef   Who = "who.self_or_referent"
	Referent    Who = "who.referent"
	RefOfKind   Who = "who.referent_of_kind"
	Managers    Who = "who.managers"
	PasswordSes Who = "who.password_session"
)

// Rule is one row of the policy: who may, and whether the action changes anything (a read-only
// token may only read).
type Rule struct {
	Who     Who
	Mutates bool
	Summary string // the message key of what the action does ("create a structure"), for messages
}

// Policy is the table. Gestionnaires may do everything signed-in users may.
var Policy = map[Action]Rule{
	StructureRead:       {SignedIn, false, "policy.structure_read"},
	StructurePublic:     {Anyone, false, "policy.structure_public"},
	StructureCreate:     {Managers, true, "policy.structure_create"},
	StructureUpdate:     {Managers, true, "policy.structure_update"},
	StructureAdhesion:   {Managers, true, "policy.structure_adhesion"},
	StructureAsk:        {Anyone, true, "policy.structure_ask"},
	StructureChangeAsk:  {Referent, true, "policy.structure_change_ask"},
	UserRegister:        {Anyone, true, "policy.user_register"},
	UserRead:            {SelfOrRef, false, "policy.user_read"},
	UserEdit:            {Self, true, "policy.user_edit"},
	UserPassword:        {Self, true, "policy.user_password"},
	UserResetPassword:   {Managers, true, "policy.user_reset_password"},
	UserList:            {Managers, false, "policy.user_list"},
	UserDisable:         {Managers, true, "policy.user_disable"},
	UserEnable:          {Managers, true, "policy.user_enable"},
	UserUnlock:          {Managers, true, "policy.user_unlock"},
	AffiliationAsk:      {Self, true, "policy.affiliation_ask"},
	RequestRead:         {SignedIn, false, "policy.request_read"},
	RequestShow:         {RefOfKind, false, "policy.request_show"},
	RequestDecide:       {RefOfKind, true, "policy.request_decide"},
	RequestActivate:     {Anyone, true, "policy.request_activate"},
	RequestPurge:        {Managers, true, "policy.request_purge"},
	MembersRead:         {Members, false, "policy.members_read"},
	MemberDetach:        {Referent, true, "policy.member_detach"},
	ReferentHandOver:    {Referent, true, "policy.referent_hand_over"},
	ProfileGrant:        {Referent, true, "policy.profile_grant"},
	CatalogueRead:       {Anyone, false, "policy.catalogue_read"},
	Export:              {Referent, false, "policy.export"},
	ExportTrainees:      {Managers, false, "policy.export_trainees"},
	Import:              {Managers, true, "policy.import"},
	AuditRead:           {SignedIn, false, "policy.audit_read"},
	MailRead:            {Managers, false, "policy.mail_read"},
	MailSend:            {Managers, true, "policy.mail_send"},
	TokenManage:         {PasswordSes, true, "policy.token_manage"},
	UserData:            {Self, false, "policy.user_data"},
	UserErase:           {Managers, true, "policy.user_erase"},
	AuditPrune:          {Managers, true, "policy.audit_prune"},
	SettingsRead:        {Managers, false, "policy.settings_read"},
	SettingsWrite:       {Managers, true, "policy.settings_set"},
	CaseImport:          {Managers, true, "policy.case_import"},
	CaseRead:            {Managers, false, "policy.case_read"},
	TraineeRegister:     {Anyone, true, "policy.trainee_register"},
	TraineeList:         {Managers, false, "policy.trainee_list"},
	SecretSet:           {PasswordSes, true, "policy.secret_set"}, // one's own, and never with an API token
	PasswordForgot:      {Anyone, true, "policy.password_forgot"},
	EmailConfirm:        {Self, true, "policy.email_confirm"},
	FranceConnectManage: {Self, true, "policy.franceconnect_link"},
	TermsPublish:        {Managers, true, "policy.terms_publish"},
	TermsRead:           {Anyone, false, "policy.terms_read"},
	TermsAccept:         {Self, true, "policy.terms_accept"},
	TermsStatus:         {Managers, false, "policy.terms_status"},
}

// PublicStructure keeps of st what anyone may see, signed in or not, to find the structure to
// register in: id, SIRET, name, acronym, city, département and kinds. Address, APE, adhesion
// and référent stay with signed-in users; members are never public.
func PublicStructure(st Structure) Structure {
	return Structure{ID: st.ID, SIRET: st.SIRET, Name: st.Name, Acronym: st.Acronym, City: st.City,
		Department: st.Department, Kinds: st.Kinds, CreatedAt: st.CreatedAt, UpdatedAt: st.UpdatedAt}
}

// Subject is what an action is about, as the use case loaded it.
type Subject struct {
	Role        StructureRole // the actor's role in the structure concerned
	TargetUser  int64         // the account concerned
	RefOfTarget bool          // the actor is référent of one of the target's structures
	Request     *Request      // the request decided
}

// ScopeRead is the scope of an API token that may only read.
const ScopeRead = "read"

// Authorize says whether a may do act on s, with a message that says who may.
func Authorize(a Actor, act Action, s Subject) error {
	rule, ok := Policy[act]
	if !ok {
		return fmt.Errorf("no policy for action %q", act) // a programming error: fail closed
	}
	// The first sign-in's steps, in order (whoami and logout need no rule): a temporary
	// password is changed, then a trainee sets a secret question, then the current terms of
	// use are accepted; until then, only the step's own commands run.
	if err := CheckFirstSignIn(a, act); err != nil {
		return err
	}
	// A read-only token changes nothing, not even what anybody may ask for.
	if rule.Mutates && a.Scope == ScopeRead {
		return Errorf(ErrForbidden, "policy.read_only_token", Msg(rule.Summary))
	}
	if rule.Who == Anyone {
		return nil
	}
	if a.IsAnonymous() {
		return Errorf(ErrForbidden, "auth.not_signed_in")
	}
	if a.Manager && rule.Who != PasswordSes && rule.Who != Self {
		return nil
	}
	allowed := false
	switch rule.Who {
	case SignedIn:
		allowed = true
	case Members:
		allowed = s.Role.Member || s.Role.IsReferent(a)
	case Self:
		allowed = a.UserID == s.TargetUser || a.Manager
	case SelfOrRef:
		allowed = a.UserID == s.TargetUser || s.RefOfTarget
	case Referent:
		allowed = s.Role.IsReferent(a)
	case RefOfKind:
		allowed = s.Request != nil && MayDecide(a, *s.Request, s.Role)
		if !allowed && s.Request != nil {
			switch {
			case s.Request.Kind == RequestChange:
				return Errorf(ErrForbidden, "policy.change_request", Msg(rule.Summary), s.Request.ID)
			case s.Request.Kind == RequestStructure:
				return Errorf(ErrForbidden, "policy.structure_request", Msg(rule.Summary), s.Request.ID)
			case s.Role.ReferentID == 0:
				return Errorf(ErrForbidden, "policy.no_referent", s.Request.ID, Msg(rule.Summary))
			}
			return Errorf(ErrForbidden, "policy.referent_request", Msg(rule.Summary), s.Request.ID)
		}
	case PasswordSes:
		allowed = a.TokenID == 0
		if !allowed {
			return Errorf(ErrForbidden, "policy.password_session", Msg(rule.Summary))
		}
	}
	if allowed {
		return nil
	}
	return Errorf(ErrForbidden, "policy.only", whoText(rule.Who), Msg(rule.Summary))
}

func whoText(w Who) Message {
	if w == Managers {
		return Msg("who.a_manager")
	}
	return Msg("who.or_manager", Msg(string(w)))
}

// PolicyRows lists the table sorted by action, for documentation and tests.
func PolicyRows() []Action {
	out := make([]Action, 0, len(Policy))
	for a := range Policy {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// StructureRole is what the actor is to one structure.
type StructureRole struct {
	ReferentID int64 // user id of the structure's référent, 0 if it has none
	Member     bool  // the actor has an active membership there
}

// IsReferent reports whether a is the référent of the structure.
func (r StructureRole) IsReferent(a Actor) bool {
	return !a.IsAnonymous() && r.ReferentID != 0 && r.ReferentID == a.UserID
}

// ReferentDecides lists the kinds of request the référent of the structure concerned
// decides; the others (a structure to reference, a change of a structure's data) are for
// gestionnaires. The store's filter of the requests one may decide is written from it.
var ReferentDecides = []RequestKind{RequestAccount, RequestAffiliation}

// MayDecide is who decides which request: a gestionnaire any, the référent of its structure
// (role) those of ReferentDecides kinds. Whether the request is still pending is the state
// machine's (CheckDecidable); whether the actor's credentials may change anything, the
// policy's (RequestDecide).
func MayDecide(a Actor, r Request, role StructureRole) bool {
	if a.IsAnonymous() {
		return false
	}
	return a.Manager || (slices.Contains(ReferentDecides, r.Kind) && role.IsReferent(a))
}

// MaySee is who sees which request: the person who made it, and whoever may decide it.
func MaySee(a Actor, r Request, role StructureRole) bool {
	return (!a.IsAnonymous() && r.UserID == a.UserID) || MayDecide(a, r, role)
}

// CanDecideRequest applies the policy to a decision.
func CanDecideRequest(a Actor, r Request, role StructureRole) error {
	return Authorize(a, RequestDecide, Subject{Role: role, Request: &r})
}

// CanManageMembers applies the policy to an action of the référent on their structure.
func CanManageMembers(a Actor, act Action, role StructureRole) error {
	return Authorize(a, act, Subject{Role: role})
}

// CanSeeMembers applies the policy to the user list of a structure.
func CanSeeMembers(a Actor, role StructureRole) error {
	return Authorize(a, MembersRead, Subject{Role: role})
}

// CanDetach: the référent or a gestionnaire; a référent may not detach themself (only a
// gestionnaire can, as the guides say: "nous contacter").
func CanDetach(a Actor, target int64, role StructureRole) error {
	if err := Authorize(a, MemberDetach, Subject{Role: role}); err != nil {
		return err
	}
	if !a.Manager && target == a.UserID {
		return Errorf(ErrForbidden, "policy.referent_self_detach")
	}
	return nil
}

// CanEditUser applies the policy to a change of an account.
func CanEditUser(a Actor, target int64) error {
	return Authorize(a, UserEdit, Subject{TargetUser: target})
}
