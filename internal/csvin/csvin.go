// Package csvin reads the CSV files people hand to profil's imports: extracts of the public
// registers, exports of the legacy account bases, spreadsheets saved from Excel or LibreOffice.
//
// A file has a header row. The separator is detected from that row (the most frequent of ',',
// ';' and tab outside quotes; ',' on a tie), a UTF-8 byte order mark is skipped, and columns are
// found by name in any order: a header matches a column when both fold to the same key
// (domain.Fold: no case, no accents, punctuation as spaces), so "Postal code", "POSTAL_CODE"
// and "postal-code" are one column, and each column may accept French aliases ("Code postal",
// "Téléphone"). Unknown columns are ignored; a missing required column is an error that names
// it.
//
// Text is UTF-8; a cell that is not (a file saved by Excel as "CSV (séparateur: point-virgule)"
// is Windows-1252) is read as Windows-1252, so "Hélène" arrives as "Hélène" whichever way the
// file was saved. A file saved as "Texte Unicode" (UTF-16, with its byte order mark) is decoded
// to UTF-8, and one whose lines end in a carriage return alone ("CSV (Macintosh)") is read
// line by line too, its text Mac OS Roman when it is not UTF-8. A NUL byte makes the line bad.
//
// Every cell is trimmed, and one leading apostrophe is removed: spreadsheets and profil's own
// exports put it in front of cells that must stay text ("'+33…", "'=…"). Lines whose cells are
// all empty are skipped. Each record carries the physical line it starts on (the header is
// line 1 when it is the first line), quoted cells spanning several lines included, so that
// messages point where an editor shows the problem.
//
// The reader streams: it holds one record at a time, whatever the size of the file.
package csvin

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
)

// Column is one column a caller reads.
type Column struct {
	// Name is the documented name, in snake_case: "postal_code".
	Name string
	// Aliases are other headers accepted for it: "code postal", "cp".
	Aliases []string
	// Required makes a file without the column an error.
	Required bool
}

// Reader reads records of the columns asked for. It is not safe for concurrent use.
type Reader struct {
	cr         *csv.Reader
	cols       []Column
	pos        []int // position of each column in the file's records, -1 when absent
	headerLine int
	comma      rune
	// legacy is the character set of cells that are not UTF-8: Windows-1252, or Mac OS Roman
	// in a file whose lines end in a carriage return alone (Excel's "CSV (Macintosh)").
	legacy *charmap.Charmap
	// ahead is a record read to find out whether a quote error ran to the end of the file.
	ahead *aheadRecord
}

type aheadRecord struct {
	fields []string
	line   int
	err    error
}

// bom is the UTF-8 byte order mark Excel writes at the start of "CSV UTF-8" files.
var bom = []byte{0xEF, 0xBB, 0xBF}

// maxHeaderPeek bounds how far ahead the separator detection looks for the end of the header.
const maxHeaderPeek = 64 * 1024

// NewReader reads the header of r and maps it to cols. It fails when a required column is
// missing, when two headers give the same column, or when the header cannot be read; the error
// unwraps to domain.ErrInvalid (exit 6).
func NewReader(r io.Reader, cols []Column) (*Reader, error) {
	br := bufio.NewReaderSize(r, maxHeaderPeek)
	if err := notASpreadsheet(br); err != nil {
		return nil, err
	}
	if head, _ := br.Peek(2); bytes.Equal(head, []byte{0xFF, 0xFE}) || bytes.Equal(head, []byte{0xFE, 0xFF}) {
		// UTF-16 with its byte order mark (Excel's "Texte Unicode"): read as UTF-8.
		utf16 := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		br = bufio.NewReaderSize(utf16.Reader(br), maxHeaderPeek)
	}
	legacy := charmap.Windows1252
	if head, _ := br.Peek(maxHeaderPeek); bytes.IndexByte(head, '\r') >= 0 && bytes.IndexByte(head, '\n') < 0 {
		// Lines that end in a carriage return alone: Excel for the Mac's "CSV (Macintosh)",
		// whose text is Mac OS Roman.
		br = bufio.NewReaderSize(crLines{br}, maxHeaderPeek)
		legacy = charmap.Macintosh
	}
	if b, err := br.Peek(len(bom)); err == nil && bytes.Equal(b, bom) {
		_, _ = br.Discard(len(bom))
	}
	comma := detectComma(peekLine(br))
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.FieldsPerRecord = -1 // short lines read as empty cells, long ones keep their extra cells

	rd := &Reader{cr: cr, cols: cols, comma: comma, legacy: legacy}
	header, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		return nil, domain.Errorf(domain.ErrInvalid, "csv.empty", rd.names(true))
	case err != nil:
		return nil, domain.Errorf(domain.ErrInvalid, "csv.bad_header", lineless(err))
	}
	rd.headerLine, _ = cr.FieldPos(0)
	if err := rd.mapHeader(header); err != nil {
		return nil, err
	}
	return rd, nil
}

