package sqlstore

import (
	"context"
	"fmt"

	"github.com/profil-cli/profil/internal/domain"
)

func (t *tx) Catalogue(ctx context.Context) (domain.Catalogue, error) {
	if t.catalogue != nil {
		return t.catalogue, nil
	}
	cat, err := t.readCatalogue(ctx)
	if err == nil && !t.readOnly {
		t.catalogue = cat
	}
	return cat, err
}

func (t *tx) readCatalogue(ctx context.Context) (domain.Catalogue, error) {
	rows, err := t.query(ctx, `SELECT code, application, label, family, exclusive, required_kind, automatic, removable
		FROM profiles ORDER BY position, code`)
	if err != nil {
		return nil, fmt.Errorf("read the profile catalogue: %w", err)
	}
	defer rows.Close()
	var out domain.Catalogue
	for rows.Next() {
		var (
			p    domain.Profile
			kind string
		)
		if err := rows.Scan(&p.Code, &p.Application, &p.Label, &p.Family, &p.Exclusive, &kind, &p.Automatic, &p.Removable); err != nil {
			return nil, mapErr(err)
		}
		p.RequiredKind = domain.Kind(kind)
		out = append(out, p)
	}
	return out, mapErr(rows.Err())
}
