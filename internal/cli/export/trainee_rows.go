package export

import (
	"io"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/output"
)

// TraineeRow is one trainee account in `export trainees`: the fields of `trainee list`, the
// phone and the creation of the account.
type TraineeRow struct {
	Email      string    `json:"email"`
	LastName   string    `json:"last_name"`
	FirstName  string    `json:"first_name"`
	BirthDate  string    `json:"birth_date"` // YYYY-MM-DD, "" when unknown
	Phone      string    `json:"phone"`      // national format
	CaseNumber string    `json:"case_number"`
	Terms      string    `json:"terms_version"` // the last version accepted
	Status     string    `json:"status"`
	CreatedAt  time.Time `json:"created_at"`
}

// NewTraineeRow converts a domain trainee; the phone is in national format, the date in UTC.
func NewTraineeRow(t domain.Trainee) TraineeRow {
	u := t.User
	return TraineeRow{Email: u.Email, LastName: u.LastName, FirstName: u.FirstName, BirthDate: u.BirthDate,
		Phone: domain.FormatPhoneNational(u.Phone), CaseNumber: t.CaseNumber, Terms: t.Terms, Status: string(u.Status),
		CreatedAt: u.CreatedAt.UTC()}
}

// TraineeColumns is the CSV header of `export trainees`: the JSON field names of TraineeRow.
var TraineeColumns = []string{
	"email", "last_name", "first_name", "birth_date", "phone", "case_number", "terms_version", "status", "created_at",
}

// TraineeExcelColumns is the header of `export trainees --excel`, in French.
var TraineeExcelColumns = []string{
	"courriel", "nom", "prénom", "date de naissance", "téléphone", "dossier", "version des CGU", "statut", "créé le",
}

// traineeSink writes trainee rows in one format, as sink does members.
type traineeSink interface {
	WriteTrainee(r TraineeRow) error
	Close() error
}

func newTraineeCSVSink(w io.Writer, excel bool) *csvSink {
	return &csvSink{w: output.NewCSVWriter(w, output.CSVOptions{Excel: excel}), excel: excel, cells: make([]string, len(TraineeColumns)),
		header: TraineeColumns, excelHeader: TraineeExcelColumns}
}

// WriteTrainee writes one trainee: in Excel, the birth date as JJ/MM/AAAA.
func (c *csvSink) WriteTrainee(r TraineeRow) error {
	if err := c.start(); err != nil {
		return err
	}
	birth := r.BirthDate
	if c.excel {
		birth = domain.FormatBirthDate(birth)
	}
	cells := append(c.cells[:0], r.Email, r.LastName, r.FirstName, birth, r.Phone, r.CaseNumber, r.Terms, r.Status, c.date(r.CreatedAt))
	return c.w.Write(cells)
}

// WriteTrainee adds one trainee to the array.
func (j *jsonSink) WriteTrainee(r TraineeRow) error { return j.write(r) }