// crLines reads a file whose lines end in a carriage return alone as lines ending in a new
// line, which encoding/csv reads.
type crLines struct{ r io.Reader }

func (c crLines) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// Signatures of the spreadsheets people give instead of their CSV export: a ZIP archive
// (Excel's .xlsx, OpenDocument's .ods) or an OLE2 compound file (Excel 97-2003's .xls).
var (
	zipMagic  = []byte("PK\x03\x04")
	ole2Magic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// notASpreadsheet recognises a workbook by its content, whatever its name, and says how to
// save it as the CSV an import reads.
func notASpreadsheet(br *bufio.Reader) error {
	head, _ := br.Peek(512)
	switch {
	case bytes.HasPrefix(head, zipMagic) && bytes.Contains(head, []byte("application/vnd.oasis.opendocument.spreadsheet")):
		return domain.Errorf(domain.ErrInvalid, "csv.is_ods")
	case bytes.HasPrefix(head, zipMagic), bytes.HasPrefix(head, ole2Magic):
		return domain.Errorf(domain.ErrInvalid, "csv.is_excel")
	}
	return nil
}

// peekLine returns the first line of the buffered input that is not blank, without consuming
// anything (csv skips blank lines before the header too).
func peekLine(br *bufio.Reader) []byte {
	for n := 512; ; n *= 2 {
		n = min(n, maxHeaderPeek)
		b, err := br.Peek(n)
		rest := b
		for {
			i := bytes.IndexByte(rest, '\n')
			if i < 0 {
				break
			}
			if len(bytes.TrimSpace(rest[:i])) > 0 {
				return rest[:i]
			}
			rest = rest[i+1:]
		}
		if err != nil || n == maxHeaderPeek {
			return rest
		}
	}
}

// detectComma picks the separator that occurs most often outside quotes in the header line;
// ',' wins ties, so a file of a single column reads the same either way.
func detectComma(line []byte) rune {
	counts := map[byte]int{}
	quoted := false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case !quoted && (c == ',' || c == ';' || c == '\t'):
			counts[c]++
		}
	}
	best := byte(',')
	for _, c := range []byte{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return rune(best)
}

// key is what a header and a column name are compared by.
func key(s string) string { return domain.Fold(s) }

func (rd *Reader) mapHeader(header []string) error {
	rd.pos = make([]int, len(rd.cols))
	for i := range rd.pos {
		rd.pos[i] = -1
	}
	byKey := map[string]int{}
	for i, c := range rd.cols {
		byKey[key(c.Name)] = i
		for _, a := range c.Aliases {
			byKey[key(a)] = i
		}
	}
	for p, h := range header {
		if t, err := rd.text(h); err == nil {
			h = t
		}
		i, ok := byKey[key(cleanCell(h))]
		if !ok {
			continue // unknown columns are ignored
		}
		if prev := rd.pos[i]; prev >= 0 {
			return domain.Errorf(domain.ErrInvalid, "csv.duplicate_column",
				rd.headerLine, cleanCell(header[prev]), cleanCell(h), rd.cols[i].Name)
		}
		rd.pos[i] = p
	}
	var missing []string
	for i, c := range rd.cols {
		if c.Required && rd.pos[i] < 0 {
			missing = append(missing, c.Name)
		}
	}
	if len(missing) > 0 {
		if len(missing) == 1 {
			return domain.Errorf(domain.ErrInvalid, "csv.missing_column", rd.headerLine, missing[0], rd.names(false), rd.comma)
		}
		return domain.Errorf(domain.ErrInvalid, "csv.missing_columns", rd.headerLine, strings.Join(missing, ", "), rd.names(false), rd.comma)
	}
	return nil
}

