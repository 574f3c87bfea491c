package i18n

import (
	"fmt"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Paris even where the system has no zoneinfo

	"github.com/profil-cli/profil/internal/domain"
)

// The domain says what went wrong as a domain.Message (a key and its arguments); this file
// puts it in words in a given language. The command line renders in the language of the
// process (Text, and Error() of every domain error, through the renderer registered below); a
// server renders each answer in the language of its request (Render, RenderError). Rendering
// reads only the catalogue, filled before main runs: it is safe from any goroutine.

func init() { domain.SetRenderer(Text) }

// Text returns m in the current language.
func Text(m domain.Message) string { return Render(Current(), m) }

// Render returns m in language l. Its arguments are rendered in l too: a domain.Message as a
// message, a time as the reader's language writes times (see When), an error as
// RenderError does.
func Render(l Lang, m domain.Message) string {
	return In(l, m.Key, renderArgs(l, m.Args, true)...)
}

// When writes t as people of language l read a time, in Paris time as tables and cards give
// it: in French "07/12/2026 03:04"; in English, with the zone, "2026-12-07 03:04 CET".
func When(l Lang, t time.Time) string {
	if l == French {
		return t.In(Paris()).Format("02/01/2006 15:04")
	}
	return t.In(Paris()).Format("2006-01-02 15:04 MST")
}

// Paris is the time zone of the people who use the portals: messages, tables, cards, mails
// and Excel dates give their times in it. It is loaded the first time a time is written, not
// when the program starts.
var Paris = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err) // time/tzdata is linked in
	}
	return loc
})

// renderArgs puts the arguments of a message in language l: messages, errors and, with
// times, time values. Other values are left to the message's verbs.
func renderArgs(l Lang, args []any, times bool) []any {
	var out []any
	for i, a := range args {
		var r any
		switch v := a.(type) {
		case domain.Message:
			r = Render(l, v)
		case time.Time:
			if times {
				r = When(l, v)
			}
		case error:
			if v != nil {
				r = renderedError(RenderError(l, v))
			}
		}
		if r == nil {
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = r
	}
	if out == nil {
		return args
	}
	return out
}

// RenderError returns the text of err in language l: the message of each error of its chain
// that says what went wrong as a message (domain.MessageError, Errorf of this package) is put
// in l, and so is its place in the text of the errors that wrap it (fmt.Errorf("...: %w")).
// Other errors read as their Error method says.
func RenderError(l Lang, err error) string {
	if err == nil {
		return ""
	}
	switch e := err.(type) {
	case domain.MessageError:
		return Render(l, e.Message())
	case *keyError:
		return e.in(l)
	}
	text := err.Error()
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		text = renderInner(l, text, u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, inner := range u.Unwrap() {
			text = renderInner(l, text, inner)
		}
	}
	return text
}

// renderInner replaces in text, the message of an error wrapping inner, the text of inner by
// its rendering in l.
func renderInner(l Lang, text string, inner error) string {
	if inner == nil {
		return text
	}
	was := inner.Error()
	if was == "" || !strings.Contains(text, was) {
		return text
	}
	return strings.Replace(text, was, RenderError(l, inner), 1)
}

// keyError is the error of Errorf: a message of the catalogue, rendered when read.
type keyError struct {
	key  string
	args []any
}

func (e *keyError) Error() string { return e.in(Current()) }

func (e *keyError) in(l Lang) string {
	return fmt.Sprintf(strings.ReplaceAll(lookup(l, e.key), "%w", "%v"), renderArgs(l, e.args, false)...)
}

// Unwrap returns the errors the message wraps with %w, as fmt.Errorf does.
func (e *keyError) Unwrap() []error {
	switch w := fmt.Errorf(lookup(English, e.key), e.args...).(type) {
	case interface{ Unwrap() error }:
		return []error{w.Unwrap()}
	case interface{ Unwrap() []error }:
		return w.Unwrap()
	}
	return nil
}

// renderedError is an error argument put in words: it stays an error, for %w.
type renderedError string

func (e renderedError) Error() string { return string(e) }
