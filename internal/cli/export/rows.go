package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
)

// Row is one member in an export: the member shape of `structure members` and `user list`,
// and the start of the membership.
type Row struct {
	present.Member
	MemberSince time.Time `json:"member_since"`
}

// NewRow converts a domain member; the phone is in national format, the date in UTC.
func NewRow(m domain.Member) Row {
	return Row{Member: present.FromMember(m), MemberSince: m.Since.UTC()}
}

// Columns is the CSV header: the JSON field names of Row, in the same order.
var Columns = []string{
	"email", "last_name", "first_name", "function", "phone", "structure_id", "siret", "structure_name",
	"referent", "employer", "profiles", "member_since",
}

// ExcelColumns is the header of --excel: Columns in French, for the people who open the file
// in a French Excel; `user import` reads these names back (courriel, nom, prénom, fonction,
// téléphone, siret).
var ExcelColumns = []string{
	"courriel", "nom", "prénom", "fonction", "téléphone", "id structure", "siret", "structure",
	"référent", "employeur", "profils", "membre depuis",
}

// sink writes rows in one format. The header (or the opening of the JSON array) is written
// with the first row, or by Close when there is none: a refused export writes nothing at all.
type sink interface {
	Write(r Row) error
	// Close ends the document and flushes it to the underlying writer.
	Close() error
}

// csvSink writes RFC 4180 CSV for programs, or with excel what French Excel opens right:
// ';', UTF-8 BOM, CRLF, dates as dd/mm/yyyy in Europe/Paris, oui/non, grouped SIRETs.
// output.CSVWriter neutralises every cell against formula injection.
type csvSink struct {
	w       *output.CSVWriter
	excel   bool
	started bool
	cells   []string
	// header and excelHeader are the first line: Columns and ExcelColumns for members.
	header, excelHeader []string
}

func newCSVSink(w io.Writer, excel bool) *csvSink {
	return &csvSink{w: output.NewCSVWriter(w, output.CSVOptions{Excel: excel}), excel: excel, cells: make([]string, len(Columns)),
		header: Columns, excelHeader: ExcelColumns}
}

func (c *csvSink) start() error {
	if c.started {
		return nil
	}
	c.started = true
	if c.excel {
		return c.w.Write(c.excelHeader)
	}
	return c.w.Write(c.header)
}

func (c *csvSink) Write(r Row) error {
	if err := c.start(); err != nil {
		return err
	}
	siret := r.SIRET
	if c.excel {
		// 14 digits would become 7,33E+13 in a cell; grouped, Excel keeps the text.
		siret = present.FormatSIRET(siret)
	}
	cells := c.cells[:0]
	cells = append(cells, r.Email, r.LastName, r.FirstName, r.Function, r.Phone,
		strconv.FormatInt(r.StructureID, 10), siret, r.StructureName,
		c.bool(r.Referent), c.bool(r.Employer), strings.Join(r.Profiles, "|"), c.date(r.MemberSince))
	return c.w.Write(cells)
}

func (c *csvSink) Close() error {
	if err := c.start(); err != nil {
		return err
	}
	return c.w.Flush()
}

func (c *csvSink) bool(b bool) string {
	switch {
	case c.excel && b:
		return "oui"
	case c.excel:
		return "non"
	}
	return strconv.FormatBool(b)
}

func (c *csvSink) date(t time.Time) string {
	switch {
	case t.IsZero():
		return ""
	case c.excel:
		return t.In(i18n.Paris()).Format("02/01/2006")
	}
	return t.UTC().Format(time.RFC3339)
}

// jsonSink writes one JSON array, element by element, indented as `-o json` indents lists;
// an export without rows is "[]".
type jsonSink struct {
	w   *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	n   int
}

func newJSONSink(w io.Writer) *jsonSink {
	j := &jsonSink{w: bufio.NewWriterSize(w, 64*1024)}
	j.enc = json.NewEncoder(&j.buf)
	j.enc.SetIndent("  ", "  ")
	j.enc.SetEscapeHTML(false)
	return j
}

func (j *jsonSink) Write(r Row) error { return j.write(r) }

// write adds v to the array.
func (j *jsonSink) write(v any) error {
	j.buf.Reset()
	if err := j.enc.Encode(v); err != nil {
		return err
	}
	sep := ",\n  "
	if j.n == 0 {
		sep = "[\n  "
	}
	j.n++
	j.w.WriteString(sep)
	_, err := j.w.Write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
	return err
}

func (j *jsonSink) Close() error {
	end := "\n]\n"
	if j.n == 0 {
		end = "[]\n"
	}
	if _, err := j.w.WriteString(end); err != nil {
		return err
	}
	return j.w.Flush()
}
