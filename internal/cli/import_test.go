package cli_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

// The SIRETs of testdata/import/structures.csv.
const (
	importHorizons = "44306184100047"
	importGRETA    = "19330153800123"
	importMLL      = "13000548100127"
	importCap      = "73282932000074"
	importAFPA     = "77568501900124" // structures-excel.csv
)

// importSample is the path of a file of testdata/import.
func importSample(name string) string {
	return filepath.Join("..", "..", "testdata", "import", name)
}

// importWorld is a database with a signed-in gestionnaire, and a connection to look into it.
type importWorld struct {
	env clitest.Env
	db  *sqlstore.DB
}

func newImportWorld(t *testing.T, dsn string) *importWorld {
	t.Helper()
	env := clitest.NewEnv(t)
	env.DB = dsn
	env.Width = 250
	clitest.SignIn(t, env)
	db, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &importWorld{env: env, db: db}
}

// count runs a SELECT COUNT(*) … (no parameters) on the database.
func (w *importWorld) count(t *testing.T, query string) int {
	t.Helper()
	var n int
	if err := w.db.SQL().QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// results runs an import with -o json and returns its per-line results.
func (w *importWorld) results(t *testing.T, code int, args ...string) ([]present.LineResult, clitest.Result) {
	t.Helper()
	r := clitest.Run(t, w.env, append(args, "-o", "json")...).Want(t, code)
	var out []present.LineResult
	if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	return out, r
}

// byResult counts results by their result.
func byResult(rs []present.LineResult) map[string]int {
	out := map[string]int{}
	for _, r := range rs {
		out[r.Result]++
	}
	return out
}

func wantCounts(t *testing.T, rs []present.LineResult, want map[string]int) {
	t.Helper()
	got := byResult(rs)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%d %s, want %d (all: %v)", got[k], k, v, got)
		}
	}
	total := 0
	for _, v := range want {
		total += v
	}
	if len(rs) != total {
		t.Errorf("%d results, want %d: %+v", len(rs), total, rs)
	}
}

