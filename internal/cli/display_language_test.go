package cli_test

import (
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/testdb"
)

// Tables and cards are for people: their headers, labels, values and times follow the
// language (times in Europe/Paris); JSON and CSV never change.
func TestTablesSpeakThePersonsLanguage(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	env.Now = func() time.Time { return time.Date(2026, time.December, 6, 22, 0, 0, 0, time.UTC) }
	clitest.SignIn(t, env)
	siret := domain.MakeSIRET("44306184", "0004")
	clitest.Must(t, env, "structure", "create", "--name", "Lycée Jean Moulin", "--siret", siret, "--kind", "training-org")
	clitest.Must(t, env, "user", "register", "--email", "anne.martin@lp-moulin.fr", "--last-name", "Martin", "--first-name", "Anne", "--structure", siret)

	has := func(lang, out string, parts ...string) {
		t.Helper()
		for _, p := range parts {
			if !strings.Contains(out, p) {
				t.Errorf("LANG=%s: output lacks %q:\n%s", lang, p, out)
			}
		}
	}
	hasNot := func(lang, out string, parts ...string) {
		t.Helper()
		for _, p := range parts {
			if strings.Contains(out, p) {
				t.Errorf("LANG=%s: output has %q:\n%s", lang, p, out)
			}
		}
	}

	t.Setenv("LANG", "C")
	has("C", clitest.Must(t, env, "request", "list").Stdout, "KIND", "STATUS", "WAITED", "account", "pending")
	has("C", clitest.Must(t, env, "request", "show", "1").Stdout, "Kind:", "account", "2026-12-06 23:00 CET")
	has("C", clitest.Must(t, env, "structure", "show", siret).Stdout, "Ministry:", "no", "training-org")

	t.Setenv("LANG", "fr_FR.UTF-8")
	r := clitest.Must(t, env, "request", "list")
	has("fr", r.Stdout, "TYPE", "STATUT", "ATTENTE", "création de compte", "en attente")
	hasNot("fr", r.Stdout, "KIND", "WAITED", "pending")
	r = clitest.Must(t, env, "request", "show", "1")
	has("fr", r.Stdout, "Type\u00a0:", "création de compte", "Statut\u00a0:", "en attente", "06/12/2026 23:00")
	hasNot("fr", r.Stdout, "Kind:", "22:00")
	r = clitest.Must(t, env, "structure", "show", siret)
	has("fr", r.Stdout, "Ministère\u00a0:", "non", "organisme de formation")
	hasNot("fr", r.Stdout, "Ministry", "training-org")
	env.Width = 200
	r = clitest.Must(t, env, "profile", "catalog")
	has("fr", r.Stdout, "LIBELLÉ", "RÈGLE", "sur toute appartenance\u202f; jamais retiré", "seulement sur un organisme de formation")
	t.Setenv("LANG", "C")
	has("C", clitest.Must(t, env, "profile", "catalog").Stdout, "on every membership; never removed")
	t.Setenv("LANG", "fr_FR.UTF-8")
	env.Width = 0

	// Programs read the same data in every language.
	for _, lang := range []string{"C", "fr_FR.UTF-8"} {
		t.Setenv("LANG", lang)
		r = clitest.Must(t, env, "request", "list", "-o", "json")
		has(lang, r.Stdout, `"kind": "account"`, `"status": "pending"`, `"created_at": "2026-12-06T22:00:00Z"`)
		r = clitest.Must(t, env, "request", "list", "-o", "csv")
		has(lang, r.Stdout, "id,kind,status,", ",account,pending,")
	}
}

// On a 120-column terminal, `audit list` shows every e-mail whole and the details as a
// readable summary, wrapped rather than cut; piped, nothing is cut or wrapped.
func TestAuditListFitsTheTerminal(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	clitest.SignIn(t, env)
	siret := domain.MakeSIRET("44306184", "0004")
	long := "marie-charlotte.delafontaine@lycee-jean-moulin.fr"
	clitest.Must(t, env, "structure", "create", "--name", "Lycée professionnel Jean Moulin de Bordeaux Bastide", "--siret", siret,
		"--address", "12 avenue de la Libération", "--postal-code", "33100", "--city", "Bordeaux", "--kind", "training-org")
	clitest.Must(t, env, "user", "register", "--email", long, "--last-name", "De La Fontaine-Dubois", "--first-name", "Marie-Charlotte",
		"--function", "Responsable administrative et financière", "--structure", siret)

	env.StdoutTTY, env.Width = true, 120
	r := clitest.Must(t, env, "audit", "list")
	for _, line := range strings.Split(strings.TrimRight(r.Stdout, "\n"), "\n") {
		if w := len([]rune(line)); w > 120 {
			t.Errorf("a line is %d wide on a 120-column terminal: %q", w, line)
		}
	}
	if !strings.Contains(r.Stdout, "2026") || !strings.Contains(r.Stdout, "  "+clitest.AdminEmail+"  structure.create  ") || strings.Contains(r.Stdout, "…") {
		t.Errorf("a date, an e-mail or an action was cut:\n%s", r.Stdout)
	}
	if strings.Contains(r.Stdout, `{"`) || !strings.Contains(r.Stdout, "postal_code:") {
		t.Errorf("the details are not a readable summary:\n%s", r.Stdout)
	}

	env.StdoutTTY, env.Width = false, 1<<16 // as cli.Main sets it when stdout is not a terminal
	r = clitest.Must(t, env, "audit", "list")
	if strings.Contains(r.Stdout, "…") || !strings.Contains(r.Stdout, long) {
		t.Errorf("piped output was cut or wrapped:\n%s", r.Stdout)
	}
}

