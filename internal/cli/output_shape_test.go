package cli_test

import (
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/testdb"
)

// structureFields are the fields every structure object has (cli.md, "Shapes of JSON objects").
var structureFields = []string{
	"id", "siret", "name", "acronym", "ape", "address", "postal_code", "city", "department",
	"kinds", "ministry", "adhesion_year", "referent_email",
}

// demoEnv is a database filled by `profil demo`, signed in, with a stopped clock.
func demoEnv(t *testing.T, dsn string) clitest.Env {
	t.Helper()
	env := clitest.NewEnv(t)
	env.DB = dsn
	env.Now = clitest.FixedNow
	clitest.Demo(t, env)
	return env
}

func checkStructureObject(t *testing.T, obj map[string]any) {
	t.Helper()
	for _, f := range structureFields {
		if _, ok := obj[f]; !ok {
			t.Errorf("structure object lacks %q: %v", f, obj)
		}
	}
	if _, ok := obj["kinds"].([]any); !ok {
		t.Errorf("kinds is %T, want a list: %v", obj["kinds"], obj["kinds"])
	}
	if _, ok := obj["ministry"].(bool); !ok {
		t.Errorf("ministry is %T, want a boolean", obj["ministry"])
	}
	for _, f := range []string{"siret", "name", "acronym", "ape", "address", "postal_code", "city", "department", "referent_email"} {
		if _, ok := obj[f].(string); !ok {
			t.Errorf("%s is %T, want a string", f, obj[f])
		}
	}
}

func TestStructureJSONShape(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		env := demoEnv(t, dsn)
		capSIRET := domain.MakeSIRET("18330001", "0001")

		// show: one object, the contract's fields, the demo's values.
		r := clitest.Must(t, env, "structure", "show", capSIRET, "-o", "json")
		var one map[string]any
		if err := json.Unmarshal([]byte(r.Stdout), &one); err != nil {
			t.Fatalf("show -o json is not one JSON object: %v\n%s", err, r)
		}
		checkStructureObject(t, one)
		want := map[string]any{
			"siret": capSIRET, "name": "Cap Métiers Nouvelle-Aquitaine", "acronym": "CMNA", "ape": "84.13Z",
			"address": "102 avenue de Canéjan", "postal_code": "33600", "city": "Pessac", "department": "33",
			"ministry": false, "adhesion_year": float64(2026), "referent_email": "",
		}
		for k, v := range want {
			if one[k] != v {
				t.Errorf("%s = %#v, want %#v", k, one[k], v)
			}
		}
		if k, _ := one["kinds"].([]any); len(k) != 1 || k[0] != "employer" {
			t.Errorf("kinds = %v, want [employer]", one["kinds"])
		}

		// A structure without SIRET nor adhesion: empty string and null, not missing.
		r = clitest.Must(t, env, "structure", "search", "ministere travail", "-o", "json")
		var list []map[string]any
		if err := json.Unmarshal([]byte(r.Stdout), &list); err != nil || len(list) != 1 {
			t.Fatalf("search -o json: %v, %d results\n%s", err, len(list), r)
		}
		checkStructureObject(t, list[0])
		if list[0]["siret"] != "" || list[0]["adhesion_year"] != nil || list[0]["ministry"] != true || list[0]["department"] != "75" {
			t.Errorf("the ministry reads back as %v", list[0])
		}
		if k, _ := list[0]["kinds"].([]any); k == nil || len(k) != 0 {
			t.Errorf("no kinds should be [], got %#v", list[0]["kinds"])
		}

		// search prints a list, every item complete.
		r = clitest.Must(t, env, "structure", "search", "bordeaux", "-o", "json")
		if err := json.Unmarshal([]byte(r.Stdout), &list); err != nil || len(list) < 2 {
			t.Fatalf("search bordeaux -o json: %v\n%s", err, r)
		}
		for _, o := range list {
			checkStructureObject(t, o)
		}

		// No result: an empty JSON array, exit 0; an empty YAML list; a CSV header only;
		// a table prints nothing on stdout and a hint on stderr.
		r = clitest.Must(t, env, "structure", "search", "zzzzzz", "-o", "json")
		if r.Stdout != "[]\n" {
			t.Errorf("search with no result -o json = %q, want \"[]\\n\"", r.Stdout)
		}
		r = clitest.Must(t, env, "structure", "search", "zzzzzz", "-o", "yaml")
		if r.Stdout != "[]\n" {
			t.Errorf("search with no result -o yaml = %q, want \"[]\\n\"", r.Stdout)
		}
		r = clitest.Must(t, env, "structure", "search", "zzzzzz", "-o", "csv")
		if lines := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "id,siret,name") {
			t.Errorf("search with no result -o csv = %q, want the header alone", r.Stdout)
		}
		r = clitest.Must(t, env, "structure", "search", "zzzzzz")
		if r.Stdout != "" || !strings.Contains(r.Stderr, "no structure") {
			t.Errorf("search with no result in a table: stdout %q, stderr %q", r.Stdout, r.Stderr)
		}
	})
}