func TestStructureImport(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newImportWorld(t, dsn)

		// The documented columns, with ',': every line creates a structure.
		rs, _ := w.results(t, cmdutil.ExitOK, "structure", "import", importSample("structures.csv"))
		wantCounts(t, rs, map[string]int{"created": 5})
		if rs[0].Line != 2 || rs[4].Line != 6 {
			t.Errorf("lines %d…%d, want 2…6", rs[0].Line, rs[4].Line)
		}
		// What French Excel saves: BOM, ';', CRLF, French headers in another order, an unknown
		// column, a leading apostrophe, a quoted cell over two lines, a line of empty cells.
		r := clitest.Must(t, w.env, "structure", "import", importSample("structures-excel.csv"))
		if r.Stdout != "" || !strings.Contains(r.Stderr, "2 lines, 2 created") {
			t.Errorf("table output of a clean import:\n%s", r)
		}
		var afpa present.Structure
		if err := json.Unmarshal([]byte(clitest.Must(t, w.env, "structure", "show", importAFPA, "-o", "json").Stdout), &afpa); err != nil {
			t.Fatal(err)
		}
		if afpa.Name != "AFPA Bordeaux Bègles" || afpa.Acronym != "AFPA" || afpa.APE != "85.59A" || afpa.PostalCode != "33130" ||
			afpa.Department != "33" || afpa.Address != "Rue des Terres Neuves Bâtiment C" ||
			!slices.Equal(afpa.Kinds, []string{"training-org", "employer"}) || afpa.Ministry {
			t.Errorf("AFPA imported as %+v", afpa)
		}
		const structures = "SELECT COUNT(*) FROM structures"
		if n := w.count(t, structures); n != 7 {
			t.Fatalf("%d structures, want 7", n)
		}
		const importEvents = "SELECT COUNT(*) FROM audit_events WHERE action = 'structure.import'"
		events := w.count(t, importEvents)

		// Running the same files again creates nothing, and records nothing.
		rs, _ = w.results(t, cmdutil.ExitOK, "structure", "import", importSample("structures.csv"))
		wantCounts(t, rs, map[string]int{"skipped": 5})
		rs, _ = w.results(t, cmdutil.ExitOK, "structure", "import", importSample("structures-excel.csv"))
		wantCounts(t, rs, map[string]int{"skipped": 2})
		if n := w.count(t, structures); n != 7 {
			t.Errorf("%d structures after a second run, want 7", n)
		}
		if n := w.count(t, importEvents); n != events {
			t.Errorf("%d import events after a run with nothing to do, want %d", n, events)
		}

		// Updates change what differs only: an empty cell erases nothing, kinds are added. The
		// structure without SIRET is recognised by its name, address and postal code.
		changes := filepath.Join(t.TempDir(), "changes.csv")
		writeFile(t, changes, "siret;name;acronym;city;kinds;address;postal_code\n"+
			importHorizons+";Horizons Emploi;;Mérignac;prescriber;;\n"+
			";MINISTERE DU TRAVAIL;;Paris;;127 rue de Grenelle;75007\n"+
			importGRETA+";GRETA Nord Aquitaine;;;;;\n"+
			"55120222900128;Nouvelle structure;;;;;\n")
		rs, _ = w.results(t, cmdutil.ExitOK, "structure", "import", changes, "--dry-run")
		wantCounts(t, rs, map[string]int{"would-update": 2, "skipped": 1, "would-create": 1})
		if n := w.count(t, structures); n != 7 {
			t.Errorf("a dry run created structures: %d", n)
		}
		rs, _ = w.results(t, cmdutil.ExitOK, "structure", "import", changes)
		wantCounts(t, rs, map[string]int{"updated": 2, "skipped": 1, "created": 1})
		var horizons present.Structure
		if err := json.Unmarshal([]byte(clitest.Must(t, w.env, "structure", "show", importHorizons, "-o", "json").Stdout), &horizons); err != nil {
			t.Fatal(err)
		}
		if horizons.City != "Mérignac" || horizons.Acronym != "HE" || horizons.PostalCode != "33000" ||
			!slices.Equal(horizons.Kinds, []string{"training-org", "prescriber", "employer"}) {
			t.Errorf("Horizons after the update: %+v", horizons)
		}
		if n := w.count(t, structures); n != 8 {
			t.Errorf("%d structures, want 8", n)
		}
		if n := w.count(t, "SELECT COUNT(*) FROM audit_events WHERE action = 'structure.update'"); n != 2 {
			t.Errorf("%d structure.update events, want 2 (one per structure updated)", n)
		}

		// A file without the name column is refused before anything, naming the column.
		noName := filepath.Join(t.TempDir(), "no-name.csv")
		writeFile(t, noName, "siret;city\n"+importHorizons+";Pessac\n")
		r = clitest.Run(t, w.env, "structure", "import", noName).Want(t, cmdutil.ExitInvalid)
		wantOutput(t, r, "line 1: missing column name")

		// Gestionnaires only.
		env := w.env
		env.DB = ""
		r = clitest.Run(t, env, "--db", dsn, "--token", "not-a-token", "structure", "import", importSample("structures.csv"))
		if r.Code != cmdutil.ExitForbidden {
			t.Errorf("import with a bad token:\n%s", r)
		}
	})
}