// cobra's and pflag's usage errors speak the person's language, and still exit 2.
func TestUsageErrorsInFrench(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	clitest.SignIn(t, env)
	for _, tt := range []struct {
		args   []string
		en, fr string
	}{
		{[]string{"structure", "search", "x", "--departement", "33"}, "unknown flag --departement; did you mean --department?", "option --departement inconnue\u202f; vouliez-vous dire --department\u202f?"},
		{[]string{"structure", "search", "x", "--zzzzzz"}, "unknown flag: --zzzzzz", "option inconnue\u00a0: --zzzzzz"},
		{[]string{"structure", "search", "x", "-Z"}, "unknown shorthand flag: -Z in -Z", "option courte inconnue\u00a0: -Z dans -Z"},
		{[]string{"structure", "search", "x", "--department"}, "flag needs an argument: --department", "il manque la valeur de l'option --department"},
		{[]string{"audit", "list", "--limit", "beaucoup"}, `invalid argument "beaucoup" for --limit`, `valeur "beaucoup" invalide pour --limit`},
		{[]string{"profile", "list", "a@x.fr", "b@x.fr"}, "accepts at most 1 argument(s), received 2", "accepte au plus 1 argument(s), en a reçu 2"},
		{[]string{"structur"}, `unknown command "structur" for "profil"`, `commande "structur" inconnue pour "profil"`},
	} {
		for _, lang := range []string{"C", "fr_FR.UTF-8"} {
			t.Setenv("LANG", lang)
			r := clitest.Run(t, env, tt.args...)
			if r.Code != 2 {
				t.Errorf("LANG=%s %v: exit %d, want 2 (usage):\n%s", lang, tt.args, r.Code, r)
			}
			want := tt.en
			if lang != "C" {
				want = tt.fr
			}
			if !strings.Contains(r.Stderr, want) {
				t.Errorf("LANG=%s %v: stderr lacks %q:\n%s", lang, tt.args, want, r)
			}
		}
	}
	t.Setenv("LANG", "fr_FR.UTF-8")
	r := clitest.Run(t, env, "structur")
	if !strings.Contains(r.Stderr, "Vouliez-vous dire\u202f?\n\tstructure") {
		t.Errorf("the suggestion is not in French:\n%s", r)
	}
}

// Errors follow the language too, times included: a request decided twice says when it was
// decided as the reader writes times, in Paris time as tables give it (with its zone in
// English).
func TestErrorsSayTimesInThePersonsLanguage(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	env.Now = func() time.Time { return time.Date(2026, time.December, 7, 1, 4, 0, 0, time.UTC) }
	clitest.SignIn(t, env)
	siret := domain.MakeSIRET("44306184", "0004")
	clitest.Must(t, env, "structure", "create", "--name", "Lycée Jean Moulin", "--siret", siret, "--kind", "training-org")
	clitest.Must(t, env, "user", "register", "--email", "anne.martin@lp-moulin.fr", "--last-name", "Martin", "--first-name", "Anne", "--structure", siret)
	t.Setenv("LANG", "C")
	clitest.Must(t, env, "request", "approve", "1")

	r := clitest.Run(t, env, "request", "approve", "1").Want(t, 5)
	if !strings.Contains(r.Stderr, "request 1 is already approved on 2026-12-07 02:04 CET") {
		t.Errorf("LANG=C: %q, want the decision time in Paris time, with its zone", r.Stderr)
	}
	t.Setenv("LANG", "fr_FR.UTF-8")
	r = clitest.Run(t, env, "request", "approve", "1").Want(t, 5)
	if !strings.Contains(r.Stderr, "la demande n° 1 a déjà été acceptée le 07/12/2026 02:04") {
		t.Errorf("LANG=fr: %q, want the decision time in Paris time", r.Stderr)
	}
}
