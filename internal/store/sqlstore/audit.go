package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

func (t *tx) AppendAudit(ctx context.Context, e *domain.AuditEvent) error {
	e.At = t.now
	if e.Details == "" {
		e.Details = "{}"
	}
	id, err := t.insert(ctx, `INSERT INTO audit_events (at, actor_id, actor, action, structure_id, target, details)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		t.now, nullInt(e.ActorID), e.Actor, e.Action, nullInt(e.StructureID), e.Target, e.Details)
	if err != nil {
		return fmt.Errorf("write audit event %s: %w", e.Action, err)
	}
	e.ID = id
	return nil
}

func (t *tx) AppendAudits(ctx context.Context, es []domain.AuditEvent) error {
	if len(es) == 0 || t.readOnly {
		return t.bulkWritable()
	}
	for i := range es {
		es[i].At = t.now
		if es[i].Details == "" {
			es[i].Details = "{}"
		}
	}
	if err := t.d.dialect.appendAudits(ctx, t, es); err != nil {
		return fmt.Errorf("write %d audit events: %w", len(es), err)
	}
	return nil
}

func (t *tx) ListAudit(ctx context.Context, q store.AuditQuery) ([]domain.AuditEvent, error) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if q.ActorID != 0 {
		where = append(where, "actor_id = "+arg(q.ActorID))
	}
	if q.StructureID != 0 {
		where = append(where, "structure_id = "+arg(q.StructureID))
	}
	if q.Action != "" {
		if strings.HasSuffix(q.Action, ".") {
			where = append(where, "action LIKE "+arg(q.Action+"%"))
		} else {
			where = append(where, "action = "+arg(q.Action))
		}
	}
	if !q.Since.IsZero() {
		where = append(where, "at >= "+arg(q.Since.UTC()))
	}
	query := `SELECT id, at, COALESCE(actor_id, 0), actor, action, COALESCE(structure_id, 0), target, details FROM audit_events`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	if q.Latest {
		query += " ORDER BY at DESC, id DESC"
	} else {
		query += " ORDER BY at, id"
	}
	if q.Limit > 0 {
		query += " LIMIT " + arg(q.Limit)
	}
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit events: %w", err)
	}
	out, err := scanAuditEvents(rows)
	if err != nil {
		return nil, err
	}
	if q.Latest {
		slices.Reverse(out)
	}
	return out, nil
}

// scanAuditEvents reads the rows of a query selecting id, at, actor_id, actor, action,
// structure_id, target and details of audit_events, and closes them.
func scanAuditEvents(rows *sql.Rows) ([]domain.AuditEvent, error) {
	defer rows.Close()
	out := []domain.AuditEvent{}
	for rows.Next() {
		var (
			e  domain.AuditEvent
			at nullTime
		)
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.Actor, &e.Action, &e.StructureID, &e.Target, &e.Details); err != nil {
			return nil, mapErr(err)
		}
		e.At = at.Time
		out = append(out, e)
	}
	return out, mapErr(rows.Err())
}
