package cli_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/view"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/testdb"
)

// searchNames runs `structure search … -o json` (or list when query is nil) and returns the
// names found, in order.
func searchNames(t *testing.T, env clitest.Env, args ...string) []string {
	t.Helper()
	r := clitest.Must(t, env, append(args, "-o", "json")...)
	var found []struct {
		Name       string   `json:"name"`
		Department string   `json:"department"`
		Kinds      []string `json:"kinds"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &found); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, r)
	}
	names := make([]string, len(found))
	for i, s := range found {
		names[i] = s.Name
	}
	return names
}

const (
	capMetiers  = "Cap Métiers Nouvelle-Aquitaine"
	afpa        = "AFPA Bordeaux Bègles"
	chu         = "Centre Hospitalier Universitaire de Bordeaux"
	greta       = "GRETA Sud Aquitaine"
	missionLoc  = "Mission Locale de Limoges"
	franceTrav  = "France Travail Poitiers Couronneries"
	cma19       = "Chambre de Métiers et de l'Artisanat de la Corrèze"
	oepp        = "Œuvre d'Éducation Populaire du Périgord"
	ministere   = "Ministère du Travail, du Plein emploi et de l'Insertion"
	compagnons  = "Association Les Compagnons du Devoir d'Ajaccio"
	capSIREN    = "18330001"
	capNIC      = "0001"
	afpaSIREN   = "82422814"
	afpaNIC     = "0107"
	unknownText = "boulangerie"
)

func TestStructureSearch(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		env := demoEnv(t, dsn)
		capSIRET := domain.MakeSIRET(capSIREN, capNIC)
		afpaSIRET := domain.MakeSIRET(afpaSIREN, afpaNIC)

		tests := []struct {
			name  string
			args  []string
			want  []string // exact result, in order
			first string   // or: this comes first and all of contains are there
			has   []string
		}{
			{name: "accents and case do not matter", args: []string{"cap metiers"}, first: capMetiers},
			{name: "upper case with accents", args: []string{"CAP MÉTIERS"}, first: capMetiers},
			{name: "words in any order", args: []string{"metiers", "cap"}, first: capMetiers},
			{name: "one word", args: []string{"greta"}, want: []string{greta}},
			{name: "structure without SIRET", args: []string{"ministere", "travail"}, want: []string{ministere}},
			{name: "acronym", args: []string{"cmna"}, want: []string{capMetiers}},
			{name: "accent-free city name in a structure name", args: []string{"begles"}, want: []string{afpa}},
			{name: "œ ligature typed as oe", args: []string{"oeuvre perigord"}, want: []string{oepp}},
			{name: "substring of a word", args: []string{"hospital"}, want: []string{chu}},
			{name: "one word in several names", args: []string{"metiers"}, has: []string{capMetiers, cma19}},
			{name: "SIRET typed with spaces", args: []string{view.FormatSIRET(capSIRET)}, want: []string{capMetiers}},
			{name: "SIRET as one word", args: []string{afpaSIRET}, want: []string{afpa}},
			{name: "SIREN with spaces", args: []string{capSIREN[:3] + " " + capSIREN[3:6] + " " + capSIREN[6:] + capSIRET[8:9]}, want: []string{capMetiers}},
			{name: "nothing matches", args: []string{unknownText}, want: []string{}},
			{name: "department 33", args: []string{"", "--department", "33"}, want: []string{afpa, capMetiers, chu}},
			{name: "Corsican department", args: []string{"", "--department", "2a"}, want: []string{compagnons}},
			{name: "kind prescriber", args: []string{"", "--kind", "prescriber"}, want: []string{cma19, franceTrav, missionLoc}},
			{name: "kind in French", args: []string{"", "--kind", "prescripteur"}, want: []string{cma19, franceTrav, missionLoc}},
			{name: "text and department", args: []string{"bordeaux", "--department", "33"}, want: []string{afpa, chu}},
			{name: "department and kind", args: []string{"", "--department", "87", "--kind", "prescriber"}, want: []string{missionLoc}},
			{name: "kind excludes", args: []string{"cap metiers", "--kind", "training-org"}, want: []string{}},
			{name: "limit", args: []string{"", "--kind", "training-org", "--limit", "2"}, want: []string{afpa, compagnons}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got []string
				if tt.args[0] == "" {
					got = searchNames(t, env, append([]string{"structure", "list"}, tt.args[1:]...)...)
				} else {
					got = searchNames(t, env, append([]string{"structure", "search"}, tt.args...)...)
				}
				switch {
				case tt.want != nil:
					if !slices.Equal(got, tt.want) {
						t.Errorf("found %q, want %q", got, tt.want)
					}
				case tt.first != "":
					if len(got) == 0 || got[0] != tt.first {
						t.Errorf("found %q, want %q first", got, tt.first)
					}
				}
				for _, h := range tt.has {
					if !slices.Contains(got, h) {
						t.Errorf("found %q, want it to contain %q", got, h)
					}
				}
			})
		}

		// The table, as people read it: the name, the SIRET grouped by 3.
		term := env
		term.Width = 200
		r := clitest.Must(t, term, "structure", "search", "cap metiers")
		if !strings.Contains(r.Stdout, capMetiers) || !strings.Contains(r.Stdout, view.FormatSIRET(capSIRET)) {
			t.Errorf("search table:\n%s", r)
		}
		// -q prints ids only, one per line.
		r = clitest.Must(t, env, "-q", "structure", "search", "--department", "33", "bordeaux")
		if r.Stdout != "2\n6\n" {
			t.Errorf("-q search = %q, want the ids of AFPA and the CHU", r.Stdout)
		}
		// The structures alias and a filter value that is not a kind.
		clitest.Must(t, env, "structures", "search", "greta")
		clitest.Run(t, env, "structure", "search", "greta", "--kind", "bakery").Want(t, 6)
	})
}
