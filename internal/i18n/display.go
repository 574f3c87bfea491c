package i18n

import (
	"strings"
	"sync"
	"unicode"
)

// Tables and cards are for people: their headers, labels and the values of enumerations
// (pending, account, yes) are shown in the person's language. Programs read JSON, YAML and CSV,
// whose keys and values never change with the language; so the translation happens only where
// a table or a card is drawn, never in the data.
//
// Labels are the messages "label.*" of the catalogue, found by their English text whatever its
// case ("NAME" and "Name" are one label); values are the messages "value.*", found by their
// English text exactly.

// Label returns the column header or card label s in the current language; one the catalogue
// does not know is returned as it is. An upper-case s gives an upper-case label.
func Label(s string) string {
	if Current() != French {
		return s
	}
	m, ok := displayIndex().labels[strings.ToLower(s)]
	if !ok {
		return s
	}
	fr := frenchTypography(m.fr)
	if isUpper(s) {
		return strings.ToUpper(fr)
	}
	return fr
}

// Value returns the value of an enumeration (a status, a kind, yes/no) in the current
// language; a list joined with ", " is translated item by item. What the catalogue does not
// know is returned as it is.
func Value(s string) string {
	if Current() != French || s == "" {
		return s
	}
	idx := displayIndex().values
	if m, ok := idx[s]; ok {
		return frenchTypography(m.fr)
	}
	if !strings.Contains(s, ", ") {
		return s
	}
	parts := strings.Split(s, ", ")
	for i, p := range parts {
		if m, ok := idx[p]; ok {
			parts[i] = frenchTypography(m.fr)
		}
	}
	return strings.Join(parts, ", ")
}

func isUpper(s string) bool {
	return strings.ContainsFunc(s, unicode.IsLetter) && !strings.ContainsFunc(s, unicode.IsLower)
}

type displayMessages struct{ labels, values map[string]*entry }

var displayIndex = sync.OnceValue(func() displayMessages {
	d := displayMessages{labels: map[string]*entry{}, values: map[string]*entry{}}
	for k, m := range catalogue() {
		switch {
		case strings.HasPrefix(k, "label."):
			d.labels[strings.ToLower(m.en)] = m
		case strings.HasPrefix(k, "value."):
			d.values[m.en] = m
		}
	}
	return d
})
