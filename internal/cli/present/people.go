package present

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
)

// Member is a row of `structure members`, `user list` and `export users`.
type Member struct {
	Email         string   `json:"email"`
	LastName      string   `json:"last_name"`
	FirstName     string   `json:"first_name"`
	Function      string   `json:"function"`
	Phone         string   `json:"phone"`
	StructureID   int64    `json:"structure_id"`
	SIRET         string   `json:"siret"`
	StructureName string   `json:"structure_name"`
	Referent      bool     `json:"referent"`
	Employer      bool     `json:"employer"`
	Profiles      []string `json:"profiles"`
	// Disabled: the account may not sign in (tables say so; the machine shapes keep the
	// contract's fields).
	Disabled bool `json:"-"`
}

// FromMember converts a domain member; the phone is shown in national format.
func FromMember(m domain.Member) Member {
	profiles := m.Profiles
	if profiles == nil {
		profiles = []string{}
	}
	return Member{
		Email: m.User.Email, LastName: m.User.LastName, FirstName: m.User.FirstName, Function: m.User.Function,
		Phone: domain.FormatPhoneNational(m.User.Phone), StructureID: m.StructureID, SIRET: m.SIRET,
		StructureName: m.StructureName, Referent: m.Referent, Employer: m.Employer(), Profiles: profiles,
		Disabled: m.User.Status == domain.UserDisabled,
	}
}

// Members converts a list, never nil.
func Members(ms []domain.Member) []Member {
	out := make([]Member, len(ms))
	for i, m := range ms {
		out[i] = FromMember(m)
	}
	return out
}

// HasRights reports whether profiles hold a right beyond the automatic ones of the catalogue
// (granted on every membership, such as the PARCOURS PRO bénéficiaire): the référent must see
// at a glance who still waits for rights.
func HasRights(profiles, automatic []string) bool {
	for _, p := range profiles {
		if !slices.Contains(automatic, p) {
			return true
		}
	}
	return false
}

// MemberColumns is the user list of a structure, as the guides show it: name, e-mail,
// function, phone, référent (★), employer (💼), and whether rights are assigned beyond the
// profiles the catalogue grants automatically (automatic, from domain.Catalogue.Automatic).
func MemberColumns(automatic []string) []output.Column[Member] {
	hasRights := func(m Member) bool { return HasRights(m.Profiles, automatic) }
	return []output.Column[Member]{
		{Header: "NAME", Value: func(m Member) string { return strings.TrimSpace(m.LastName + " " + m.FirstName) }},
		{Header: "E-MAIL", Value: func(m Member) string { return m.Email }, Keep: true},
		{Header: "FUNCTION", Value: func(m Member) string { return m.Function }, Optional: true},
		{Header: "PHONE", Value: func(m Member) string { return m.Phone }, Optional: true},
		{Header: "STRUCTURE", Value: func(m Member) string { return m.StructureName }},
		{Header: "RÉF.", Value: func(m Member) string { return mark(m.Referent, "★") }},
		{Header: "EMPL.", Value: func(m Member) string { return mark(m.Employer, i18n.Value("employer")) }},
		{Header: "RIGHTS", Value: func(m Member) string {
			switch {
			case m.Disabled:
				return i18n.T("members.disabled")
			case !hasRights(m):
				return i18n.T("members.waiting_rights")
			}
			return strings.Join(m.Profiles, ", ")
		}, Color: func(m Member) text.Colors {
			if m.Disabled {
				return text.Colors{text.FgRed}
			}
			if !hasRights(m) {
				return text.Colors{text.FgYellow}
			}
			return text.Colors{text.FgBlue}
		}, Keep: true, Wrap: true},
	}
}

func mark(b bool, s string) string {
	if b {
		return s
	}
	return ""
}

