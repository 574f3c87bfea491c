package cli_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/testdb"
)

// The SIRETs the help examples quote for existing structures are the demo's: a newcomer who
// copies an example after `profil demo` finds the structure. (The SIRETs of new structures,
// after --siret, are not in the demo on purpose.)
func TestHelpExampleSIRETsAreInTheDemo(t *testing.T) {
	env := demoEnv(t, testdb.SQLite(t))
	siret := regexp.MustCompile(`"(\d{3} \d{3} \d{3} \d{5})"`)
	checked := map[string]bool{}
	for _, c := range everyCommand(helpTree()) {
		for _, line := range strings.Split(c.Example, "\n") {
			for _, m := range siret.FindAllStringSubmatchIndex(line, -1) {
				s := line[m[2]:m[3]]
				if strings.HasSuffix(strings.TrimSpace(line[:m[0]]), "--siret") || checked[s] {
					continue
				}
				checked[s] = true
				if r := clitest.Run(t, env, "structure", "show", s); r.Code != 0 {
					t.Errorf("%s: the example quotes %s, which the demo does not have:\n%s", c.CommandPath(), s, line)
				}
			}
		}
	}
	if len(checked) == 0 {
		t.Fatal("no SIRET found in the examples")
	}
}