func TestUserImport(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newImportWorld(t, dsn)
		clitest.Must(t, w.env, "structure", "import", importSample("structures.csv"))
		const (
			users   = "SELECT COUNT(*) FROM users"
			events  = "SELECT COUNT(*) FROM audit_events WHERE action = 'user.import'"
			members = "SELECT COUNT(*) FROM memberships"
		)

		// All or nothing: one bad line (14) and nothing is written; the message says where.
		rs, r := w.results(t, cmdutil.ExitInvalid, "user", "import", "--source", "prisme", importSample("users-bad-line-14.csv"))
		wantOutput(t, r, `line 14, column phone: "05 56" is not a valid phone number`, "nothing was imported", "--skip-invalid")
		if len(rs) != 1 || rs[0].Line != 14 || rs[0].Result != "error" || !strings.Contains(rs[0].Error, "column phone") {
			t.Errorf("results of a refused import: %+v", rs)
		}
		if n := w.count(t, users); n != 1 {
			t.Fatalf("a refused import wrote %d accounts", n-1)
		}
		r = clitest.Run(t, w.env, "user", "import", "--source", "prisme", importSample("users-bad-line-14.csv")).Want(t, cmdutil.ExitInvalid)
		if r.Stdout != "" {
			t.Errorf("a refused import prints its lines in a table too:\n%s", r)
		}
		// -q is quiet on success only: a line skipped as invalid still says why.
		r = clitest.Run(t, w.env, "-q", "user", "import", "--source", "prisme", "--skip-invalid", "--dry-run",
			importSample("users-bad-line-14.csv")).Want(t, cmdutil.ExitInvalid)
		if r.Stdout != "" || !strings.Contains(r.Stderr, `profil: line 14, column phone: "05 56" is not a valid phone number`) {
			t.Errorf("-q --skip-invalid: want the skipped line's error on stderr:\n%s", r)
		}

		// A dry run says what would happen and writes nothing.
		rs, _ = w.results(t, cmdutil.ExitOK, "user", "import", "--source", "synapse", importSample("users-synapse.csv"), "--dry-run")
		wantCounts(t, rs, map[string]int{"would-create": 12})
		if n := w.count(t, users) + w.count(t, events); n != 1 {
			t.Fatalf("a dry run wrote something")
		}

		// BOM, ';', French headers, a leading apostrophe.
		rs, _ = w.results(t, cmdutil.ExitOK, "user", "import", "--source", "synapse", importSample("users-synapse.csv"))
		wantCounts(t, rs, map[string]int{"created": 12})
		// ',', other order, an unknown column, E.164 numbers behind an apostrophe.
		r = clitest.Must(t, w.env, "user", "import", "--source", "prisme", importSample("users-prisme.csv"))
		wantOutput(t, r, "accounts: 8 lines, 8 created")
		if n := w.count(t, users); n != 21 {
			t.Fatalf("%d accounts, want 21", n)
		}
		// Every account: active, no password, its source, one membership (not référent) holding
		// the automatic profile.
		for query, want := range map[string]int{
			"SELECT COUNT(*) FROM users WHERE source = 'synapse' AND status = 'active' AND password_hash IS NULL AND must_change_password = FALSE":                 12,
			"SELECT COUNT(*) FROM users WHERE source = 'prisme' AND status = 'active' AND password_hash IS NULL":                                                   8,
			"SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.source <> '' AND m.referent = FALSE AND m.ended_at IS NULL":               20,
			"SELECT COUNT(*) FROM grants g JOIN memberships m ON m.id = g.membership_id WHERE g.profile_code = 'parcourspro.beneficiary' AND g.revoked_at IS NULL": 20,
			"SELECT COUNT(*) FROM users WHERE email = 'ines.mercier@horizons.example' AND phone = '+33556000011' AND function = 'Responsable pédagogique'":         1,
			"SELECT COUNT(*) FROM users WHERE email = 'jean-francois.petit@greta.example' AND phone = '+33556000003'":                                              1,
			events: 2,
		} {
			if n := w.count(t, query); n != want {
				t.Errorf("%s: %d, want %d", query, n, want)
			}
		}

		// The same file again creates nothing and records nothing.
		rs, _ = w.results(t, cmdutil.ExitOK, "user", "import", "--source", "synapse", importSample("users-synapse.csv"))
		wantCounts(t, rs, map[string]int{"skipped": 12})
		if n := w.count(t, users) + w.count(t, members) + w.count(t, events); n != 21+20+2 {
			t.Errorf("a second run wrote something: %d rows", n)
		}

		// An account that exists is attached to one more structure, and left as it is.
		more := filepath.Join(t.TempDir(), "more.csv")
		writeFile(t, more, "email,last_name,first_name,siret\n"+
			"CLAIRE.MARTIN@horizons.example,Autre-Nom,Claire,"+importGRETA+"\n"+
			"paul.leroy@horizons.example,Leroy,Paul,"+importHorizons+"\n")
		rs, _ = w.results(t, cmdutil.ExitOK, "user", "import", "--source", "prisme", more)
		if len(rs) != 2 || rs[0].Result != "attached" || rs[1].Result != "skipped" {
			t.Errorf("results: %+v", rs)
		}
		if n := w.count(t, "SELECT COUNT(*) FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.email = 'claire.martin@horizons.example' AND u.last_name = 'Martin' AND u.source = 'synapse'"); n != 2 {
			t.Errorf("claire has %d memberships (with her own names), want 2", n)
		}

		// --skip-invalid imports the good lines, reports the bad ones, and exits with 6.
		report := filepath.Join(t.TempDir(), "report.csv")
		rs, _ = w.results(t, cmdutil.ExitInvalid, "user", "import", "--source", "prisme", importSample("users-broken.csv"), "--skip-invalid", "--report", report)
		want := map[int]string{2: "created", 3: "column email", 4: "column siret", 5: "column email", 6: "column first_name",
			7: "column phone", 8: "column siret", 9: "not well-formed CSV", 10: "created"}
		if len(rs) != len(want) {
			t.Fatalf("%d results, want %d: %+v", len(rs), len(want), rs)
		}
		for _, res := range rs {
			w := want[res.Line]
			if w == "created" && res.Result != "created" || w != "created" && (res.Result != "error" || !strings.Contains(res.Error, w)) {
				t.Errorf("line %d: %+v, want %s", res.Line, res, w)
			}
		}
		f, err := os.Open(report)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if fi, _ := f.Stat(); fi.Mode().Perm() != 0o600 {
			t.Errorf("the report holds e-mails and is readable by others: mode %v", fi.Mode().Perm())
		}
		// Someone who may not import does not overwrite a report.
		anonymous := clitest.NewEnv(t)
		anonymous.DB = dsn
		clitest.Run(t, anonymous, "user", "import", "--source", "prisme", importSample("users-broken.csv"), "--report", report).Want(t, cmdutil.ExitForbidden)
		if b, _ := os.ReadFile(report); !strings.HasPrefix(string(b), "line,key,result,error\n2,romane") {
			t.Errorf("a refused import changed the report:\n%s", b)
		}
		lines, err := csv.NewReader(f).ReadAll()
		if err != nil || len(lines) != 10 || !slices.Equal(lines[0], []string{"line", "key", "result", "error"}) ||
			!slices.Equal(lines[1], []string{"2", "romane.chevalier@horizons.example", "created", ""}) ||
			!slices.Equal(lines[3][:3], []string{"4", "victor.robin@greta.example", "error"}) || !strings.HasPrefix(lines[3][3], "column siret: ") {
			t.Errorf("report (%v):\n%q", err, lines)
		}

		// A legacy account signs in: the first attempt queues a temporary password, with the
		// answer every failed sign-in gets.
		env := w.env
		env.Stdin = "mon ancien mot de passe\n"
		r = clitest.Run(t, env, "login", "--email", "lucie.moreau@cap-metiers.example", "--password-stdin").Want(t, cmdutil.ExitForbidden)
		wantOutput(t, r, "gets a temporary one by mail")
		env.Stdin = clitest.AdminPassword + "\n" // back to the gestionnaire
		clitest.Must(t, env, "login", "--email", clitest.AdminEmail, "--password-stdin")
		var mails []struct {
			To      string `json:"to"`
			Subject string `json:"subject"`
		}
		if err := json.Unmarshal([]byte(clitest.Must(t, w.env, "mail", "list", "-o", "json").Stdout), &mails); err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(mails, func(m struct {
			To      string `json:"to"`
			Subject string `json:"subject"`
		}) bool {
			return m.To == "lucie.moreau@cap-metiers.example"
		}) {
			t.Errorf("no mail to the legacy account: %+v", mails)
		}

		// Usage errors.
		clitest.Run(t, w.env, "user", "import", importSample("users-prisme.csv")).Want(t, cmdutil.ExitUsage)
		clitest.Run(t, w.env, "user", "import", "--source", "minitel", importSample("users-prisme.csv")).Want(t, cmdutil.ExitUsage)
		clitest.Run(t, w.env, "user", "import", "--source", "prisme").Want(t, cmdutil.ExitUsage)
		clitest.Run(t, w.env, "user", "import", "--source", "prisme", "absent.csv").Want(t, cmdutil.ExitNotFound)
	})
}

