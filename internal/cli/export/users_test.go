package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/export"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
	"github.com/profil-cli/profil/internal/testenv"
)

const (
	adminEmail = "jeanne.durand@cap-metiers.fr"
	password   = "correct horse battery staple"
	elodie     = "elodie.lefevre@horizons.fr" // the référent: first member approved
	marc       = "marc.petit@horizons.fr"
	bob        = "bob.durand@horizons.fr"
	evil       = `=HYPERLINK("http://evil","x")`
)

// world is a database with a gestionnaire and two training organisations; people act with
// --token.
type world struct {
	env    clitest.Env
	svc    *service.Service
	admin  domain.Actor
	st     domain.Structure // Horizons Emploi: Élodie (référent), Marc, Bob
	other  domain.Structure // Atelier Bordelais: Marc only
	tokens map[string]string
}

// joined is when every membership starts: 23:30 UTC is already the next day in Paris.
var joined = time.Date(2026, time.March, 14, 23, 30, 0, 0, time.UTC)

func newWorld(t *testing.T, dsn string) *world {
	t.Helper()
	ctx := context.Background()
	env := clitest.NewEnv(t)
	env.DB, env.Now = dsn, func() time.Time { return joined }
	clitest.Must(t, env, "init")
	db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{Now: func() time.Time { return joined }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w := &world{env: env, svc: service.New(db), tokens: map[string]string{}}
	if _, err := w.svc.Bootstrap(ctx, service.BootstrapInput{Email: adminEmail, FirstName: "Jeanne", LastName: "Durand", Password: password}); err != nil {
		t.Fatal(err)
	}
	w.admin = w.signIn(t, adminEmail)
	w.st = w.structure(t, "Horizons Emploi", domain.MakeSIRET("44306184", "0004"))
	w.other = w.structure(t, "Atelier Bordelais", domain.MakeSIRET("73282932", "0007"))
	w.member(t, w.st, service.RegisterInput{Email: elodie, LastName: "Lefèvre", FirstName: "Élodie", Function: "Directrice", Phone: "05 56 00 00 01"},
		"rafael.of-general", "parcourspro.employer")
	w.member(t, w.st, service.RegisterInput{Email: marc, LastName: "Petit", FirstName: "Marc", Function: evil, Phone: "+33 6 12 34 56 78"})
	w.member(t, w.st, service.RegisterInput{Email: bob, LastName: "Durand", FirstName: "Bob", Function: "Formateur; référent qualité"})
	w.affiliate(t, w.other, marc)
	return w
}

func (w *world) structure(t *testing.T, name, siret string) domain.Structure {
	t.Helper()
	kinds := []domain.Kind{domain.KindTrainingOrg}
	postal := "33000"
	st, err := w.svc.CreateStructure(context.Background(), w.admin, domain.StructureInput{Name: &name, SIRET: &siret, PostalCode: &postal, Kinds: &kinds})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func (w *world) signIn(t *testing.T, email string) domain.Actor {
	t.Helper()
	token, a := clitest.Session(t, w.svc, email, password)
	w.tokens[email] = token
	return a
}

// member registers a person in st and has the gestionnaire approve them with profiles.
func (w *world) member(t *testing.T, st domain.Structure, in service.RegisterInput, profiles ...string) {
	t.Helper()
	ctx := context.Background()
	in.Structure, in.Password = domain.StructureRef{ID: st.ID}, password
	r, _, err := w.svc.Register(ctx, domain.Anonymous, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Decide(ctx, w.admin, r.ID, service.DecideInput{Decision: domain.Approve, Profiles: profiles}); err != nil {
		t.Fatal(err)
	}
	w.signIn(t, in.Email)
}

// affiliate attaches an existing account to one more structure.
func (w *world) affiliate(t *testing.T, st domain.Structure, email string) {
	t.Helper()
	ctx := context.Background()
	a, err := w.svc.Authenticate(ctx, w.tokens[email])
	if err != nil {
		t.Fatal(err)
	}
	r, err := w.svc.Affiliate(ctx, a, domain.StructureRef{ID: st.ID}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Decide(ctx, w.admin, r.ID, service.DecideInput{Decision: domain.Approve}); err != nil {
		t.Fatal(err)
	}
}

func (w *world) run(t *testing.T, email string, args ...string) clitest.Result {
	t.Helper()
	if email != "" {
		args = append([]string{"--token", w.tokens[email]}, args...)
	}
	return clitest.Run(t, w.env, args...)
}

func (w *world) id() string { return strconv.FormatInt(w.st.ID, 10) }

// readCSVWithPython reads path with Python's csv module, as an independent reader: the
// delimiter and the encoding ('utf-8-sig' drops a byte order mark) are the ones a program
// would pass for this dialect. It returns the records, header first.
func readCSVWithPython(t *testing.T, path, delimiter string) [][]string {
	t.Helper()
	py := testenv.Tool(t, "python3", "the export is read back by an independent CSV reader")
	const script = `
import csv, json, sys
with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:
    json.dump(list(csv.reader(f, delimiter=sys.argv[2], strict=True)), sys.stdout)
`
	out, err := exec.Command(py, "-c", script, path, delimiter).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("python3 could not read %s: %v\n%s", path, err, stderr)
	}
	var records [][]string
	if err := json.Unmarshal(out, &records); err != nil {
		t.Fatalf("python3 output: %v\n%s", err, out)
	}
	return records
}

// byEmail indexes CSV records (header first) by their e-mail column, as maps of the header.
func byEmail(t *testing.T, records [][]string) map[string]map[string]string {
	t.Helper()
	if len(records) == 0 {
		t.Fatal("no header")
	}
	out := map[string]map[string]string{}
	for _, rec := range records[1:] {
		if len(rec) != len(records[0]) {
			t.Fatalf("record %q has %d cells, the header %d", rec, len(rec), len(records[0]))
		}
		row := map[string]string{}
		for i, h := range records[0] {
			row[h] = rec[i]
		}
		out[row["email"]] = row
	}
	return out
}

func TestExportUsersExcelReadByPython(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		path := filepath.Join(t.TempDir(), "membres.csv")
		r := w.run(t, elodie, "export", "users", "--structure", w.st.SIRET, "--excel", "--file", path).Want(t, cmdutil.ExitOK)
		if r.Stdout != "" {
			t.Errorf("--output wrote to stdout too:\n%s", r)
		}
		if !strings.Contains(r.Stderr, "✓ exported 3 members to "+path) {
			t.Errorf("no final message on stderr:\n%s", r)
		}

		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}) {
			t.Errorf("the Excel file starts with % X, want the UTF-8 byte order mark EF BB BF", raw[:min(3, len(raw))])
		}
		if n, crlf := bytes.Count(raw, []byte("\n")), bytes.Count(raw, []byte("\r\n")); n != 4 || crlf != n {
			t.Errorf("%d line ends, %d of them CRLF: want 4 lines (header + 3 members), all CRLF:\n%q", n, crlf, raw)
		}
		if runtime.GOOS != "windows" {
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("export file mode = %v (%v), want 0600: it holds personal data", fi.Mode().Perm(), err)
			}
		}

		records := readCSVWithPython(t, path, ";")
		if !reflect.DeepEqual(records[0], export.ExcelColumns) {
			t.Errorf("header read by Python = %q, want the French %q", records[0], export.ExcelColumns)
		}
		records[0] = export.Columns // the same columns, in the same order
		rows := byEmail(t, records)
		if len(rows) != 3 {
			t.Fatalf("Python read %d members, want 3: %q", len(rows), records)
		}
		e := rows[elodie]
		want := map[string]string{
			"last_name": "Lefèvre", "first_name": "Élodie", "function": "Directrice", "phone": "05 56 00 00 01",
			"structure_id": w.id(), "siret": "443 061 841 00047", "structure_name": "Horizons Emploi",
			"referent": "oui", "employer": "oui",
			"profiles":     "parcourspro.beneficiary|parcourspro.employer|rafael.of-general",
			"member_since": "15/03/2026", // 23:30 UTC is the next day in Paris
		}
		for k, v := range want {
			if e[k] != v {
				t.Errorf("Élodie's %s read back as %q, want %q", k, e[k], v)
			}
		}
		m := rows[marc]
		if m["function"] != "'"+evil {
			t.Errorf("a formula arrived as %q, want the text %q (with a leading apostrophe)", m["function"], "'"+evil)
		}
		if m["phone"] != "06 12 34 56 78" || m["referent"] != "non" || m["employer"] != "non" || m["profiles"] != "parcourspro.beneficiary" {
			t.Errorf("Marc read back as %v", m)
		}
		if got := rows[bob]["function"]; got != "Formateur; référent qualité" {
			t.Errorf("a cell holding the separator read back as %q", got)
		}
		assertNoTemporaryFiles(t, filepath.Dir(path), "membres.csv")
	})
}

