package csvin

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
)

var testCols = []Column{
	{Name: "email", Aliases: []string{"courriel", "e-mail"}, Required: true},
	{Name: "last_name", Aliases: []string{"nom"}, Required: true},
	{Name: "phone", Aliases: []string{"téléphone", "tel"}},
	{Name: "siret"},
}

const (
	colEmail = iota
	colLast
	colPhone
	colSIRET
)

type row struct {
	line                      int
	email, last, phone, siret string
}

func readAll(t *testing.T, in string) ([]row, *Reader) {
	t.Helper()
	rd, err := NewReader(strings.NewReader(in), testCols)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var out []row
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return out, rd
		}
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		out = append(out, row{rec.Line, rec.Get(colEmail), rec.Get(colLast), rec.Get(colPhone), rec.Get(colSIRET)})
	}
}

func TestReaderDialects(t *testing.T) {
	want := []row{
		{2, "claire@x.fr", "Martin", "05 56 00 00 00", ""},
		{3, "paul@x.fr", "Leroy", "+33 5 56 00 00 01", ""},
	}
	tests := []struct {
		name  string
		in    string
		comma rune
	}{
		{"comma", "email,last_name,phone\nclaire@x.fr,Martin,05 56 00 00 00\npaul@x.fr,Leroy,'+33 5 56 00 00 01\n", ','},
		{"semicolon, BOM, CRLF", "\uFEFFemail;last_name;phone\r\nclaire@x.fr;Martin;05 56 00 00 00\r\npaul@x.fr;Leroy;'+33 5 56 00 00 01\r\n", ';'},
		{"tab", "email\tlast_name\tphone\nclaire@x.fr\tMartin\t05 56 00 00 00\npaul@x.fr\tLeroy\t'+33 5 56 00 00 01", '\t'},
		{"other order, aliases, unknown column, French headers",
			"Téléphone;Remarque;NOM;Courriel\n05 56 00 00 00;ras;Martin;claire@x.fr\n'+33 5 56 00 00 01;\"a; b\";Leroy;paul@x.fr\n", ';'},
		{"semicolon header with commas in a quoted header cell",
			"\"email, work\";last_name;phone;email\nx;Martin;05 56 00 00 00;claire@x.fr\ny;Leroy;'+33 5 56 00 00 01;paul@x.fr\n", ';'},
		{"spaces around cells", "email , last_name,phone\n  claire@x.fr ,Martin , 05 56 00 00 00\npaul@x.fr,  Leroy,  '+33 5 56 00 00 01  \n", ','},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, rd := readAll(t, tc.in)
			if rd.Comma() != tc.comma {
				t.Errorf("separator %q, want %q", rd.Comma(), tc.comma)
			}
			if len(got) != len(want) {
				t.Fatalf("got %+v, want %+v", got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("record %d = %+v, want %+v", i, got[i], want[i])
				}
			}
			if rd.Has(colSIRET) || !rd.Has(colPhone) {
				t.Errorf("Has: siret %v phone %v", rd.Has(colSIRET), rd.Has(colPhone))
			}
		})
	}
}

