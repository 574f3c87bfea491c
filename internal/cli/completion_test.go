package cli_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/testdb"
)

// complete runs cobra's hidden __complete command, as the shell scripts do, and returns the
// candidates (without descriptions) and the directive line.
func complete(t *testing.T, env clitest.Env, args ...string) ([]string, string) {
	t.Helper()
	r := clitest.Run(t, env, append([]string{"__complete"}, args...)...).Want(t, 0)
	var out []string
	directive := ""
	for _, l := range strings.Split(strings.TrimSpace(r.Stdout), "\n") {
		if strings.HasPrefix(l, ":") {
			directive = l
			continue
		}
		if l != "" {
			c, _, _ := strings.Cut(l, "\t")
			out = append(out, c)
		}
	}
	return out, directive
}

// Completion offers structures (by name and by SIRET), people (by e-mail), the profiles the
// structure on the line allows, and the pending requests not typed yet; never file names.
func TestCompletion(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		env := demoEnv(t, dsn)
		const noFiles = ":4" // cobra.ShellCompDirectiveNoFileComp
		for _, tt := range []struct {
			name string
			args []string
			want []string
			not  []string
		}{
			{"structure show, a name", []string{"structure", "show", "cap m"}, []string{"cap métiers nouvelle-aquitaine"}, nil},
			{"structure show, a name as written", []string{"structure", "show", "AFPA"}, []string{"AFPA Bordeaux Bègles"}, nil},
			{"structure show, a SIRET", []string{"structure", "show", "8242"}, []string{"82422814201072"}, []string{"18330001100016"}},
			{"structure members", []string{"structure", "members", "gre"}, []string{"greta sud aquitaine"}, nil},
			{"structure show, one argument only", []string{"structure", "show", "2", ""}, nil, []string{"82422814201072"}},
			{"user show", []string{"user", "show", "an"}, []string{"anne.martin@afpa-demo.fr"}, []string{"paul.durand@afpa-demo.fr"}},
			{"referent set --structure", []string{"referent", "set", "--structure", "AF"}, []string{"AFPA Bordeaux Bègles"}, nil},
			{"referent set --user", []string{"referent", "set", "--structure", "2", "--user", "p"}, []string{"paul.durand@afpa-demo.fr"}, nil},
			{"request approve", []string{"request", "approve", ""}, []string{"5", "6", "7", "8"}, nil},
			{"request approve, ids typed", []string{"request", "approve", "5", "7", ""}, []string{"6", "8"}, []string{"5", "7"}},
			// Request 7 is Paul's affiliation to the CHU, an employer only: no training-org
			// nor prescriber profile.
			{"request approve --profile, the request's structure", []string{"request", "approve", "7", "--profile", ""},
				[]string{"parcourspro.employer"}, []string{"rafael.of-general", "rafael.prescriber-1", "parcourspro.provider"}},
			// AFPA is a training organisation and an employer; rafael.of-general typed holds the
			// training-org place.
			{"profile grant, the --structure's rules", []string{"profile", "grant", "lucie.lefevre@afpa-demo.fr", "--structure", "824 228 142 01072", "rafael.of-general", ""},
				[]string{"parcourspro.employer", "parcourspro.provider"}, []string{"rafael.of-general", "rafael.of-catalogue", "rafael.prescriber-1"}},
		} {
			got, directive := complete(t, env, tt.args...)
			if directive != noFiles {
				t.Errorf("%s: directive %q, want %q (no file names)", tt.name, directive, noFiles)
			}
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("%s: %v lacks %q", tt.name, got, w)
				}
			}
			for _, n := range tt.not {
				if slices.Contains(got, n) {
					t.Errorf("%s: %v offers %q", tt.name, got, n)
				}
			}
		}
		// What completion offers is what the commands take.
		for _, ref := range []string{"cap métiers nouvelle-aquitaine", "AFPA", "greta sud aquitaine"} {
			clitest.Must(t, env, "structure", "show", ref)
		}
		// Signed out, structures still complete (search is public), people do not.
		clitest.Must(t, env, "logout")
		if got, _ := complete(t, env, "user", "register", "--structure", "AF"); !slices.Contains(got, "AFPA Bordeaux Bègles") {
			t.Errorf("signed out, register --structure: %v", got)
		}
		if got, _ := complete(t, env, "user", "show", "an"); len(got) != 0 {
			t.Errorf("signed out, user show offers people: %v", got)
		}
	})
}