func TestExportUsersPlainCSV(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		path := filepath.Join(t.TempDir(), "users.csv")
		w.run(t, adminEmail, "-q", "export", "users", "--all", "--file", path).Want(t, cmdutil.ExitOK)
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}) || bytes.Contains(raw, []byte("\r\n")) {
			t.Errorf("plain CSV has a byte order mark or CRLF:\n%q", raw)
		}
		records := readCSVWithPython(t, path, ",")
		if !reflect.DeepEqual(records[0], export.Columns) {
			t.Errorf("header = %q, want %q", records[0], export.Columns)
		}
		// Every membership: Marc twice, the Atelier first (by structure name).
		if len(records) != 5 || records[1][0] != marc || records[1][7] != "Atelier Bordelais" {
			t.Fatalf("--all exported:\n%q", records)
		}
		var e map[string]string
		for _, rec := range records[1:] {
			if rec[0] == elodie {
				e = map[string]string{}
				for i, h := range records[0] {
					e[h] = rec[i]
				}
			}
		}
		if e["referent"] != "true" || e["employer"] != "true" || e["siret"] != w.st.SIRET || e["member_since"] != "2026-03-14T23:30:00Z" ||
			e["first_name"] != "Élodie" {
			t.Errorf("Élodie in plain CSV: %v", e)
		}
	})
}

