package output

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"testing"
)

func TestNeutralizeCell(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{`=HYPERLINK("http://x")`, `'=HYPERLINK("http://x")`},
		{"+33 5", "'+33 5"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"\nx", "'\nx"},
		{"\x00x", "'\x00x"},
		{"", ""},
		{"05 56 00 00 00", "05 56 00 00 00"},
		{"Élodie", "Élodie"},
		{"a=b", "a=b"},
		{"'quoted", "'quoted"},
	}
	for _, tt := range tests {
		t.Run(strconv.Quote(tt.in), func(t *testing.T) {
			if got := NeutralizeCell(tt.in); got != tt.want {
				t.Errorf("NeutralizeCell(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCSVWriter(t *testing.T) {
	tests := []struct {
		name    string
		excel   bool
		records [][]string
		want    string
	}{
		{name: "plain", records: [][]string{{"nom", "prénom"}, {"Martin", "Élodie"}},
			want: "nom,prénom\nMartin,Élodie\n"},
		{name: "excel", excel: true, records: [][]string{{"nom", "prénom"}, {"Martin", "Élodie"}},
			want: "\xEF\xBB\xBFnom;prénom\r\nMartin;Élodie\r\n"},
		{name: "comma quoted in plain mode", records: [][]string{{"a,b", "a;b"}},
			want: "\"a,b\",a;b\n"},
		{name: "semicolon quoted in excel mode", excel: true, records: [][]string{{"a;b", "a,b"}},
			want: "\xEF\xBB\xBF\"a;b\";a,b\r\n"},
		{name: "quotes doubled", records: [][]string{{`dit "bonjour"`}},
			want: "\"dit \"\"bonjour\"\"\"\n"},
		{name: "line break in plain mode", records: [][]string{{"l1\nl2", "x"}},
			want: "\"l1\nl2\",x\n"},
		{name: "line break in excel mode becomes CRLF", excel: true, records: [][]string{{"l1\nl2\r\nl3"}},
			want: "\xEF\xBB\xBF\"l1\r\nl2\r\nl3\"\r\n"},
		{name: "leading space quoted", records: [][]string{{" x"}},
			want: "\" x\"\n"},
		{name: "formula neutralised", records: [][]string{{"=1+1", "-1", "+33 5", "@SUM(A1)"}},
			want: "'=1+1,'-1,'+33 5,'@SUM(A1)\n"},
		{name: "neutralised and quoted", records: [][]string{{"=A1,B1"}},
			want: "\"'=A1,B1\"\n"},
		{name: "leading line break neutralised then quoted", records: [][]string{{"\rx"}},
			want: "\"'\nx\"\n"},
		// A carriage return alone would take a terminal reading the file back to the start of
		// the line, over the cells before it: it is a line break, in either dialect.
		{name: "carriage return alone in plain mode", records: [][]string{{"paul@x.fr", "A\rB", "l1\r\nl2"}},
			want: "paul@x.fr,\"A\nB\",\"l1\nl2\"\n"},
		{name: "carriage return alone in excel mode", excel: true, records: [][]string{{"paul@x.fr", "A\rB"}},
			want: "\xEF\xBB\xBFpaul@x.fr;\"A\r\nB\"\r\n"},
		{name: "empty cells", records: [][]string{{"", "", ""}},
			want: ",,\n"},
		{name: "excel without records still has BOM", excel: true,
			want: "\xEF\xBB\xBF"},
		{name: "plain without records is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := NewCSVWriter(&buf, CSVOptions{Excel: tt.excel})
			for _, r := range tt.records {
				if err := w.Write(r); err != nil {
					t.Fatalf("Write: %v", err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatalf("Flush: %v", err)
			}
			if got := buf.String(); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestCSVWriterBOMOnlyOnce(t *testing.T) {
	var buf bytes.Buffer
	w := NewCSVWriter(&buf, CSVOptions{Excel: true})
	for i := range 3 {
		if err := w.Write([]string{strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := buf.String(), "\xEF\xBB\xBF0\r\n1\r\n2\r\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

func TestCSVWriterErrorIsSticky(t *testing.T) {
	boom := errors.New("disk full")
	w := NewCSVWriter(failingWriter{boom}, CSVOptions{})
	if err := w.Write([]string{"a"}); err != nil {
		t.Fatalf("first Write should be buffered, got %v", err)
	}
	if err := w.Flush(); !errors.Is(err, boom) {
		t.Fatalf("Flush error = %v, want %v", err, boom)
	}
	if err := w.Write([]string{"b"}); !errors.Is(err, boom) {
		t.Errorf("Write after failure = %v, want %v", err, boom)
	}
}

// BenchmarkCSVWriter writes a million rows of a typical user export per
// iteration.
func BenchmarkCSVWriter(b *testing.B) {
	const rows = 1_000_000
	record := []string{"42", "Élodie", "Martin", "elodie.martin@example.gouv.fr", "05 56 00 00 00",
		"Direction régionale; Bordeaux", "2026-01-02T03:04:05Z", "-1", "agent|valideur"}
	for _, excel := range []bool{false, true} {
		b.Run(fmt.Sprintf("excel=%v", excel), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := NewCSVWriter(io.Discard, CSVOptions{Excel: excel})
				for range rows {
					if err := w.Write(record); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Flush(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// TestCSVWriterRoundTrip reads the output back with encoding/csv: what a
// standard reader sees must be the neutralised cells, in both dialects.
func TestCSVWriterRoundTrip(t *testing.T) {
	record := []string{"Élodie", "a;b", "a,b", `say "hi"`, "l1\nl2", " lead", `\.`, "=cmd", "-1", ""}
	for _, excel := range []bool{false, true} {
		t.Run(fmt.Sprintf("excel=%v", excel), func(t *testing.T) {
			var buf bytes.Buffer
			w := NewCSVWriter(&buf, CSVOptions{Excel: excel})
			if err := w.Write(record); err != nil {
				t.Fatal(err)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte(utf8BOM))))
			if excel {
				r.Comma = ';'
			}
			got, err := r.Read()
			if err != nil {
				t.Fatalf("read back: %v\n%q", err, buf.String())
			}
			for i, cell := range record {
				if want := NeutralizeCell(cell); got[i] != want {
					t.Errorf("cell %d = %q, want %q", i, got[i], want)
				}
			}
		})
	}
}
