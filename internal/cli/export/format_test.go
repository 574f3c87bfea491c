package export

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
)

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestAtomicFileAbortLeavesTheOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := createAtomic(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("half an export"); err != nil {
		t.Fatal(err)
	}
	// While it is written, the rows are in a hidden file next to the destination.
	if names := dirNames(t, dir); len(names) != 2 || names[0][0] != '.' {
		t.Errorf("during the export the folder holds %q, want a hidden temporary file and users.csv", names)
	}
	f.Abort() // e.g. the database failed mid-way
	f.Abort() // harmless twice
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("after Abort the file reads %q, want the old content", got)
	}
	if names := dirNames(t, dir); !reflect.DeepEqual(names, []string{"users.csv"}) {
		t.Errorf("after Abort the folder holds %q", names)
	}
}

func TestAtomicFileCommitReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := createAtomic(path)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("new")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort() // deferred by callers: nothing once committed
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "new" {
		t.Errorf("after Commit the file reads %q (%v)", got, err)
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(path); fi.Mode().Perm() != fileMode {
			t.Errorf("mode %v, want %v", fi.Mode().Perm(), os.FileMode(fileMode))
		}
	}
	if names := dirNames(t, dir); !reflect.DeepEqual(names, []string{"users.csv"}) {
		t.Errorf("after Commit the folder holds %q", names)
	}
	if err := f.Commit(); err == nil {
		t.Error("a second Commit succeeded")
	}
}

func TestAtomicFileRelativePath(t *testing.T) {
	t.Chdir(t.TempDir())
	f, err := createAtomic("out.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("out.json"); err != nil {
		t.Error(err)
	}
}

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