// memberKeys are the fields of a member in JSON: the contract of cli.md, and member_since.
var memberKeys = []string{"email", "last_name", "first_name", "function", "phone", "structure_id", "siret",
	"structure_name", "referent", "employer", "profiles", "member_since"}

func TestExportUsersJSON(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		r := w.run(t, elodie, "export", "users", "--structure", w.id(), "--format", "json").Want(t, cmdutil.ExitOK)
		var rows []map[string]any
		if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil {
			t.Fatalf("not a JSON array: %v\n%s", err, r)
		}
		if len(rows) != 3 {
			t.Fatalf("%d members in JSON, want 3:\n%s", len(rows), r.Stdout)
		}
		for _, row := range rows {
			var keys []string
			for k := range row {
				keys = append(keys, k)
			}
			if len(keys) != len(memberKeys) {
				t.Errorf("member object has keys %v, want exactly %v", keys, memberKeys)
			}
			for _, k := range memberKeys {
				if _, ok := row[k]; !ok {
					t.Errorf("member object has no %q: %v", k, row)
				}
			}
		}
		// The keys come in the order of the CSV header.
		dec := json.NewDecoder(strings.NewReader(r.Stdout))
		var order []string
		depth := 0
		for {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			switch v := tok.(type) {
			case json.Delim:
				if v == '{' || v == '[' {
					depth++
				} else {
					depth--
				}
			case string:
				if depth == 2 && len(order) < len(memberKeys) && dec.More() {
					order = append(order, v)
					// skip the value
					var skip json.RawMessage
					if err := dec.Decode(&skip); err != nil {
						t.Fatal(err)
					}
				}
			}
			if len(order) == len(memberKeys) {
				break
			}
		}
		if !reflect.DeepEqual(order, export.Columns) {
			t.Errorf("JSON key order %q, CSV header %q: they must agree", order, export.Columns)
		}

		var typed []export.Row
		dec = json.NewDecoder(strings.NewReader(r.Stdout))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&typed); err != nil {
			t.Fatal(err)
		}
		for _, m := range typed {
			if m.Email == elodie {
				if !m.Referent || !m.Employer || m.Phone != "05 56 00 00 01" || m.FirstName != "Élodie" ||
					!m.MemberSince.Equal(joined) || len(m.Profiles) != 3 || m.SIRET != w.st.SIRET {
					t.Errorf("Élodie in JSON: %+v", m)
				}
			}
			if m.Email == bob && (m.Profiles == nil || len(m.Profiles) != 1) {
				t.Errorf("Bob's profiles: %#v", m.Profiles)
			}
		}
		if !strings.Contains(r.Stdout, `"member_since": "2026-03-14T23:30:00Z"`) {
			t.Errorf("member_since is not RFC 3339 UTC:\n%s", r.Stdout)
		}

		// An export without rows is still an array.
		empty := w.structure(t, "Structure Vide", domain.MakeSIRET("55208131", "0013"))
		r = w.run(t, adminEmail, "export", "users", "--structure", strconv.FormatInt(empty.ID, 10), "--format", "json").Want(t, cmdutil.ExitOK)
		if r.Stdout != "[]\n" {
			t.Errorf("empty export = %q, want \"[]\\n\"", r.Stdout)
		}
		r = w.run(t, adminEmail, "export", "users", "--structure", strconv.FormatInt(empty.ID, 10), "--excel").Want(t, cmdutil.ExitOK)
		if want := "\uFEFF" + strings.Join(export.ExcelColumns, ";") + "\r\n"; r.Stdout != want {
			t.Errorf("empty Excel export = %q, want the header only %q", r.Stdout, want)
		}
	})
}

