package sqlstore

import (
	"context"

	"github.com/profil-cli/profil/internal/domain"
)

// dialect is how one engine does the bulk reads and writes of the imports and of the
// set-based decisions, where SQLite and PostgreSQL differ most: it is chosen once, when the
// database opens (sqliteDialect, postgresDialect), and the store's methods keep what the
// engines share.
type dialect interface {
	// keyArrays reports whether a lookup by a list of keys takes the whole list as one array
	// ("= ANY($1)") rather than IN lists of lookupChunk keys.
	keyArrays() bool
	// newIDs reserves n ids of table.
	newIDs(ctx context.Context, t *tx, table string, n int) ([]int64, error)
	// insertStructures writes ss with the ids given, leaving out those in conflict, and
	// returns how many it wrote.
	insertStructures(ctx context.Context, t *tx, ss []domain.Structure, ids []int64) (int64, error)
	// insertUsers, insertMemberships write their rows, leaving out those in conflict, and set
	// the ID of each row written.
	insertUsers(ctx context.Context, t *tx, us []domain.User) error
	insertMemberships(ctx context.Context, t *tx, ms []domain.Membership) error
	// insertGrants grants codes[i] on membershipIDs[i], leaving out what is held.
	insertGrants(ctx context.Context, t *tx, membershipIDs []int64, codes []string, by int64) error
	// appendAudits writes events, their times and details set, in the order given.
	appendAudits(ctx context.Context, t *tx, es []domain.AuditEvent) error
	// enqueueMails writes mails, their times and states set, in the order given.
	enqueueMails(ctx context.Context, t *tx, ms []domain.Mail) error
}

// dialectOf is the dialect of an engine ("sqlite" or "postgres").
func dialectOf(engine string) dialect {
	if engine == Postgres {
		return postgresDialect{}
	}
	return sqliteDialect{}
}
