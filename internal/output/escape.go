package output

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/profil-cli/profil/internal/domain"
)

// Escape renders the control and bidirectional characters of s visibly, as text: ESC
// becomes `\x1b`, U+202E `\u202e`, an invalid byte `\xff`. Line feeds and tabs are kept.
// Everything profil prints for people that may hold what someone typed goes through it
// (tables, cards, messages, errors): input refuses these characters, and Escape covers what
// was stored before, so that no stored text can move the cursor, recolour the terminal or
// reorder what a gestionnaire reads.
func Escape(s string) string {
	return escape(s, true)
}

// EscapeLine is Escape for one line: line feeds and tabs become `\n` and `\t` too.
func EscapeLine(s string) string {
	return escape(s, false)
}

func escape(s string, keepLines bool) string {
	if !needsEscape(s, keepLines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteString(domain.EscapeRune(rune(s[i])))
		case keepLines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case domain.IsControlRune(r):
			b.WriteString(domain.EscapeRune(r))
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(s string, keepLines bool) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size <= 1) || (domain.IsControlRune(r) && !(keepLines && (r == '\n' || r == '\t'))) {
			return true
		}
		i += size
	}
	return false
}

// EscapeArgs returns args with every string and error escaped, for messages that
// interpolate what people typed. An error stays an error (for %w), printing escaped.
func EscapeArgs(args []any) []any {
	var out []any
	for i, a := range args {
		var v any
		switch x := a.(type) {
		case string:
			if e := Escape(x); e != x {
				v = e
			}
		case error:
			if msg := x.Error(); Escape(msg) != msg {
				v = &escapedError{err: x}
			}
		}
		if v == nil {
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = v
	}
	if out == nil {
		return args
	}
	return out
}

type escapedError struct{ err error }

func (e *escapedError) Error() string { return Escape(e.err.Error()) }
func (e *escapedError) Unwrap() error { return e.err }

// EscapeWriter returns a writer that escapes what is written to w (see Escape). Each Write
// must hold whole characters, as every fmt.Fprint call does.
func EscapeWriter(w io.Writer) io.Writer { return escapeWriter{w} }

type escapeWriter struct{ w io.Writer }

func (e escapeWriter) Write(p []byte) (int, error) {
	s := string(p)
	if !needsEscape(s, true) {
		return e.w.Write(p)
	}
	if _, err := io.WriteString(e.w, Escape(s)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// jsonControlWriter writes JSON text with the control characters encoding/json leaves raw (DEL,
// C1 controls, bidi controls) as \u escapes. They can only occur inside JSON strings, where the
// escape means the same character. Each Write is a whole encoded value.
type jsonControlWriter struct{ w io.Writer }

func (j jsonControlWriter) Write(p []byte) (int, error) {
	s := string(p)
	if !needsEscape(s, true) {
		return j.w.Write(p)
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for _, r := range s {
		if r != '\n' && r != '\t' && domain.IsControlRune(r) {
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	if _, err := io.WriteString(j.w, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}

func isBidi(r rune) bool { return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) }

func hasBidi(s string) bool { return strings.IndexFunc(s, isBidi) >= 0 }

// escapeBidi writes the bidi controls of YAML text as \u escapes. blockStyle has put every
// scalar holding one in double quotes, where the escape means the same character.
func escapeBidi(s string) string {
	if !hasBidi(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for _, r := range s {
		if isBidi(r) {
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
