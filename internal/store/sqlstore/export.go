package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// memberFilter is the WHERE clause of the active memberships q selects, over the aliases m
// (memberships) and g (grants), with its arguments.
func memberFilter(q store.MemberQuery) (string, []any) {
	var (
		where = []string{"m.ended_at IS NULL"}
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if q.StructureID != 0 {
		where = append(where, "m.structure_id = "+arg(q.StructureID))
	}
	if q.UserID != 0 {
		where = append(where, "m.user_id = "+arg(q.UserID))
	}
	if q.WithoutProfiles {
		cond := "NOT EXISTS (SELECT 1 FROM grants g WHERE g.membership_id = m.id AND g.revoked_at IS NULL"
		for _, code := range q.IgnoreProfiles {
			cond += " AND g.profile_code <> " + arg(code)
		}
		where = append(where, cond+")")
	}
	return strings.Join(where, " AND "), args
}

// profileSeparator joins the profile codes of one membership in the aggregate; codes are
// dotted lower-case words and never hold it.
const profileSeparator = "|"

// profilesAggregate is the correlated subquery that lists the active profiles of membership
// m.id in one text value, ordered by code as ListMembers orders them: by the engine, or on
// SQLite by EachMember (see dialect.aggOrderBy).
// The query text has no bound parameter, so that the filter's numbering stays the same.
func (t *tx) profilesAggregate() string {
	agg := t.d.dialect.textAgg() + "(g.profile_code, '" + profileSeparator + "'" + t.d.dialect.aggOrderBy("g.profile_code") + ")"
	return "COALESCE((SELECT " + agg + " FROM grants g WHERE g.membership_id = m.id AND g.revoked_at IS NULL), '')"
}

// EachMember is ListMembers as a stream: ONE query, the profiles of each membership
// aggregated in a correlated subquery, read row by row. Memory stays the same whatever the
// number of rows: the driver holds one row at a time (the engine sorts on its side), and
// nothing here keeps a row once fn has returned. The password hash and the account's own
// timestamps are not read.
func (t *tx) EachMember(ctx context.Context, q store.MemberQuery, fn func(domain.Member) error) error {
	where, args := memberFilter(q)
	rows, err := t.query(ctx, `SELECT m.id, m.structure_id, COALESCE(s.siret, ''), s.name, m.referent, `+
		t.d.dialect.timeText("m.created_at")+`, `+t.profilesAggregate()+`,
		u.id, u.email, u.last_name, u.first_name, u.function, u.phone, u.status, u.manager,
		u.must_change_password, u.source
		FROM memberships m JOIN users u ON u.id = m.user_id JOIN structures s ON s.id = m.structure_id
		WHERE `+where+` ORDER BY s.name_folded, s.id, u.last_name, u.first_name, u.id`, args...)
	if err != nil {
		return fmt.Errorf("export members: %w", err)
	}
	defer rows.Close()
	var (
		m                domain.Member
		profiles, status string
		since            nullTime
	)
	sortProfiles := t.d.dialect.aggOrderBy("g.profile_code") == "" // see profilesAggregate
	dest := []any{&m.MembershipID, &m.StructureID, &m.SIRET, &m.StructureName, &m.Referent, &since, &profiles,
		&m.User.ID, &m.User.Email, &m.User.LastName, &m.User.FirstName, &m.User.Function, &m.User.Phone,
		&status, &m.User.Manager, &m.User.MustChangePassword, &m.User.Source}
	for rows.Next() {
		// The driver may have the next rows at hand already: an interrupted export stops here,
		// not when its buffer runs dry.
		if err := ctx.Err(); err != nil {
			return err
		}
		m = domain.Member{}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("export members: %w", mapErr(err))
		}
		m.Since = since.Time
		m.User.Status = domain.UserStatus(status)
		m.Profiles = []string{}
		if profiles != "" {
			m.Profiles = strings.Split(profiles, profileSeparator)
			if len(m.Profiles) > 1 && sortProfiles {
				slices.Sort(m.Profiles)
			}
		}
		if err := fn(m); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export members: %w", mapErr(err))
	}
	return nil
}