// YAML and CSV carry the same fields as JSON, under the same names.
func TestStructureYAMLAndCSV(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		env := demoEnv(t, dsn)
		afpa := domain.MakeSIRET("82422814", "0107")

		var fromJSON, fromYAML map[string]any
		r := clitest.Must(t, env, "structure", "show", afpa, "-o", "json")
		if err := json.Unmarshal([]byte(r.Stdout), &fromJSON); err != nil {
			t.Fatal(err)
		}
		r = clitest.Must(t, env, "structure", "show", afpa, "-o", "yaml")
		if err := yaml.Unmarshal([]byte(r.Stdout), &fromYAML); err != nil {
			t.Fatalf("show -o yaml: %v\n%s", err, r)
		}
		for _, f := range structureFields {
			if _, ok := fromYAML[f]; !ok {
				t.Errorf("yaml lacks %q:\n%s", f, r.Stdout)
			}
		}
		for _, f := range []string{"siret", "name", "postal_code", "department", "ape"} {
			if fromYAML[f] != fromJSON[f] {
				t.Errorf("yaml %s = %#v (%T), json %#v: a SIRET or postal code must stay a string", f, fromYAML[f], fromYAML[f], fromJSON[f])
			}
		}
		if y, _ := fromYAML["kinds"].([]any); len(y) != 2 || y[0] != "training-org" || y[1] != "employer" {
			t.Errorf("yaml kinds = %v", fromYAML["kinds"])
		}
		if fromYAML["adhesion_year"] != 2026 {
			t.Errorf("yaml adhesion_year = %#v", fromYAML["adhesion_year"])
		}

		// CSV: the JSON names as header, one row per structure, kinds joined with "|".
		r = clitest.Must(t, env, "structure", "list", "-o", "csv")
		records, err := csv.NewReader(strings.NewReader(r.Stdout)).ReadAll()
		if err != nil {
			t.Fatalf("list -o csv does not parse: %v\n%s", err, r.Stdout)
		}
		header := records[0]
		for _, f := range structureFields {
			if !slices.Contains(header, f) {
				t.Errorf("csv header lacks %q: %v", f, header)
			}
		}
		if len(records) != 1+10 {
			t.Errorf("csv has %d data rows, want the 10 demo structures", len(records)-1)
		}
		col := func(name string) int { return slices.Index(header, name) }
		found := false
		for _, rec := range records[1:] {
			if rec[col("siret")] == afpa {
				found = true
				if rec[col("kinds")] != "training-org|employer" {
					t.Errorf("csv kinds = %q, want training-org|employer", rec[col("kinds")])
				}
				if rec[col("name")] != "AFPA Bordeaux Bègles" || rec[col("postal_code")] != "33130" || rec[col("adhesion_year")] != "2026" {
					t.Errorf("csv row = %v", rec)
				}
			}
		}
		if !found {
			t.Errorf("AFPA (SIRET %s) missing from the csv:\n%s", afpa, r.Stdout)
		}
		// The JSON of the same list has the same keys, in the same order, as the CSV header.
		r = clitest.Must(t, env, "structure", "show", afpa, "-o", "csv")
		rows, err := csv.NewReader(strings.NewReader(r.Stdout)).ReadAll()
		if err != nil || len(rows) != 2 {
			t.Fatalf("show -o csv: %v\n%s", err, r.Stdout)
		}
		if !slices.Equal(rows[0], header) {
			t.Errorf("show -o csv header %v differs from list -o csv header %v", rows[0], header)
		}
	})
}

// Golden files: what people and scripts see after `profil demo`, with a stopped clock, byte for
// byte, identical on every engine. UPDATE_GOLDEN=1 rewrites them.
func TestStructureGolden(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		env := demoEnv(t, dsn)
		r := clitest.Must(t, env, "structure", "show", "1", "-o", "json")
		clitest.Golden(t, "structure_show_1.json", []byte(r.Stdout))
		r = clitest.Must(t, env, "structure", "show", "1")
		clitest.Golden(t, "structure_show_1.txt", []byte(r.Stdout))
		// On a 100-column terminal, long cells are cut to fit.
		term := env
		term.StdoutTTY, term.Width = true, 100
		r = clitest.Must(t, term, "structure", "list")
		clitest.Golden(t, "structure_list.txt", []byte(r.Stdout))
		// Piped (as Main sets it up): nothing is cut, so grep finds whole names.
		piped := env
		piped.Width = 1 << 16
		r = clitest.Must(t, piped, "structure", "list")
		clitest.Golden(t, "structure_list_piped.txt", []byte(r.Stdout))
	})
}
