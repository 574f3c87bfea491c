package cli_test

import (
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/testdb"
)

// A misspelled flag gets the flag meant, as a misspelled command gets the command; a long flag
// written with one dash gets the way to write it. Usage errors (exit 2), in English and French.
func TestFlagSuggestions(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	clitest.Demo(t, env)
	for _, tt := range []struct {
		lang string
		args []string
		want string
	}{
		{"C", []string{"request", "list", "--stauts", "pending"}, "unknown flag --stauts; did you mean --status? (see `profil request list --help`)"},
		{"fr_FR.UTF-8", []string{"request", "list", "--stauts", "pending"}, "option --stauts inconnue ; vouliez-vous dire --status ? (voyez `profil request list --help`)"},
		{"C", []string{"structure", "list", "--outptu", "json"}, "did you mean --output?"},
		{"C", []string{"export", "users", "--structre", "2"}, "did you mean --structure?"},
		{"C", []string{"structure", "list", "-output", "json"}, "-output: a long flag takes two dashes: --output"},
		{"fr_FR.UTF-8", []string{"structure", "list", "-output", "json"}, "-output : une option longue prend deux tirets : --output"},
		{"C", []string{"request", "list", "-status", "pending"}, "-status: a long flag takes two dashes: --status"},
	} {
		t.Setenv("LANG", tt.lang)
		r := clitest.Run(t, env, tt.args...).Want(t, cmdutil.ExitUsage)
		if !strings.Contains(r.Stderr, frenchSpaces.Replace(tt.want)) {
			t.Errorf("%s %v: want %q:\n%s", tt.lang, tt.args, tt.want, r)
		}
	}
	t.Setenv("LANG", "C")
	// Nothing close: no suggestion.
	if r := clitest.Run(t, env, "structure", "list", "--zzzzzz").Want(t, cmdutil.ExitUsage); strings.Contains(r.Stderr, "did you mean") {
		t.Errorf("a suggestion for nothing close:\n%s", r)
	}
}
