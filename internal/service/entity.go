package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/store"
)

// EntityRequestInput is a structure request as guide 004 makes it: the structure asked for,
// the requester's own account, and the documents that prove the structure exists and that the
// requester may act for it.
type EntityRequestInput struct {
	Structure      domain.StructureInput
	RequesterEmail string
	NoSIRET        bool // the structure has no SIRET: name, address, postal code and city are required
	PublicBody     bool // a university, a public school: not a ministry, but a mandate is due
	// Account, when set, is the requester's own account, created pending with the request:
	// approving the request activates it and makes it the structure's référent.
	Account      *AccountInput
	Proof        *domain.Document
	Mandate      *domain.Document
	MandateDate  *time.Time
	NamedOnProof bool
}

// AccountInput is the account a structure request carries.
type AccountInput struct {
	LastName, FirstName, Function, Phone string
	Password                             string // optional: without one, a temporary password is mailed at first sign-in
}

// registration returns the registration settings of the portal, read in tx.
func (s *Service) registration(ctx context.Context, tx store.Tx) (domain.RegistrationSettings, error) {
	return registrationOf(ctx, tx, s.Registration)
}

// registrationOf reads the registration settings in tx, unless override gives them.
func registrationOf(ctx context.Context, tx store.Tx, override *domain.RegistrationSettings) (domain.RegistrationSettings, error) {
	if override != nil {
		return *override, nil
	}
	stored, err := tx.Settings(ctx)
	if err != nil {
		return domain.RegistrationSettings{}, err
	}
	return domain.RegistrationFromSettings(stored), nil
}

