package request

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
)

// structureOf loads the structure of an account or affiliation request, for its kinds (the
// profiles it allows) and its référent; a structure request carries the structure asked for.
func (rv *reviewer) structureOf(r domain.Request) (domain.Structure, bool) {
	if r.Kind == domain.RequestStructure {
		return r.Structure, true
	}
	st, err := rv.api.Structure(rv.ctx, domain.StructureRef{ID: r.StructureID})
	if err != nil {
		return domain.Structure{ID: r.StructureID, Name: r.StructureName, SIRET: r.SIRET}, false
	}
	return st, true
}

// showCard prints what a decider needs to know about one request.
func (rv *reviewer) showCard(r domain.Request, st domain.Structure, loaded bool, pos, total int) {
	w := rv.w
	// label is a message key; "" continues the line above.
	line := func(label, value string) {
		if label != "" {
			label = i18n.T(label)
		}
		fmt.Fprintf(w, "  %-11s %s\n", label, value)
	}
	fmt.Fprintf(w, "\n%s\n", i18n.T("review.card_title", pos, total, r.ID, r.Kind.Label(), r.Waited(rv.now)))

	who, others, note := rv.person(r)
	if r.Kind == domain.RequestStructure {
		line("review.card_asked_by", who)
		name := st.Name
		if st.Acronym != "" {
			name += " (" + st.Acronym + ")"
		}
		line("review.card_structure", name)
		line("review.card_siret", orDash(present.FormatSIRET(st.SIRET)))
		line("review.card_address", orDash(strings.TrimSpace(strings.Join(nonEmpty(st.Address, strings.TrimSpace(st.PostalCode+" "+st.City)), ", "))))
		line("review.card_kinds", orDash(kindList(st.Kinds)))
		if st.APE != "" {
			line("review.card_ape", st.APE)
		}
		if st.Ministry {
			line("review.card_ministry", i18n.T("review.yes"))
		}
		if r.PublicBody {
			line("review.card_public_body", i18n.T("review.yes"))
		}
		if r.Account {
			line("review.card_account", i18n.T("review.account_becomes_referent"))
		}
		rv.showDocuments(r, line)
		return
	}
	if r.Kind == domain.RequestChange {
		line("review.card_asked_by", who)
		line("review.card_structure", structureText(st.Name, st.SIRET))
		for i, c := range r.Changes {
			label := ""
			if i == 0 {
				label = "review.card_changes"
			}
			line(label, i18n.T("view.change_line", c.Field, orDash(c.Before), orDash(c.After)))
		}
		if r.Comment != "" {
			line("review.card_comment", output.EscapeLine(r.Comment))
		}
		return
	}

	line("review.card_who", who)
	line("review.card_structure", structureText(st.Name, st.SIRET))
	if st.ReferentEmail != "" {
		line("review.card_referent", st.ReferentEmail)
	} else if loaded {
		line("review.card_referent", i18n.T("review.no_referent_yet"))
	}
	switch {
	case note != "":
		line("review.card_also_in", note)
	case len(others) == 0 && r.Kind == domain.RequestAccount:
		line("review.card_also_in", i18n.T("review.no_other_structure_new"))
	case len(others) == 0:
		line("review.card_also_in", i18n.T("review.no_other_structure"))
	default:
		for i, m := range others {
			label := ""
			if i == 0 {
				label = "review.card_also_in"
			}
			text := structureText(m.StructureName, m.SIRET)
			if m.Referent {
				text = i18n.T("review.is_referent", text)
			}
			line(label, text)
		}
	}
	if len(r.Profiles) > 0 {
		line("review.card_asked_for", strings.Join(r.Profiles, ", "))
	}
}

// showDocuments lists the documents a structure request joins (name, type, size) and the
// date and age of its mandate. Documents are never opened: `profil request document` writes
// one out for a viewer the decider trusts.
func (rv *reviewer) showDocuments(r domain.Request, line func(label, value string)) {
	if len(r.Documents) == 0 {
		line("review.card_documents", i18n.T("review.no_documents"))
	}
	for i, d := range r.Documents {
		label := ""
		if i == 0 {
			label = "review.card_documents"
		}
		line(label, i18n.T("review.document", present.DocumentKindText(string(d.Kind)), output.Escape(d.Name), d.ContentType, d.Size))
	}
	if r.MandateDate != nil {
		line("review.card_mandate", i18n.T("view.mandate_date", r.MandateDate.Format(time.DateOnly), domain.MandateAge(*r.MandateDate, rv.now)))
	}
}

// person names who a request is for ("Anne Martin <anne@x.fr>") and lists their other
// structures. A decider who may not see the account (a référent, for a person of other
// structures) gets the e-mail and a note instead.
func (rv *reviewer) person(r domain.Request) (who string, others []domain.Member, note string) {
	email := r.UserEmail
	if email == "" {
		email = r.RequesterEmail
	}
	if r.UserID == 0 {
		return i18n.T("review.no_account", email), nil, ""
	}
	d, err := rv.api.User(rv.ctx, email)
	if err != nil {
		if errors.Is(err, domain.ErrForbidden) {
			if r.Kind == domain.RequestAccount {
				return email, nil, "" // a new account has no other structure
			}
			return email, nil, i18n.T("review.others_forbidden")
		}
		return email, nil, i18n.T("review.others_error", err)
	}
	name := strings.TrimSpace(d.User.FirstName + " " + d.User.LastName)
	who = email
	if name != "" {
		who = fmt.Sprintf("%s <%s>", name, email)
	}
	if d.User.Function != "" {
		who += ", " + d.User.Function
	}
	if d.User.Status != "" && d.User.Status != domain.UserActive {
		who += i18n.T("review.account_status", i18n.Value(string(d.User.Status)))
	}
	for _, m := range d.Memberships {
		if m.StructureID != r.StructureID {
			others = append(others, m)
		}
	}
	return who, others, ""
}

func structureText(name, siret string) string {
	if siret == "" {
		return name
	}
	return name + " · SIRET " + present.FormatSIRET(siret)
}

func kindList(kinds []domain.Kind) string {
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = i18n.Value(string(k))
	}
	return strings.Join(parts, ", ")
}

func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			out = append(out, v)
		}
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
