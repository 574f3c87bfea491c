package i18n

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestFromEnv(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want Lang
	}{
		{nil, English},
		{map[string]string{"LANG": "fr_FR.UTF-8"}, French},
		{map[string]string{"LANG": "fr"}, French},
		{map[string]string{"LANG": "fr_CA"}, French},
		{map[string]string{"LANG": "fr_BE.ISO-8859-1@euro"}, French},
		{map[string]string{"LANG": "FR_fr.utf8"}, French},
		{map[string]string{"LANG": "C"}, English},
		{map[string]string{"LANG": "POSIX"}, English},
		{map[string]string{"LANG": "C.UTF-8"}, English},
		{map[string]string{"LANG": "en_US.UTF-8"}, English},
		{map[string]string{"LANG": "fy_NL"}, English},
		{map[string]string{"LANG": "fr_FR.UTF-8", "LC_ALL": "C"}, English},
		{map[string]string{"LANG": "en_GB.UTF-8", "LC_ALL": "fr_FR.UTF-8"}, French},
		{map[string]string{"LANG": "C", "LC_MESSAGES": "fr_FR.UTF-8"}, French},
		{map[string]string{"LC_MESSAGES": "en_US.UTF-8", "LANG": "fr_FR.UTF-8"}, English},
		{map[string]string{"LC_ALL": "C", "LC_MESSAGES": "fr_FR.UTF-8"}, English},
		// An empty variable is as good as unset.
		{map[string]string{"LC_ALL": "", "LC_MESSAGES": "", "LANG": "fr_FR.UTF-8"}, French},
	} {
		if got := FromEnv(func(name string) string { return tt.env[name] }); got != tt.want {
			t.Errorf("FromEnv(%v) = %s, want %s", tt.env, got, tt.want)
		}
	}
}

func TestLanguageOfMessages(t *testing.T) {
	defer SetLang(Current())
	SetLang(French)
	if got := T("request.already_decided", 3, T("request.status_approved")); got != "la demande n° 3 a déjà été acceptée" {
		t.Errorf("French: %q", got)
	}
	if got := In(English, "request.already_decided", 3, "approved"); got != "request 3 is already approved" {
		t.Errorf("English: %q", got)
	}
	SetLang("de")
	if Current() != English {
		t.Errorf("an unknown language gives %s, want English", Current())
	}
}