// Request is the JSON shape of a request.
type Request struct {
	ID            int64      `json:"id"`
	Kind          string     `json:"kind"`
	Status        string     `json:"status"`
	UserEmail     string     `json:"user_email"`
	StructureID   *int64     `json:"structure_id"`
	StructureName string     `json:"structure_name"`
	SIRET         string     `json:"siret"`
	CreatedAt     time.Time  `json:"created_at"`
	DecidedAt     *time.Time `json:"decided_at"`
	DecidedBy     string     `json:"decided_by"`
	Reason        string     `json:"reason"`
	Waited        string     `json:"waited"`
	// Structure requests of guide 004.
	Account      bool       `json:"account,omitempty"`
	PublicBody   bool       `json:"public_body,omitempty"`
	NamedOnProof bool       `json:"named_on_proof,omitempty"`
	MandateDate  string     `json:"mandate_date,omitempty"`
	MandateAge   *int       `json:"mandate_age_days,omitempty"`
	Documents    []Document `json:"documents,omitempty"`
	// Change requests: each field before → after, and why.
	Changes []domain.FieldChange `json:"changes,omitempty"`
	Comment string               `json:"comment,omitempty"`
	// Structure requests: the structure asked for, as the gestionnaire would create it by
	// approving (last, so that the columns of a CSV list keep their places).
	Asked *AskedStructure `json:"asked_structure,omitempty"`
}

// AskedStructure is the structure a structure request asks to reference.
type AskedStructure struct {
	Name       string   `json:"name"`
	Acronym    string   `json:"acronym"`
	SIRET      string   `json:"siret"`
	APE        string   `json:"ape"`
	Address    string   `json:"address"`
	PostalCode string   `json:"postal_code"`
	City       string   `json:"city"`
	Kinds      []string `json:"kinds"`
	Ministry   bool     `json:"ministry"`
}

// AskedText is the structure a structure request asks for, in one line for people: "MDE 64,
// 15 avenue du 8 Mai 1945, 64100 Bayonne; prescriber; APE 84.13Z".
func AskedText(r Request) string {
	a := r.Asked
	if a == nil {
		return ""
	}
	var kinds []string
	for _, k := range a.Kinds {
		kinds = append(kinds, i18n.Value(k))
	}
	if a.Ministry {
		kinds = append(kinds, i18n.T("view.asked_ministry"))
	}
	ape := ""
	if a.APE != "" {
		ape = "APE " + a.APE
	}
	where := joinNonEmpty(", ", a.Acronym, a.Address, strings.TrimSpace(a.PostalCode+" "+a.City))
	return joinNonEmpty("; ", where, strings.Join(kinds, ", "), ape)
}

// joinNonEmpty joins the parts that are not empty.
func joinNonEmpty(sep string, parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(p string) bool { return p == "" }), sep)
}

// Document is the JSON shape of a document joined to a request (never its content).
type Document struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// FromRequest converts a domain request; waited is measured at now.
func FromRequest(r domain.Request, now time.Time) Request {
	v := Request{
		ID: r.ID, Kind: string(r.Kind), Status: string(r.Status), UserEmail: r.UserEmail, StructureName: r.StructureName,
		SIRET: r.SIRET, CreatedAt: r.CreatedAt.UTC(), DecidedBy: r.DecidedByEmail, Reason: r.Reason, Waited: i18n.Text(r.Waited(now)),
	}
	if r.StructureID != 0 {
		id := r.StructureID
		v.StructureID = &id
	}
	if r.DecidedAt != nil {
		t := r.DecidedAt.UTC()
		v.DecidedAt = &t
	}
	if r.Kind == domain.RequestStructure {
		st := r.Structure
		kinds := make([]string, len(st.Kinds))
		for i, k := range st.Kinds {
			kinds[i] = string(k)
		}
		v.Asked = &AskedStructure{Name: st.Name, Acronym: st.Acronym, SIRET: st.SIRET, APE: st.APE, Address: st.Address,
			PostalCode: st.PostalCode, City: st.City, Kinds: kinds, Ministry: st.Ministry}
	}
	v.Account, v.PublicBody, v.NamedOnProof = r.Account, r.PublicBody, r.NamedOnProof
	if r.MandateDate != nil {
		v.MandateDate = r.MandateDate.Format(time.DateOnly)
		age := domain.MandateAge(*r.MandateDate, now)
		v.MandateAge = &age
	}
	v.Changes, v.Comment = r.Changes, r.Comment
	for _, d := range r.Documents {
		v.Documents = append(v.Documents, Document{Name: d.Name, Kind: string(d.Kind), ContentType: d.ContentType, Size: d.Size, SHA256: d.SHA256})
	}
	return v
}

