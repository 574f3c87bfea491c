package cli_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

// What an attacker types: a sequence that clears the screen and recolours the terminal, and a
// bidi override that shows "exe.pdf" as "fdp.exe".
const (
	evilESC  = "Dupont\x1b[2J\x1b[31m"
	evilBidi = "Facture\u202efdp.exe"
)

// noRawControl fails unless out holds neither ESC nor U+202E raw, and shows visible (the
// stored names, or only the structure's when the view shows no person's name) as text.
func noRawControl(t *testing.T, what string, out string, visible ...string) {
	t.Helper()
	if strings.ContainsAny(out, "\x1b\u202e") {
		t.Errorf("%s printed a control character raw:\n%q", what, out)
	}
	if len(visible) == 0 {
		visible = []string{`Dupont\x1b[2J\x1b[31m`, `Facture\u202efdp.exe`}
	}
	for _, visible := range visible {
		if !strings.Contains(out, visible) {
			t.Errorf("%s does not show %s visibly:\n%q", what, visible, out)
		}
	}
}

// Anonymous requests with control characters are refused before anything is written, with
// exit 6 and a message that names the field and does not echo the characters.
func TestControlCharactersRefused(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		env := clitest.NewEnv(t)
		env.DB = dsn
		clitest.Must(t, env, "init") // nobody signed in
		siret := domain.MakeSIRET("52184631", "0001")
		tests := []struct {
			field string
			args  []string
		}{
			{"name", []string{"structure", "request", "--name", evilESC, "--siret", siret, "--requester-email", "claire.martin@horizons.fr"}},
			{"name", []string{"structure", "request", "--name", evilBidi, "--siret", siret, "--requester-email", "claire.martin@horizons.fr"}},
			{"address", []string{"structure", "request", "--name", "Horizons", "--address", "1 rue\u2066 du Port", "--requester-email", "claire.martin@horizons.fr"}},
			{"city", []string{"structure", "request", "--name", "Horizons", "--siret", siret, "--city", "Pau\u009b31m", "--requester-email", "claire.martin@horizons.fr"}},
			{"last-name", []string{"user", "register", "--email", "paul.leroy@horizons.fr", "--first-name", "Paul", "--last-name", evilESC, "--structure", "1"}},
			{"first-name", []string{"user", "register", "--email", "paul.leroy@horizons.fr", "--first-name", evilBidi, "--last-name", "Leroy", "--structure", "1"}},
			{"function", []string{"user", "register", "--email", "paul.leroy@horizons.fr", "--first-name", "Paul", "--last-name", "Leroy", "--function", "CIP\x07", "--structure", "1"}},
		}
		for _, tt := range tests {
			r := clitest.Run(t, env, tt.args...).Want(t, cmdutil.ExitInvalid)
			if !strings.Contains(r.Stderr, tt.field+": ") || !strings.Contains(r.Stderr, "control character") {
				t.Errorf("%v: the message does not name the field %s:\n%s", tt.args[:2], tt.field, r)
			}
			if strings.ContainsAny(r.Output(), "\x1b\u202e\u2066\x07\u009b") {
				t.Errorf("%v: the refusal echoed the control character:\n%q", tt.args[:2], r.Output())
			}
		}
		// Nothing was written: no request at all.
		clitest.SignIn(t, env)
		r := clitest.Must(t, env, "request", "list", "-o", "json")
		if strings.TrimSpace(r.Stdout) != "[]" {
			t.Errorf("a refused request was stored: %s", r.Stdout)
		}
		// A reason and a token name are free text too.
		clitest.Run(t, env, "token", "create", "--name", "cron\u202e").Want(t, cmdutil.ExitInvalid)
		r = clitest.Run(t, env, "request", "reject", "1", "--reason", "Inconnu\x1b[8m").Want(t, cmdutil.ExitInvalid)
		if !strings.Contains(r.Stderr, "reason: ") {
			t.Errorf("the refused reason is not named:\n%s", r)
		}
	})
}