// RequestEntity asks the gestionnaires to reference a structure, with the requester's account
// and documents when given. Anyone may ask; a SIRET already known is a conflict that names
// the structure.
func (s *Service) RequestEntity(ctx context.Context, actor domain.Actor, in EntityRequestInput) (domain.Request, error) {
	if err := domain.Authorize(actor, domain.StructureAsk, domain.Subject{}); err != nil {
		return domain.Request{}, err
	}
	in.Structure.AdhesionYear = nil // gestionnaires record adhesions; a request cannot set one
	// The documents are checked here, whoever sent them (the command line checks them too, to
	// name the file early): their kind, type, size and digest come from their content, never
	// from what the caller says of it.
	for _, d := range []struct {
		doc  **domain.Document
		kind domain.DocumentKind
	}{{&in.Proof, domain.DocumentProof}, {&in.Mandate, domain.DocumentMandate}} {
		if *d.doc == nil {
			continue
		}
		checked, err := domain.NewDocument(string(d.kind), d.kind, (*d.doc).Name, (*d.doc).Content)
		if err != nil {
			return domain.Request{}, err
		}
		*d.doc = &checked
	}
	if in.NoSIRET {
		if in.Structure.SIRET != nil && strings.TrimSpace(*in.Structure.SIRET) != "" {
			return domain.Request{}, domain.Invalid("siret", *in.Structure.SIRET, "entity.no_siret_and_siret")
		}
		for _, f := range []struct {
			name  string
			value *string
		}{{"name", in.Structure.Name}, {"address", in.Structure.Address}, {"postal-code", in.Structure.PostalCode}, {"city", in.Structure.City}} {
			if f.value == nil || strings.TrimSpace(*f.value) == "" {
				return domain.Request{}, domain.Invalid(f.name, "", "entity.no_siret_field")
			}
		}
	}
	if in.PublicBody && in.Structure.Ministry != nil && *in.Structure.Ministry {
		return domain.Request{}, domain.Invalid("public-body", "", "entity.ministry_public")
	}
	var st domain.Structure
	if err := in.Structure.Apply(&st); err != nil {
		return domain.Request{}, err
	}
	email, err := requesterOf(actor, in.RequesterEmail)
	if err != nil {
		return domain.Request{}, err
	}
	var account domain.User
	if in.Account != nil {
		if !actor.IsAnonymous() {
			return domain.Request{}, domain.Invalid("last-name", "", "entity.signed_in_account")
		}
		// The password is hashed before the transaction: no hashing while the write lock is held.
		if account, err = newUser(RegisterInput{Email: email, LastName: in.Account.LastName, FirstName: in.Account.FirstName,
			Function: in.Account.Function, Phone: in.Account.Phone, Password: in.Account.Password}); err != nil {
			return domain.Request{}, err
		}
	}
	var r domain.Request
	err = s.store.Update(ctx, func(tx store.Tx) error {
		settings, err := s.registration(ctx, tx)
		if err != nil {
			return err
		}
		docs := domain.EntityDocuments{Proof: in.Proof != nil, Mandate: in.Mandate != nil, MandateDate: in.MandateDate,
			NamedOnProof: in.NamedOnProof, Ministry: st.Ministry, PublicBody: in.PublicBody}
		if err := domain.CheckEntityDocuments(settings.Proof, docs, tx.Now()); err != nil {
			return err
		}
		r = domain.Request{Kind: domain.RequestStructure, UserID: actor.UserID, RequesterEmail: email, Structure: st,
			UserEmail: email, StructureName: st.Name, SIRET: st.SIRET, PublicBody: in.PublicBody,
			NamedOnProof: in.NamedOnProof, MandateDate: in.MandateDate}
		if settings.Activation {
			r.Status = domain.StatusUnverified
			// The same person asking again before confirming: the code is mailed again.
			if again, ok, err := s.unverifiedAgain(ctx, tx, actor, email, st, in.Account != nil); err != nil || ok {
				r = again
				if err == nil && in.Account != nil && again.UserID != 0 {
					err = refreshPendingAccount(ctx, tx, again.UserID, account)
				}
				return err
			}
		}
		if st.SIRET != "" {
			// Two requests for one SIRET at once: the second waits, then sees the first.
			if err := tx.LockName(ctx, "structure request "+st.SIRET); err != nil {
				return err
			}
		}
		if err := ensureSIRETFree(ctx, tx, st.SIRET, 0); err != nil {
			return err
		}
		if st.SIRET != "" {
			pending, err := tx.ListRequests(ctx, store.RequestQuery{Kind: domain.RequestStructure, Status: domain.StatusPending})
			if err != nil {
				return err
			}
			for _, p := range pending {
				if p.Structure.SIRET == st.SIRET {
					return domain.Errorf(domain.ErrConflict, "structure_request.siret_pending", st.SIRET, p.ID)
				}
			}
		}
		if in.Account != nil {
			if err := tx.LockName(ctx, "account "+account.Email); err != nil {
				return err
			}
			if _, err := tx.UserByEmail(ctx, account.Email); err == nil {
				return domain.Errorf(domain.ErrConflict, "entity.account_exists", account.Email)
			} else if !errors.Is(err, domain.ErrNotFound) {
				return err
			}
			u := account
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			r.UserID, r.Account = u.ID, true
		}
		if err := tx.CreateRequest(ctx, &r); err != nil {
			return err
		}
		var docDetails []map[string]any
		for _, d := range []*domain.Document{in.Proof, in.Mandate} {
			if d == nil {
				continue
			}
			doc := *d
			doc.RequestID = r.ID
			if err := tx.AddRequestDocument(ctx, &doc); err != nil {
				return err
			}
			doc.Content = nil
			r.Documents = append(r.Documents, doc)
			docDetails = append(docDetails, map[string]any{"kind": doc.Kind, "name": doc.Name, "content_type": doc.ContentType,
				"size": doc.Size, "sha256": doc.SHA256})
		}
		if r.Status == domain.StatusUnverified {
			if err := startActivation(ctx, tx, &r, settings); err != nil {
				return err
			}
		} else if err := mailStructureRequestReceived(ctx, tx, email, st); err != nil {
			return err
		}
		details := map[string]any{"kind": r.Kind, "structure": structureDetails(st), "requester": email, "status": r.Status}
		if r.Account {
			details["account"] = true
		}
		if r.PublicBody {
			details["public_body"] = true
		}
		if len(docDetails) > 0 {
			details["documents"] = docDetails
		}
		if r.MandateDate != nil {
			details["mandate_date"] = r.MandateDate.Format(time.DateOnly)
		}
		return audit(ctx, tx, actorOr(actor, r.UserID, email), "request.create", 0, fmt.Sprintf("request %d", r.ID), details)
	})
	return r, err
}

func actorOr(actor domain.Actor, userID int64, email string) domain.Actor {
	if actor.IsAnonymous() && userID != 0 {
		return domain.Actor{UserID: userID, Email: email}
	}
	return actor
}

