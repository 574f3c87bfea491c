package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// requestPayload is the JSON kept in requests.payload: what was asked beyond the columns.
type requestPayload struct {
	Structure    *payloadStructure    `json:"structure,omitempty"`
	Profiles     []string             `json:"profiles,omitempty"`
	Account      bool                 `json:"account,omitempty"`
	PublicBody   bool                 `json:"public_body,omitempty"`
	NamedOnProof bool                 `json:"named_on_proof,omitempty"`
	MandateDate  string               `json:"mandate_date,omitempty"`
	Changes      []domain.FieldChange `json:"changes,omitempty"`
	Comment      string               `json:"comment,omitempty"`
}

type payloadStructure struct {
	SIRET      string   `json:"siret,omitempty"`
	Name       string   `json:"name"`
	Acronym    string   `json:"acronym,omitempty"`
	APE        string   `json:"ape,omitempty"`
	Address    string   `json:"address,omitempty"`
	PostalCode string   `json:"postal_code,omitempty"`
	City       string   `json:"city,omitempty"`
	Department string   `json:"department,omitempty"`
	Kinds      []string `json:"kinds,omitempty"`
	Ministry   bool     `json:"ministry,omitempty"`
}

func encodePayload(r *domain.Request) (string, error) {
	p := requestPayload{Profiles: r.Profiles, Account: r.Account, PublicBody: r.PublicBody, NamedOnProof: r.NamedOnProof,
		Changes: r.Changes, Comment: r.Comment}
	if r.MandateDate != nil {
		p.MandateDate = r.MandateDate.UTC().Format(time.DateOnly)
	}
	if r.Kind == domain.RequestStructure {
		s := r.Structure
		kinds := make([]string, len(s.Kinds))
		for i, k := range s.Kinds {
			kinds[i] = string(k)
		}
		p.Structure = &payloadStructure{SIRET: s.SIRET, Name: s.Name, Acronym: s.Acronym, APE: s.APE, Address: s.Address,
			PostalCode: s.PostalCode, City: s.City, Department: s.Department, Kinds: kinds, Ministry: s.Ministry}
	}
	b, err := json.Marshal(p)
	return string(b), err
}

func decodePayload(raw string, r *domain.Request) error {
	var p requestPayload
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return fmt.Errorf("request %d: unreadable payload: %w", r.ID, err)
	}
	r.Profiles = p.Profiles
	r.Account, r.PublicBody, r.NamedOnProof, r.Changes, r.Comment = p.Account, p.PublicBody, p.NamedOnProof, p.Changes, p.Comment
	if p.MandateDate != "" {
		d, err := time.Parse(time.DateOnly, p.MandateDate)
		if err != nil {
			return fmt.Errorf("request %d: unreadable mandate date: %w", r.ID, err)
		}
		r.MandateDate = &d
	}
	if s := p.Structure; s != nil {
		kinds := make([]domain.Kind, len(s.Kinds))
		for i, k := range s.Kinds {
			kinds[i] = domain.Kind(k)
		}
		r.Structure = domain.Structure{SIRET: s.SIRET, Name: s.Name, Acronym: s.Acronym, APE: s.APE, Address: s.Address,
			PostalCode: s.PostalCode, City: s.City, Department: s.Department, Kinds: kinds, Ministry: s.Ministry}
	}
	return nil
}

const requestSelect = `SELECT r.id, r.kind, r.status, COALESCE(r.user_id, 0), r.requester_email, COALESCE(r.structure_id, 0),
	r.payload, r.created_at, r.decided_at, COALESCE(r.decided_by, 0), r.reason,
	r.activation_hash, r.activation_expires_at, r.activation_tries, r.activation_mail_at,
	COALESCE(u.email, ''), COALESCE(s.name, ''), COALESCE(s.siret, ''), COALESCE(d.email, '')
	FROM requests r
	LEFT JOIN users u ON u.id = r.user_id
	LEFT JOIN structures s ON s.id = r.structure_id
	LEFT JOIN users d ON d.id = r.decided_by`

