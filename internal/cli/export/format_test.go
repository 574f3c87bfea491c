package export

import (
	"errors"
	"testing"
)

func TestResolveFormat(t *testing.T) {
	for _, tc := range []struct {
		name                string
		formatSet           bool
		format              string
		oSet                bool
		o, configured, want string
		excel, usage        bool
	}{
		{name: "default", want: FormatCSV},
		{name: "--format json", formatSet: true, format: "JSON", want: FormatJSON},
		{name: "--format wins over -o", formatSet: true, format: "csv", oSet: true, o: "json", want: FormatCSV},
		{name: "-o json", oSet: true, o: "json", want: FormatJSON},
		{name: "-o table", oSet: true, o: "table", usage: true},
		{name: "--excel wins over -o", oSet: true, o: "json", excel: true, want: FormatCSV},
		{name: "--excel --format json", formatSet: true, format: "json", excel: true, usage: true},
		{name: "--format xml", formatSet: true, format: "xml", usage: true},
		{name: "PROFIL_OUTPUT=json", configured: "json", want: FormatJSON},
		{name: "PROFIL_OUTPUT=yaml ignored", configured: "yaml", want: FormatCSV},
	} {
		got, err := resolveFormat(tc.formatSet, tc.format, tc.oSet, tc.o, tc.configured, tc.excel)
		switch {
		case tc.usage && err == nil:
			t.Errorf("%s: got %q, want a usage error", tc.name, got)
		case !tc.usage && (err != nil || got != tc.want):
			t.Errorf("%s: got %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

// failingWriter fails after n bytes, like a full disk.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return w.n, errors.New("no space left on device")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestSinksReportWriteErrors(t *testing.T) {
	row := Row{}
	row.Email, row.Profiles = "a@example.fr", []string{}
	for name, s := range map[string]sink{
		"csv":  newCSVSink(&failingWriter{n: 10}, true),
		"json": newJSONSink(&failingWriter{n: 10}),
	} {
		var err error
		for i := 0; i < 2000 && err == nil; i++ {
			err = s.Write(row)
		}
		if err == nil {
			err = s.Close()
		}
		if err == nil {
			t.Errorf("%s: a full disk went unnoticed", name)
		}
	}
}
