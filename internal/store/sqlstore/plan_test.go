package sqlstore

import (
	"context"
	"strings"
	"testing"
)

// The référent lookups go through the one-référent index on SQLite, whatever the size of the
// structure: a plan through memberships_structure would read every member of the structure
// for each lookup, and approving n people of one structure would cost n².
func TestReferentLookupsUseTheIndex(t *testing.T) {
	ctx := context.Background()
	db := openTestFile(t, false)
	for name, query := range map[string]string{
		"Referent":         referentQuery,
		"structureColumns": `SELECT ` + structureColumns + ` FROM structures s WHERE s.id = $1`,
	} {
		rows, err := db.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+db.rebind(query), 1)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if text := strings.Join(plan, "\n"); !strings.Contains(text, "memberships_one_referent") {
			t.Errorf("%s does not use memberships_one_referent:\n%s", name, text)
		}
	}
}
