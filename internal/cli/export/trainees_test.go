package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/export"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/testdb"
)

const (
	lea  = "lea.moreau@exemple.fr" // registered with case -2026-001 (a cell a spreadsheet would compute)
	hugo = "hugo.petit@exemple.fr" // registered without a case
)

// trainees adds two trainee accounts to the world: Léa with her case, under the first terms of
// use, and Hugo without a case, after a second version was published. The gestionnaire and
// Élodie act from then on with API tokens, which the new terms do not block: the
// gestionnaire's only reads, as a cron job's would.
func (w *world) trainees(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for email, scope := range map[string]string{adminEmail: domain.ScopeRead, elodie: ""} {
		a, err := w.svc.Authenticate(ctx, w.tokens[email])
		if err != nil {
			t.Fatal(err)
		}
		secret, _, err := w.svc.CreateAPIToken(ctx, a, "export", time.Hour, scope)
		if err != nil {
			t.Fatal(err)
		}
		w.tokens[email] = secret
	}
	if _, err := w.svc.ImportCases(ctx, w.admin, strings.NewReader("case_number,last_name,first_name,birth_date\n-2026-001,Moreau,Léa,31/01/2000\n"),
		service.ImportOptions{File: "dossiers.csv"}); err != nil {
		t.Fatal(err)
	}
	register := func(last, first, birth, number, email string) {
		in := service.TraineeRegistration{LastName: last, FirstName: first, BirthDate: birth, CaseNumber: number, NoCase: number == "",
			Email: email, EmailConfirm: email, AcceptTerms: true}
		if _, err := w.svc.RegisterTrainee(ctx, domain.Anonymous, in); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range []string{"2026-01", "2026-02"} {
		if _, err := w.svc.PublishTerms(ctx, w.admin, v, "Conditions "+v+"\n"); err != nil {
			t.Fatal(err)
		}
		if v == "2026-01" {
			register("Moreau", "Léa", "31/01/2000", "-2026-001", lea)
		} else {
			register("Petit", "Hugo", "01/02/1999", "", hugo)
		}
	}
}

func TestExportTraineesExcel(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		w.trainees(t)
		path := filepath.Join(t.TempDir(), "stagiaires.csv")
		r := w.run(t, adminEmail, "export", "trainees", "--excel", "--file", path).Want(t, cmdutil.ExitOK)
		if r.Stdout != "" || !strings.Contains(r.Stderr, "✓ exported 2 trainee accounts to "+path) {
			t.Errorf("stdout and stderr:\n%s", r)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}) {
			t.Errorf("the Excel file starts with % X, want the UTF-8 byte order mark", raw[:min(3, len(raw))])
		}
		if n, crlf := bytes.Count(raw, []byte("\n")), bytes.Count(raw, []byte("\r\n")); n != 3 || crlf != n {
			t.Errorf("%d line ends, %d of them CRLF: want 3 lines, all CRLF:\n%q", n, crlf, raw)
		}
		if runtime.GOOS != "windows" {
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("export file mode = %v (%v), want 0600", fi.Mode().Perm(), err)
			}
		}
		records := readCSVWithPython(t, path, ";")
		if !reflect.DeepEqual(records[0], export.TraineeExcelColumns) {
			t.Errorf("header = %q, want %q", records[0], export.TraineeExcelColumns)
		}
		records[0] = export.TraineeColumns
		rows := byEmail(t, records)
		want := map[string]string{"last_name": "Moreau", "first_name": "Léa", "birth_date": "31/01/2000",
			"case_number": "'-2026-001", "terms_version": "2026-01", "status": "active", "created_at": "15/03/2026"}
		for k, v := range want {
			if rows[lea][k] != v {
				t.Errorf("Léa's %s read back as %q, want %q", k, rows[lea][k], v)
			}
		}
		if h := rows[hugo]; h["case_number"] != "" || h["terms_version"] != "2026-02" {
			t.Errorf("Hugo read back as %v", h)
		}
		assertNoTemporaryFiles(t, filepath.Dir(path), "stagiaires.csv")
	})
}

func TestExportTraineesCSVAndJSON(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		w.trainees(t)
		path := filepath.Join(t.TempDir(), "trainees.csv")
		w.run(t, adminEmail, "-q", "export", "trainees", "--terms-pending", "-f", path).Want(t, cmdutil.ExitOK)
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Join(export.TraineeColumns, ",") + "\n" +
			lea + ",Moreau,Léa,2000-01-31,,'-2026-001,2026-01,active,2026-03-14T23:30:00Z\n"
		if string(raw) != want {
			t.Errorf("--terms-pending CSV =\n%s\nwant\n%s", raw, want)
		}

		r := w.run(t, adminEmail, "export", "trainees", "--without-case", "-o", "json").Want(t, cmdutil.ExitOK)
		var rows []map[string]any
		if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil {
			t.Fatalf("%v:\n%s", err, r.Stdout)
		}
		if len(rows) != 1 || rows[0]["email"] != hugo || rows[0]["case_number"] != "" || rows[0]["created_at"] != "2026-03-14T23:30:00Z" {
			t.Errorf("--without-case JSON = %v", rows)
		}

		// A référent may not; the file named is not even created.
		refused := filepath.Join(t.TempDir(), "refus.csv")
		w.run(t, elodie, "export", "trainees", "-f", refused).Want(t, cmdutil.ExitForbidden)
		if _, err := os.Stat(refused); !os.IsNotExist(err) {
			t.Errorf("a refused export left %s: %v", refused, err)
		}

		r = w.run(t, adminEmail, "audit", "list", "--action", "export.trainees", "-o", "json").Want(t, cmdutil.ExitOK)
		if n := strings.Count(r.Stdout, `"export.trainees"`); n != 2 {
			t.Errorf("%d export.trainees events, want 2:\n%s", n, r.Stdout)
		}
	})
}
