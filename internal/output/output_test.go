package output

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/profil-cli/profil/internal/iostreams"
)

// agent is shaped like the records commands print: tags with omitempty and
// "-", pointers, times, lists and a nested object.
type agent struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Email     string     `json:"email,omitempty"`
	Phone     *string    `json:"phone"`
	Active    bool       `json:"active"`
	Roles     []string   `json:"roles"`
	Unit      unit       `json:"unit"`
	CreatedAt time.Time  `json:"created_at"`
	DeletedAt *time.Time `json:"deleted_at,omitempty"`
	Secret    string     `json:"-"`
	Note      string
}

type unit struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

func sampleAgents() []agent {
	phone := "05 56 00 00 00"
	return []agent{
		{ID: 1, Name: "Élodie Martin", Email: "elodie@example.gouv.fr", Phone: &phone, Active: true,
			Roles: []string{"agent", "valideur"}, Unit: unit{"DR33", "Bordeaux <Sud> & co"},
			CreatedAt: time.Date(2026, 1, 2, 4, 4, 5, 0, time.FixedZone("CET", 3600)), Secret: "x", Note: "=1+1"},
		{ID: 2, Name: "Bob", Roles: nil, Unit: unit{"DR75", "Paris"}, CreatedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)},
	}
}

func agentColumns() []Column[agent] {
	return []Column[agent]{
		{Header: "Name", Value: func(a agent) string { return a.Name }},
		{Header: "Email", Value: func(a agent) string { return a.Email }},
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    Format
		wantErr string
	}{
		{in: "", want: ""},
		{in: "table", want: Table},
		{in: "json", want: JSON},
		{in: "yaml", want: YAML},
		{in: "csv", want: CSV},
		{in: "xml", wantErr: `--output "xml": must be one of table, json, yaml, csv`},
		{in: "JSON", wantErr: `--output "JSON": must be one of table, json, yaml, csv`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFormat(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseFormat(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestPrintEmpty(t *testing.T) {
	tests := []struct {
		format Format
		items  []agent
		want   string
	}{
		{format: JSON, items: nil, want: "[]\n"},
		{format: JSON, items: []agent{}, want: "[]\n"},
		{format: YAML, items: nil, want: "[]\n"},
		{format: YAML, items: []agent{}, want: "[]\n"},
		{format: Table, items: nil, want: ""},
		{format: "", items: []agent{}, want: ""},
		{format: CSV, items: nil, want: "id,name,email,phone,active,roles,unit,created_at,deleted_at,Note\n"},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			if err := Print(ios, tt.format, tt.items, agentColumns()); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("out = %q, want %q", out.String(), tt.want)
			}
			if errOut.Len() != 0 {
				t.Errorf("unexpected stderr %q", errOut.String())
			}
		})
	}
}

func TestPrintUnknownFormat(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	err := Print(ios, "xml", sampleAgents(), agentColumns())
	if err == nil || !strings.Contains(err.Error(), `--output "xml"`) {
		t.Errorf("Print error = %v", err)
	}
	if err := PrintOne(ios, "xml", sampleAgents()[0], agentColumns()); err == nil {
		t.Error("PrintOne accepted an unknown format")
	}
	if out.Len() != 0 {
		t.Errorf("unexpected output %q", out.String())
	}
}

func TestPrintJSON(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if err := Print(ios, JSON, sampleAgents(), agentColumns()); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"[\n  {\n    \"id\": 1,\n",       // array, two-space indent
		`"label": "Bordeaux <Sud> & co"`, // no HTML escaping
		`"name": "Élodie Martin"`,
		`"roles": null`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("JSON output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Secret") || strings.Contains(got, `"x"`) {
		t.Errorf("JSON output shows a json:\"-\" field:\n%s", got)
	}
}

// TestKeyOrder checks that YAML and CSV follow the JSON field order, the
// promise that lets users switch formats without surprises.
func TestKeyOrder(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if err := PrintOne(ios, JSON, sampleAgents()[0], nil); err != nil {
		t.Fatal(err)
	}
	jsonKeys := topLevelJSONKeys(t, out.Bytes())
	want := []string{"id", "name", "email", "phone", "active", "roles", "unit", "created_at", "Note"}
	if !reflect.DeepEqual(jsonKeys, want) {
		t.Fatalf("JSON keys = %v, want %v", jsonKeys, want)
	}

	out.Reset()
	if err := PrintOne(ios, YAML, sampleAgents()[0], nil); err != nil {
		t.Fatal(err)
	}
	if got := topLevelYAMLKeys(t, out.Bytes()); !reflect.DeepEqual(got, jsonKeys) {
		t.Errorf("YAML keys = %v, want JSON order %v\n%s", got, jsonKeys, out.String())
	}

	// The CSV header has every JSON name, including omitempty ones that the
	// sample leaves out of its JSON.
	out.Reset()
	if err := Print(ios, CSV, sampleAgents(), nil); err != nil {
		t.Fatal(err)
	}
	header := strings.Split(strings.SplitN(out.String(), "\n", 2)[0], ",")
	wantHeader := []string{"id", "name", "email", "phone", "active", "roles", "unit", "created_at", "deleted_at", "Note"}
	if !reflect.DeepEqual(header, wantHeader) {
		t.Errorf("CSV header = %v, want %v", header, wantHeader)
	}
}

func topLevelJSONKeys(t *testing.T, data []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("JSON does not start with an object: %v %v", tok, err)
	}
	var keys []string
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key.(string))
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func topLevelYAMLKeys(t *testing.T, data []byte) []string {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	m := doc.Content[0]
	var keys []string
	for i := 0; i < len(m.Content); i += 2 {
		keys = append(keys, m.Content[i].Value)
	}
	return keys
}

func TestPrintYAML(t *testing.T) {
	type scalars struct {
		Bool  string `json:"bool"`
		Num   string `json:"num"`
		Multi string `json:"multi"`
		List  []int  `json:"list"`
		Empty []int  `json:"empty"`
		Obj   struct {
			A string `json:"a"`
		} `json:"obj"`
	}
	ios, _, out, _ := iostreams.Test()
	item := scalars{Bool: "true", Num: "012", Multi: "l1\nl2", List: []int{1, 2}, Empty: []int{}}
	item.Obj.A = "b"
	if err := PrintOne(ios, YAML, item, nil); err != nil {
		t.Fatal(err)
	}
	want := `bool: "true"
num: "012"
multi: |-
  l1
  l2
list:
  - 1
  - 2
empty: []
obj:
  a: b
`
	if out.String() != want {
		t.Errorf("YAML =\n%s\nwant\n%s", out.String(), want)
	}
	// Strings that look like other types must come back as strings.
	var back map[string]any
	if err := yaml.Unmarshal(out.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back["bool"] != "true" || back["num"] != "012" {
		t.Errorf("round trip changed types: %#v", back)
	}
}

func TestPrintCSV(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if err := Print(ios, CSV, sampleAgents(), nil); err != nil {
		t.Fatal(err)
	}
	want := "id,name,email,phone,active,roles,unit,created_at,deleted_at,Note\n" +
		`1,Élodie Martin,elodie@example.gouv.fr,05 56 00 00 00,true,agent|valideur,"{""code"":""DR33"",""label"":""Bordeaux <Sud> & co""}",2026-01-02T03:04:05Z,,'=1+1` + "\n" +
		`2,Bob,,,false,,"{""code"":""DR75"",""label"":""Paris""}",2026-03-01T00:00:00Z,,` + "\n"
	if out.String() != want {
		t.Errorf("CSV =\n%s\nwant\n%s", out.String(), want)
	}
}

func TestPrintOne(t *testing.T) {
	tests := []struct {
		format Format
		check  func(t *testing.T, out string)
	}{
		{JSON, func(t *testing.T, out string) {
			if !strings.HasPrefix(out, "{\n  \"id\": 1,") {
				t.Errorf("JSON is not a single object:\n%s", out)
			}
		}},
		{YAML, func(t *testing.T, out string) {
			if !strings.HasPrefix(out, "id: 1\nname: Élodie Martin\n") {
				t.Errorf("YAML is not a single mapping:\n%s", out)
			}
		}},
		{CSV, func(t *testing.T, out string) {
			if lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n"); len(lines) != 2 {
				t.Errorf("CSV has %d lines, want header and one row:\n%s", len(lines), out)
			}
		}},
		{Table, func(t *testing.T, out string) {
			want := "Name:   Élodie Martin\nEmail:  elodie@example.gouv.fr\n"
			if out != want {
				t.Errorf("vertical view =\n%q\nwant\n%q", out, want)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			ios, _, out, _ := iostreams.Test()
			if err := PrintOne(ios, tt.format, sampleAgents()[0], agentColumns()); err != nil {
				t.Fatal(err)
			}
			tt.check(t, out.String())
		})
	}
}
