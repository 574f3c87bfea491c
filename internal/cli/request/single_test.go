package request_test

import (
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/testdb"
)

// One decision is told in one line, its confirmation or its error, without a result table;
// several decisions get the table. In English and in French.
func TestSingleDecisionOneLine(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	clitest.Demo(t, env)
	for _, tt := range []struct {
		lang, id, approved, already string
	}{
		{"C", "5", "✓ request 5 approved: account AFPA Bordeaux Bègles — julien.petit@afpa-demo.fr", "profil: request 5 is already approved on "},
		{"fr_FR.UTF-8", "6", "GRETA Sud Aquitaine — gaelle.moreau@greta-demo.fr", "profil: la demande n° 6 a déjà été acceptée le "},
	} {
		t.Setenv("LANG", tt.lang)
		r := clitest.Run(t, env, "request", "approve", tt.id).Want(t, 0)
		if r.Stdout != "" || strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(r.Stderr, tt.approved) {
			t.Errorf("%s: one approval, want one line %q and no table:\n%s", tt.lang, tt.approved, r)
		}
		r = clitest.Run(t, env, "request", "approve", tt.id).Want(t, 5)
		if r.Stdout != "" || strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(r.Stderr, tt.already) {
			t.Errorf("%s: a decision already taken, want one error line %q:\n%s", tt.lang, tt.already, r)
		}
	}
	t.Setenv("LANG", "C")
	// Several: the table, on stdout.
	r := clitest.Run(t, env, "request", "approve", "5", "7").Want(t, 5)
	if !strings.Contains(r.Stdout, "RESULT") || !strings.Contains(r.Stdout, "already approved") {
		t.Errorf("two decisions, want the table:\n%s", r)
	}
	// -q prints the ids decided; what failed still says why, on stderr.
	r = clitest.Run(t, env, "-q", "request", "approve", "5").Want(t, 5)
	if r.Stdout != "" || !strings.Contains(r.Stderr, "profil: request 5 is already approved on ") {
		t.Errorf("-q, a decision already taken: want its error on stderr:\n%s", r)
	}
	in := env
	in.Stdin = "8\n5\n"
	r = clitest.Run(t, in, "-q", "request", "approve", "-", "--dry-run").Want(t, 5)
	if r.Stdout != "8\n" || strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(r.Stderr, "request 5 is already approved on ") {
		t.Errorf("-q, one approved and one already taken: want 8 on stdout, 5's error on stderr:\n%s", r)
	}
	// -o json keeps the contract's list, even for one.
	r = clitest.Run(t, env, "request", "approve", "8", "-o", "json").Want(t, 0)
	if !strings.HasPrefix(r.Stdout, "[") || !strings.Contains(r.Stdout, `"result": "approved"`) {
		t.Errorf("one decision -o json:\n%s", r)
	}
}

// Ids on standard input as people and scripts give them: a column saved from a spreadsheet
// (a byte order mark, its title "id", CRLF), or every id on one long line.
func TestDecisionIdsOnStdin(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	clitest.Demo(t, env)
	for name, stdin := range map[string]string{
		"spreadsheet column": "\ufeffid\r\n5\r\n\r\n6\r\n",
		"one long line":      "5 " + strings.Repeat("  ", 60_000) + "6\n",
	} {
		in := env
		in.Stdin = stdin
		r := clitest.Run(t, in, "request", "approve", "-", "--dry-run", "-o", "json").Want(t, 0)
		if !strings.Contains(r.Stdout, `"id": 5`) || !strings.Contains(r.Stdout, `"id": 6`) || strings.Count(r.Stdout, `"would-approve"`) != 2 {
			t.Errorf("%s: want requests 5 and 6 checked:\n%s", name, r)
		}
	}
	// "id" is a title on the first line only; elsewhere it is a bad id, named with its line.
	in := env
	in.Stdin = "5\nid\n"
	r := clitest.Run(t, in, "request", "approve", "-", "--dry-run").Want(t, 6)
	if !strings.Contains(r.Stderr, "line 2") {
		t.Errorf("a bad id on line 2: want its line named:\n%s", r)
	}
}

// The CSV of the queue keeps its columns in their places: what later releases add comes last.
func TestRequestListCSVColumns(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	clitest.Demo(t, env)
	r := clitest.Run(t, env, "request", "list", "-o", "csv").Want(t, 0)
	header, _, _ := strings.Cut(r.Stdout, "\n")
	const want = "id,kind,status,user_email,structure_id,structure_name,siret,created_at,decided_at,decided_by,reason,waited," +
		"account,public_body,named_on_proof,mandate_date,mandate_age_days,documents,changes,comment,asked_structure"
	if header != want {
		t.Errorf("request list -o csv header:\n%s\nwant\n%s", header, want)
	}
}
