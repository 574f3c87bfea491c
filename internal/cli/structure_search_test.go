package cli_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/present"
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
			{name: "SIRET typed with spaces", args: []string{present.FormatSIRET(capSIRET)}, want: []string{capMetiers}},
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
		if !strings.Contains(r.Stdout, capMetiers) || !strings.Contains(r.Stdout, present.FormatSIRET(capSIRET)) {
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

// Anyone may look for the structure to register in, signed in or not, and sees only its public
// fields: never its address, APE, adhesion, référent or members.
func TestAnonymousStructureSearchShowsPublicFields(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		env := demoEnv(t, dsn)
		clitest.Must(t, env, "logout")
		r := clitest.Must(t, env, "structure", "search", "afpa", "-o", "json")
		var found []map[string]any
		if err := json.Unmarshal([]byte(r.Stdout), &found); err != nil || len(found) != 1 {
			t.Fatalf("anonymous search afpa: %v\n%s", err, r)
		}
		st := found[0]
		if st["name"] != afpa || st["city"] != "Bègles" || st["department"] != "33" || st["siret"] != domain.MakeSIRET(afpaSIREN, afpaNIC) {
			t.Errorf("anonymous search lacks public fields: %v", st)
		}
		for _, private := range []string{"referent_email", "address", "ape", "postal_code"} {
			if st[private] != "" {
				t.Errorf("anonymous search shows %s: %v", private, st[private])
			}
		}
		if strings.Contains(r.Stdout, "anne.martin") {
			t.Errorf("anonymous search shows the référente:\n%s", r)
		}
		r = clitest.Must(t, env, "structure", "show", "824 228 142")
		if !strings.Contains(r.Stdout, afpa) || !strings.Contains(r.Stdout, "Bègles") || strings.Contains(r.Stdout, "anne.martin") ||
			strings.Contains(r.Stdout, "Mendès") || strings.Contains(r.Stdout, "Address") || strings.Contains(r.Stdout, "Référent") {
			t.Errorf("anonymous show by SIREN: want the public fields only:\n%s", r)
		}
		if r := clitest.Must(t, env, "structure", "search", "afpa"); !strings.Contains(r.Stdout, afpa) || strings.Contains(r.Stdout, "RÉFÉRENT") {
			t.Errorf("anonymous search, the table: no référent column:\n%s", r)
		}
		if names := searchNames(t, env, "structure", "list"); len(names) != 10 {
			t.Errorf("anonymous list: %d structures, want the 10 of the demo", len(names))
		}
		clitest.Run(t, env, "structure", "members", "824 228 142").Want(t, 4)
		clitest.Run(t, env, "user", "list", "--structure", "824 228 142").Want(t, 4)
		// What search shows is what register takes: the SIRET, the SIREN or the id.
		r = clitest.Must(t, env, "user", "register", "--email", "nouvelle@afpa-demo.fr", "--last-name", "Nouvelle",
			"--first-name", "Inès", "--structure", "824 228 142")
		if !strings.Contains(r.Stderr, afpa) {
			t.Errorf("register with the SIREN search shows:\n%s", r)
		}
	})
}

// A 9-digit argument where a structure is expected is a SIREN: the company's one establishment,
// or the list to choose from (exit 5), in English and in French.
func TestStructureArgumentSIREN(t *testing.T) {
	env := demoEnv(t, testdb.SQLite(t))
	r := clitest.Must(t, env, "structure", "show", "824228142", "-o", "json")
	if !strings.Contains(r.Stdout, `"name": "`+afpa+`"`) {
		t.Errorf("show SIREN: want AFPA:\n%s", r)
	}
	second := domain.MakeSIRET(afpaSIREN, "0200")
	clitest.Must(t, env, "structure", "create", "--siret", second, "--name", "AFPA Pessac", "--address", "1 avenue de Canéjan",
		"--postal-code", "33600", "--city", "Pessac")
	for _, tt := range []struct{ lang, want string }{
		{"C", "the SIREN 824 228 142 has 2 establishments, give the SIRET of one: 824 228 142 01072 AFPA Bordeaux Bègles; " + present.FormatSIRET(second) + " AFPA Pessac"},
		{"fr_FR.UTF-8", "le SIREN 824 228 142 a 2 établissements, donnez le SIRET de l'un d'eux : 824 228 142 01072 AFPA Bordeaux Bègles"},
	} {
		t.Setenv("LANG", tt.lang)
		for _, args := range [][]string{
			{"structure", "show", "824228142"},
			{"structure", "members", "824 228 142"},
			{"export", "users", "--structure", "824228142"},
		} {
			r = clitest.Run(t, env, args...).Want(t, 5)
			if !strings.Contains(r.Stderr, frenchSpaces.Replace(tt.want)) {
				t.Errorf("%s %v: want %q\n%s", tt.lang, args, tt.want, r)
			}
		}
	}
	t.Setenv("LANG", "C")
	if r = clitest.Run(t, env, "structure", "show", "123456782").Want(t, 3); !strings.Contains(r.Stderr, "no structure has the SIREN 123 456 782") {
		t.Errorf("unknown SIREN:\n%s", r)
	}
	clitest.Run(t, env, "structure", "show", "824228143").Want(t, 6) // a typo: the Luhn key does not match
	if r = clitest.Run(t, env, "structure", "show", "#824228142").Want(t, 3); !strings.Contains(r.Stderr, "#824228142") {
		t.Errorf("#id stays an id:\n%s", r)
	}
}

// A structure may be named by its name or acronym, accents and case aside; a name several
// structures share lists them (exit 5), a name none has is not found (exit 3). English, French.
func TestStructureArgumentName(t *testing.T) {
	env := demoEnv(t, testdb.SQLite(t))
	for _, ref := range []string{"afpa bordeaux begles", "AFPA BORDEAUX BÈGLES", "afpa"} {
		if r := clitest.Must(t, env, "structure", "show", ref, "-o", "json"); !strings.Contains(r.Stdout, `"name": "`+afpa+`"`) {
			t.Errorf("show %q: want AFPA:\n%s", ref, r)
		}
	}
	clitest.Must(t, env, "structure", "create", "--name", "GRETA Sud Aquitaine", "--address", "1 rue de Pau", "--postal-code", "64000", "--city", "Pau")
	for _, tt := range []struct{ lang, several, none string }{
		{"C", `2 structures are named "greta sud aquitaine", give the SIRET or the id of one: 196 400 014 00268 GRETA Sud Aquitaine (Bayonne); #11 GRETA Sud Aquitaine (Pau)`,
			`no structure is named "lycée inconnu" (see ` + "`profil structure search \"lycée inconnu\"`)"},
		{"fr_FR.UTF-8", `2 structures s'appellent "greta sud aquitaine", donnez le SIRET ou le numéro de l'une d'elles`,
			`aucune structure ne s'appelle "lycée inconnu"`},
	} {
		t.Setenv("LANG", tt.lang)
		if r := clitest.Run(t, env, "structure", "members", "greta sud aquitaine").Want(t, 5); !strings.Contains(r.Stderr, frenchSpaces.Replace(tt.several)) {
			t.Errorf("%s: a shared name, want %q:\n%s", tt.lang, tt.several, r)
		}
		if r := clitest.Run(t, env, "structure", "show", "lycée inconnu").Want(t, 3); !strings.Contains(r.Stderr, frenchSpaces.Replace(tt.none)) {
			t.Errorf("%s: an unknown name, want %q:\n%s", tt.lang, tt.none, r)
		}
	}
}
