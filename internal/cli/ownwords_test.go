package cli_test

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/testdb"
)

// writeXLSX writes a minimal Excel workbook (a ZIP with its content types), named name.
func writeXLSX(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, n := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte("<x/>"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// Files profil cannot import are told in profil's words: a workbook (with how to save it as
// CSV), a folder, a file one may not read. In English and in French.
func TestImportFileErrorsInOwnWords(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	clitest.SignIn(t, env)
	workbook := writeXLSX(t, "comptes.csv") // by content, whatever its name
	dir := t.TempDir()
	for _, tt := range []struct {
		lang string
		args []string
		code int
		want string
	}{
		{"C", []string{"user", "import", "--source", "synapse", workbook}, cmdutil.ExitInvalid, `this is an Excel workbook, not a CSV file: in Excel, choose File > Save As, type "CSV (séparateur: point-virgule) (*.csv)"`},
		{"fr_FR.UTF-8", []string{"user", "import", "--source", "synapse", workbook}, cmdutil.ExitInvalid, "c'est un classeur Excel, pas un fichier CSV : dans Excel, choisissez Fichier > Enregistrer sous, type « CSV (séparateur: point-virgule) (*.csv) »"},
		{"C", []string{"structure", "import", workbook}, cmdutil.ExitInvalid, "this is an Excel workbook"},
		{"C", []string{"user", "import", "--source", "synapse", dir}, cmdutil.ExitInvalid, dir + " is a folder: name the CSV file to import"},
		{"fr_FR.UTF-8", []string{"user", "import", "--source", "synapse", dir}, cmdutil.ExitInvalid, dir + " est un dossier : nommez le fichier CSV à importer"},
	} {
		t.Setenv("LANG", tt.lang)
		r := clitest.Run(t, env, tt.args...).Want(t, tt.code)
		if !strings.Contains(r.Stderr, frenchSpaces.Replace(tt.want)) || strings.Contains(r.Stderr, "missing columns") || strings.Contains(r.Stderr, "is a directory") {
			t.Errorf("%s %v: want %q:\n%s", tt.lang, tt.args, tt.want, r)
		}
	}
	if os.Geteuid() == 0 {
		t.Log("running as root: every file is readable, the unreadable file is not tried")
		return
	}
	t.Setenv("LANG", "C")
	locked := filepath.Join(t.TempDir(), "comptes.csv")
	if err := os.WriteFile(locked, []byte("email\n"), 0o000); err != nil {
		t.Fatal(err)
	}
	r := clitest.Run(t, env, "user", "import", "--source", "synapse", locked).Want(t, cmdutil.ExitError)
	if !strings.Contains(r.Stderr, "cannot be read: you have no permission to read it") || strings.Contains(r.Stderr, "permission denied") {
		t.Errorf("an unreadable file:\n%s", r)
	}
}

// A PostgreSQL server that does not answer is one line in profil's words, what to check; the
// driver's own error only with --verbose, once, and never the password.
func TestUnreachableServerInOwnWords(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = "postgres://profil:s3cr3t-pw@127.0.0.1:1/profil"
	for _, tt := range []struct{ lang, want string }{
		{"C", "profil: cannot reach the PostgreSQL server at 127.0.0.1:1: check that it runs and accepts connections there"},
		{"fr_FR.UTF-8", "profil: impossible de joindre le serveur PostgreSQL 127.0.0.1:1 : vérifiez qu'il tourne et y accepte les connexions"},
	} {
		t.Setenv("LANG", tt.lang)
		r := clitest.Run(t, env, "structure", "list").Want(t, cmdutil.ExitError)
		if !strings.Contains(r.Stderr, frenchSpaces.Replace(tt.want)) || strings.Count(strings.TrimSpace(r.Stderr), "\n") != 0 || strings.Contains(r.Stderr, "dial") {
			t.Errorf("%s: want one line %q, no driver detail:\n%s", tt.lang, tt.want, r)
		}
	}
	t.Setenv("LANG", "C")
	r := clitest.Run(t, env, "structure", "list", "--verbose").Want(t, cmdutil.ExitError)
	if !strings.Contains(r.Stderr, "  detail: ") || !strings.Contains(r.Stderr, "connection refused") || strings.Contains(r.Stderr, "s3cr3t-pw") {
		t.Errorf("--verbose: want the driver's error, without the password:\n%s", r)
	}
	t.Setenv("PROFIL_VERBOSE", "1")
	if r := clitest.Run(t, env, "structure", "list").Want(t, cmdutil.ExitError); !strings.Contains(r.Stderr, "  detail: ") {
		t.Errorf("PROFIL_VERBOSE=1: want the detail:\n%s", r)
	}
}

// A server that refuses the connection says what it said (no such role, no such database).
func TestRefusedConnectionInOwnWords(t *testing.T) {
	testdb.Postgres(t) // skips, or fails when required, without a server
	env := clitest.NewEnv(t)
	env.DB = "postgres://postgres@127.0.0.1:5432/profil_no_such_database_here?sslmode=disable"
	r := clitest.Run(t, env, "structure", "list").Want(t, cmdutil.ExitError)
	if !strings.Contains(r.Stderr, `the PostgreSQL server at 127.0.0.1:5432 refused the connection: database "profil_no_such_database_here" does not exist; check the user, password and database name`) ||
		strings.Contains(r.Stderr, "SQLSTATE") {
		t.Errorf("a missing database:\n%s", r)
	}
}

// A folder given as the configuration file is said so, in English and in French.
func TestConfigFolderInOwnWords(t *testing.T) {
	env := clitest.NewEnv(t)
	dir := t.TempDir()
	for _, tt := range []struct{ lang, want string }{
		{"C", "profil: --config " + dir + " is a folder: name the configuration file (config.yaml)"},
		{"fr_FR.UTF-8", "profil: --config " + dir + " est un dossier : nommez le fichier de configuration (config.yaml)"},
	} {
		t.Setenv("LANG", tt.lang)
		r := clitest.Run(t, env, "--config", dir, "structure", "list").Want(t, cmdutil.ExitUsage)
		if !strings.Contains(r.Stderr, frenchSpaces.Replace(tt.want)) || strings.Contains(r.Stderr, "is a directory") {
			t.Errorf("%s: want %q:\n%s", tt.lang, tt.want, r)
		}
	}
}
