package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

const structureColumns = `s.id, s.siret, s.name, s.acronym, s.ape, s.address, s.postal_code, s.city,
	s.department, s.kinds, s.ministry, s.adhesion_year, s.created_at, s.updated_at,
	COALESCE((SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
	          WHERE m.structure_id = s.id AND m.referent = TRUE AND m.ended_at IS NULL), '')`

func scanStructure(sc interface{ Scan(...any) error }) (domain.Structure, error) {
	var (
		s                domain.Structure
		siret            sql.NullString
		kinds            string
		adhesion         sql.NullInt64
		created, updated nullTime
	)
	err := sc.Scan(&s.ID, &siret, &s.Name, &s.Acronym, &s.APE, &s.Address, &s.PostalCode, &s.City,
		&s.Department, &kinds, &s.Ministry, &adhesion, &created, &updated, &s.ReferentEmail)
	if err != nil {
		return s, mapErr(err)
	}
	s.SIRET = siret.String
	s.AdhesionYear = int(adhesion.Int64)
	s.CreatedAt, s.UpdatedAt = created.Time, updated.Time
	s.Kinds = splitKinds(kinds)
	return s, nil
}

func joinKinds(kinds []domain.Kind) string {
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = string(k)
	}
	return strings.Join(parts, "|")
}

func splitKinds(s string) []domain.Kind {
	if s == "" {
		return []domain.Kind{}
	}
	parts := strings.Split(s, "|")
	out := make([]domain.Kind, len(parts))
	for i, p := range parts {
		out[i] = domain.Kind(p)
	}
	return out
}

func adhesionArg(y int) any {
	if y == 0 {
		return nil
	}
	return y
}