// DocumentLines describes the documents of a request for people, one per line:
// "proof: kbis.pdf (application/pdf, 48213 bytes, SHA-256 9f86d0…)".
func DocumentLines(docs []Document) string {
	lines := make([]string, len(docs))
	for i, d := range docs {
		lines[i] = i18n.T("view.document_line", DocumentKindText(d.Kind), output.Escape(d.Name), d.ContentType, d.Size, d.SHA256)
	}
	return strings.Join(lines, "; ")
}

// ChangeLines describes the changes a change request asks for: "city: Pessac → Bordeaux; …".
func ChangeLines(cs []domain.FieldChange) string {
	lines := make([]string, len(cs))
	for i, c := range cs {
		lines[i] = i18n.T("view.change_line", c.Field, orDash(c.Before), orDash(c.After))
	}
	return strings.Join(lines, "; ")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// DocumentKindText is the kind of a document as words of the current language.
func DocumentKindText(kind string) string {
	switch domain.DocumentKind(kind) {
	case domain.DocumentProof:
		return i18n.T("view.document_kind_proof")
	case domain.DocumentMandate:
		return i18n.T("view.document_kind_mandate")
	}
	return kind
}

// MandateText is the date of a mandate and its age: "2026-11-20 (16 days old)".
func MandateText(r Request) string {
	if r.MandateDate == "" || r.MandateAge == nil {
		return ""
	}
	return i18n.T("view.mandate_date", r.MandateDate, *r.MandateAge)
}

// Requests converts a list, never nil.
func Requests(rs []domain.Request, now time.Time) []Request {
	out := make([]Request, len(rs))
	for i, r := range rs {
		out[i] = FromRequest(r, now)
	}
	return out
}

// RequestColumns is the queue for people.
var RequestColumns = []output.Column[Request]{
	{Header: "ID", Value: func(r Request) string { return strconv.FormatInt(r.ID, 10) }, Keep: true},
	{Header: "KIND", Value: func(r Request) string { return i18n.Value(r.Kind) }},
	{Header: "STATUS", Value: func(r Request) string { return i18n.Value(r.Status) }},
	{Header: "WHO", Value: func(r Request) string { return r.UserEmail }, Keep: true},
	{Header: "STRUCTURE", Value: func(r Request) string { return r.StructureName }},
	{Header: "SIRET", Value: func(r Request) string { return FormatSIRET(r.SIRET) }, Optional: true},
	{Header: "WAITED", Value: func(r Request) string { return r.Waited }},
	{Header: "DECIDED BY", Value: func(r Request) string { return r.DecidedBy }, Optional: true},
}

// RequestDetail is the vertical view of a request.
var RequestDetail = []output.Column[Request]{
	{Header: "Request", Value: func(r Request) string { return strconv.FormatInt(r.ID, 10) }},
	{Header: "Kind", Value: func(r Request) string { return i18n.Value(r.Kind) }},
	{Header: "Status", Value: func(r Request) string { return i18n.Value(r.Status) }},
	{Header: "Who", Value: func(r Request) string { return r.UserEmail }},
	{Header: "Structure", Value: func(r Request) string { return strings.TrimSpace(r.StructureName + " " + FormatSIRET(r.SIRET)) }},
	{Header: "Asked", Value: func(r Request) string { return PeopleTime(r.CreatedAt) + " (" + r.Waited + ")" }},
	{Header: "Decided by", Value: func(r Request) string { return r.DecidedBy }},
	{Header: "Reason", Value: func(r Request) string { return r.Reason }},
}

// requestExtras are the rows of a request's vertical view that only some requests fill: the
// documents and mandate of a structure request, the changes of a change request.
var requestExtras = []output.Column[Request]{
	{Header: "Structure asked", Value: AskedText, Wrap: true},
	{Header: "Documents", Value: func(r Request) string { return DocumentLines(r.Documents) }, Wrap: true},
	{Header: "Mandate", Value: MandateText},
	{Header: "Changes", Value: func(r Request) string { return ChangeLines(r.Changes) }, Wrap: true},
	{Header: "Comment", Value: func(r Request) string { return r.Comment }, Wrap: true},
}

// RequestDetailOf is the vertical view of r: RequestDetail, and the rows of requestExtras
// that r fills.
func RequestDetailOf(r Request) []output.Column[Request] {
	cols := slices.Clone(RequestDetail)
	for _, c := range requestExtras {
		if c.Value(r) != "" {
			cols = append(cols, c)
		}
	}
	return cols
}

// AuditEvent is the JSON shape of an audit event.
type AuditEvent struct {
	ID          int64           `json:"id"`
	At          time.Time       `json:"at"`
	Actor       string          `json:"actor"`
	Action      string          `json:"action"`
	StructureID *int64          `json:"structure_id"`
	Target      string          `json:"target"`
	Details     json.RawMessage `json:"details"` // an object, as recorded; null when none
}

// auditDetails is the JSON of an event's details: the object recorded, null when there is none.
func auditDetails(d string) json.RawMessage {
	switch {
	case d == "":
		return json.RawMessage("null")
	case json.Valid([]byte(d)):
		return json.RawMessage(d)
	}
	b, _ := json.Marshal(d) // not JSON: kept as a string
	return b
}

// AuditEvents converts a list, never nil.
func AuditEvents(es []domain.AuditEvent) []AuditEvent {
	out := make([]AuditEvent, len(es))
	for i, e := range es {
		out[i] = AuditEvent{ID: e.ID, At: e.At.UTC(), Actor: e.Actor, Action: e.Action, Target: e.Target, Details: auditDetails(e.Details)}
		if e.StructureID != 0 {
			id := e.StructureID
			out[i].StructureID = &id
		}
	}
	return out
}

// AuditColumns is the audit trail for people.
var AuditColumns = []output.Column[AuditEvent]{
	{Header: "ID", Value: func(e AuditEvent) string { return strconv.FormatInt(e.ID, 10) }, Optional: true},
	{Header: "AT", Value: func(e AuditEvent) string { return PeopleTime(e.At) }, Keep: true},
	{Header: "ACTOR", Value: func(e AuditEvent) string { return e.Actor }, Keep: true},
	{Header: "ACTION", Value: func(e AuditEvent) string { return e.Action }, Keep: true},
	{Header: "TARGET", Value: func(e AuditEvent) string { return e.Target }, Keep: true, Wrap: true},
	{Header: "DETAILS", Value: func(e AuditEvent) string { return DetailsSummary(e.Details) }, Wrap: true},
}

// BulkResult is the outcome of one request of a bulk decision.
type BulkResult struct {
	ID     int64  `json:"id"`
	Result string `json:"result"`
	Error  string `json:"error"`
}

// resultColor shows errors in red, what a stopped command left untouched in yellow, the rest
// in green.
func resultColor(result string) text.Colors {
	switch result {
	case "error":
		return text.Colors{text.FgRed}
	case "untouched":
		return text.Colors{text.FgYellow}
	}
	return text.Colors{text.FgGreen}
}

// BulkColumns prints bulk results for people.
var BulkColumns = []output.Column[BulkResult]{
	{Header: "ID", Value: func(r BulkResult) string { return strconv.FormatInt(r.ID, 10) }},
	{Header: "RESULT", Value: func(r BulkResult) string { return i18n.Value(r.Result) }, Color: func(r BulkResult) text.Colors { return resultColor(r.Result) }},
	{Header: "ERROR", Value: func(r BulkResult) string { return r.Error }},
}

// LineResult is the outcome of one line of an imported file; lines are numbered as an
// editor shows them, the header being line 1.
type LineResult struct {
	Line   int    `json:"line"`
	Result string `json:"result"`
	Error  string `json:"error"`
}

// LineColumns prints the results of an import for people.
var LineColumns = []output.Column[LineResult]{
	{Header: "LINE", Value: func(r LineResult) string { return strconv.Itoa(r.Line) }},
	{Header: "RESULT", Value: func(r LineResult) string { return i18n.Value(r.Result) }, Color: func(r LineResult) text.Colors { return resultColor(r.Result) }},
	{Header: "ERROR", Value: func(r LineResult) string { return r.Error }},
}

// UserFromDetail builds the user JSON with its structures.
func UserFromDetail(u domain.User, ms []domain.Member) User {
	v := FromUser(u)
	for _, m := range ms {
		profiles := m.Profiles
		if profiles == nil {
			profiles = []string{}
		}
		v.Structures = append(v.Structures, UserMembership{StructureID: m.StructureID, SIRET: m.SIRET, Name: m.StructureName, Referent: m.Referent, Profiles: profiles})
	}
	return v
}
