// Package i18n holds what profil says to people in each of its languages: one catalogue of
// messages (catalogue.go, and catalogue_*.go by topic), English and French, the language of
// the process, chosen once at start-up from the locale, and the rendering of the domain's
// messages. It imports only package domain, whose rules say what went wrong as
// domain.Message values (a key and arguments): they are put in words here, in the language of
// whoever reads them.
//
//	i18n.SetLang(i18n.FromEnv(os.Getenv)) // once, in cli.Run
//	i18n.T("structure.created", id, name)  // "✓ created structure #3 …" or "✓ structure n° 3 … créée"
//	i18n.RenderError(i18n.French, err)     // an error of the domain, in French, whatever the process's language
//
// A message is a printf format; both languages of one message give each argument the same
// verb (a test checks it), a translation taking them in another order with %[2]s. Arguments
// that are domain.Message values or errors are rendered in the same language first; times,
// in a domain message, as the reader writes them (When). Rendering reads only the catalogue,
// filled before main runs, so any goroutine may render in any language; the process's
// language (SetLang) is for the command line, which has one reader. Keys are "area.what",
// lower case; tests check that every key the code uses is in the catalogue and that every
// message of the catalogue is used.
package i18n

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// Lang is a language profil speaks.
type Lang string

// The languages of the catalogue. English is the default.
const (
	English Lang = "en"
	French  Lang = "fr"
)

// Langs lists every language of the catalogue.
var Langs = []Lang{English, French}

var current atomic.Value // Lang

// SetLang makes l the language of every message from now on.
func SetLang(l Lang) {
	if l != French {
		l = English
	}
	current.Store(l)
}

// Current is the language messages are written in.
func Current() Lang {
	if l, ok := current.Load().(Lang); ok {
		return l
	}
	return English
}

// FromEnv chooses the language from the locale, as POSIX programs do: the first of LC_ALL,
// LC_MESSAGES and LANG that is set and not empty names it. "fr", "fr_FR.UTF-8" or
// "fr_CA@euro" is French; anything else ("C", "POSIX", "en_US.UTF-8", nothing) is English.
func FromEnv(getenv func(string) string) Lang {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			return ParseLocale(v)
		}
	}
	return English
}

// ParseLocale reads a locale name such as "fr_FR.UTF-8" and returns its language.
func ParseLocale(locale string) Lang {
	lang, _, _ := strings.Cut(locale, ".")
	lang, _, _ = strings.Cut(lang, "@")
	lang, _, _ = strings.Cut(lang, "_")
	lang, _, _ = strings.Cut(lang, "-")
	if strings.EqualFold(lang, "fr") {
		return French
	}
	return English
}

// T returns the message key in the current language, formatted with args.
func T(key string, args ...any) string { return In(Current(), key, args...) }

// In returns the message key in language l, formatted with args; an argument that is a
// domain.Message or an error is put in l first (see Render). A message without arguments is
// returned as written. A key the catalogue does not know (a test keeps this from happening)
// is taken as the English text itself (see lookup).
func In(l Lang, key string, args ...any) string {
	text := lookup(l, key)
	if len(args) == 0 {
		return text
	}
	return fmt.Sprintf(text, renderArgs(l, args, false)...)
}

// N returns the message key for the count n, formatted with args: the message key+".one"
// when n is singular in the current language (1 in English; 0 and 1 in French), else
// key+".other".
func N(n int, key string, args ...any) string {
	l := Current()
	if n == 1 || (l == French && n == 0) {
		return In(l, key+".one", args...)
	}
	return In(l, key+".other", args...)
}

// Errorf returns an error whose text is the message key, formatted with args as fmt.Errorf
// does: a %w verb wraps its argument. It reads in the current language, or in any other
// through RenderError.
func Errorf(key string, args ...any) error {
	return &keyError{key: key, args: args}
}

// Has reports whether the catalogue knows key.
func Has(key string) bool {
	_, ok := catalogue()[key]
	return ok
}

// lookup returns the text of key in language l. Code not yet written with keys names a
// message by its English text, as gettext does: such a text is translated when a message of
// the catalogue has it, and is returned as it is otherwise.
func lookup(l Lang, key string) string {
	m, ok := byKey(key)
	if !ok {
		if m, ok = byEnglish()[key]; !ok {
			return key
		}
	}
	if l == French {
		return frenchTypography(m.fr)
	}
	return m.en
}

// scans counts the messages looked up by reading the tables (see byKey).
var scans atomic.Int32

// scansBeforeIndex is how many messages are looked up by reading the tables before the index
// is made: a command that prints a few messages reads the tables for them, which costs less
// than making the index (about 300,000 instructions and 50 KB, 3 % of a cold `user show`);
// one that prints more makes the index once.
const scansBeforeIndex = 16

// byKey returns the message key: from the tables for the first scansBeforeIndex lookups,
// then from the index (catalogue).
func byKey(key string) (*entry, bool) {
	if scans.Load() < scansBeforeIndex && scans.Add(1) <= scansBeforeIndex {
		for _, table := range tables() {
			for i := range table {
				if table[i].key == key {
					return &table[i], true
				}
			}
		}
		return nil, false
	}
	m, ok := catalogue()[key]
	return m, ok
}

// tables are the tables of the catalogue: baseMessages, then the topics.
func tables() [][]entry { return append([][]entry{baseMessages}, topics...) }

// byEnglish indexes the catalogue by English text.
var byEnglish = sync.OnceValue(func() map[string]*entry {
	out := make(map[string]*entry, len(catalogue()))
	for _, m := range catalogue() {
		out[m.en] = m
	}
	return out
})

// entry is one message of the catalogue: its key, then its text in every language.
type entry struct{ key, en, fr string }

// topics are the messages of the topic files (catalogue_*.go), one table each, added by
// their init functions.
var topics [][]entry

// catalogue is every message, by key. The tables (baseMessages and the topics) are static
// data, which the program carries ready-made; the index is made when more messages are
// looked up than scansBeforeIndex, not at start: `profil --version` and commands that print
// few messages never build it. It points into the tables, so that it is the only memory the
// catalogue takes (about 50 KB, where maps of the messages themselves took twice as much,
// once per topic and again all together). A key given twice is a programming error, caught
// by every test run.
var catalogue = sync.OnceValue(func() map[string]*entry {
	n := len(baseMessages)
	for _, topic := range topics {
		n += len(topic)
	}
	all := make(map[string]*entry, n)
	for _, table := range tables() {
		for i := range table {
			e := &table[i]
			if _, dup := all[e.key]; dup {
				panic("i18n: message key given twice: " + e.key)
			}
			all[e.key] = e
		}
	}
	return all
})