func TestPlural(t *testing.T) {
	defer SetLang(Current())
	for _, tt := range []struct {
		lang Lang
		n    int
		want string
	}{
		{English, 0, "0 lines"}, {English, 1, "1 line"}, {English, 2, "2 lines"},
		{French, 0, "0 ligne"}, {French, 1, "1 ligne"}, {French, 2, "2 lignes"},
	} {
		SetLang(tt.lang)
		if got := N(tt.n, "import.lines", tt.n); got != tt.want {
			t.Errorf("%s: N(%d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

func TestErrorfWraps(t *testing.T) {
	cause := errors.New("disk full")
	err := Errorf("import.read_failed", cause)
	if !errors.Is(err, cause) || err.Error() != "read the file: disk full" {
		t.Errorf("Errorf = %v, want it to wrap %v", err, cause)
	}
}

func TestUnknownKeyIsTheText(t *testing.T) {
	if got := T("50% done"); got != "50% done" {
		t.Errorf("T without arguments = %q", got)
	}
	if got := T("request %d", 4); got != "request 4" {
		t.Errorf("T with arguments = %q", got)
	}
}

// mayBeEmpty are the messages whose text may be empty in a language: lists of words that
// language does not need.
var mayBeEmpty = map[string]bool{"import.phrase_is_starts": true}

// TestCatalogueHasEveryLanguage checks that every message is written in every language, with
// the same indentation and the same line ends.
func TestCatalogueHasEveryLanguage(t *testing.T) {
	for key, m := range catalogue() {
		for _, l := range Langs {
			if lookup(l, key) == "" && !mayBeEmpty[key] {
				t.Errorf("%s: no %s text", key, l)
			}
		}
		if indent(m.en) != "" && indent(m.en) != indent(m.fr) {
			t.Errorf("%s: the languages are not indented alike: %q, %q", key, m.en, m.fr)
		}
		if lineEnds(m.en) != lineEnds(m.fr) {
			t.Errorf("%s: the languages end differently: %q, %q", key, m.en, m.fr)
		}
	}
}

func indent(s string) string   { return s[:len(s)-len(strings.TrimLeft(s, " "))] }
func lineEnds(s string) string { return s[len(strings.TrimRight(s, "\n")):] }

// TestEnglishTextsAreUnambiguous checks that a message named by its English text (see lookup)
// has one translation: messages that share an English text share their French one.
func TestEnglishTextsAreUnambiguous(t *testing.T) {
	seen := map[string]string{}
	for key, m := range catalogue() {
		if other, ok := seen[m.en]; ok && catalogue()[other].fr != m.fr {
			t.Errorf("%s and %s say %q in English but differently in French: %q, %q", key, other, m.en, m.fr, catalogue()[other].fr)
		}
		seen[m.en] = key
	}
}

// TestCatalogueVerbsMatch checks that both languages of a message take the same arguments:
// for each argument, the same verb (%d, %s, %q, %w…), whatever the order they come in.
func TestCatalogueVerbsMatch(t *testing.T) {
	for key, m := range catalogue() {
		en, err := verbs(m.en)
		if err != nil {
			t.Errorf("%s (en): %v", key, err)
			continue
		}
		fr, err := verbs(m.fr)
		if err != nil {
			t.Errorf("%s (fr): %v", key, err)
			continue
		}
		if fmt.Sprint(en) != fmt.Sprint(fr) && !mayBeEmpty[key] {
			t.Errorf("%s: the verbs differ: en %v, fr %v\n  en: %q\n  fr: %q", key, en, fr, m.en, m.fr)
		}
	}
}

func TestVerbs(t *testing.T) {
	for _, tt := range []struct {
		format string
		want   string
	}{
		{"plain", "[]"},
		{"100%% sure", "[]"},
		{"%d of %d: %s", "[d d s]"},
		{"%[2]s : %[1]d", "[d s]"},
		{"%-11s %q %+v %5.2f %w", "[s q v f w]"},
		{"%s %[1]s", "[s]"},
	} {
		got, err := verbs(tt.format)
		if err != nil || fmt.Sprint(got) != tt.want {
			t.Errorf("verbs(%q) = %v, %v; want %s", tt.format, got, err, tt.want)
		}
	}
	if _, err := verbs("%[1]s %[1]d"); err == nil {
		t.Errorf("one argument with two verbs is accepted")
	}
}

// verbs returns the verb of each argument of a printf format, in argument order.
func verbs(format string) ([]string, error) {
	byArg := map[int]string{}
	next, count := 0, 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		if i < len(format) && format[i] == '%' {
			continue
		}
		for i < len(format) && strings.IndexByte("+-# 0", format[i]) >= 0 {
			i++
		}
		if i < len(format) && format[i] == '[' {
			end := strings.IndexByte(format[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("unclosed argument index in %q", format)
			}
			var n int
			if _, err := fmt.Sscanf(format[i+1:i+end], "%d", &n); err != nil || n < 1 {
				return nil, fmt.Errorf("bad argument index in %q", format)
			}
			next = n - 1
			i += end + 1
		}
		for i < len(format) && (format[i] >= '0' && format[i] <= '9' || format[i] == '.') {
			i++
		}
		if i >= len(format) {
			return nil, fmt.Errorf("a verb is missing at the end of %q", format)
		}
		v := string(format[i])
		if prev, ok := byArg[next]; ok && prev != v {
			return nil, fmt.Errorf("argument %d has two verbs, %%%s and %%%s, in %q", next+1, prev, v, format)
		}
		byArg[next] = v
		next++
		count = max(count, next)
	}
	out := make([]string, count)
	for i := range out {
		v, ok := byArg[i]
		if !ok {
			return nil, fmt.Errorf("argument %d is never used in %q", i+1, format)
		}
		out[i] = v
	}
	return out, nil
}

// Every message reads the same whether it is found in the tables, as the first messages of
// a process are, or in the index made afterwards; an unknown key is its own text both ways.
func TestLookupBeforeAndAfterIndex(t *testing.T) {
	keys := []string{"no.such.key"}
	for key := range catalogue() {
		keys = append(keys, key)
	}
	for _, key := range keys {
		for _, l := range Langs {
			scans.Store(0)
			before := lookup(l, key)
			scans.Store(scansBeforeIndex)
			if after := lookup(l, key); before != after {
				t.Errorf("%s in %s: %q from the tables, %q from the index", key, l, before, after)
			}
		}
	}
	scans.Store(0)
	for range scansBeforeIndex + 2 {
		if got := T("no.such.key"); got != "no.such.key" {
			t.Fatalf("an unknown key reads %q", got)
		}
	}
	if n := scans.Load(); n != scansBeforeIndex {
		t.Errorf("%d lookups by reading the tables, want %d", n, scansBeforeIndex)
	}
}