// Rows stored before control characters were refused (written here under the service) are
// printed escaped by every view a gestionnaire reads them in: list, show, the result of an
// approval, and the card of request review.
func TestStoredControlCharactersPrintedEscaped(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		env := clitest.NewEnv(t)
		env.DB = dsn
		clitest.SignIn(t, env)
		db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var ids []int64
		err = db.Update(ctx, func(tx store.Tx) error {
			st := domain.Structure{Name: evilBidi, Address: "1 rue X", City: "Pau"}
			if err := tx.CreateStructure(ctx, &st); err != nil {
				return err
			}
			for i := range 2 {
				u := domain.User{Email: fmt.Sprintf("p%d@horizons.fr", i), LastName: evilESC, FirstName: evilBidi, Status: domain.UserPending}
				if err := tx.CreateUser(ctx, &u); err != nil {
					return err
				}
				r := domain.Request{Kind: domain.RequestAccount, UserID: u.ID, RequesterEmail: u.Email, StructureID: st.ID}
				if err := tx.CreateRequest(ctx, &r); err != nil {
					return err
				}
				ids = append(ids, r.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		db.Close()

		r := clitest.Must(t, env, "request", "list")
		noRawControl(t, "request list", r.Output(), `Facture\u202efdp.exe`)
		r = clitest.Must(t, env, "request", "show", fmt.Sprint(ids[0]))
		noRawControl(t, "request show", r.Output(), `Facture\u202efdp.exe`)
		r = clitest.Must(t, env, "user", "show", "p0@horizons.fr")
		noRawControl(t, "user show", r.Output())
		r = clitest.Must(t, env, "structure", "search", "facture")
		if strings.Contains(r.Output(), "\u202e") || !strings.Contains(r.Output(), `\u202e`) {
			t.Errorf("structure search printed the bidi override raw or not at all:\n%q", r.Output())
		}

		// request review: the card, on a terminal; skip it.
		p := prompt.NewScripted(prompt.AnswerSelect(3), prompt.AnswerSelect(3))
		term := env
		term.StdinTTY, term.StdoutTTY, term.StderrTTY = true, true, true
		term.Prompter = p
		r = clitest.Run(t, term, "request", "review")
		noRawControl(t, "request review", r.Output())

		r = clitest.Must(t, env, "request", "approve", fmt.Sprint(ids[0]))
		if strings.ContainsAny(r.Output(), "\x1b\u202e") || !strings.Contains(r.Output(), `Facture\u202efdp.exe`) {
			t.Errorf("request approve printed a control character raw or not at all:\n%q", r.Output())
		}
		// An error that quotes stored data is escaped too: approving it again is a conflict.
		r = clitest.Run(t, env, "request", "approve", fmt.Sprint(ids[0]), "-o", "table")
		if strings.ContainsAny(r.Output(), "\x1b\u202e") {
			t.Errorf("the error of a second approval printed a control character raw:\n%q", r.Output())
		}
		// JSON is for programs: it carries the data as stored, JSON-escaped.
		r = clitest.Must(t, env, "request", "show", fmt.Sprint(ids[1]), "-o", "json")
		if strings.ContainsAny(r.Stdout, "\x1b\u202e") || !strings.Contains(r.Stdout, `Facture\u202efdp.exe`) {
			t.Errorf("JSON does not carry the stored name escaped:\n%q", r.Stdout)
		}
	})
}

// A mistyped --db or PROFIL_DB names the missing file and creates nothing; only init and
// demo create a database.
func TestMissingDatabaseIsNotCreated(t *testing.T) {
	env := clitest.NewEnv(t)
	dir := filepath.Join(t.TempDir(), "nonexistent", "dir")
	path := filepath.Join(dir, "x.db")
	for _, args := range [][]string{
		{"--db", path, "request", "list"},
		{"--db", path, "structure", "search", "cap"},
		{"--db", path, "whoami"},
		{"--db", path, "db", "status"},
		{"--db", path, "db", "migrate"},
	} {
		r := clitest.Run(t, env, args...).Want(t, cmdutil.ExitError)
		if !strings.Contains(r.Stderr, path) || !strings.Contains(r.Stderr, "profil init") {
			t.Errorf("%v: the message does not name %s and profil init:\n%s", args[2:], path, r)
		}
		if _, err := os.Stat(filepath.Dir(dir)); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%v created %s", args[2:], filepath.Dir(dir))
		}
	}
	t.Setenv("PROFIL_DB", path)
	r := clitest.Run(t, env, "request", "list").Want(t, cmdutil.ExitError)
	if !strings.Contains(r.Stderr, path) {
		t.Errorf("PROFIL_DB: the message does not name %s:\n%s", path, r)
	}
	// init creates it: the folders for their owner only, the file too.
	clitest.Must(t, env, "init")
	for p, want := range map[string]os.FileMode{filepath.Dir(dir): 0o700, dir: 0o700, path: 0o600} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: %v, want mode %04o", p, err, want)
		}
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		if st, _ := os.Stat(path + "-wal"); st.Mode().Perm() != 0o600 {
			t.Errorf("%s-wal has mode %04o", path, st.Mode().Perm())
		}
	}
	// An existing file others can read gets a warning, even with --quiet, and still works.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	r = clitest.Must(t, env, "-q", "db", "status")
	if !strings.Contains(r.Stderr, "can be read by other users") || !strings.Contains(r.Stderr, "0644") || !strings.Contains(r.Stderr, "chmod 600 "+path) {
		t.Errorf("no warning on a 0644 database:\n%s", r)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if r = clitest.Must(t, env, "db", "status"); strings.Contains(r.Stderr, "warning") {
		t.Errorf("a warning on a 0600 database:\n%s", r)
	}
}

// An import line with a control character is a bad line naming the column; nothing of the
// file is written.
func TestImportRefusesControlCharacters(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	clitest.SignIn(t, env)
	siret := domain.MakeSIRET("52184631", "0001")
	clitest.Must(t, env, "structure", "create", "--name", "Horizons Emploi", "--siret", siret)
	env.Stdin = "email,last_name,first_name,function,phone,siret\n" +
		"paul.leroy@horizons.fr,Leroy,Paul,,," + siret + "\n" +
		"lea.bernard@horizons.fr,Bernard\x1b[8m,Léa,,," + siret + "\n" +
		"claire.martin@horizons.fr,Martin,Claire,CIP\u202e,," + siret + "\n"
	r := clitest.Run(t, env, "user", "import", "--source", "synapse", "-").Want(t, cmdutil.ExitInvalid)
	for _, want := range []string{"line 3, column last_name", "line 4, column function", "control character"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r)
		}
	}
	if strings.ContainsAny(r.Output(), "\x1b\u202e") {
		t.Errorf("the refusal printed a control character raw:\n%q", r.Output())
	}
	env.Stdin = ""
	if r := clitest.Must(t, env, "user", "list", "--structure", siret, "-o", "json"); strings.Contains(r.Stdout, "paul.leroy") {
		t.Errorf("a refused file was partly imported:\n%s", r.Stdout)
	}
}
