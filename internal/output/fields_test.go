package output

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// level marshals as text, like the enums of the domain package.
type level int

func (l level) MarshalText() ([]byte, error) { return []byte([]string{"low", "high"}[l]), nil }

type Base struct {
	ID   int    `json:"id"`
	Kind string `json:"kind"`
}

type audit struct {
	By string `json:"by"`
}

type tag struct {
	K string `json:"k"`
	V int    `json:"v"`
}

type wide struct {
	Base              // flattened, as in JSON
	*audit            // unexported but embedded: its fields are promoted too
	Kind    string    `json:"kind"` // shallower: shadows Base.Kind
	Named   Base      `json:"named"`
	Int8    int8      `json:"int8"`
	Uint    uint      `json:"uint"`
	Float   float64   `json:"float"`
	Float32 float32   `json:"float32"`
	Neg     int       `json:"neg"`
	Yes     bool      `json:"yes"`
	When    time.Time `json:"when"`
	Never   time.Time `json:"never"`
	PtrNil  *int      `json:"ptr_nil"`
	PtrSet  *int      `json:"ptr_set"`
	Strings []string  `json:"strings"`
	Ints    []int     `json:"ints"`
	Tags    []tag     `json:"tags"`
	Maps    []map[string]int
	Nested  [][]string        `json:"nested"`
	Map     map[string]string `json:"map"`
	Bytes   []byte            `json:"bytes"`
	Level   level             `json:"level"`
	Levels  []level           `json:"levels"`
	Any     any               `json:"any"`
	AnyNil  any               `json:"any_nil"`
	Raw     json.RawMessage   `json:"raw"`
	Skip    string            `json:"-"`
	Opt     string            `json:",omitempty"`
	private string
}

func TestCSVCells(t *testing.T) {
	seven := 7
	item := wide{
		Base:    Base{ID: 3, Kind: "hidden"},
		audit:   &audit{By: "admin"},
		Kind:    "shown",
		Named:   Base{ID: 4, Kind: "k"},
		Int8:    -8,
		Uint:    9,
		Float:   1.5,
		Float32: 0.1,
		Neg:     -5,
		Yes:     true,
		When:    time.Date(2026, 5, 6, 7, 8, 9, 0, time.FixedZone("CEST", 2*3600)),
		PtrSet:  &seven,
		Strings: []string{"a", "b c"},
		Ints:    []int{1, 2},
		Tags:    []tag{{"x", 1}, {"y", 2}},
		Maps:    []map[string]int{{"m": 1}},
		Nested:  [][]string{{"a", "b"}, {"c"}},
		Map:     map[string]string{"b": "2", "a": "1"},
		Bytes:   []byte("hi"),
		Level:   1,
		Levels:  []level{0, 1},
		Any:     []any{"s", 2.5},
		Raw:     json.RawMessage(`{"r":true}`),
		Skip:    "never",
		Opt:     "opt",
		private: "private",
	}
	want := []struct{ name, cell string }{
		{"id", "3"},
		{"by", "admin"},
		{"kind", "shown"},
		{"named", `{"id":4,"kind":"k"}`},
		{"int8", "'-8"},
		{"uint", "9"},
		{"float", "1.5"},
		{"float32", "0.1"},
		{"neg", "'-5"},
		{"yes", "true"},
		{"when", "2026-05-06T05:08:09Z"},
		{"never", ""},
		{"ptr_nil", ""},
		{"ptr_set", "7"},
		{"strings", "a|b c"},
		{"ints", "1|2"},
		{"tags", `{"k":"x","v":1}|{"k":"y","v":2}`},
		{"Maps", `{"m":1}`},
		{"nested", `["a","b"]|["c"]`},
		{"map", `{"a":"1","b":"2"}`},
		{"bytes", "aGk="},
		{"level", "high"},
		{"levels", "low|high"},
		{"any", "s|2.5"},
		{"any_nil", ""},
		{"raw", `{"r":true}`},
		{"Opt", "opt"},
	}

	var buf bytes.Buffer
	if err := WriteCSV(&buf, CSVOptions{}, []wide{item}); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("output is not valid CSV: %v\n%s", err, buf.String())
	}
	if len(records) != 2 {
		t.Fatalf("got %d records, want 2", len(records))
	}
	header, row := records[0], records[1]
	if len(header) != len(want) {
		t.Fatalf("header = %v\nwant %d columns", header, len(want))
	}
	for i, w := range want {
		t.Run(w.name, func(t *testing.T) {
			if header[i] != w.name {
				t.Errorf("column %d is %q, want %q", i, header[i], w.name)
			}
			if row[i] != w.cell {
				t.Errorf("cell = %q, want %q", row[i], w.cell)
			}
		})
	}

	// Every JSON key of the item is a column, in the same order.
	js, _ := json.Marshal(item)
	if keys := topLevelJSONKeys(t, js); !reflect.DeepEqual(keys, header) {
		t.Errorf("CSV header %v\ndiffers from JSON keys %v", header, keys)
	}
}

func TestCSVPointerItems(t *testing.T) {
	type row struct {
		A string `json:"a"`
		B *int   `json:"b"`
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, CSVOptions{Excel: true}, []*row{{A: "Élodie"}, nil}); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "\xEF\xBB\xBFa;b\r\nÉlodie;\r\n;\r\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCSVNilEmbeddedPointer(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, CSVOptions{}, []wide{{Kind: "k"}}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(strings.Split(buf.String(), "\n")[1], "0,,k,") {
		t.Errorf("nil embedded pointer should give an empty cell:\n%s", buf.String())
	}
}

func TestCSVRejectsNonStructs(t *testing.T) {
	tests := []struct {
		name  string
		write func() error
	}{
		{"strings", func() error { return WriteCSV(&bytes.Buffer{}, CSVOptions{}, []string{"a"}) }},
		{"maps", func() error { return WriteCSV(&bytes.Buffer{}, CSVOptions{}, []map[string]int{{"a": 1}}) }},
		{"times", func() error { return WriteCSV(&bytes.Buffer{}, CSVOptions{}, []time.Time{{}}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.write(); err == nil || !strings.Contains(err.Error(), "csv output needs a list of structs") {
				t.Errorf("error = %v", err)
			}
		})
	}
}

func TestCSVAmbiguousFieldsDropped(t *testing.T) {
	type A struct{ Name string }
	type B struct{ Name string }
	type both struct {
		A
		B
		ID int `json:"id"`
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, CSVOptions{}, []both{{ID: 1}}); err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(both{ID: 1})
	if got, want := buf.String(), "id\n1\n"; got != want {
		t.Errorf("got %q, want %q (JSON is %s)", got, want, js)
	}
}
