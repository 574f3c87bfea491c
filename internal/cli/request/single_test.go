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
	// -o json keeps the contract's list, even for one.
	r = clitest.Run(t, env, "request", "approve", "8", "-o", "json").Want(t, 0)
	if !strings.HasPrefix(r.Stdout, "[") || !strings.Contains(r.Stdout, `"result": "approved"`) {
		t.Errorf("one decision -o json:\n%s", r)
	}
}
