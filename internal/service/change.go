package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/store"
)

// The fields a change request may change, in display order, and how each is read from a
// structure.
var changeFields = []struct {
	name  string
	value func(domain.Structure) string
}{
	{"siret", func(s domain.Structure) string { return s.SIRET }},
	{"name", func(s domain.Structure) string { return s.Name }},
	{"acronym", func(s domain.Structure) string { return s.Acronym }},
	{"ape", func(s domain.Structure) string { return s.APE }},
	{"address", func(s domain.Structure) string { return s.Address }},
	{"postal-code", func(s domain.Structure) string { return s.PostalCode }},
	{"city", func(s domain.Structure) string { return s.City }},
	{"kind", func(s domain.Structure) string {
		ks := make([]string, len(s.Kinds))
		for i, k := range s.Kinds {
			ks[i] = string(k)
		}
		return strings.Join(ks, ",")
	}},
	{"ministry", func(s domain.Structure) string { return strconv.FormatBool(s.Ministry) }},
}

// fieldChanges lists the fields that differ between before and after.
func fieldChanges(before, after domain.Structure) []domain.FieldChange {
	var out []domain.FieldChange
	for _, f := range changeFields {
		if b, a := f.value(before), f.value(after); b != a {
			out = append(out, domain.FieldChange{Field: f.name, Before: b, After: a})
		}
	}
	return out
}

// inputOfChanges is the update a change request asks for.
func inputOfChanges(cs []domain.FieldChange) (domain.StructureInput, error) {
	var in domain.StructureInput
	for _, c := range cs {
		v := c.After
		switch c.Field {
		case "siret":
			in.SIRET = &v
		case "name":
			in.Name = &v
		case "acronym":
			in.Acronym = &v
		case "ape":
			in.APE = &v
		case "address":
			in.Address = &v
		case "postal-code":
			in.PostalCode = &v
		case "city":
			in.City = &v
		case "kind":
			ks, err := domain.ParseKinds(v)
			if err != nil {
				return in, err
			}
			in.Kinds = &ks
		case "ministry":
			b := v == "true"
			in.Ministry = &b
		default:
			return in, fmt.Errorf("change request: unknown field %q", c.Field)
		}
	}
	return in, nil
}

// RequestChange files a change of a structure's data, reported by its référent (or a
// gestionnaire) and decided by the gestionnaires. The values are checked now as
// `structure update` checks them, and again when the request is approved.
func (s *Service) RequestChange(ctx context.Context, actor domain.Actor, ref domain.StructureRef, in domain.StructureInput, comment string) (domain.Request, error) {
	if err := domain.RequireSignedIn(actor); err != nil {
		return domain.Request{}, err
	}
	if err := domain.CheckReason("comment", comment); err != nil {
		return domain.Request{}, err
	}
	in.AdhesionYear = nil
	var r domain.Request
	err := s.store.Update(ctx, func(tx store.Tx) error {
		st, err := structureByRef(ctx, tx, ref)
		if err != nil {
			return err
		}
		role, err := roleOf(ctx, tx, actor, st.ID)
		if err != nil {
			return err
		}
		if err := domain.Authorize(actor, domain.StructureChangeAsk, domain.Subject{Role: role}); err != nil {
			return err
		}
		after := st
		if err := in.Apply(&after); err != nil {
			return err
		}
		if err := ensureSIRETFree(ctx, tx, after.SIRET, st.ID); err != nil {
			return err
		}
		if in.Kinds != nil {
			// As `structure update`: kinds that the members' profiles need stay, until those
			// profiles are revoked.
			if err := checkKindsKeepGrants(ctx, tx, after); err != nil {
				return err
			}
		}
		cs := fieldChanges(st, after)
		if len(cs) == 0 {
			return domain.Errorf(domain.ErrInvalid, "change.nothing", st.Label())
		}
		r = domain.Request{Kind: domain.RequestChange, UserID: actor.UserID, RequesterEmail: actor.Email, StructureID: st.ID,
			Changes: cs, Comment: strings.TrimSpace(comment)}
		if err := tx.CreateRequest(ctx, &r); err != nil {
			return err
		}
		r.UserEmail, r.StructureName, r.SIRET = actor.Email, st.Name, st.SIRET
		managers, err := tx.ManagerEmails(ctx)
		if err != nil {
			return err
		}
		err = withMailer(ctx, tx, func(m *mailer) error {
			for _, to := range managers {
				if err := m.enqueue(to, i18n.In(m.lang, "mail.change_waiting.subject", st.Name), false, i18n.In(m.lang, "mail.hello"), "",
					i18n.In(m.lang, "mail.change_waiting.body", actor.Email, st.Label(), r.ID), "", changeLines(cs)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "request.create", st.ID, fmt.Sprintf("request %d", r.ID),
			map[string]any{"kind": r.Kind, "changes": cs, "comment": r.Comment})
	})
	return r, err
}

func changeLines(cs []domain.FieldChange) string {
	lines := make([]string, len(cs))
	for i, c := range cs {
		lines[i] = fmt.Sprintf("  %s: %s → %s", c.Field, orNone(c.Before), orNone(c.After))
	}
	return strings.Join(lines, "\n")
}

func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// decideChangeRequest applies an approved change request to st (locked by the caller), with
// the checks of `structure update` made again now, and mails the requester either way.
func decideChangeRequest(ctx context.Context, tx store.Tx, actor domain.Actor, r domain.Request, st domain.Structure) error {
	if r.Status == domain.StatusApproved {
		in, err := inputOfChanges(r.Changes)
		if err != nil {
			return err
		}
		before := st
		if err := in.Apply(&st); err != nil {
			return err
		}
		if err := ensureSIRETFree(ctx, tx, st.SIRET, st.ID); err != nil {
			return err
		}
		if in.Kinds != nil {
			if err := checkKindsKeepGrants(ctx, tx, st); err != nil {
				return err
			}
		}
		if err := tx.UpdateStructure(ctx, &st); err != nil {
			return err
		}
		if err := audit(ctx, tx, actor, domain.ActionStructureUpdate, st.ID, st.Label(), changes(before, st)); err != nil {
			return err
		}
		return withMailer(ctx, tx, func(m *mailer) error {
			return m.enqueue(r.RequesterEmail, i18n.In(m.lang, "mail.change_approved.subject", st.Name), false, i18n.In(m.lang, "mail.hello"), "",
				i18n.In(m.lang, "mail.change_approved.body", r.ID, st.Label()), "", changeLines(r.Changes))
		})
	}
	return withMailer(ctx, tx, func(m *mailer) error {
		return m.enqueue(r.RequesterEmail, i18n.In(m.lang, "mail.change_rejected.subject", st.Name), false, i18n.In(m.lang, "mail.hello"), "",
			i18n.In(m.lang, "mail.change_rejected.body", r.ID, st.Label()), "", changeLines(r.Changes), "", i18n.In(m.lang, "mail.reason", r.Reason))
	})
}