func TestExportUsersFormatFlags(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t))
	args := []string{"export", "users", "--structure", w.id()}
	isJSON := func(r clitest.Result) bool { return strings.HasPrefix(r.Stdout, "[\n") }
	isCSV := func(r clitest.Result) bool { return strings.HasPrefix(r.Stdout, "email,last_name,") }

	if r := w.run(t, adminEmail, append(args, "-o", "json")...).Want(t, 0); !isJSON(r) {
		t.Errorf("-o json: %s", r)
	}
	if r := w.run(t, adminEmail, append([]string{"-o", "json"}, args...)...).Want(t, 0); !isJSON(r) {
		t.Errorf("-o json before the command: %s", r)
	}
	if r := w.run(t, adminEmail, append(args, "-o", "json", "--format", "csv")...).Want(t, 0); !isCSV(r) {
		t.Errorf("--format wins over -o: %s", r)
	}
	if r := w.run(t, adminEmail, append(args, "-o", "json", "--excel")...).Want(t, 0); !strings.HasPrefix(r.Stdout, "\uFEFFcourriel;nom;prénom;") {
		t.Errorf("--excel wins over -o: %s", r)
	}
	t.Setenv("PROFIL_OUTPUT", "json")
	if r := w.run(t, adminEmail, args...).Want(t, 0); !isJSON(r) {
		t.Errorf("PROFIL_OUTPUT=json: %s", r)
	}
	t.Setenv("PROFIL_OUTPUT", "table")
	if r := w.run(t, adminEmail, args...).Want(t, 0); !isCSV(r) {
		t.Errorf("PROFIL_OUTPUT=table is not a file format and is ignored: %s", r)
	}
	os.Unsetenv("PROFIL_OUTPUT")

	for _, bad := range [][]string{
		{"export", "users"},
		{"export", "users", "--all", "--structure", w.id()},
		{"export", "users", "--structure", ""},
		{"export", "users", "--all", "--format", "xml"},
		{"export", "users", "--all", "--format", "json", "--excel"},
		{"export", "users", "--all", "-o", "yaml"},
		{"export", "users", "--all", "extra"},
	} {
		r := w.run(t, adminEmail, bad...)
		if r.Code != cmdutil.ExitUsage || r.Stdout != "" {
			t.Errorf("want a usage error (exit 2) and nothing on stdout:\n%s", r)
		}
	}
	w.run(t, adminEmail, "export", "users", "--structure", "12345678901234").Want(t, cmdutil.ExitInvalid)
	w.run(t, adminEmail, "export", "users", "--structure", "999").Want(t, cmdutil.ExitNotFound)
}

