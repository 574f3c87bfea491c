package output

import (
	"bufio"
	"io"
	"strings"
)

// utf8BOM makes Excel read the file as UTF-8; without it, French Excel
// assumes Windows-1252 and turns "Élodie" into "Ã‰lodie".
const utf8BOM = "\uFEFF"

// CSVOptions selects the CSV dialect.
type CSVOptions struct {
	// Excel produces what a double-click in French Excel opens correctly:
	// ';' as separator (',' is the decimal mark in France), a UTF-8 byte
	// order mark at the start and CRLF line ends. Without it the output is
	// RFC 4180 with LF line ends, for programs.
	Excel bool
}

// CSVWriter streams CSV records. Exports can run to millions of rows, so it
// writes through a buffer and allocates nothing per cell in the common case.
// Every cell goes through NeutralizeCell: a CSV produced by profil is meant
// to be opened by people, and must never run a formula.
//
// A CSVWriter is not safe for concurrent use. Call Flush when done.
type CSVWriter struct {
	w       *bufio.Writer
	comma   byte
	crlf    bool
	started bool
	err     error
}

// NewCSVWriter returns a writer of the dialect described by opt.
func NewCSVWriter(w io.Writer, opt CSVOptions) *CSVWriter {
	c := &CSVWriter{w: bufio.NewWriterSize(w, 64*1024), comma: ',', crlf: opt.Excel}
	if opt.Excel {
		c.comma = ';'
	} else {
		c.started = true // no byte order mark to write
	}
	return c
}

// Write writes one record. Cells are neutralised (see NeutralizeCell) and
// quoted only when they must be, following the rules of encoding/csv.
// Errors from the underlying writer are sticky: once one is seen, every
// later call returns it.
func (c *CSVWriter) Write(record []string) error {
	if c.err != nil {
		return c.err
	}
	if !c.started {
		c.started = true
		c.w.WriteString(utf8BOM)
	}
	for i, cell := range record {
		if i > 0 {
			c.w.WriteByte(c.comma)
		}
		if strings.IndexByte(cell, '\r') >= 0 {
			// A line break is written as the dialect's line end; a carriage return alone,
			// which a terminal reading the file would take as going back to the start of
			// the line (over the cells before it), is a line break too.
			cell = strings.ReplaceAll(strings.ReplaceAll(cell, "\r\n", "\n"), "\r", "\n")
		}
		if hasRawControl(cell) {
			// Text stored before control characters were refused: a CSV file is read
			// with cat and less too, so it never carries an ESC or a bidi override raw.
			cell = Escape(cell)
		}
		// Same result as NeutralizeCell, without allocating a new string.
		prefixed := needsPrefix(cell)
		quoted := c.needsQuotes(cell, prefixed)
		if quoted {
			c.w.WriteByte('"')
		}
		if prefixed {
			c.w.WriteByte('\'')
		}
		if quoted {
			c.writeEscaped(cell)
			c.w.WriteByte('"')
		} else {
			c.w.WriteString(cell)
		}
	}
	if c.crlf {
		_, c.err = c.w.WriteString("\r\n")
	} else {
		c.err = c.w.WriteByte('\n')
	}
	return c.err
}

// Flush writes any buffered data to the underlying writer. An Excel file
// with no record still gets its byte order mark, so that rows appended later
// by another tool are read as UTF-8.
func (c *CSVWriter) Flush() error {
	if c.err != nil {
		return c.err
	}
	if !c.started {
		c.started = true
		c.w.WriteString(utf8BOM)
	}
	c.err = c.w.Flush()
	return c.err
}

// needsQuotes mirrors encoding/csv: quote a cell holding the separator, a
// quote or a line break, one starting with a space (spreadsheets would trim
// it), and the PostgreSQL end-of-data marker `\.`. A prefixed cell starts
// with the apostrophe, so only its content matters.
func (c *CSVWriter) needsQuotes(cell string, prefixed bool) bool {
	if cell == "" {
		return false
	}
	if !prefixed && (cell == `\.` || cell[0] == ' ') {
		return true
	}
	for i := 0; i < len(cell); i++ {
		switch cell[i] {
		case c.comma, '"', '\r', '\n':
			return true
		}
	}
	return false
}

// writeEscaped writes the inside of a quoted cell (whose carriage returns Write made line
// breaks): quotes doubled, line breaks written as the dialect's line end.
func (c *CSVWriter) writeEscaped(cell string) {
	for len(cell) > 0 {
		i := strings.IndexAny(cell, "\"\n")
		if i < 0 {
			c.w.WriteString(cell)
			break
		}
		c.w.WriteString(cell[:i])
		switch cell[i] {
		case '"':
			c.w.WriteString(`""`)
		case '\n':
			if c.crlf {
				c.w.WriteString("\r\n")
			} else {
				c.w.WriteByte('\n')
			}
		}
		cell = cell[i+1:]
	}
}

// hasRawControl reports, in one pass over the bytes, whether cell may hold a character that
// Escape renders (line breaks and tabs excepted): a C0 control, DEL, a C1 control (UTF-8
// C2 80–C2 9F), a bidi control (E2 80 AA–AE, E2 81 A6–A9), or a byte that is not UTF-8.
func hasRawControl(cell string) bool {
	for i := 0; i < len(cell); i++ {
		b := cell[i]
		switch {
		case b < 0x20:
			if b != '\t' && b != '\n' && b != '\r' {
				return true
			}
		case b == 0x7f:
			return true
		case b >= 0x80:
			// The first byte past ASCII starts a rune: decode from there.
			return needsEscape(cell[i:], true)
		}
	}
	return false
}

// NeutralizeCell protects spreadsheet users against CSV injection (OWASP):
// a cell starting with '=', '+', '-', '@', tab, carriage return, line feed
// or NUL could be read as a formula, so it gets a leading apostrophe that
// makes the spreadsheet show it as text. Negative numbers are prefixed too
// ("-5" becomes "'-5"); that is the price of never running a formula, and
// phone numbers are exported in national format so they do not start with
// '+'.
func NeutralizeCell(s string) string {
	if needsPrefix(s) {
		return "'" + s
	}
	return s
}

func needsPrefix(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n', 0:
		return true
	}
	return false
}