func scanRequest(sc interface{ Scan(...any) error }) (domain.Request, error) {
	var (
		rkind            string
		req              domain.Request
		status, payload  string
		created, decided nullTime
		actExp, actMail  nullTime
	)
	err := sc.Scan(&req.ID, &rkind, &status, &req.UserID, &req.RequesterEmail, &req.StructureID, &payload, &created, &decided,
		&req.DecidedBy, &req.Reason, &req.ActivationHash, &actExp, &req.ActivationTries, &actMail, &req.UserEmail, &req.StructureName, &req.SIRET, &req.DecidedByEmail)
	if err != nil {
		return req, mapErr(err)
	}
	req.Kind, req.Status = domain.RequestKind(rkind), domain.RequestStatus(status)
	req.CreatedAt, req.DecidedAt = created.Time, decided.Ptr()
	req.ActivationExpiresAt, req.ActivationMailAt = actExp.Ptr(), actMail.Ptr()
	if err := decodePayload(payload, &req); err != nil {
		return req, err
	}
	if req.Kind == domain.RequestStructure && req.StructureName == "" {
		req.StructureName, req.SIRET = req.Structure.Name, req.Structure.SIRET
	}
	if req.UserEmail == "" {
		req.UserEmail = req.RequesterEmail
	}
	return req, nil
}