// names lists the column names, the required ones only when required is true.
func (rd *Reader) names(required bool) string {
	var out []string
	for _, c := range rd.cols {
		if c.Required || !required {
			out = append(out, c.Name)
		}
	}
	return strings.Join(out, ", ")
}

// Comma is the separator detected: ',', ';' or '\t'.
func (rd *Reader) Comma() rune { return rd.comma }

// Has reports whether the file has column i (an index into the columns given to NewReader).
func (rd *Reader) Has(i int) bool { return rd.pos[i] >= 0 }

// Record is one line of the file, reduced to the columns asked for.
type Record struct {
	// Line is the physical line the record starts on; the header's is 1 when it comes first.
	Line  int
	cells []string
}

// Get returns the cell of column i, cleaned; "" when the file has no such column or the line
// is short.
func (r Record) Get(i int) string { return r.cells[i] }

// LineError is a line that is not well-formed CSV (a stray quote, a quote never closed). The
// reader goes on with the next line.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return i18n.T("csv.line", e.Line, e.Err) }

// Unwrap makes errors.Is(err, domain.ErrInvalid) true.
func (e *LineError) Unwrap() error { return domain.ErrInvalid }

// Read returns the next record, skipping lines of empty cells. At the end of the input it
// returns io.EOF; a malformed line gives a *LineError, after which Read may be called again.
// Other errors come from the underlying reader.
func (rd *Reader) Read() (Record, error) {
	for {
		fields, line, err := rd.next()
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return Record{}, err
			}
			if errors.Is(pe.Err, csv.ErrQuote) && pe.Line > pe.StartLine {
				// A quote never closed swallows every line after it into one cell: when the
				// error spans lines and ran to the end of the file, nothing after it was
				// read, and the file as a whole is refused rather than its end silently lost.
				ahead, aline, aerr := rd.next()
				if errors.Is(aerr, io.EOF) {
					return Record{}, domain.Errorf(domain.ErrInvalid, "csv.quote_never_closed", pe.StartLine)
				}
				rd.ahead = &aheadRecord{fields: ahead, line: aline, err: aerr}
			}
			return Record{}, &LineError{Line: pe.StartLine, Err: lineless(err)}
		}
		rec := Record{Line: line, cells: make([]string, len(rd.cols))}
		empty := true
		for _, f := range fields {
			if strings.TrimSpace(f) != "" {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		for i, p := range rd.pos {
			if p >= 0 && p < len(fields) {
				cell, err := rd.text(fields[p])
				if err != nil {
					return Record{}, &LineError{Line: line, Err: err}
				}
				rec.cells[i] = cleanCell(cell)
			}
		}
		return rec, nil
	}
}

// next returns the next record of the CSV reader with the line it starts on, or the record
// read ahead.
func (rd *Reader) next() ([]string, int, error) {
	if a := rd.ahead; a != nil {
		rd.ahead = nil
		return a.fields, a.line, a.err
	}
	fields, err := rd.cr.Read()
	if err != nil {
		return nil, 0, err
	}
	line, _ := rd.cr.FieldPos(0)
	return fields, line, nil
}

// text returns the cell as UTF-8: as it is when it is, decoded from the file's legacy
// character set otherwise.
func (rd *Reader) text(cell string) (string, error) {
	if strings.IndexByte(cell, 0) >= 0 {
		return "", i18n.Errorf("csv.nul") // no text file has one
	}
	if utf8.ValidString(cell) {
		return cell, nil
	}
	return rd.legacy.NewDecoder().String(cell)
}

// cleanCell trims a cell and removes one leading apostrophe, the mark spreadsheets and
// profil's exports use to keep a cell as text.
func cleanCell(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 0 && s[0] == '\'' {
		s = strings.TrimSpace(s[1:])
	}
	return s
}

// lineless is the reason of a csv.ParseError without the line and column csv puts in front
// ("record on line 3: wrong number of fields"), since callers say the line themselves.
func lineless(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