// -o/--output is the format on export users as on every command; a file is -f/--file, and a
// file name given to -o is refused, pointing to --file, in English and in French.
func TestExportUsersOutputIsAFormatFileIsFile(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t))
	dir := t.TempDir()
	t.Chdir(dir)
	r := w.run(t, adminEmail, "export", "users", "--structure", w.id(), "--output", "json").Want(t, cmdutil.ExitOK)
	if !strings.HasPrefix(r.Stdout, "[\n") {
		t.Errorf("--output json must write JSON on stdout:\n%s", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "json")); err == nil {
		t.Errorf("--output json wrote a file named json")
	}
	r = w.run(t, adminEmail, "export", "users", "--structure", w.id(), "-o", "json", "-f", "membres.json").Want(t, cmdutil.ExitOK)
	if r.Stdout != "" || !strings.Contains(r.Stderr, "to membres.json") {
		t.Errorf("-f FILE: %s", r)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "membres.json")); err != nil || !strings.HasPrefix(string(b), "[\n") {
		t.Errorf("-f membres.json: %q, %v", b, err)
	}
	for _, tt := range []struct{ lang, want string }{
		{"C", "to write a file, use -f/--file membres.csv"},
		{"fr_FR.UTF-8", "pour écrire un fichier, utilisez -f/--file membres.csv"},
	} {
		t.Setenv("LANG", tt.lang)
		r = w.run(t, adminEmail, "export", "users", "--structure", w.id(), "--output", "membres.csv")
		if r.Code != cmdutil.ExitUsage || !strings.Contains(r.Stderr, tt.want) || r.Stdout != "" {
			t.Errorf("%s: --output FILE must be a usage error pointing to --file (%q):\n%s", tt.lang, tt.want, r)
		}
		if _, err := os.Stat(filepath.Join(dir, "membres.csv")); err == nil {
			t.Errorf("--output membres.csv wrote a file")
		}
	}
}

