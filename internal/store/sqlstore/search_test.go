package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/gen"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

// TestSearchStructuresTiers checks that a search finds what one query ranking every match
// finds (exact, then prefix, then substrings, each by name), whichever way it reads the
// substrings: among the first names in order, through the trigram index (asked once or
// twice), or every name.
func TestSearchStructuresTiers(t *testing.T) {
	ctx := context.Background()
	for _, e := range testdb.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			st := openMigrated(t, e.DSN(t))
			g := gen.NewStructures(7)
			err := st.Update(ctx, func(tx store.Tx) error {
				for range 600 {
					s := g.Next()
					if err := tx.CreateStructure(ctx, &s); err != nil {
						return err
					}
				}
				// Exact and prefix matches of a common word, by name and by acronym.
				for _, s := range []domain.Structure{
					{Name: "Formation", Address: "x"},
					{Name: "Formation Conseil", Address: "x"},
					{Name: "Zèbre", Acronym: "FORMATION", Address: "x"},
					{Name: "Zénith", Acronym: "FORMA", Address: "x"},
					{Name: "ML", Address: "x"},
					{Name: "Mlle Dupont", Address: "x"},
					{Name: "Szkoła Mlł", Address: "x"}, // "ł" has no decomposition: no trigram of a two-letter search
					{Name: "Łml", Address: "x"},
					// A rare letter only among the last two characters, or in the whole text.
					{Name: "Bzik", Address: "x"},
					{Name: "Atelier Wa", Address: "x"},
					{Name: "Centre", Acronym: "K", Address: "x"},
					{Name: "W", Address: "x"},
					{Name: "Łk", Address: "x"},
					// Around the end of a prefix in name order: last letters "z", a "9", a space.
					{Name: "Jazz", Address: "x"},
					{Name: "Jazz Club", Address: "x"},
					{Name: "Jazzy", Address: "x"},
					{Name: "Jb", Address: "x"},
					{Name: "Jaz", Acronym: "JAZZ B", Address: "x"},
					{Name: "Ab9", Address: "x"},
					{Name: "Ab9 Ouest", Address: "x"},
					{Name: "Ab99", Address: "x"},
					{Name: "Aba", Acronym: "AB9", Address: "x"},
					{Name: "Cfa 3", Address: "x"},
					{Name: "Cfa 3 Sud", Address: "x"},
					{Name: "Cfa 31", Address: "x"},
					{Name: "Cfa3", Address: "x"},
					{Name: "Cfa 4", Address: "x"},
					{Name: "Alpha", Acronym: "CFA 3", Address: "x"},
					{Name: "Beta", Acronym: "CFA 33", Address: "x"},
					{Name: "Gamma", Acronym: "CFA 3A", Address: "x"},
					{Name: "Cfa 3 Nord", Acronym: "CFA 3", Address: "x"},
				} {
					if err := tx.CreateStructure(ctx, &s); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			texts := []string{"formation", "forma", "ml", "m", "e", "de", "cap", "metiers cap", "afpa", "greta",
				"mission locale", "formation bordeaux", "zzz", "o f", "angouleme", "ml ol", "ko", "lm",
				"k", "w", "z", "k o", "l", "7", "jazz", "ja", "jaz", "ab9", "ab", "cfa 3", "cfa", "c", "gr", "zz"}
			full := 0 // searches that fill their limit: the walk has something to stop at
			// acronyms: how many acronyms starting with the text are read each in name order
			// (PostgreSQL), the others walking the names; 64 as in a command. candidates: from
			// how many candidates the names are walked to keep them (SQLite); 450 as in a
			// command, where the data never has so many.
			for _, walk := range []struct{ names, probe, acronyms, candidates int }{
				{3, 2, 64, 450}, {40, 2, 1, 1}, {100_000, 2, 0, 450}, {3, 1000, 2, 1}, {100_000, 1000, 64, 450}, {100_000, 1000, 64, 1},
			} {
				restore := sqlstore.SetSearchWalk(walk.names, walk.probe)
				restoreAcronyms := sqlstore.SetPrefixAcronyms(walk.acronyms)
				restoreCandidates := sqlstore.SetCandidateWalk(walk.candidates)
				for _, text := range texts {
					for _, q := range []store.StructureQuery{
						{Text: text, Limit: 5}, {Text: text, Limit: 50}, {Text: text},
						{Text: text, Department: "33", Limit: 10}, {Text: text, Kind: domain.KindTrainingOrg, Limit: 10},
					} {
						var got []int64
						err := st.View(ctx, func(tx store.Tx) error {
							found, err := tx.SearchStructures(ctx, q)
							for _, s := range found {
								got = append(got, s.ID)
							}
							return err
						})
						if err != nil {
							t.Fatal(err)
						}
						query, args := searchSQL(st.Dialect(), q, false)
						want, err := runSearch(ctx, st.SQL(), query, args)
						if err != nil {
							t.Fatal(err)
						}
						if q.Limit > 0 && len(want) == q.Limit {
							full++
						}
						if !slices.Equal(got, want) {
							t.Errorf("walk %+v, %s: SearchStructures = %v, want %v", walk, describe(q), got, want)
						}
					}
				}
				restore()
				restoreAcronyms()
				restoreCandidates()
			}
			if full < 60 {
				t.Errorf("only %d searches fill their limit: the data no longer exercises the walk", full)
			}
		})
	}
}

func describe(q store.StructureQuery) string {
	return fmt.Sprintf("%q dept %q kind %q limit %d", q.Text, q.Department, q.Kind, q.Limit)
}
