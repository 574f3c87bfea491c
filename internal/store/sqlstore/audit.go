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
	var err error
	switch {
	case t.d.Dialect() == Postgres && len(es) >= pgCopyMin:
		err = t.copyStaging(ctx, "profil_stage_audit", []stagingColumn{{"actor_id", "bigint"}, {"actor", "text"}, {"action", "text"},
			{"structure_id", "bigint"}, {"target", "text"}, {"details", "text"}}, len(es),
			func(i int, vals []any) []any {
				e := es[i]
				return append(vals, nullInt(e.ActorID), e.Actor, e.Action, nullInt(e.StructureID), e.Target, e.Details)
			})
		if err == nil {
			_, err = t.exec(ctx, `INSERT INTO audit_events (at, actor_id, actor, action, structure_id, target, details)
				SELECT $1::timestamptz, r.actor_id, r.actor, r.action, r.structure_id, r.target, r.details
				FROM profil_stage_audit r ORDER BY r.n`, t.now)
		}
	case t.d.Dialect() == Postgres:
		actorIDs, actors, actions, structures, targets, details := make([]int64, len(es)), make([]string, len(es)),
			make([]string, len(es)), make([]int64, len(es)), make([]string, len(es)), make([]string, len(es))
		for i, e := range es {
			actorIDs[i], actors[i], actions[i], structures[i], targets[i], details[i] = e.ActorID, e.Actor, e.Action, e.StructureID, e.Target, e.Details
		}
		_, err = t.exec(ctx, `INSERT INTO audit_events (at, actor_id, actor, action, structure_id, target, details)
			SELECT $1::timestamptz, NULLIF(r.actor_id, 0), r.actor, r.action, NULLIF(r.structure_id, 0), r.target, r.details
			FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[])
				WITH ORDINALITY AS r(actor_id, actor, action, structure_id, target, details, n)
			ORDER BY r.n`, t.now, actorIDs, actors, actions, structures, targets, details)
	default:
		_, err = t.insertSQLite(ctx, `INSERT INTO audit_events (at, actor_id, actor, action, structure_id, target, details) VALUES `,
			`(#, #, #, #, #, #, #)`, ``, len(es),
			func(i int, args []any) []any {
				e := es[i]
				return append(args, t.now, nullInt(e.ActorID), e.Actor, e.Action, nullInt(e.StructureID), e.Target, e.Details)
			})
	}
	if err != nil {
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