func TestExportUsersRights(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		// A member who is not the référent, the référent of another structure, nobody.
		for _, who := range []string{marc, ""} {
			r := w.run(t, who, "export", "users", "--structure", w.id())
			if r.Code != cmdutil.ExitForbidden || r.Stdout != "" {
				t.Errorf("%q exporting: want exit 4 and nothing on stdout:\n%s", who, r)
			}
		}
		// --all is for gestionnaires only, even for a référent.
		r := w.run(t, elodie, "export", "users", "--all").Want(t, cmdutil.ExitForbidden)
		if !strings.Contains(r.Stderr, "gestionnaire") || r.Stdout != "" {
			t.Errorf("--all by a référent:\n%s", r)
		}
		w.run(t, adminEmail, "export", "users", "--structure", w.id()).Want(t, cmdutil.ExitOK)

		// A read-only API token of the référent may export (cron).
		ref, err := w.svc.Authenticate(context.Background(), w.tokens[elodie])
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := w.svc.CreateAPIToken(context.Background(), ref, "cron-export", 0, domain.ScopeRead)
		if err != nil {
			t.Fatal(err)
		}
		r = clitest.Run(t, w.env, "--token", token, "export", "users", "--structure", w.id(), "--format", "json").Want(t, cmdutil.ExitOK)
		if strings.Count(r.Stdout, `"email"`) != 3 {
			t.Errorf("read-only token export:\n%s", r)
		}

		// Each complete export is in the audit trail.
		r = w.run(t, adminEmail, "audit", "list", "--action", "export.users", "--limit", "0", "-o", "json").Want(t, cmdutil.ExitOK)
		var events []map[string]any
		if err := json.Unmarshal([]byte(r.Stdout), &events); err != nil {
			t.Fatalf("%v\n%s", err, r)
		}
		if len(events) != 2 {
			t.Errorf("%d export.users events, want 2 (the refused exports are not recorded):\n%s", len(events), r.Stdout)
		} else if !strings.Contains(events[1]["actor"].(string), "cron-export") || events[1]["details"].(map[string]any)["members"] != float64(3) {
			t.Errorf("audit event of the token's export: %v", events[1])
		}
	})
}

func TestExportUsersOutputReplacedOnlyOnSuccess(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newWorld(t, dsn)
		dir := t.TempDir()
		path := filepath.Join(dir, "membres.csv")
		const old = "the export of yesterday\n"
		if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
			t.Fatal(err)
		}
		unchanged := func(what string) {
			t.Helper()
			got, err := os.ReadFile(path)
			if err != nil || string(got) != old {
				t.Errorf("after %s the old file reads %q (%v), want it untouched", what, got, err)
			}
			assertNoTemporaryFiles(t, dir, "membres.csv")
		}

		// Refused: a member who is not the référent.
		r := w.run(t, marc, "export", "users", "--structure", w.id(), "--file", path).Want(t, cmdutil.ExitForbidden)
		if strings.Contains(r.Stderr, "✓") {
			t.Errorf("success message on a refused export:\n%s", r)
		}
		unchanged("a refused export")
		// Failed: no such structure; a gestionnaire exporting everything is refused nothing,
		// but a référent asking for --all is.
		w.run(t, adminEmail, "export", "users", "--structure", "999", "--file", path).Want(t, cmdutil.ExitNotFound)
		unchanged("an export of a missing structure")
		w.run(t, elodie, "export", "users", "--all", "--excel", "--file", path).Want(t, cmdutil.ExitForbidden)
		unchanged("a refused --all")

		// Success replaces it, with the mode of a file of personal data.
		r = w.run(t, elodie, "export", "users", "--structure", w.id(), "--file", path).Want(t, cmdutil.ExitOK)
		got, err := os.ReadFile(path)
		if err != nil || !strings.HasPrefix(string(got), "email,") || strings.Count(string(got), "\n") != 4 {
			t.Errorf("after a successful export the file reads %q (%v)", got, err)
		}
		if runtime.GOOS != "windows" {
			if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
				t.Errorf("replaced file has mode %v, want 0600", fi.Mode().Perm())
			}
		}
		assertNoTemporaryFiles(t, dir, "membres.csv")

		// -q: nothing on stderr; a missing folder is an error that leaves nothing behind.
		r = w.run(t, elodie, "-q", "export", "users", "--structure", w.id(), "--file", path).Want(t, cmdutil.ExitOK)
		if r.Stderr != "" || r.Stdout != "" {
			t.Errorf("-q printed:\n%s", r)
		}
		r = w.run(t, elodie, "export", "users", "--structure", w.id(), "--file", filepath.Join(dir, "missing", "x.csv"))
		if r.Code != cmdutil.ExitError || !strings.Contains(r.Stderr, "x.csv") {
			t.Errorf("export into a missing folder:\n%s", r)
		}
		r = w.run(t, elodie, "export", "users", "--structure", w.id(), "--file", dir)
		if r.Code != cmdutil.ExitError || !strings.Contains(r.Stderr, "folder") {
			t.Errorf("export onto a folder:\n%s", r)
		}
		assertNoTemporaryFiles(t, dir, "membres.csv")
	})
}

