package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

const userColumns = `u.id, u.email, u.last_name, u.first_name, u.function, u.phone, u.status, u.manager,
	u.password_hash, u.must_change_password, u.source, u.created_at, u.updated_at,
	u.failed_logins, u.lock_count, u.locked_until, u.last_login_at, u.password_expires_at, u.temporary_mail_at, u.erased_at,
	u.trainee, u.birth_date`

func scanUser(sc interface{ Scan(...any) error }) (domain.User, error) {
	var (
		u                domain.User
		hash             sql.NullString
		status           string
		created, updated nullTime
		lockedUntil      nullTime
		lastLogin        nullTime
		expires, mailAt  nullTime
		erased           nullTime
	)
	err := sc.Scan(&u.ID, &u.Email, &u.LastName, &u.FirstName, &u.Function, &u.Phone, &status, &u.Manager,
		&hash, &u.MustChangePassword, &u.Source, &created, &updated,
		&u.FailedLogins, &u.LockCount, &lockedUntil, &lastLogin, &expires, &mailAt, &erased,
		&u.Trainee, &u.BirthDate)
	if err != nil {
		return u, mapErr(err)
	}
	u.LockedUntil, u.LastLoginAt = lockedUntil.Ptr(), lastLogin.Ptr()
	u.PasswordExpiresAt, u.TemporaryMailAt = expires.Ptr(), mailAt.Ptr()
	u.ErasedAt = erased.Ptr()
	u.Status = domain.UserStatus(status)
	u.PasswordHash = hash.String
	u.CreatedAt, u.UpdatedAt = created.Time, updated.Time
	return u, nil
}

func (t *tx) CreateUser(ctx context.Context, u *domain.User) error {
	u.CreatedAt, u.UpdatedAt = t.now, t.now
	id, err := t.insert(ctx, `INSERT INTO users (email, last_name, first_name, function, phone, status, manager,
		password_hash, must_change_password, source, created_at, updated_at,
		failed_logins, lock_count, locked_until, last_login_at, password_expires_at, temporary_mail_at,
		trainee, birth_date)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
		u.Email, u.LastName, u.FirstName, u.Function, u.Phone, string(u.Status), u.Manager,
		nullText(u.PasswordHash), u.MustChangePassword, u.Source, t.now, t.now,
		u.FailedLogins, u.LockCount, timePtr(u.LockedUntil), timePtr(u.LastLoginAt), timePtr(u.PasswordExpiresAt),
		timePtr(u.TemporaryMailAt), u.Trainee, u.BirthDate)
	if err != nil {
		return fmt.Errorf("create user %s: %w", u.Email, err)
	}
	u.ID = id
	return nil
}

// UpdateUser never writes an erased account: a change that loaded it before the erasure
// committed finds no account, instead of writing personal data back into it.
func (t *tx) UpdateUser(ctx context.Context, u *domain.User) error {
	u.UpdatedAt = t.now
	res, err := t.exec(ctx, `UPDATE users SET email = $1, last_name = $2, first_name = $3, function = $4,
		phone = $5, status = $6, manager = $7, password_hash = $8, must_change_password = $9, source = $10,
		updated_at = $11, failed_logins = $13, lock_count = $14, locked_until = $15, last_login_at = $16,
		password_expires_at = $17, temporary_mail_at = $18, trainee = $19, birth_date = $20
		WHERE id = $12 AND erased_at IS NULL`,
		u.Email, u.LastName, u.FirstName, u.Function, u.Phone, string(u.Status), u.Manager,
		nullText(u.PasswordHash), u.MustChangePassword, u.Source, t.now, u.ID,
		u.FailedLogins, u.LockCount, timePtr(u.LockedUntil), timePtr(u.LastLoginAt), timePtr(u.PasswordExpiresAt),
		timePtr(u.TemporaryMailAt), u.Trainee, u.BirthDate)
	if err != nil {
		return fmt.Errorf("update user %s: %w", u.Email, err)
	}
	return affectedOne(res, "notfound.user_id", u.ID)
}

func (t *tx) UserByID(ctx context.Context, id int64) (domain.User, error) {
	u, err := scanUser(t.queryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id))
	if err != nil {
		return u, notFound(err, "notfound.user_id", id)
	}
	return u, nil
}

// UserForUpdate loads an account and, on PostgreSQL, locks its row until the transaction ends
// (SQLite write transactions are serial): every read-modify-write of an account starts here.
func (t *tx) UserForUpdate(ctx context.Context, id int64) (domain.User, error) {
	u, err := scanUser(t.queryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`+t.forUpdate(), id))
	if err != nil {
		return u, notFound(err, "notfound.user_id", id)
	}
	return u, nil
}

func (t *tx) UserByEmail(ctx context.Context, email string) (domain.User, error) {
	u, err := scanUser(t.queryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.email = $1`, email))
	if err != nil {
		return u, notFound(err, "notfound.user", email)
	}
	return u, nil
}

func (t *tx) CountManagers(ctx context.Context) (int, error) {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE manager = TRUE AND status = 'active'`).Scan(&n)
	return n, mapErr(err)
}

func (t *tx) ManagerEmails(ctx context.Context) ([]string, error) {
	rows, err := t.query(ctx, `SELECT email FROM users WHERE manager = TRUE AND status = 'active' ORDER BY email`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, mapErr(rows.Err())
}

func (t *tx) ListUsers(ctx context.Context, q store.UserQuery) ([]domain.User, error) {
	query, args := `SELECT `+userColumns+` FROM users u`, []any{}
	if q.Status != "" {
		query += ` WHERE u.status = $1`
		args = append(args, string(q.Status))
	}
	query += ` ORDER BY u.last_name, u.first_name, u.id`
	if q.Limit > 0 {
		query += fmt.Sprintf(` LIMIT %d`, q.Limit)
	}
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	out := []domain.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, mapErr(rows.Err())
}
