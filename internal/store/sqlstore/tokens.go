package sqlstore

import (
	"context"
	"fmt"

	"github.com/profil-cli/profil/internal/domain"
)

const tokenColumns = `id, user_id, kind, name, token_hash, scope, created_at, expires_at, last_used_at, revoked_at`

func scanToken(sc interface{ Scan(...any) error }) (domain.Token, error) {
	var (
		tok                          domain.Token
		kind                         string
		created, expires, used, revd nullTime
	)
	if err := sc.Scan(&tok.ID, &tok.UserID, &kind, &tok.Name, &tok.Hash, &tok.Scope, &created, &expires, &used, &revd); err != nil {
		return tok, mapErr(err)
	}
	tok.Kind = domain.TokenKind(kind)
	tok.CreatedAt = created.Time
	tok.ExpiresAt, tok.LastUsedAt, tok.RevokedAt = expires.Ptr(), used.Ptr(), revd.Ptr()
	return tok, nil
}

func (t *tx) CreateToken(ctx context.Context, tok *domain.Token) error {
	tok.CreatedAt = t.now
	id, err := t.insert(ctx, `INSERT INTO tokens (user_id, kind, name, token_hash, scope, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		tok.UserID, string(tok.Kind), tok.Name, tok.Hash, tok.Scope, t.now, timePtr(tok.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	tok.ID = id
	return nil
}

func (t *tx) TokenByHash(ctx context.Context, hash string) (domain.Token, error) {
	tok, err := scanToken(t.queryRow(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE token_hash = $1`, hash))
	if err != nil {
		return tok, notFound(err, "notfound.token")
	}
	return tok, nil
}

func (t *tx) TokenByID(ctx context.Context, id int64) (domain.Token, error) {
	tok, err := scanToken(t.queryRow(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE id = $1`, id))
	if err != nil {
		return tok, notFound(err, "notfound.token_id", id)
	}
	return tok, nil
}

func (t *tx) ListTokens(ctx context.Context, userID int64, kind domain.TokenKind) ([]domain.Token, error) {
	query := `SELECT ` + tokenColumns + ` FROM tokens WHERE user_id = $1`
	args := []any{userID}
	if kind != "" {
		query += ` AND kind = $2`
		args = append(args, string(kind))
	}
	rows, err := t.query(ctx, query+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	out := []domain.Token{}
	for rows.Next() {
		tok, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, tok)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tokens: %w", mapErr(err))
	}
	return out, nil
}

func (t *tx) TouchToken(ctx context.Context, id int64) error {
	_, err := t.exec(ctx, `UPDATE tokens SET last_used_at = $1 WHERE id = $2`, t.now, id)
	return err
}

func (t *tx) RevokeToken(ctx context.Context, id int64) error {
	res, err := t.exec(ctx, `UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, t.now, id)
	if err != nil {
		return err
	}
	return affectedOne(res, "notfound.token_id", id)
}

// RevokeTokensOf revokes the live tokens of a user: of one kind ("" for every kind), all but
// keep (0 keeps none). It returns how many it revoked.
func (t *tx) RevokeTokensOf(ctx context.Context, userID int64, kind domain.TokenKind, keep int64) (int, error) {
	res, err := t.exec(ctx, `UPDATE tokens SET revoked_at = $1
		WHERE user_id = $2 AND revoked_at IS NULL AND ($3 = '' OR kind = $3) AND id <> $4`, t.now, userID, string(kind), keep)
	if err != nil {
		return 0, fmt.Errorf("revoke the tokens of user #%d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
