package output

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/profil-cli/profil/internal/iostreams"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, want, line string }{
		{"Jeanne Durand", "Jeanne Durand", "Jeanne Durand"},
		{"Élodie Lefèvre-Gaël", "Élodie Lefèvre-Gaël", "Élodie Lefèvre-Gaël"},
		{"evil\x1b[2J", `evil\x1b[2J`, `evil\x1b[2J`},
		{"title\x1b]0;pwned\x07", `title\x1b]0;pwned\x07`, `title\x1b]0;pwned\x07`},
		{"\u202egpj.exe", `\u202egpj.exe`, `\u202egpj.exe`},
		{"a\u2066b\u2069c\u202ad", `a\u2066b\u2069c\u202ad`, `a\u2066b\u2069c\u202ad`},
		{"c1\u009bm", `c1\x9bm`, `c1\x9bm`},
		{"del\x7f", `del\x7f`, `del\x7f`},
		{"nul\x00", `nul\x00`, `nul\x00`},
		{"bad\xffbyte", `bad\xffbyte`, `bad\xffbyte`},
		{"two\nlines\tand tab", "two\nlines\tand tab", `two\nlines\tand tab`},
		{"cr\r", `cr\x0d`, `cr\x0d`},
		{"zero width joiner \u200d and nbsp \u00a0 stay", "zero width joiner \u200d and nbsp \u00a0 stay", "zero width joiner \u200d and nbsp \u00a0 stay"},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := EscapeLine(tt.in); got != tt.line {
			t.Errorf("EscapeLine(%q) = %q, want %q", tt.in, got, tt.line)
		}
	}
}

func TestEscapeArgsKeepsErrorsAndOtherValues(t *testing.T) {
	base := errors.New("name \x1b[31m")
	args := EscapeArgs([]any{"\u202eabc", base, 42, "plain"})
	msg := fmt.Sprintf("%s %v %d %s", args...)
	if msg != `\u202eabc name \x1b[31m 42 plain` {
		t.Errorf("escaped message = %q", msg)
	}
	if err, ok := args[1].(error); !ok || !errors.Is(err, base) {
		t.Errorf("an escaped error no longer unwraps to the original: %#v", args[1])
	}
}

func TestVerticalEscapesValues(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	item := request{ID: "1", Agent: "Jeanne\x1b]0;owned\x07 \u202eDurand", Status: "ok", Reason: "line one\nline two"}
	if err := PrintOne(ios, Table, item, requestColumns()); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.ContainsAny(got, "\x1b\x07\u202e") {
		t.Errorf("a card printed a control character raw: %q", got)
	}
	if !strings.Contains(got, `Jeanne\x1b]0;owned\x07 \u202eDurand`) {
		t.Errorf("the card does not show the control characters visibly: %q", got)
	}
}

func TestCSVNeverCarriesRawControls(t *testing.T) {
	var buf strings.Builder
	w := NewCSVWriter(&buf, CSVOptions{})
	_ = w.Write([]string{"Élodie\x1b[31m", "\u202egpj.exe", "deux\nlignes", "Gaël"})
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "Élodie\\x1b[31m,\\u202egpj.exe,\"deux\nlignes\",Gaël\n"
	if buf.String() != want {
		t.Errorf("csv = %q, want %q", buf.String(), want)
	}
}

func TestJSONAndYAMLEscapeControls(t *testing.T) {
	for _, f := range []Format{JSON, YAML} {
		ios, _, out, _ := iostreams.Test()
		items := []request{{ID: "1", Agent: "Jeanne\x1b[2J \u202eDurand \u009b del\x7f", Status: "ok", Reason: "r"}}
		if err := Print(ios, f, items, requestColumns()); err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(out.String(), "\x1b\u202e\u009b\x7f") {
			t.Errorf("%s printed a control character raw: %q", f, out.String())
		}
	}
}

func TestYAMLRoundTripsEscapedControls(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	agent := "Facture\u202efdp.exe"
	if err := Print(ios, YAML, []request{{ID: "1", Agent: agent, Status: "ok", Reason: "r"}}, requestColumns()); err != nil {
		t.Fatal(err)
	}
	var back []map[string]string
	if err := yaml.Unmarshal(out.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back) != 1 || back[0]["Agent"] != agent {
		t.Errorf("YAML reads back as %q, want %q:\n%s", back, agent, out.String())
	}
}
