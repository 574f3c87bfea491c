package output

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/profil-cli/profil/internal/iostreams"
)

type request struct {
	ID     string
	Agent  string
	Status string
	Reason string
}

func requestColumns() []Column[request] {
	return []Column[request]{
		{Header: "id", Value: func(r request) string { return r.ID }},
		{Header: "agent", Value: func(r request) string { return r.Agent }},
		{Header: "status", Value: func(r request) string { return r.Status },
			Color: func(r request) text.Colors {
				if r.Status == "rejected" {
					return text.Colors{text.FgRed}
				}
				return nil
			}},
		{Header: "reason", Value: func(r request) string { return r.Reason }},
	}
}

func sampleRequests() []request {
	return []request{
		{"R-1", "Élodie Martin", "rejected", "Le profil demandé n'existe plus dans le catalogue de la direction régionale"},
		{"R-22", "Bob", "approved", "ok"},
	}
}

func TestTable(t *testing.T) {
	tests := []struct {
		name  string
		width int
		want  string
	}{
		{name: "fits", width: 200, want: "" +
			"ID    AGENT          STATUS    REASON\n" +
			"R-1   Élodie Martin  rejected  Le profil demandé n'existe plus dans le catalogue de la direction régionale\n" +
			"R-22  Bob            approved  ok\n"},
		{name: "widest column truncated", width: 60, want: "" +
			"ID    AGENT          STATUS    REASON\n" +
			"R-1   Élodie Martin  rejected  Le profil demandé n'existe p…\n" +
			"R-22  Bob            approved  ok\n"},
		{name: "two columns truncated", width: 40, want: "" +
			"ID    AGENT        STATUS    REASON\n" +
			"R-1   Élodie Mar…  rejected  Le profil …\n" +
			"R-22  Bob          approved  ok\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, _ := iostreams.Test()
			ios.SetTerminalWidth(tt.width)
			if err := Print(ios, Table, sampleRequests(), requestColumns()); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", out.String(), tt.want)
			}
			for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
				if w := text.StringWidthWithoutEscSequences(line); w > tt.width {
					t.Errorf("line is %d wide, more than %d: %q", w, tt.width, line)
				}
			}
		})
	}
}

func TestTableColor(t *testing.T) {
	tests := []struct {
		name    string
		color   bool
		wantESC bool
	}{
		{name: "colour disabled", color: false, wantESC: false},
		{name: "colour enabled", color: true, wantESC: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, _ := iostreams.Test()
			ios.SetColorEnabled(tt.color)
			ios.SetTerminalWidth(60)
			if err := Print(ios, Table, sampleRequests(), requestColumns()); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(out.String(), "\x1b"); got != tt.wantESC {
				t.Errorf("contains ESC = %v, want %v:\n%q", got, tt.wantESC, out.String())
			}
			if tt.color && !strings.Contains(out.String(), text.Colors{text.FgRed}.EscapeSeq()+"rejected") {
				t.Errorf("rejected status is not red:\n%q", out.String())
			}
			if plain := text.StripEscape(out.String()); !strings.Contains(plain, "Le profil demandé n'existe p…\n") {
				t.Errorf("colour changed the layout:\n%s", plain)
			}
		})
	}
}

func TestTableSanitizesCells(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	items := []request{{ID: "1", Agent: "evil\x1b[31m\nname\ttab\u202egpj.exe", Status: "ok", Reason: "r"}}
	if err := Print(ios, Table, items, requestColumns()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "\x1b") {
		t.Errorf("escape sequence from data reached the terminal: %q", out.String())
	}
	if strings.Contains(out.String(), "\u202e") {
		t.Errorf("bidi override from data reached the terminal: %q", out.String())
	}
	if !strings.Contains(out.String(), `evil\x1b[31m name tab\u202egpj.exe`) {
		t.Errorf("cell not kept on one line: %q", out.String())
	}
}

func TestTableNeedsColumns(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	if err := Print(ios, Table, sampleRequests(), nil); err == nil {
		t.Error("Print with no columns should fail")
	}
	if err := PrintOne(ios, Table, sampleRequests()[0], nil); err == nil {
		t.Error("PrintOne with no columns should fail")
	}
}