// The file may come on standard input, and the progress bars on a terminal change nothing of
// the results.
func TestUserImportStdinAndTerminal(t *testing.T) {
	w := newImportWorld(t, testdb.SQLite(t))
	clitest.Must(t, w.env, "structure", "import", importSample("structures.csv"))
	b, err := os.ReadFile(importSample("users-synapse.csv"))
	if err != nil {
		t.Fatal(err)
	}
	env := w.env
	env.Stdin = string(b)
	env.StderrTTY = true
	r := clitest.Must(t, env, "user", "import", "--source", "synapse", "-", "--batch-size", "5")
	wantOutput(t, r, "accounts: 12 lines, 12 created")
	if n := w.count(t, "SELECT COUNT(*) FROM audit_events WHERE action = 'user.import'"); n != 3 {
		t.Errorf("%d audit events for 12 lines in batches of 5, want 3", n)
	}
	for _, size := range []string{"0", "100001", "100000000000"} {
		r := clitest.Run(t, w.env, "user", "import", "--source", "synapse", importSample("users-synapse.csv"), "--batch-size", size).Want(t, cmdutil.ExitUsage)
		if !strings.Contains(r.Stderr, "--batch-size must be between 1 and 100000") {
			t.Errorf("--batch-size %s: %s", size, r)
		}
	}
}

