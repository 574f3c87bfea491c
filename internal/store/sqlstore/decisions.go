package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// Set-based reads and writes of a bulk decision: a batch of requests is read with a few
// queries and written with one statement per table, whatever its size.

func (t *tx) RequestsByID(ctx context.Context, ids []int64) ([]domain.Request, error) {
	out, err := scanKeys(ctx, t, requestSelect+` WHERE %s`, "r.id", ids, scanRequest)
	if err != nil {
		return nil, fmt.Errorf("look up requests: %w", err)
	}
	return out, nil
}

func (t *tx) RequestKeys(ctx context.Context, ids []int64) ([]store.RequestKey, error) {
	out, err := scanKeys(ctx, t, `SELECT id, kind, COALESCE(user_id, 0), COALESCE(structure_id, 0) FROM requests WHERE %s`, "id", ids,
		func(sc interface{ Scan(...any) error }) (k store.RequestKey, err error) {
			return k, sc.Scan(&k.ID, &k.Kind, &k.UserID, &k.StructureID)
		})
	if err != nil {
		return nil, fmt.Errorf("look up requests: %w", err)
	}
	return out, nil
}

func (t *tx) StructuresByID(ctx context.Context, ids []int64) ([]domain.Structure, error) {
	out, err := scanKeys(ctx, t, `SELECT `+structureColumns+` FROM structures s WHERE %s`, "s.id", ids, scanStructure)
	if err != nil {
		return nil, fmt.Errorf("look up structures: %w", err)
	}
	return out, nil
}

func (t *tx) UsersByID(ctx context.Context, ids []int64) ([]domain.User, error) {
	out, err := scanKeys(ctx, t, `SELECT `+userColumns+` FROM users u WHERE %s`, "u.id", ids, scanUser)
	if err != nil {
		return nil, fmt.Errorf("look up accounts: %w", err)
	}
	return out, nil
}

func (t *tx) Referents(ctx context.Context, structureIDs []int64) ([]domain.Membership, error) {
	out, err := scanKeys(ctx, t, `SELECT `+membershipColumns+` FROM memberships WHERE referent = TRUE AND ended_at IS NULL AND %s`,
		"structure_id", structureIDs, scanMembership)
	if err != nil {
		return nil, fmt.Errorf("look up référents: %w", err)
	}
	return out, nil
}

func (t *tx) DecideRequests(ctx context.Context, ids []int64, status domain.RequestStatus, decidedBy int64, reason string) (int, error) {
	// The requests are found by their ids, not by walking requests_status over every pending
	// request.
	n, err := t.execKeys(ctx, `UPDATE`+t.d.dialect.orFail()+` requests SET status = $1, decided_at = $2, decided_by = $3, reason = $4
		WHERE `+t.d.dialect.unindexed("status")+` = 'pending' AND %s`, "id", ids, string(status), t.now, nullInt(decidedBy), reason)
	if err != nil {
		return n, fmt.Errorf("decide requests: %w", err)
	}
	return n, nil
}

func (t *tx) SetUsersStatus(ctx context.Context, ids []int64, status domain.UserStatus) (int, error) {
	n, err := t.execKeys(ctx, `UPDATE`+t.d.dialect.orFail()+` users SET status = $1, updated_at = $2 WHERE erased_at IS NULL AND %s`, "id", ids, string(status), t.now)
	if err != nil {
		return n, fmt.Errorf("set the status of accounts: %w", err)
	}
	return n, nil
}

func (t *tx) EnqueueMails(ctx context.Context, ms []domain.Mail) error {
	if len(ms) == 0 || t.readOnly {
		return t.bulkWritable()
	}
	// An erased account: its pseudonym is no address, and nothing is ever sent to it.
	ms = slices.DeleteFunc(slices.Clone(ms), func(m domain.Mail) bool { return domain.IsPseudonym(m.To) })
	if len(ms) == 0 {
		return nil
	}
	for i := range ms {
		m := &ms[i]
		m.CreatedAt, m.NextAttemptAt = t.now, t.now
		m.Status, m.Attempts, m.LastError, m.ClaimedUntil, m.SentAt = domain.MailPending, 0, "", nil, nil
	}
	if err := t.d.dialect.enqueueMails(ctx, t, ms); err != nil {
		return fmt.Errorf("queue mails: %w", err)
	}
	return nil
}

// numbered matches the numbered parameters of a statement.
var numbered = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$[0-9]+`) })

// execKeys runs a statement whose "%s" is replaced by a condition that column is one of keys,
// after the arguments args ($1, $2, … each once and in that order): once with "= ANY(…)" on
// PostgreSQL, once per chunk of keys on SQLite. It returns the number of rows written.
func (t *tx) execKeys(ctx context.Context, query, column string, keys []int64, args ...any) (int, error) {
	if len(keys) == 0 {
		return 0, t.bulkWritable()
	}
	if t.readOnly {
		return 0, t.bulkWritable()
	}
	if t.d.dialect.keyArrays() {
		n, err := t.execCount(ctx, fmt.Sprintf(query, fmt.Sprintf("%s = ANY($%d)", column, len(args)+1)), append(args, keys)...)
		return int(n), err
	}
	// SQLite: anonymous parameters only (see insertSQLite), the $n of query being in order.
	query = numbered().ReplaceAllString(query, "?")
	total := 0
	all := make([]any, 0, len(args)+lookupChunk)
	for start := 0; start < len(keys); start += lookupChunk {
		chunk := keys[start:min(start+lookupChunk, len(keys))]
		all = append(all[:0], args...)
		for _, k := range chunk {
			all = append(all, k)
		}
		list := strings.Repeat("?, ", len(chunk)-1) + "?"
		q := fmt.Sprintf(query, column+" IN ("+list+")")
		var res sql.Result
		var err error
		if st := t.sharedStmt(ctx, q); st != nil {
			res, err = st.ExecContext(ctx, all...)
		} else {
			res, err = t.q.ExecContext(ctx, q, all...)
		}
		if err != nil {
			return total, mapErr(err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, err
		}
		total += int(n)
	}
	return total, nil
}
