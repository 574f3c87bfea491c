package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store/sqlstore"
)

// The pending requests that `request approve` decides are written here with SQL, in one
// transaction, as `profil user register` writes them (a pending account and its account
// request), but without one process, one password check and one mail per person: only the
// approval is measured.

// structureIDs returns the ids of the structures, in id order.
func structureIDs(ctx context.Context, dsn string) ([]int64, error) {
	db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{NoMigrate: true})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.SQL().QueryContext(ctx, `SELECT id FROM structures ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// addAccountRequests creates, for each person, a pending account and an account request for
// one of structures (in turn), and returns the ids of the requests.
func addAccountRequests(ctx context.Context, dsn string, people []domain.User, structures []int64) ([]int64, error) {
	db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{NoMigrate: true})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rebind := func(q string) string { return q }
	if db.Dialect() == sqlstore.SQLite {
		rebind = func(q string) string { return strings.ReplaceAll(q, "$", "?") }
	}
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	addUser, err := tx.PrepareContext(ctx, rebind(`INSERT INTO users (email, last_name, first_name, function, phone, status,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6) RETURNING id`))
	if err != nil {
		return nil, err
	}
	addRequest, err := tx.PrepareContext(ctx, rebind(`INSERT INTO requests (kind, status, user_id, requester_email,
		structure_id, payload, created_at) VALUES ('account', 'pending', $1, $2, $3, '{}', $4) RETURNING id`))
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	ids := make([]int64, 0, len(people))
	for i, u := range people {
		at := now.Add(time.Duration(i-len(people)) * time.Second) // oldest first, as they came
		var userID, requestID int64
		if err := addUser.QueryRowContext(ctx, u.Email, u.LastName, u.FirstName, u.Function, u.Phone, at).Scan(&userID); err != nil {
			return nil, fmt.Errorf("pending account %s: %w", u.Email, err)
		}
		if err := addRequest.QueryRowContext(ctx, userID, u.Email, structures[i%len(structures)], at).Scan(&requestID); err != nil {
			return nil, fmt.Errorf("account request of %s: %w", u.Email, err)
		}
		ids = append(ids, requestID)
	}
	return ids, tx.Commit()
}

// countApproved counts the requests of ids that are approved.
func countApproved(ctx context.Context, dsn string, ids []int64) (int, error) {
	db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{NoMigrate: true})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	lo, hi := ids[0], ids[0]
	for _, id := range ids {
		lo, hi = min(lo, id), max(hi, id)
	}
	q := `SELECT COUNT(*) FROM requests WHERE status = 'approved' AND id BETWEEN $1 AND $2`
	if db.Dialect() == sqlstore.SQLite {
		q = strings.ReplaceAll(q, "$", "?")
	}
	var n int
	err = db.SQL().QueryRowContext(ctx, q, lo, hi).Scan(&n)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return n, err
}
