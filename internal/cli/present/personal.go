package present

import (
	"strconv"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/service"
)

// PersonalData is the JSON shape of `user data`: everything held on a person, one key per
// section, every list present (empty when there is nothing). Sections that later features
// bring (terms of use, trainee case) are here already, empty.
type PersonalData struct {
	User        PersonalUser       `json:"user"`
	Memberships []PersonalMember   `json:"memberships"`
	Profiles    []PersonalGrant    `json:"profiles"`
	Requests    []Request          `json:"requests"`
	Audit       []AuditEvent       `json:"audit"`
	Mails       []PersonalMail     `json:"mails"`
	Tokens      []PersonalToken    `json:"tokens"`
	Terms       []PersonalTerms    `json:"terms"`
	Trainee     *PersonalTraineeCs `json:"trainee"`
	// FranceConnect is the linked FranceConnect identity; null when none.
	FranceConnect *PersonalFranceConnect `json:"franceconnect"`
}

// PersonalFranceConnect is a FranceConnect identity: its issuer and subject.
type PersonalFranceConnect struct {
	Issuer  string `json:"issuer"`
	Subject string `json:"sub"`
}

// PersonalUser is the account as stored, its secrets left out.
type PersonalUser struct {
	User
	Source    string     `json:"source"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	ErasedAt  *time.Time `json:"erased_at"`
}

// PersonalMember is one membership, ended ones too.
type PersonalMember struct {
	StructureID   int64      `json:"structure_id"`
	SIRET         string     `json:"siret"`
	StructureName string     `json:"structure_name"`
	Referent      bool       `json:"referent"`
	Since         time.Time  `json:"since"`
	EndedAt       *time.Time `json:"ended_at"`
}

// PersonalGrant is one profile granted, revoked ones too.
type PersonalGrant struct {
	StructureID   int64      `json:"structure_id"`
	StructureName string     `json:"structure_name"`
	Profile       string     `json:"profile"`
	GrantedAt     time.Time  `json:"granted_at"`
	GrantedBy     string     `json:"granted_by"`
	RevokedAt     *time.Time `json:"revoked_at"`
	RevokedBy     string     `json:"revoked_by"`
}

// PersonalMail is one message to the person: when, what about, where it stands; never its body.
type PersonalMail struct {
	ID        int64      `json:"id"`
	CreatedAt time.Time  `json:"created_at"`
	Subject   string     `json:"subject"`
	Status    string     `json:"status"`
	SentAt    *time.Time `json:"sent_at"`
}

// PersonalToken is one session or API token: its name and dates, never its value.
type PersonalToken struct {
	ID         int64      `json:"id"`
	Kind       string     `json:"kind"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// PersonalTerms is one version of the terms of use accepted.
type PersonalTerms struct {
	Version    string    `json:"version"`
	AcceptedAt time.Time `json:"accepted_at"`
}

// PersonalTraineeCs is the case file of a trainee account.
type PersonalTraineeCs struct {
	CaseNumber     string     `json:"case_number"`
	BirthDate      string     `json:"birth_date"`
	SecretQuestion string     `json:"secret_question"` // never the answer
	QuestionSetAt  *time.Time `json:"secret_question_set_at"`
	PendingEmail   string     `json:"pending_email"`
}

// PersonalTermsColumns and PersonalTraineeColumns are the tables of `user data`.
var PersonalTermsColumns = []output.Column[PersonalTerms]{
	{Header: "VERSION", Value: func(t PersonalTerms) string { return t.Version }},
	{Header: "ACCEPTED", Value: func(t PersonalTerms) string { return stamp(&t.AcceptedAt) }},
}

// PersonalTraineeColumns is the card of a trainee's case in `user data`.
var PersonalTraineeColumns = []output.Column[PersonalTraineeCs]{
	{Header: "Case", Value: func(t PersonalTraineeCs) string { return t.CaseNumber }},
	{Header: "Birth date", Value: func(t PersonalTraineeCs) string { return domain.FormatBirthDate(t.BirthDate) }},
	{Header: "Secret question", Value: func(t PersonalTraineeCs) string { return t.SecretQuestion }},
	{Header: "New e-mail", Value: func(t PersonalTraineeCs) string { return t.PendingEmail }},
}

// FromPersonalData converts what the service gathered.
func FromPersonalData(d service.PersonalData, now time.Time) PersonalData {
	v := PersonalData{
		User: PersonalUser{User: FromUser(d.User), Source: d.User.Source, CreatedAt: d.User.CreatedAt.UTC(),
			UpdatedAt: d.User.UpdatedAt.UTC(), ErasedAt: utcPtr(d.User.ErasedAt)},
		Memberships: []PersonalMember{}, Profiles: []PersonalGrant{}, Requests: Requests(d.Requests, now),
		Audit: AuditEvents(d.Audit), Mails: []PersonalMail{}, Tokens: []PersonalToken{}, Terms: []PersonalTerms{},
	}
	for _, m := range d.Memberships {
		v.Memberships = append(v.Memberships, PersonalMember{StructureID: m.StructureID, SIRET: m.SIRET,
			StructureName: m.StructureName, Referent: m.Referent, Since: m.CreatedAt.UTC(), EndedAt: utcPtr(m.EndedAt)})
	}
	for _, g := range d.Profiles {
		v.Profiles = append(v.Profiles, PersonalGrant{StructureID: g.StructureID, StructureName: g.StructureName,
			Profile: g.Profile, GrantedAt: g.GrantedAt.UTC(), GrantedBy: g.GrantedBy, RevokedAt: utcPtr(g.RevokedAt), RevokedBy: g.RevokedBy})
	}
	for _, m := range d.Mails {
		v.Mails = append(v.Mails, PersonalMail{ID: m.ID, CreatedAt: m.CreatedAt.UTC(), Subject: m.Subject,
			Status: string(m.Status), SentAt: utcPtr(m.SentAt)})
	}
	for _, t := range d.Tokens {
		v.Tokens = append(v.Tokens, PersonalToken{ID: t.ID, Kind: string(t.Kind), Name: t.Name, CreatedAt: t.CreatedAt.UTC(),
			ExpiresAt: utcPtr(t.ExpiresAt), LastUsedAt: utcPtr(t.LastUsedAt), RevokedAt: utcPtr(t.RevokedAt)})
	}
	for _, t := range d.Terms {
		v.Terms = append(v.Terms, PersonalTerms{Version: t.Version, AcceptedAt: t.AcceptedAt.UTC()})
	}
	if d.FranceConnect != nil {
		v.FranceConnect = &PersonalFranceConnect{Issuer: d.FranceConnect.Issuer, Subject: d.FranceConnect.Subject}
	}
	if d.Trainee != nil {
		v.Trainee = &PersonalTraineeCs{CaseNumber: d.Trainee.Number, BirthDate: d.Trainee.BirthDate,
			SecretQuestion: d.Trainee.SecretQuestion, QuestionSetAt: utcPtr(d.Trainee.QuestionSetAt), PendingEmail: d.Trainee.PendingEmail}
	}
	return v
}

func stamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04Z")
}