// Line numbers are those of the file: quoted cells over several lines, blank lines and lines
// of empty cells count, and are skipped.
func TestReaderLineNumbers(t *testing.T) {
	in := "\n" + // blank line before the header
		"email;last_name;siret\n" + // line 2
		"a@x.fr;\"Martin\n(née Durand)\";1\n" + // lines 3-4
		"\n" + // line 5
		";;\n" + // line 6: empty cells
		"b@x.fr;Leroy;2\r\n" + // line 7
		"c@x.fr;\"Multi\r\n\r\nline\";3\n" + // lines 8-10
		"d@x.fr;Short\n" // line 11, a cell short
	got, _ := readAll(t, in)
	want := []row{
		{3, "a@x.fr", "Martin\n(née Durand)", "", "1"},
		{7, "b@x.fr", "Leroy", "", "2"},
		{8, "c@x.fr", "Multi\n\nline", "", "3"},
		{11, "d@x.fr", "Short", "", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("record %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestReaderHeaderErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"empty file", "", []string{"empty", "email, last_name"}},
		{"only a BOM", "\uFEFF", []string{"empty"}},
		{"missing required column", "email;phone\na@x.fr;0556000000\n", []string{"line 1", "missing column last_name"}},
		{"missing two", "phone\n0556000000\n", []string{"missing columns email, last_name"}},
		{"same column twice", "email,nom,last_name\n", []string{`"nom" and "last_name" both give last_name`}},
		{"bad quote in header", "\"email,last_name\n", []string{"header cannot be read"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tc.in), testCols)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, domain.ErrInvalid) {
				t.Errorf("%v does not unwrap to ErrInvalid", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// A malformed line is reported with its number, and reading goes on.
func TestReaderMalformedLine(t *testing.T) {
	in := "email,last_name\na@x.fr,Martin\nb@x.fr,Le\"roy\nc@x.fr,Durand\n"
	rd, err := NewReader(strings.NewReader(in), testCols)
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	var bad []int
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var le *LineError
		if errors.As(err, &le) {
			bad = append(bad, le.Line)
			if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), "line 3: ") {
				t.Errorf("line error %v", err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, rec.Line)
	}
	if len(lines) != 2 || lines[0] != 2 || lines[1] != 4 || len(bad) != 1 || bad[0] != 3 {
		t.Errorf("good lines %v, bad lines %v", lines, bad)
	}
}

func TestCleanCell(t *testing.T) {
	for in, want := range map[string]string{
		"  x  ":         "x",
		"'+33 5":        "+33 5",
		"'=SUM(A1)":     "=SUM(A1)",
		" ' 0556 ":      "0556",
		"''":            "'",
		"O'Neil":        "O'Neil",
		"":              "",
		"'":             "",
		"\u00a0x\u00a0": "x",
	} {
		if got := cleanCell(in); got != want {
			t.Errorf("cleanCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// The reader holds one record at a time: a long file is read with a small, constant amount of
// memory (checked loosely: the whole input is never asked for at once).
func TestReaderStreams(t *testing.T) {
	const n = 20000
	src := &countingSource{header: "email;last_name\n", line: "a@x.fr;Martin\n", n: n}
	rd, err := NewReader(src, testCols)
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		count++
		if rec.Line != count+1 {
			t.Fatalf("record %d on line %d", count, rec.Line)
		}
		// After the first records, far less than the file may have been read.
		if count == 10 && src.served > 128*1024 {
			t.Fatalf("%d bytes read for 10 records", src.served)
		}
	}
	if count != n {
		t.Fatalf("%d records, want %d", count, n)
	}
}

// countingSource serves a header then n copies of line, counting the bytes handed out.
type countingSource struct {
	header, line string
	n            int
	served       int
	pending      string
}

func (c *countingSource) Read(p []byte) (int, error) {
	for c.pending == "" {
		switch {
		case c.header != "":
			c.pending, c.header = c.header, ""
		case c.n > 0:
			c.pending = c.line
			c.n--
		default:
			return 0, io.EOF
		}
	}
	k := copy(p, c.pending)
	c.pending = c.pending[k:]
	c.served += k
	return k, nil
}

// A file saved by French Excel as "CSV (séparateur: point-virgule)" is Windows-1252: its
// accents arrive as UTF-8, in the header and in the cells.
func TestReaderWindows1252(t *testing.T) {
	in := "courriel;nom;t\xe9l\xe9phone\r\nh@x.fr;H\xe9l\xe8ne C\x9cur;05 56\r\nz@x.fr;Zo\xc3\xa9;\r\n"
	rows, rd := readAll(t, in)
	if !rd.Has(colPhone) {
		t.Error("the header téléphone in Windows-1252 was not recognised")
	}
	if len(rows) != 2 || rows[0].last != "Hélène Cœur" || rows[0].phone != "05 56" || rows[1].last != "Zoé" {
		t.Errorf("rows %+v", rows)
	}
}

// A NUL byte makes its line bad; the next lines are read.
func TestReaderNUL(t *testing.T) {
	rd, err := NewReader(strings.NewReader("email,last_name\na@x.fr,Ma\x00rtin\nb@x.fr,Durand\n"), testCols)
	if err != nil {
		t.Fatal(err)
	}
	_, err = rd.Read()
	var le *LineError
	if !errors.As(err, &le) || le.Line != 2 {
		t.Fatalf("a NUL byte: %v, want a bad line 2", err)
	}
	if rec, err := rd.Read(); err != nil || rec.Get(colLast) != "Durand" {
		t.Fatalf("the line after: %+v, %v", rec, err)
	}
}

// A quote never closed would swallow the rest of the file into one cell: the file is refused,
// naming the line where the quote opens, instead of losing its end.
func TestReaderQuoteNeverClosed(t *testing.T) {
	in := "email,last_name\na@x.fr,Martin\nq1@x.fr,\"Un\nq2@x.fr,Deux\nq3@x.fr,Trois\n"
	rd, err := NewReader(strings.NewReader(in), testCols)
	if err != nil {
		t.Fatal(err)
	}
	if rec, err := rd.Read(); err != nil || rec.Line != 2 {
		t.Fatalf("first line: %+v, %v", rec, err)
	}
	_, err = rd.Read()
	var le *LineError
	if errors.As(err, &le) || !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), "line 3: a quote") {
		t.Fatalf("a quote never closed: %v, want the file refused at line 3", err)
	}
	// A quote error that does not reach the end stays a bad line, and reading goes on.
	rd, err = NewReader(strings.NewReader("email,last_name\nq1@x.fr,\"Un\"x\nq2@x.fr,Deux\n"), testCols)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Read(); !errors.As(err, &le) || le.Line != 2 {
		t.Fatalf("a stray quote: %v, want bad line 2", err)
	}
	if rec, err := rd.Read(); err != nil || rec.Get(colLast) != "Deux" {
		t.Fatalf("after a stray quote: %+v, %v", rec, err)
	}
	// A stray quote on the last line is a bad line too, not a file refused.
	rd, err = NewReader(strings.NewReader("email,last_name\nq2@x.fr,Deux\nq1@x.fr,\"Un\"x\n"), testCols)
	if err != nil {
		t.Fatal(err)
	}
	if rec, err := rd.Read(); err != nil || rec.Get(colLast) != "Deux" {
		t.Fatalf("first line: %+v, %v", rec, err)
	}
	if _, err := rd.Read(); !errors.As(err, &le) || le.Line != 3 {
		t.Fatalf("a stray quote on the last line: %v, want bad line 3", err)
	}
}

// A workbook given instead of its CSV export is recognised by its content, whatever its name,
// and the error says how to save it as CSV.
func TestSpreadsheetsAreRecognised(t *testing.T) {
	zipped := func(first, body string, store bool) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		method := zip.Deflate
		if store {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: first, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(body))
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	xls := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"xlsx", zipped("[Content_Types].xml", "<Types/>", false), "Excel workbook"},
		{"xls", xls, "Excel workbook"},
		{"ods", zipped("mimetype", "application/vnd.oasis.opendocument.spreadsheet", true), "OpenDocument spreadsheet"},
	} {
		_, err := NewReader(bytes.NewReader(tt.data), testCols)
		if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "CSV") {
			t.Errorf("%s: got %v, want an invalid-input error naming %q and CSV", tt.name, err, tt.want)
		}
	}
	// A CSV starting with letters P and K is still a CSV.
	if _, err := NewReader(strings.NewReader("PK,email,last_name\n1,a@b.fr,B\n"), testCols); err != nil {
		t.Errorf("a CSV whose first header is PK: %v", err)
	}
}

// What else Excel saves a sheet as: "Texte Unicode" (UTF-16 with a byte order mark, in either
// byte order, tab-separated, CRLF) and "CSV (Macintosh)" (lines ending in a carriage return
// alone, text in Mac OS Roman) read as the same records, accents and line numbers kept.
func TestReaderUTF16AndMacintosh(t *testing.T) {
	text := "email\tnom\ttéléphone\r\nhélène@x.fr\tDupré\t05 56 00 00 00\r\n\r\npaul@x.fr\tLeroy\t\r\n"
	utf16 := func(s string, bigEndian bool) string {
		var b bytes.Buffer
		put := func(u uint16) {
			if bigEndian {
				b.WriteByte(byte(u >> 8))
				b.WriteByte(byte(u))
			} else {
				b.WriteByte(byte(u))
				b.WriteByte(byte(u >> 8))
			}
		}
		put(0xFEFF)
		for _, r := range s {
			put(uint16(r)) // the text is in the basic plane
		}
		return b.String()
	}
	want := []row{{2, "hélène@x.fr", "Dupré", "05 56 00 00 00", ""}, {4, "paul@x.fr", "Leroy", "", ""}}
	for name, in := range map[string]string{
		"UTF-16 little-endian": utf16(text, false),
		"UTF-16 big-endian":    utf16(text, true),
		"carriage returns":     strings.ReplaceAll(text, "\r\n", "\r"),
		"Mac OS Roman and carriage returns": "email;nom;t\x8el\x8ephone\r" +
			"h\x8el\x8fne@x.fr;Dupr\x8e;05 56 00 00 00\r\rpaul@x.fr;Leroy;\r",
	} {
		got, _ := readAll(t, in)
		if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("%s: %+v, want %+v", name, got, want)
		}
	}
}