func (t *tx) CreateRequest(ctx context.Context, r *domain.Request) error {
	payload, err := encodePayload(r)
	if err != nil {
		return err
	}
	if r.Status != domain.StatusUnverified {
		r.Status = domain.StatusPending
	}
	r.CreatedAt = t.now
	id, err := t.insert(ctx, `INSERT INTO requests (kind, status, user_id, requester_email, structure_id, payload, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		string(r.Kind), string(r.Status), nullInt(r.UserID), r.RequesterEmail, nullInt(r.StructureID), payload, t.now)
	if err != nil {
		return fmt.Errorf("create %s request: %w", r.Kind, err)
	}
	r.ID = id
	return nil
}

func (t *tx) RequestByID(ctx context.Context, id int64) (domain.Request, error) {
	r, err := scanRequest(t.queryRow(ctx, requestSelect+` WHERE r.id = $1`, id))
	return r, notFound(err, "notfound.request", id)
}

func (t *tx) RequestForUpdate(ctx context.Context, id int64) (domain.Request, error) {
	if err := t.lockRows(ctx, `SELECT id FROM requests WHERE id = $1`, id); err != nil {
		return domain.Request{}, err
	}
	return t.RequestByID(ctx, id)
}

func (t *tx) LockRequests(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	// Requests first, as a single decision does (RequestForUpdate, LockStructure, then
	// UserForUpdate): every decider takes request locks before structure locks before account
	// locks, each kind in id order.
	if err := t.lockRows(ctx, `SELECT id FROM requests WHERE id = ANY($1) ORDER BY id`, ids); err != nil {
		return fmt.Errorf("lock requests: %w", err)
	}
	if err := t.lockRows(ctx, `SELECT id FROM structures WHERE id IN
		(SELECT structure_id FROM requests WHERE id = ANY($1)) ORDER BY id`, ids); err != nil {
		return fmt.Errorf("lock the structures of requests: %w", err)
	}
	// Then the accounts a decision activates or refuses (UserForUpdate).
	if err := t.lockRows(ctx, `SELECT id FROM users WHERE id IN
		(SELECT user_id FROM requests WHERE id = ANY($1)) ORDER BY id`, ids); err != nil {
		return fmt.Errorf("lock the accounts of requests: %w", err)
	}
	return nil
}

func (t *tx) DecideRequest(ctx context.Context, r *domain.Request) error {
	now := t.now
	res, err := t.exec(ctx, `UPDATE requests SET status = $1, decided_at = $2, decided_by = $3, reason = $4
		WHERE id = $5 AND status = 'pending'`, string(r.Status), now, nullInt(r.DecidedBy), r.Reason, r.ID)
	if err != nil {
		return fmt.Errorf("decide request %d: %w", r.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return domain.Errorf(domain.ErrConflict, "request.already_decided_race", r.ID)
	}
	r.DecidedAt = &now
	return nil
}

func (t *tx) SetRequestStructure(ctx context.Context, requestID, structureID int64) error {
	res, err := t.exec(ctx, `UPDATE requests SET structure_id = $1 WHERE id = $2`, structureID, requestID)
	if err != nil {
		return err
	}
	return affectedOne(res, "notfound.request", requestID)
}

func (t *tx) ListRequests(ctx context.Context, q store.RequestQuery) ([]domain.Request, error) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if q.Kind != "" {
		where = append(where, "r.kind = "+arg(string(q.Kind)))
	}
	if q.Status != "" {
		where = append(where, "r.status = "+arg(string(q.Status)))
	}
	if q.StructureID != 0 {
		where = append(where, "r.structure_id = "+arg(q.StructureID))
	}
	if q.UserID != 0 {
		where = append(where, "r.user_id = "+arg(q.UserID))
	}
	if q.DecidedBy != 0 {
		where = append(where, "r.decided_by = "+arg(q.DecidedBy))
	}
	if q.Verified {
		where = append(where, "r.status <> 'unverified'")
	}
	if q.RequesterEmail != "" {
		where = append(where, "r.requester_email = "+arg(q.RequesterEmail))
	}
	if !q.CreatedBefore.IsZero() {
		where = append(where, "r.created_at < "+arg(q.CreatedBefore))
	}
	if q.DecidableBy != 0 {
		// domain.MayDecide for a user who is not a gestionnaire: the kinds the référent
		// decides, in the structures they are référent of.
		kinds := make([]string, len(domain.ReferentDecides))
		for i, k := range domain.ReferentDecides {
			kinds[i] = arg(string(k))
		}
		where = append(where, "r.kind IN ("+strings.Join(kinds, ", ")+") AND r.structure_id IN (SELECT structure_id FROM memberships"+
			" WHERE user_id = "+arg(q.DecidableBy)+" AND referent = TRUE AND ended_at IS NULL)")
	}
	if len(q.IDs) > 0 {
		ph := make([]string, len(q.IDs))
		for i, id := range q.IDs {
			ph[i] = arg(id)
		}
		where = append(where, "r.id IN ("+strings.Join(ph, ", ")+")")
	}
	query := requestSelect
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY r.created_at, r.id"
	if q.Limit > 0 {
		query += " LIMIT " + arg(q.Limit)
	}
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list requests: %w", err)
	}
	defer rows.Close()
	out := []domain.Request{}
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}

func (t *tx) SaveActivation(ctx context.Context, r *domain.Request) error {
	res, err := t.exec(ctx, `UPDATE requests SET status = $1, activation_hash = $2, activation_expires_at = $3,
		activation_tries = $4, activation_mail_at = $5 WHERE id = $6 AND status IN ('unverified', 'pending')`,
		string(r.Status), r.ActivationHash, timePtr(r.ActivationExpiresAt), r.ActivationTries, timePtr(r.ActivationMailAt), r.ID)
	if err != nil {
		return fmt.Errorf("save the activation of request %d: %w", r.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return domain.Errorf(domain.ErrConflict, "request.already_decided_race", r.ID)
	}
	return nil
}

func (t *tx) DeleteRequests(ctx context.Context, ids []int64) (int, error) {
	n := 0
	for _, id := range ids {
		if _, err := t.exec(ctx, `DELETE FROM request_documents WHERE request_id = $1`, id); err != nil {
			return n, fmt.Errorf("delete the documents of request %d: %w", id, err)
		}
		res, err := t.exec(ctx, `DELETE FROM requests WHERE id = $1`, id)
		if err != nil {
			return n, fmt.Errorf("delete request %d: %w", id, err)
		}
		k, err := res.RowsAffected()
		if err != nil {
			return n, err
		}
		n += int(k)
	}
	return n, nil
}

func (t *tx) AddRequestDocument(ctx context.Context, d *domain.Document) error {
	d.CreatedAt = t.now
	id, err := t.insert(ctx, `INSERT INTO request_documents (request_id, kind, name, content_type, size, sha256, content, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, d.RequestID, string(d.Kind), d.Name, d.ContentType, d.Size, d.SHA256, d.Content, t.now)
	if err != nil {
		return fmt.Errorf("store the %s of request %d: %w", d.Kind, d.RequestID, err)
	}
	d.ID = id
	return nil
}

func (t *tx) RequestDocuments(ctx context.Context, requestID int64) ([]domain.Document, error) {
	rows, err := t.query(ctx, `SELECT id, request_id, kind, name, content_type, size, sha256, created_at
		FROM request_documents WHERE request_id = $1 ORDER BY id`, requestID)
	if err != nil {
		return nil, fmt.Errorf("list the documents of request %d: %w", requestID, err)
	}
	defer rows.Close()
	out := []domain.Document{}
	for rows.Next() {
		var (
			d       domain.Document
			kind    string
			created nullTime
		)
		if err := rows.Scan(&d.ID, &d.RequestID, &kind, &d.Name, &d.ContentType, &d.Size, &d.SHA256, &created); err != nil {
			return nil, mapErr(err)
		}
		d.Kind, d.CreatedAt = domain.DocumentKind(kind), created.Time
		out = append(out, d)
	}
	return out, mapErr(rows.Err())
}

func (t *tx) RequestDocumentContent(ctx context.Context, id int64) ([]byte, error) {
	var b []byte
	err := t.queryRow(ctx, `SELECT content FROM request_documents WHERE id = $1`, id).Scan(&b)
	return b, notFound(mapErr(err), "notfound.document", id)
}