// approveEntityAccount activates the account a structure request carries and makes it the
// référent of the structure the request created.
func approveEntityAccount(ctx context.Context, tx store.Tx, actor domain.Actor, r domain.Request, st domain.Structure) error {
	u, err := tx.UserForUpdate(ctx, r.UserID)
	if err != nil {
		return err
	}
	if _, err := approveMembership(ctx, tx, actor, &u, st, domain.StructureRole{}, nil, r); err != nil {
		return err
	}
	return nil
}

// refuseEntityAccount refuses the account a rejected structure request carried.
func refuseEntityAccount(ctx context.Context, tx store.Tx, r domain.Request) error {
	u, err := tx.UserForUpdate(ctx, r.UserID)
	if err != nil {
		return err
	}
	if u.Status != domain.UserPending {
		return nil
	}
	u.Status = domain.UserRefused
	return tx.UpdateUser(ctx, &u)
}

func mailEntityApproved(ctx context.Context, tx store.Tx, to string, s domain.Structure, label string) error {
	return withMailer(ctx, tx, func(m *mailer) error {
		return m.enqueue(to, i18n.In(m.lang, "mail.structure_request_approved.subject", s.Name), false,
			i18n.In(m.lang, "mail.hello"), "",
			i18n.In(m.lang, "mail.entity_request_approved.body", s.Name, s.Label(), to, label))
	})
}

// ActionDocumentRead is the audit action of reading a document of a request.
const ActionDocumentRead = "request.document"

// RequestDocument returns one document of a request, content included, to whoever may see
// the request; which is its kind (proof, mandate) or its file name. Each reading is audited:
// the documents are about people.
func (s *Service) RequestDocument(ctx context.Context, actor domain.Actor, id int64, which string) (domain.Document, error) {
	if err := domain.Authorize(actor, domain.RequestRead, domain.Subject{}); err != nil {
		return domain.Document{}, err
	}
	var out domain.Document
	err := s.store.Update(ctx, func(tx store.Tx) error {
		r, err := visibleRequest(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		docs, err := tx.RequestDocuments(ctx, r.ID)
		if err != nil {
			return err
		}
		found := false
		for _, d := range docs {
			if string(d.Kind) == strings.ToLower(strings.TrimSpace(which)) || d.Name == which {
				out, found = d, true
				break
			}
		}
		if !found {
			return domain.Errorf(domain.ErrNotFound, "document.not_found", id, which)
		}
		if out.Content, err = tx.RequestDocumentContent(ctx, out.ID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, ActionDocumentRead, r.StructureID, fmt.Sprintf("request %d", r.ID),
			map[string]any{"kind": out.Kind, "name": out.Name, "sha256": out.SHA256})
	})
	return out, err
}

// unverifiedAgain finds the unverified structure request the same address made for the same
// structure (same SIRET, or same name without one): asking again mails the code again
// instead of failing.
func (s *Service) unverifiedAgain(ctx context.Context, tx store.Tx, actor domain.Actor, email string, st domain.Structure, account bool) (domain.Request, bool, error) {
	rs, err := tx.ListRequests(ctx, store.RequestQuery{Kind: domain.RequestStructure, Status: domain.StatusUnverified, RequesterEmail: email})
	if err != nil {
		return domain.Request{}, false, err
	}
	for _, r := range rs {
		same := r.Structure.SIRET == st.SIRET && (st.SIRET != "" || domain.Fold(r.Structure.Name) == domain.Fold(st.Name))
		if same && r.Account == account {
			if _, err := resendActivation(ctx, s, tx, actor, r.ID); err != nil {
				return r, true, err
			}
			again, err := tx.RequestByID(ctx, r.ID)
			return again, true, err
		}
	}
	return domain.Request{}, false, nil
}

// refreshPendingAccount writes what a person typed when asking again over the account their
// unverified request created, except the password: anyone may ask with any address, and the
// code proves who reads the mailbox, not who typed which password. So when an address asks
// twice before confirming, neither password is kept: once approved, the account's first
// sign-in mails a temporary password to that mailbox, as for an account approved without one.
func refreshPendingAccount(ctx context.Context, tx store.Tx, id int64, typed domain.User) error {
	u, err := tx.UserForUpdate(ctx, id)
	if err != nil || u.Status != domain.UserPending {
		return err
	}
	u.LastName, u.FirstName, u.Function, u.Phone = typed.LastName, typed.FirstName, typed.Function, typed.Phone
	u.PasswordHash = ""
	return tx.UpdateUser(ctx, &u)
}