// --report names a file other than the one imported, which the report would replace; "-" is
// not standard output (-o csv is), and no file named "-" appears.
func TestImportReportPath(t *testing.T) {
	w := newImportWorld(t, testdb.SQLite(t))
	dir := t.TempDir()
	file := filepath.Join(dir, "structures.csv")
	data, err := os.ReadFile(importSample("structures.csv"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, file, string(data))
	link := filepath.Join(dir, "link.csv")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	for _, report := range []string{file, link, filepath.Join(dir, ".", "structures.csv")} {
		r := clitest.Run(t, w.env, "structure", "import", file, "--dry-run", "--report", report).Want(t, cmdutil.ExitUsage)
		if !strings.Contains(r.Stderr, "is the file being imported") {
			t.Errorf("--report %s: %s", report, r)
		}
		if b, _ := os.ReadFile(file); string(b) != string(data) {
			t.Fatalf("--report %s changed the file imported", report)
		}
	}
	t.Chdir(dir)
	r := clitest.Run(t, w.env, "structure", "import", file, "--dry-run", "--report", "-").Want(t, cmdutil.ExitUsage)
	if !strings.Contains(r.Stderr, "-o csv") {
		t.Errorf("--report -: %s", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "-")); err == nil {
		t.Errorf("--report - created a file named -")
	}
	clitest.Must(t, w.env, "structure", "import", file, "--dry-run", "--report", "other.csv")
	if b, _ := os.ReadFile(filepath.Join(dir, "other.csv")); !strings.HasPrefix(string(b), "line,key,result,error\n") {
		t.Errorf("--report other.csv:\n%s", b)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func wantOutput(t *testing.T, r clitest.Result, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(r.Output(), w) {
			t.Errorf("output lacks %q:\n%s", w, r)
		}
	}
}

// A legacy base lists a person once per structure, saved by French Excel (Windows-1252, ';'):
// the person is created once and attached to both; the same structure twice is a bad line; a
// re-run after a référent detached the person does not attach them again.
func TestUserImportOnePersonTwoStructures(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newImportWorld(t, dsn)
		clitest.Must(t, w.env, "structure", "import", importSample("structures.csv"))
		file := filepath.Join(t.TempDir(), "excel.csv")
		excel := "courriel;nom;pr\xe9nom;siret\r\n" +
			"helene.dupre@x.example;Dupr\xe9;H\xe9l\xe8ne;" + importGRETA + "\r\n" +
			"helene.dupre@x.example;Dupr\xe9;H\xe9l\xe8ne;" + importHorizons + "\r\n"
		writeFile(t, file, excel+"helene.dupre@x.example;Dupr\xe9;H\xe9l\xe8ne;"+importGRETA+"\r\n")
		rs, _ := w.results(t, cmdutil.ExitInvalid, "user", "import", "--source", "prisme", file)
		if len(rs) != 1 || rs[0].Line != 4 || !strings.Contains(rs[0].Error, "same structure: first on line 2") {
			t.Fatalf("the same person twice for one structure: %+v", rs)
		}
		writeFile(t, file, excel)
		// A dry run tells it as the import will do it, the person's lines in one batch or in two.
		for _, batch := range []string{"500", "1"} {
			rs, _ = w.results(t, cmdutil.ExitOK, "user", "import", "--source", "prisme", "--dry-run", "--batch-size", batch, file)
			if len(rs) != 2 || rs[0].Result != "would-create" || rs[1].Result != "would-attach" {
				t.Errorf("one person, two structures, a dry run in batches of %s: %+v", batch, rs)
			}
		}
		rs, _ = w.results(t, cmdutil.ExitOK, "user", "import", "--source", "prisme", file)
		if len(rs) != 2 || rs[0].Result != "created" || rs[1].Result != "attached" {
			t.Fatalf("one person, two structures: %+v", rs)
		}
		if n := w.count(t, "SELECT COUNT(*) FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.email = 'helene.dupre@x.example' AND u.first_name = 'Hélène' AND u.last_name = 'Dupré' AND m.ended_at IS NULL"); n != 2 {
			t.Fatalf("Hélène Dupré has %d memberships under her accented name, want 2", n)
		}
		clitest.Must(t, w.env, "user", "detach", "helene.dupre@x.example", "--structure", importHorizons, "--yes")
		rs, _ = w.results(t, cmdutil.ExitOK, "user", "import", "--source", "prisme", file)
		if len(rs) != 2 || rs[0].Result != "skipped" || rs[1].Result != "skipped" {
			t.Errorf("a re-run after a detachment: %+v, want both skipped", rs)
		}
		if n := w.count(t, "SELECT COUNT(*) FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.email = 'helene.dupre@x.example' AND m.ended_at IS NULL"); n != 1 {
			t.Errorf("%d active memberships after the re-run, want 1: the detachment stays", n)
		}
	})
}

