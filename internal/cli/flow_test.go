package cli_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/testdb"
)

const flowPassword = "un mot de passe assez long"

// as signs in as email (replacing the stored session of this database).
func as(t *testing.T, env clitest.Env, email, password string) {
	t.Helper()
	env.Stdin = password + "\n"
	clitest.Must(t, env, "login", "--email", email, "--password-stdin")
}

func lastID(t *testing.T, r clitest.Result) int64 {
	t.Helper()
	lines := strings.Fields(r.Stdout)
	if len(lines) == 0 {
		t.Fatalf("no id printed:\n%s", r)
	}
	id, err := strconv.ParseInt(lines[len(lines)-1], 10, 64)
	if err != nil {
		t.Fatalf("not an id: %q\n%s", lines[len(lines)-1], r)
	}
	return id
}

// TestSeedFlowThroughTheCommandLine walks the guides' story with the real command tree, on
// both engines: structure request → approval → first account (référent) → second account
// decided by the référent → affiliation → hand-over → detach, with the mails and audit
// events each step leaves.
func TestSeedFlowThroughTheCommandLine(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		env := clitest.NewEnv(t)
		env.DB = dsn
		clitest.SignIn(t, env)
		clitest.Must(t, env, "settings", "set", "mail.language", "en") // the subjects below are English
		admin := clitest.AdminEmail
		siret := domain.MakeSIRET("44306184", "0004")
		spaced := siret[:3] + " " + siret[3:6] + " " + siret[6:9] + " " + siret[9:]

		// 1. "Ma structure n'est pas dans la liste."
		req := clitest.Must(t, env, "-q", "structure", "request", "--name", "Lycée professionnel Jean Moulin", "--siret", spaced,
			"--address", "1 rue de l'École", "--postal-code", "33000", "--kind", "training-org", "--requester-email", "direction@lp-moulin.fr")
		clitest.Must(t, env, "request", "approve", strconv.FormatInt(lastID(t, req), 10))
		clitest.Run(t, env, "request", "approve", strconv.FormatInt(lastID(t, req), 10)).Want(t, cmdutil.ExitConflict)

		// 2. The first account: gestionnaires decide, Anne becomes référente.
		reg := env
		reg.Stdin = flowPassword + "\n"
		r1 := clitest.Must(t, reg, "-q", "user", "register", "--email", "Anne.Martin@LP-Moulin.fr", "--last-name", "Martin",
			"--first-name", "Anne", "--structure", spaced, "--password-stdin")
		pending := env
		pending.Stdin = flowPassword + "\n"
		clitest.Run(t, pending, "login", "--email", "anne.martin@lp-moulin.fr", "--password-stdin").Want(t, cmdutil.ExitForbidden)
		clitest.Must(t, env, "request", "approve", strconv.FormatInt(lastID(t, r1), 10))
		var st struct {
			ReferentEmail string `json:"referent_email"`
		}
		out := clitest.Must(t, env, "structure", "show", siret, "-o", "json")
		if err := json.Unmarshal([]byte(out.Stdout), &st); err != nil || st.ReferentEmail != "anne.martin@lp-moulin.fr" {
			t.Fatalf("référent after the first approval = %q (%v)", st.ReferentEmail, err)
		}

		// 3. The second account is decided by the référente, with a profile.
		r2 := clitest.Must(t, reg, "-q", "user", "register", "--email", "paul.durand@lp-moulin.fr", "--last-name", "Durand",
			"--first-name", "Paul", "--phone", "05 56 00 00 00", "--structure", siret, "--password-stdin")
		as(t, env, "anne.martin@lp-moulin.fr", flowPassword)
		clitest.Must(t, env, "request", "approve", strconv.FormatInt(lastID(t, r2), 10), "--profile", "rafael.of-general")
		members := clitest.Must(t, env, "structure", "members", siret, "-o", "json")
		if !strings.Contains(members.Stdout, `"rafael.of-general"`) || !strings.Contains(members.Stdout, `"05 56 00 00 00"`) {
			t.Errorf("members after the référente's approval:\n%s", members.Stdout)
		}

		// 4. Paul asks to join a second structure, which has no référent: gestionnaires decide.
		as(t, env, admin, clitest.AdminPassword)
		other := clitest.Must(t, env, "-q", "structure", "create", "--name", "Association Sans Siret", "--address", "2 place X")
		as(t, env, "paul.durand@lp-moulin.fr", flowPassword)
		aff := clitest.Must(t, env, "-q", "user", "affiliate", "--structure", strings.TrimSpace(other.Stdout))
		as(t, env, "anne.martin@lp-moulin.fr", flowPassword)
		clitest.Run(t, env, "request", "approve", strconv.FormatInt(lastID(t, aff), 10)).Want(t, cmdutil.ExitForbidden)
		as(t, env, admin, clitest.AdminPassword)
		clitest.Must(t, env, "request", "approve", strconv.FormatInt(lastID(t, aff), 10))

		// 5. Hand-over: Anne gives the role to Paul.
		as(t, env, "anne.martin@lp-moulin.fr", flowPassword)
		clitest.Must(t, env, "--yes", "referent", "set", "--structure", siret, "--user", "paul.durand@lp-moulin.fr")

		// 6. Detach: Paul cannot detach himself; he detaches Anne.
		as(t, env, "paul.durand@lp-moulin.fr", flowPassword)
		self := clitest.Run(t, env, "--yes", "user", "detach", "paul.durand@lp-moulin.fr", "--structure", siret).Want(t, cmdutil.ExitForbidden)
		if !strings.Contains(self.Stderr, "ask a gestionnaire") {
			t.Errorf("self-detach message:\n%s", self)
		}
		clitest.Must(t, env, "--yes", "user", "detach", "anne.martin@lp-moulin.fr", "--structure", siret)

		// The mails each step leaves.
		as(t, env, admin, clitest.AdminPassword)
		var mails []struct {
			To      string `json:"to"`
			Subject string `json:"subject"`
		}
		if err := json.Unmarshal([]byte(clitest.Must(t, env, "mail", "list", "-o", "json").Stdout), &mails); err != nil {
			t.Fatal(err)
		}
		subjects := map[string][]string{}
		for _, m := range mails {
			subjects[m.To] = append(subjects[m.To], m.Subject)
		}
		for to, want := range map[string][]string{
			"direction@lp-moulin.fr":   {"Structure request received", "Structure referenced"},
			"anne.martin@lp-moulin.fr": {"Request received", "Account approved", "request waiting", "End of affiliation"},
			"paul.durand@lp-moulin.fr": {"Request received", "Account approved", "You are the référent"},
			admin:                      {"request waiting"},
		} {
			for _, w := range want {
				if !slices.ContainsFunc(subjects[to], func(s string) bool { return strings.Contains(s, w) }) {
					t.Errorf("no mail %q to %s; got %q", w, to, subjects[to])
				}
			}
		}
		// The audit events each step leaves.
		var events []struct {
			Actor  string `json:"actor"`
			Action string `json:"action"`
		}
		if err := json.Unmarshal([]byte(clitest.Must(t, env, "audit", "list", "--limit", "0", "-o", "json").Stdout), &events); err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, e := range events {
			count[e.Action+" by "+e.Actor]++
		}
		for what, n := range map[string]int{
			"request.approve by " + admin:                 3,
			"request.approve by anne.martin@lp-moulin.fr": 1,
			"referent.set by anne.martin@lp-moulin.fr":    1,
			"membership.end by paul.durand@lp-moulin.fr":  1,
			"request.create by paul.durand@lp-moulin.fr":  1, // the affiliation
			"request.create by " + admin:                  3, // registered from the admin's terminal
			"structure.create by " + admin:                2,
		} {
			if count[what] != n {
				t.Errorf("%d × %q in the audit trail, want %d; trail: %v", count[what], what, n, count)
			}
		}
	})
}