func TestVerticalWraps(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	ios.SetTerminalWidth(40)
	if err := PrintOne(ios, Table, sampleRequests()[0], requestColumns()); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"id:      R-1\n" +
		"agent:   Élodie Martin\n" +
		"status:  rejected\n" +
		"reason:  Le profil demandé n'existe plus\n" +
		"         dans le catalogue de la\n" +
		"         direction régionale\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestFitWidths(t *testing.T) {
	tests := []struct {
		name   string
		widths []int
		total  int
		want   []int
	}{
		{name: "fits", widths: []int{5, 10, 20}, total: 100, want: []int{5, 10, 20}},
		{name: "exact fit", widths: []int{5, 10, 20}, total: 39, want: []int{5, 10, 20}},
		{name: "only widest shrinks", widths: []int{5, 10, 50}, total: 40, want: []int{5, 10, 21}},
		{name: "two widest share", widths: []int{5, 30, 50}, total: 40, want: []int{5, 16, 15}},
		{name: "spare goes left first", widths: []int{30, 30, 30}, total: 35, want: []int{11, 10, 10}},
		{name: "never below minimum", widths: []int{30, 30, 30}, total: 10, want: []int{5, 5, 5}},
		{name: "narrow columns untouched at minimum", widths: []int{2, 30}, total: 5, want: []int{2, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fitWidths(tt.widths, tt.total, 2); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fitWidths(%v, %d) = %v, want %v", tt.widths, tt.total, got, tt.want)
			}
		})
	}
}

func TestTableKeepsIdentifiers(t *testing.T) {
	type row struct{ siret, name string }
	ios, _, out, _ := iostreams.Test()
	ios.SetTerminalWidth(40)
	items := []row{{"732 829 320 00074", "Centre Hospitalier Universitaire de Bordeaux"}}
	cols := []Column[row]{
		{Header: "SIRET", Value: func(r row) string { return r.siret }, Keep: true},
		{Header: "NAME", Value: func(r row) string { return r.name }},
	}
	if err := Print(ios, Table, items, cols); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if !strings.Contains(lines[1], "732 829 320 00074") {
		t.Errorf("the kept SIRET was cut:\n%s", out.String())
	}
	if !strings.Contains(lines[1], "…") || utf8.RuneCountInString(lines[1]) > 40 {
		t.Errorf("the name should shrink to fit 40 columns:\n%s", out.String())
	}
}

// A table wider than the terminal first leaves out its optional columns; a kept and wrapped
// column breaks only between words, so an e-mail or a profile code is never cut.
func TestTableDropsOptionalAndWrapsWholeWords(t *testing.T) {
	type row struct{ email, note, rights string }
	items := []row{{"marie.dupont@horizons-emploi.fr", "a note nobody needs on a narrow screen", "rafael.of-general, parcourspro.employer, parcourspro.beneficiary"}}
	cols := []Column[row]{
		{Header: "E-MAIL", Value: func(r row) string { return r.email }, Keep: true},
		{Header: "NOTE", Value: func(r row) string { return r.note }, Optional: true},
		{Header: "RIGHTS", Value: func(r row) string { return r.rights }, Keep: true, Wrap: true},
	}
	ios, _, out, _ := iostreams.Test()
	ios.SetTerminalWidth(70)
	if err := Print(ios, Table, items, cols); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.Contains(got, "NOTE") || strings.Contains(got, "…") {
		t.Errorf("the optional column should go and nothing be cut:\n%s", got)
	}
	for _, word := range []string{"marie.dupont@horizons-emploi.fr", "rafael.of-general,", "parcourspro.employer,", "parcourspro.beneficiary"} {
		if !strings.Contains(got, word) {
			t.Errorf("%q was broken:\n%s", word, got)
		}
	}
	for _, line := range strings.Split(strings.TrimRight(got, "\n"), "\n") {
		if w := text.StringWidthWithoutEscSequences(line); w > 70 {
			t.Errorf("line %d wide on 70 columns: %q", w, line)
		}
	}
	// With room, the optional column is shown and nothing wraps.
	ios, _, out, _ = iostreams.Test()
	ios.SetTerminalWidth(200)
	if err := Print(ios, Table, items, cols); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n"); len(lines) != 2 || !strings.Contains(lines[0], "NOTE") {
		t.Errorf("on 200 columns:\n%s", out.String())
	}
}