// assertNoTemporaryFiles fails unless dir holds exactly the files named.
func assertNoTemporaryFiles(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("%s holds %q, want only %q (a temporary file was left behind)", dir, names, want)
	}
}

func TestExportUsersProgressOnTerminal(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t))
	env := w.env
	env.StderrTTY = true
	path := filepath.Join(t.TempDir(), "membres.json")
	r := clitest.Run(t, env, "--token", w.tokens[adminEmail], "export", "users", "--all", "--format", "json", "--file", path).Want(t, cmdutil.ExitOK)
	if r.Stdout != "" || !strings.Contains(r.Stderr, "Exporting members") || !strings.HasSuffix(r.Stderr, "✓ exported 4 members to "+path+"\n") {
		t.Errorf("on a terminal: the bar, then the final message on stderr; nothing on stdout:\n%s", r)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows []export.Row
	if err := json.Unmarshal(raw, &rows); err != nil || len(rows) != 4 {
		t.Errorf("%d rows, %v:\n%s", len(rows), err, raw)
	}
	// Rows printed on a terminal are not mixed with a bar.
	env.StdoutTTY = true
	r = clitest.Run(t, env, "--token", w.tokens[adminEmail], "export", "users", "--all").Want(t, cmdutil.ExitOK)
	if strings.Contains(r.Stderr, "Exporting members") {
		t.Errorf("a bar next to rows on the terminal:\n%s", r)
	}
}

// TestExportUsersExcelReadBackByImport checks that the French header of --excel is read back by
// `user import`: every column it needs is found, so a dry run reads the three accounts (known
// already, so skipped) instead of refusing the file for a missing column.
func TestExportUsersExcelReadBackByImport(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t))
	path := filepath.Join(t.TempDir(), "membres.csv")
	w.run(t, adminEmail, "export", "users", "--structure", w.id(), "--excel", "--file", path).Want(t, cmdutil.ExitOK)
	r := w.run(t, adminEmail, "user", "import", "--source", "synapse", path, "--dry-run", "-o", "json").Want(t, cmdutil.ExitOK)
	var results []struct {
		Line   int    `json:"line"`
		Result string `json:"result"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &results); err != nil {
		t.Fatalf("%v\n%s", err, r)
	}
	if len(results) != 3 {
		t.Fatalf("the import read %d lines of the Excel export, want 3:\n%s", len(results), r)
	}
	for _, res := range results {
		if res.Result == "error" {
			t.Errorf("line %d of the Excel export refused:\n%s", res.Line, r)
		}
	}
}

// An export given the database's own path (or its write-ahead log's) writes nothing: it would
// have turned the accounts into a CSV file.
func TestExportUsersNeverReplacesTheDatabase(t *testing.T) {
	path := testdb.SQLite(t)
	w := newWorld(t, path)
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Fatalf("the open database has no write-ahead log to try: %v", err)
	}
	for _, target := range []string{path, path + "-wal"} {
		before, err := os.ReadFile(target)
		if err != nil {
			t.Fatal(err)
		}
		r := w.run(t, adminEmail, "export", "users", "--all", "--file", target).Want(t, cmdutil.ExitUsage)
		if !strings.Contains(r.Stderr, "is a database") || strings.Contains(r.Stderr, "✓") {
			t.Errorf("--file %s:\n%s", target, r)
		}
		if after, _ := os.ReadFile(target); !bytes.Equal(before, after) {
			t.Errorf("--file %s changed it", target)
		}
	}
	w.run(t, adminEmail, "export", "users", "--all").Want(t, cmdutil.ExitOK)
}