// PersonalMemberColumns, PersonalGrantColumns, PersonalMailColumns and PersonalTokenColumns are
// the sections of `user data` for people.
var (
	PersonalMemberColumns = []output.Column[PersonalMember]{
		{Header: "Structure", Value: func(m PersonalMember) string { return m.StructureName }},
		{Header: "SIRET", Value: func(m PersonalMember) string { return FormatSIRET(m.SIRET) }},
		{Header: "Référent", Value: func(m PersonalMember) string { return yesNo(m.Referent) }},
		{Header: "Since", Value: func(m PersonalMember) string { return stamp(&m.Since) }},
		{Header: "Ended", Value: func(m PersonalMember) string { return stamp(m.EndedAt) }},
	}
	PersonalGrantColumns = []output.Column[PersonalGrant]{
		{Header: "Structure", Value: func(g PersonalGrant) string { return g.StructureName }},
		{Header: "Profile", Value: func(g PersonalGrant) string { return g.Profile }},
		{Header: "Granted", Value: func(g PersonalGrant) string { return strings.TrimSpace(stamp(&g.GrantedAt) + " " + g.GrantedBy) }},
		{Header: "Revoked", Value: func(g PersonalGrant) string { return strings.TrimSpace(stamp(g.RevokedAt) + " " + g.RevokedBy) }},
	}
	PersonalMailColumns = []output.Column[PersonalMail]{
		{Header: "ID", Value: func(m PersonalMail) string { return strconv.FormatInt(m.ID, 10) }},
		{Header: "Date", Value: func(m PersonalMail) string { return stamp(&m.CreatedAt) }},
		{Header: "Subject", Value: func(m PersonalMail) string { return m.Subject }},
		{Header: "Status", Value: func(m PersonalMail) string { return m.Status }},
	}
	PersonalTokenColumns = []output.Column[PersonalToken]{
		{Header: "ID", Value: func(t PersonalToken) string { return strconv.FormatInt(t.ID, 10) }},
		{Header: "Kind", Value: func(t PersonalToken) string { return t.Kind }},
		{Header: "Name", Value: func(t PersonalToken) string { return t.Name }},
		{Header: "Created", Value: func(t PersonalToken) string { return stamp(&t.CreatedAt) }},
		{Header: "Revoked", Value: func(t PersonalToken) string { return stamp(t.RevokedAt) }},
	}
)
