package sqlstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

func (t *tx) LockStructure(ctx context.Context, id int64) (domain.Structure, error) {
	if err := t.lockRows(ctx, `SELECT id FROM structures WHERE id = $1`, id); err != nil {
		return domain.Structure{}, err
	}
	return t.StructureByID(ctx, id)
}

func (t *tx) LockStructures(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if err := t.lockRows(ctx, `SELECT id FROM structures WHERE id = ANY($1) ORDER BY id`, ids); err != nil {
		return fmt.Errorf("lock structures: %w", err)
	}
	return nil
}

func scanMembership(sc interface{ Scan(...any) error }) (domain.Membership, error) {
	var (
		m            domain.Membership
		created, end nullTime
	)
	if err := sc.Scan(&m.ID, &m.UserID, &m.StructureID, &m.Referent, &created, &end); err != nil {
		return m, mapErr(err)
	}
	m.CreatedAt, m.EndedAt = created.Time, end.Ptr()
	return m, nil
}

const membershipColumns = `id, user_id, structure_id, referent, created_at, ended_at`

func (t *tx) AddMembership(ctx context.Context, m *domain.Membership) error {
	m.CreatedAt = t.now
	id, err := t.insert(ctx, `INSERT INTO memberships (user_id, structure_id, referent, created_at) VALUES ($1, $2, $3, $4)`,
		m.UserID, m.StructureID, m.Referent, t.now)
	if err != nil {
		return fmt.Errorf("attach user #%d to structure #%d: %w", m.UserID, m.StructureID, err)
	}
	m.ID = id
	return nil
}

func (t *tx) ActiveMembership(ctx context.Context, userID, structureID int64) (domain.Membership, error) {
	m, err := scanMembership(t.queryRow(ctx, `SELECT `+membershipColumns+` FROM memberships
		WHERE user_id = $1 AND structure_id = $2 AND ended_at IS NULL`+t.forUpdate(), userID, structureID))
	return m, notFound(err, "notfound.membership", userID, structureID)
}

// referentQuery finds the référent of a structure through memberships_one_referent: its
// condition must read as the index's predicate does, "referent = TRUE", for SQLite to use it.
const referentQuery = `SELECT ` + membershipColumns + ` FROM memberships
		WHERE structure_id = $1 AND referent = TRUE AND ended_at IS NULL`

func (t *tx) Referent(ctx context.Context, structureID int64) (domain.Membership, error) {
	m, err := scanMembership(t.queryRow(ctx, referentQuery, structureID))
	return m, notFound(err, "notfound.referent", structureID)
}

func (t *tx) SetReferent(ctx context.Context, membershipID int64, referent bool) error {
	res, err := t.exec(ctx, `UPDATE memberships SET referent = $1 WHERE id = $2 AND ended_at IS NULL`, referent, membershipID)
	if err != nil {
		return fmt.Errorf("set référent: %w", err)
	}
	return affectedOne(res, "notfound.membership_id", membershipID)
}

func (t *tx) EndMembership(ctx context.Context, membershipID int64) error {
	res, err := t.exec(ctx, `UPDATE memberships SET ended_at = $1, referent = FALSE WHERE id = $2 AND ended_at IS NULL`, t.now, membershipID)
	if err != nil {
		return fmt.Errorf("detach: %w", err)
	}
	return affectedOne(res, "notfound.membership_id", membershipID)
}

// ListMembers reads active memberships with their user, structure and profiles in two
// queries: the rows, then the grants of those rows.
func (t *tx) ListMembers(ctx context.Context, q store.MemberQuery) ([]domain.Member, error) {
	where, args := memberFilter(q)
	rows, err := t.query(ctx, `SELECT m.id, m.structure_id, COALESCE(s.siret, ''), s.name, m.referent, m.created_at, `+userColumns+`
		FROM memberships m JOIN users u ON u.id = m.user_id JOIN structures s ON s.id = m.structure_id
		WHERE `+where+` ORDER BY s.name_folded, s.id, u.last_name, u.first_name, u.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	defer rows.Close()
	out := []domain.Member{}
	index := map[int64]int{}
	for rows.Next() {
		var (
			m     domain.Member
			since nullTime
		)
		u, err := scanUser(prefixScanner{rows, []any{&m.MembershipID, &m.StructureID, &m.SIRET, &m.StructureName, &m.Referent, &since}})
		if err != nil {
			return nil, err
		}
		m.User, m.Since, m.Profiles = u, since.Time, []string{}
		index[m.MembershipID] = len(out)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	// Grants of the same memberships, filtered the same way (the filter reads only m; a grant
	// of a membership not listed above is skipped below).
	grows, err := t.query(ctx, `SELECT g.membership_id, g.profile_code FROM grants g JOIN memberships m ON m.id = g.membership_id
		WHERE g.revoked_at IS NULL AND `+where+` ORDER BY g.membership_id, g.profile_code`, args...)
	if err != nil {
		return nil, fmt.Errorf("list profiles of members: %w", err)
	}
	defer grows.Close()
	for grows.Next() {
		var (
			id   int64
			code string
		)
		if err := grows.Scan(&id, &code); err != nil {
			return nil, mapErr(err)
		}
		if i, ok := index[id]; ok {
			out[i].Profiles = append(out[i].Profiles, code)
		}
	}
	return out, mapErr(grows.Err())
}

// prefixScanner scans leading columns into extra destinations before the wrapped scanner's own.
type prefixScanner struct {
	rows  interface{ Scan(...any) error }
	extra []any
}

func (p prefixScanner) Scan(dest ...any) error {
	return p.rows.Scan(append(slices.Clone(p.extra), dest...)...)
}

func (t *tx) AddGrant(ctx context.Context, membershipID int64, code string, by int64) error {
	_, err := t.exec(ctx, `INSERT INTO grants (membership_id, profile_code, granted_at, granted_by) VALUES ($1, $2, $3, $4)`,
		membershipID, code, t.now, nullInt(by))
	if err != nil {
		return fmt.Errorf("grant %s: %w", code, err)
	}
	return nil
}

func (t *tx) RevokeGrant(ctx context.Context, membershipID int64, code string, by int64) error {
	res, err := t.exec(ctx, `UPDATE grants SET revoked_at = $1, revoked_by = $2
		WHERE membership_id = $3 AND profile_code = $4 AND revoked_at IS NULL`, t.now, nullInt(by), membershipID, code)
	if err != nil {
		return fmt.Errorf("revoke %s: %w", code, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.ErrNotFound, "profile.not_held", code)
	}
	return nil
}

func (t *tx) RevokeAllGrants(ctx context.Context, membershipID int64, by int64) error {
	_, err := t.exec(ctx, `UPDATE grants SET revoked_at = $1, revoked_by = $2 WHERE membership_id = $3 AND revoked_at IS NULL`,
		t.now, nullInt(by), membershipID)
	return err
}

func (t *tx) Grants(ctx context.Context, membershipID int64) ([]string, error) {
	rows, err := t.query(ctx, `SELECT profile_code FROM grants WHERE membership_id = $1 AND revoked_at IS NULL ORDER BY profile_code`, membershipID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}
