package csvin

import (
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/profil-cli/profil/internal/domain"
)

// FuzzReader feeds arbitrary bytes to the reader. Whatever the input: no panic; a refused
// header is invalid input; records come in file order, after the header, with one cell per
// column, each trimmed and without a leading apostrophe; a malformed line is invalid input
// that names a line, and reading goes on until io.EOF.
//
//	go test ./internal/csvin -run '^$' -fuzz FuzzReader -fuzztime 1m
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		"email,last_name\na@x.fr,Martin\n",
		"\uFEFFemail;last_name;phone\r\na@x.fr;Martin;'+33 5 56 00 00 00\r\n",
		"nom;courriel\n\"Le\nRoy\";b@x.fr\n;;\n",
		"email,last_name\n\"a@x.fr,Martin\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := NewReader(strings.NewReader(string(data)), testCols)
		if err != nil {
			if !errors.Is(err, domain.ErrInvalid) {
				t.Fatalf("header error %v is not invalid input", err)
			}
			return
		}
		if c := rd.Comma(); c != ',' && c != ';' && c != '\t' {
			t.Fatalf("separator %q", c)
		}
		last := rd.headerLine
		for range len(data) + 1 { // each Read consumes at least one line
			rec, err := rd.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			var le *LineError
			if errors.As(err, &le) {
				if le.Line <= rd.headerLine || !errors.Is(err, domain.ErrInvalid) {
					t.Fatalf("line error %v after header line %d", err, rd.headerLine)
				}
				continue
			}
			if errors.Is(err, domain.ErrInvalid) {
				return // the whole file refused: a quote never closed
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if rec.Line <= last {
				t.Fatalf("record on line %d after line %d", rec.Line, last)
			}
			last = rec.Line
			if len(rec.cells) != len(testCols) {
				t.Fatalf("%d cells for %d columns", len(rec.cells), len(testCols))
			}
			for i, c := range rec.cells {
				if !utf8.ValidString(c) || strings.IndexByte(c, 0) >= 0 {
					t.Fatalf("cell %d %q is not UTF-8 text", i, c)
				}
				if c != strings.TrimSpace(c) {
					t.Fatalf("cell %d %q is not trimmed", i, c)
				}
				if !rd.Has(i) && c != "" {
					t.Fatalf("cell %d of an absent column is %q", i, c)
				}
			}
		}
		t.Fatal("Read never reached io.EOF")
	})
}