// Imports audit every person they attach, on the structure joined, and every structure they
// create, so that `audit list --structure S` tells the whole story of S; a re-run that changes
// nothing records nothing more.
func TestImportsAuditEachPersonAndStructure(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newImportWorld(t, dsn)
		clitest.Must(t, w.env, "structure", "import", importSample("structures.csv"))
		r := clitest.Must(t, w.env, "audit", "list", "--structure", importHorizons, "-o", "json")
		var events []struct {
			Action  string         `json:"action"`
			Target  string         `json:"target"`
			Details map[string]any `json:"details"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &events); err != nil {
			t.Fatalf("%v\n%s", err, r)
		}
		if len(events) != 1 || events[0].Action != "structure.create" || events[0].Details["siret"] != importHorizons || events[0].Details["line"] == nil {
			t.Errorf("a structure created by an import, its audit trail: %+v", events)
		}

		clitest.Must(t, w.env, "user", "import", "--source", "synapse", importSample("users-synapse.csv"), "--batch-size", "5")
		r = clitest.Must(t, w.env, "audit", "list", "--structure", importHorizons, "-o", "json")
		events = nil
		if err := json.Unmarshal([]byte(r.Stdout), &events); err != nil {
			t.Fatalf("%v\n%s", err, r)
		}
		var people []string
		for _, e := range events {
			if e.Action == "member.import" {
				people = append(people, e.Target)
				if e.Details["source"] != "synapse" || e.Details["created"] != true || e.Details["line"] == nil {
					t.Errorf("member.import details: %+v", e.Details)
				}
			}
		}
		if !slices.Contains(people, "claire.martin@horizons.example") || !slices.Contains(people, "paul.leroy@horizons.example") {
			t.Errorf("audit list --structure %s lacks the people the import attached: %v\n%s", importHorizons, people, r)
		}
		total := "SELECT COUNT(*) FROM audit_events WHERE action = 'member.import'"
		if n := w.count(t, total); n != 12 {
			t.Errorf("%d member.import events for 12 people attached, want 12", n)
		}
		// A re-run attaches nobody and records nothing.
		clitest.Must(t, w.env, "user", "import", "--source", "synapse", importSample("users-synapse.csv"))
		if n := w.count(t, total); n != 12 {
			t.Errorf("a re-run that attached nobody wrote %d member.import events", n-12)
		}
	})
}

// newUsersFileWorld is a SQLite world holding the structures of testdata/import, and the
// path of a file of accounts to write.
func newUsersFileWorld(t *testing.T) (*importWorld, string) {
	t.Helper()
	w := newImportWorld(t, testdb.SQLite(t))
	clitest.Must(t, w.env, "structure", "import", importSample("structures.csv"))
	return w, filepath.Join(t.TempDir(), "users.csv")
}

// A batch that fails to write stops the import with what it did: when it was the first, the
// message says nothing was imported and no summary counts lines that were not written; when
// batches before it were written, the message says so and the summary counts them.
func TestUserImportFailedBatchSaysWhatWasWritten(t *testing.T) {
	w, file := newUsersFileWorld(t)
	writeFile(t, file, "email;nom;prenom;siret\n"+
		"ada@x.example;Lovelace;Ada;"+importGRETA+"\n"+
		"alan@x.example;Turing;Alan;"+importGRETA+"\n"+
		"grace@x.example;Hopper;Grace;"+importGRETA+"\n")
	refuse := func(email string) {
		t.Helper()
		if _, err := w.db.SQL().Exec(`DROP TRIGGER IF EXISTS refuse; CREATE TRIGGER refuse BEFORE INSERT ON users WHEN NEW.email = '` + email + `'
			BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`); err != nil {
			t.Fatal(err)
		}
	}

	refuse("ada@x.example")
	r := clitest.Run(t, w.env, "user", "import", "--source", "synapse", "--batch-size", "1", file)
	if r.Code == 0 || !strings.Contains(r.Stderr, "lines 2 to 2") {
		t.Fatalf("the first batch refused: want an error naming its lines:\n%s", r)
	}
	if !strings.Contains(r.Stderr, "nothing was imported") || strings.Contains(r.Stderr, "lines before were imported") || strings.Contains(r.Stderr, "✓") {
		t.Errorf("the first batch refused: want \"nothing was imported\", no summary:\n%s", r)
	}
	if n := w.count(t, "SELECT COUNT(*) FROM users WHERE email LIKE '%@x.example'"); n != 0 {
		t.Errorf("%d accounts written, want none", n)
	}

	refuse("grace@x.example")
	r = clitest.Run(t, w.env, "user", "import", "--source", "synapse", "--batch-size", "1", file)
	if r.Code == 0 || !strings.Contains(r.Stderr, "lines 4 to 4") || !strings.Contains(r.Stderr, "the lines before were imported") {
		t.Fatalf("the third batch refused: want its lines and that the lines before were imported:\n%s", r)
	}
	if !strings.Contains(r.Stderr, "2 created") {
		t.Errorf("the third batch refused: want the summary of the two written:\n%s", r)
	}
	if n := w.count(t, "SELECT COUNT(*) FROM users WHERE email LIKE '%@x.example'"); n != 2 {
		t.Errorf("%d accounts written, want 2", n)
	}
}

// A cell longer than its field may be (a column pasted whole, a file made to flood the
// terminals that list it) is a bad line, named, and nothing is written.
func TestUserImportRefusesTooLongText(t *testing.T) {
	w, file := newUsersFileWorld(t)
	writeFile(t, file, "email;nom;prenom;fonction;siret\n"+
		"ada@x.example;Lovelace;Ada;Formatrice;"+importGRETA+"\n"+
		"alan@x.example;Turing;Alan;"+strings.Repeat("x", 5000)+";"+importGRETA+"\n")
	r := clitest.Run(t, w.env, "user", "import", "--source", "synapse", file).Want(t, cmdutil.ExitInvalid)
	wantOutput(t, r, "line 3, column function: is longer than 200 characters", "nothing was imported")
	if strings.Contains(r.Output(), "xxxxxxxxxx") {
		t.Errorf("the long cell is echoed:\n%.500s", r)
	}
	if n := w.count(t, "SELECT COUNT(*) FROM users WHERE email LIKE '%@x.example'"); n != 0 {
		t.Errorf("%d accounts written, want none", n)
	}
}

// The refusal counts the lines as people would: the only line, all of them, or some.
func TestImportRefusalCountsLines(t *testing.T) {
	w, file := newUsersFileWorld(t)
	good := "ada@x.example;Lovelace;Ada;" + importGRETA + "\n"
	bad := "not an e-mail;Turing;Alan;" + importGRETA + "\n"
	for lines, want := range map[string]string{
		bad:                    "the only line of the file is invalid; nothing was imported (correct it):",
		bad + bad:              "all 2 lines of the file are invalid; nothing was imported (correct them):",
		good + bad:             "1 of 2 lines is invalid; nothing was imported (correct it, or pass --skip-invalid",
		good + bad + bad + bad: "3 of 4 lines are invalid;",
	} {
		writeFile(t, file, "email;nom;prenom;siret\n"+lines)
		r := clitest.Run(t, w.env, "user", "import", "--source", "synapse", file).Want(t, cmdutil.ExitInvalid)
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("%d lines: want %q:\n%s", strings.Count(lines, "\n"), want, r)
		}
	}
}