func (t *tx) CreateStructure(ctx context.Context, s *domain.Structure) error {
	s.CreatedAt, s.UpdatedAt = t.now, t.now
	id, err := t.insert(ctx, `INSERT INTO structures (siret, name, acronym, ape, address, postal_code, city,
		department, kinds, ministry, adhesion_year, name_folded, acronym_folded, search_text, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		nullText(s.SIRET), s.Name, s.Acronym, s.APE, s.Address, s.PostalCode, s.City,
		s.Department, joinKinds(s.Kinds), s.Ministry, adhesionArg(s.AdhesionYear),
		domain.Fold(s.Name), domain.Fold(s.Acronym), s.SearchText(), t.now, t.now)
	if err != nil {
		return fmt.Errorf("create structure: %w", err)
	}
	s.ID = id
	return nil
}

func (t *tx) UpdateStructure(ctx context.Context, s *domain.Structure) error {
	s.UpdatedAt = t.now
	res, err := t.exec(ctx, `UPDATE structures SET siret = $1, name = $2, acronym = $3, ape = $4, address = $5,
		postal_code = $6, city = $7, department = $8, kinds = $9, ministry = $10, adhesion_year = $11,
		name_folded = $12, acronym_folded = $13, search_text = $14, updated_at = $15
		WHERE id = $16`,
		nullText(s.SIRET), s.Name, s.Acronym, s.APE, s.Address, s.PostalCode, s.City, s.Department,
		joinKinds(s.Kinds), s.Ministry, adhesionArg(s.AdhesionYear),
		domain.Fold(s.Name), domain.Fold(s.Acronym), s.SearchText(), t.now, s.ID)
	if err != nil {
		return fmt.Errorf("update structure %d: %w", s.ID, err)
	}
	return affectedOne(res, "notfound.structure", s.ID)
}

func (t *tx) StructureByID(ctx context.Context, id int64) (domain.Structure, error) {
	s, err := scanStructure(t.queryRow(ctx, `SELECT `+structureColumns+` FROM structures s WHERE s.id = $1`, id))
	if err != nil {
		return s, notFound(err, "notfound.structure", id)
	}
	return s, nil
}

func (t *tx) StructureBySIRET(ctx context.Context, siret string) (domain.Structure, error) {
	s, err := scanStructure(t.queryRow(ctx, `SELECT `+structureColumns+` FROM structures s WHERE s.siret = $1`, siret))
	if err != nil {
		return s, notFound(err, "notfound.structure_siret", siret)
	}
	return s, nil
}

// SearchStructures ranks exact matches of the folded name or acronym first, then prefixes,
// then substrings, then by name. Substrings are found through the trigram index (FTS5 on
// SQLite, pg_trgm on PostgreSQL) for words of three letters or more.
func (t *tx) SearchStructures(ctx context.Context, q store.StructureQuery) ([]domain.Structure, error) {
	var (
		where []string
		args  []any
		rank  string // ORDER BY term putting the best matches first, when there is a text
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	text := strings.TrimSpace(q.Text)
	if digits, ok := domain.IsDigitsPrefix(text); ok && text != "" {
		// SIRET or SIREN prefix, on an index. A range works on SQLite's binary collation;
		// PostgreSQL's collation may sort ':' before digits, so it gets a LIKE on the
		// text_pattern_ops index instead.
		if t.d.Dialect() == Postgres {
			where = append(where, "s.siret LIKE "+arg(digits+"%"))
		} else {
			where = append(where, "s.siret >= "+arg(digits)+" AND s.siret < "+arg(digits+":"))
		}
		rank = "CASE WHEN s.siret = " + arg(digits) + " THEN 0 ELSE 1 END"
	} else if folded := domain.Fold(text); folded == "" && text != "" {
		return []domain.Structure{}, nil // only punctuation: nothing can match it
	} else if folded != "" {
		words := strings.Fields(folded)
		var long []string
		for _, w := range words {
			where = append(where, "s.search_text LIKE "+arg("%"+w+"%"))
			if len([]rune(w)) >= 3 {
				long = append(long, w)
			}
		}
		if len(long) > 0 && t.d.Dialect() == SQLite {
			// The LIKEs above then only filter the few rows the index hands over.
			phrases := make([]string, len(long))
			for i, w := range long {
				phrases[i] = `"` + w + `"`
			}
			where = append(where, "s.id IN (SELECT rowid FROM structures_fts WHERE structures_fts MATCH "+
				arg(strings.Join(phrases, " AND "))+")")
		}
		p := arg(folded)
		pre := arg(folded + "%")
		rank = "CASE WHEN s.name_folded = " + p + " OR s.acronym_folded = " + p + " THEN 0" +
			" WHEN s.name_folded LIKE " + pre + " OR s.acronym_folded LIKE " + pre + " THEN 1 ELSE 2 END"
	}
	if q.Department != "" {
		where = append(where, "s.department = "+arg(q.Department))
	}
	if q.Kind != "" {
		// No kind's name contains another's, so a plain LIKE on the column is exact, and
		// PostgreSQL can estimate it from the column's statistics.
		where = append(where, "s.kinds LIKE "+arg("%"+string(q.Kind)+"%"))
	}
	query := `SELECT ` + structureColumns + ` FROM structures s`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY "
	if rank != "" {
		query += rank + ", "
	}
	query += "s.name_folded, s.id"
	if q.Limit > 0 {
		query += " LIMIT " + arg(q.Limit)
	}
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("search structures: %w", err)
	}
	defer rows.Close()
	out := []domain.Structure{}
	for rows.Next() {
		s, err := scanStructure(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, mapErr(rows.Err())
}

// affectedOne turns "no row updated" into ErrNotFound, with the message key (of package i18n)
// that names what was looked for by its id.
func affectedOne(res sql.Result, key string, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return domain.Errorf(domain.ErrNotFound, key, id)
	}
	return nil
}

// notFound gives ErrNotFound a message naming what was looked for: the message key of
// package i18n, formatted with args.
func notFound(err error, key string, args ...any) error {
	if err == domain.ErrNotFound {
		return domain.Errorf(domain.ErrNotFound, key, args...)
	}
	return err
}
