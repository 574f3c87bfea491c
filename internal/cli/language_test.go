package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/testdb"
)

// outboxMail is a message of `profil mail list -o json`.
type outboxMail struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

func outbox(t *testing.T, env clitest.Env) []outboxMail {
	t.Helper()
	var mails []outboxMail
	if err := json.Unmarshal([]byte(clitest.Must(t, env, "mail", "list", "-o", "json").Stdout), &mails); err != nil {
		t.Fatal(err)
	}
	return mails
}

func wantIn(t *testing.T, r clitest.Result, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if p = frenchSpaces.Replace(p); !strings.Contains(r.Stderr, p) {
			t.Errorf("stderr lacks %q:\n%s", p, r)
		}
	}
}

// frenchSpaces puts the non-breaking spaces of French typography where expectations write plain
// ones: U+00A0 before ":" and inside « », U+202F before ";" "?" "!".
var frenchSpaces = strings.NewReplacer(" :", "\u00a0:", " ;", "\u202f;", " ?", "\u202f?", " !", "\u202f!", "« ", "«\u00a0", " »", "\u00a0»")

// With a French locale, profil speaks French: errors, usage errors, what commands did, the
// questions it asks and the mails it writes. JSON keys stay as they are.
func TestFrenchLocale(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	t.Setenv("LANG", "fr_FR.UTF-8")

	wantIn(t, clitest.SignIn(t, env), "✓ gestionnaire "+clitest.AdminEmail+" créé et connecté")

	// Invalid input (exit 6): the field keeps its name, the reason is French.
	r := clitest.Run(t, env, "structure", "create", "--name", "Lycée Jean Moulin", "--siret", "12345678901234").Want(t, cmdutil.ExitInvalid)
	wantIn(t, r, `profil: siret "12345678901234" : la clé de contrôle ne correspond pas (vérifiez la saisie)`)
	r = clitest.Run(t, env, "structure", "create", "--name", "Lycée Jean Moulin", "--siret", "1234").Want(t, cmdutil.ExitInvalid)
	wantIn(t, r, `siret "1234" : doit comporter 14 chiffres`)

	// What a command did.
	siret := domain.MakeSIRET("44306184", "0004")
	r = clitest.Must(t, env, "structure", "create", "--name", "Lycée Jean Moulin", "--siret", siret, "--address", "1 rue de l'École",
		"--postal-code", "33000", "-o", "json")
	wantIn(t, r, "✓ structure n° 1 « Lycée Jean Moulin » créée")
	if !strings.Contains(r.Stdout, `"postal_code": "33000"`) {
		t.Errorf("JSON keys changed:\n%s", r.Stdout)
	}

	// Usage errors (exit 2), not found (exit 3), conflicts (exit 5).
	wantIn(t, clitest.Run(t, env, "structure", "adhesion", "1").Want(t, cmdutil.ExitUsage), "--year est obligatoire (ou --remove)")
	wantIn(t, clitest.Run(t, env, "structure", "show").Want(t, cmdutil.ExitUsage), "il manque le SIRET, le SIREN, le numéro ou le nom de la structure")
	wantIn(t, clitest.Run(t, env, "structure", "show", "999").Want(t, cmdutil.ExitNotFound), "structure n° 999 introuvable")
	wantIn(t, clitest.Run(t, env, "structure", "create", "--name", "Doublon", "--siret", siret).Want(t, cmdutil.ExitConflict),
		"le SIRET "+siret+" est déjà celui de la structure n° 1")

	// A request, and the mail it writes, in French.
	r = clitest.Must(t, env, "user", "register", "--email", "anne.martin@lp-moulin.fr", "--last-name", "Martin", "--first-name", "Anne",
		"--structure", siret)
	wantIn(t, r, "✓ demande n° 1 envoyée : anne.martin@lp-moulin.fr demande à rejoindre « Lycée Jean Moulin »",
		"pas de mot de passe donné")
	var got *outboxMail
	for _, m := range outbox(t, env) {
		if m.To == "anne.martin@lp-moulin.fr" {
			got = &m
		}
	}
	switch {
	case got == nil:
		t.Fatal("no mail to the person who asked")
	case got.Subject != "Demande reçue\u00a0: Lycée Jean Moulin":
		t.Errorf("subject = %q", got.Subject)
	case !strings.HasPrefix(got.Body, "Bonjour Anne Martin,\n\nVotre demande de création de compte pour la structure «\u00a0Lycée Jean Moulin\u00a0» a bien été reçue.\n"),
		!strings.HasSuffix(got.Body, "\n-- \nCe message vous est envoyé par les comptes services. Merci de ne pas y répondre.\n"):
		t.Errorf("body = %q", got.Body)
	}
	wantIn(t, clitest.Run(t, env, "request", "approve", "1").Want(t, cmdutil.ExitOK), "✓")
	if r := clitest.Run(t, env, "request", "reject", "1", "--reason", "doublon").Want(t, cmdutil.ExitConflict); !strings.Contains(r.Stderr, "profil: la demande n° 1 a déjà été acceptée le ") || r.Stdout != "" {
		t.Errorf("a second decision:\n%s", r)
	}

	// Not signed in (exit 4).
	clitest.Must(t, env, "logout")
	wantIn(t, clitest.Run(t, env, "structure", "members", "1").Want(t, cmdutil.ExitForbidden),
		"vous n'êtes pas connecté : lancez `profil login` (ou passez --token)")
}

// On a terminal, the questions are French too.
func TestFrenchPrompts(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	clitest.SignIn(t, env)
	t.Setenv("LANG", "fr_FR.UTF-8")
	env.StdinTTY, env.StdoutTTY, env.StderrTTY = true, true, true
	p := prompt.NewScripted(prompt.AnswerInput("Association Horizons Sud"))
	env.Prompter = p
	r := clitest.Must(t, env, "structure", "request", "--address", "1 rue Sainte-Catherine", "--postal-code", "33000")
	if asked := p.Asked(); len(asked) != 1 || asked[0] != "Nom de la structure (raison sociale)" {
		t.Errorf("asked %q", asked)
	}
	wantIn(t, r, "✓ demande n° 1 envoyée : les gestionnaires répondent par mail sous 24 à 48 h")
}

// The locale is read as POSIX says: LC_ALL, then LC_MESSAGES, then LANG, the first that is set
// and not empty; anything but French is English.
func TestLocalePrecedence(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	clitest.SignIn(t, env)
	for _, tt := range []struct {
		lcAll, lcMessages, lang string
		want                    string
	}{
		{"", "", "", "checksum does not match"},
		{"", "", "C.UTF-8", "checksum does not match"},
		{"", "", "fr_FR.UTF-8", "la clé de contrôle ne correspond pas"},
		{"C", "", "fr_FR.UTF-8", "checksum does not match"},
		{"", "en_US.UTF-8", "fr_FR.UTF-8", "checksum does not match"},
		{"", "fr_CA.UTF-8", "C", "la clé de contrôle ne correspond pas"},
		{"fr_FR.UTF-8", "C", "en_GB.UTF-8", "la clé de contrôle ne correspond pas"},
	} {
		t.Setenv("LC_ALL", tt.lcAll)
		t.Setenv("LC_MESSAGES", tt.lcMessages)
		t.Setenv("LANG", tt.lang)
		r := clitest.Run(t, env, "structure", "create", "--name", "X", "--siret", "12345678901234").Want(t, cmdutil.ExitInvalid)
		if !strings.Contains(r.Stderr, tt.want) {
			t.Errorf("LC_ALL=%q LC_MESSAGES=%q LANG=%q: want %q:\n%s", tt.lcAll, tt.lcMessages, tt.lang, tt.want, r)
		}
	}
}

// Mails follow the portal's language (`settings set mail.language`), French by default, not the
// locale of the command that queues them: an English locale mails French users in French.
func TestMailsInThePortalLanguage(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	clitest.SignIn(t, env)
	t.Setenv("LANG", "C")
	siret := domain.MakeSIRET("44306184", "0004")
	clitest.Must(t, env, "structure", "create", "--name", "Lycée Jean Moulin", "--siret", siret)
	if r := clitest.Must(t, env, "settings", "get", "mail.language"); r.Stdout != "fr\n" {
		t.Errorf("settings get mail.language = %q, want the default fr", r.Stdout)
	}
	register := func(email, first string) outboxMail {
		t.Helper()
		clitest.Must(t, env, "user", "register", "--email", email, "--last-name", "Martin", "--first-name", first, "--structure", siret)
		for _, m := range outbox(t, env) {
			if m.To == email {
				return m
			}
		}
		t.Fatalf("no mail to %s", email)
		return outboxMail{}
	}
	m := register("anne.martin@lp-moulin.fr", "Anne")
	if m.Subject != "Demande reçue\u00a0: Lycée Jean Moulin" || !strings.HasPrefix(m.Body, "Bonjour Anne Martin,\n\n") {
		t.Errorf("with LANG=C on a French portal, mail = %+v", m)
	}

	r := clitest.Must(t, env, "settings", "set", "mail.language", "en")
	wantIn(t, r, "✓ mail.language: fr → en")
	t.Setenv("LANG", "fr_FR.UTF-8")
	m = register("luc.martin@lp-moulin.fr", "Luc")
	if m.Subject != "Request received: Lycée Jean Moulin" || !strings.HasPrefix(m.Body, "Hello Luc Martin,\n\nYour account request for the structure “Lycée Jean Moulin” has been received.\n") {
		t.Errorf("with LANG=fr_FR on an English portal, mail = %+v", m)
	}
	wantIn(t, clitest.Must(t, env, "settings", "set", "mail.language", "en"), "mail.language vaut déjà en")
	wantIn(t, clitest.Run(t, env, "settings", "set", "mail.language", "de").Want(t, cmdutil.ExitInvalid), "valeurs possibles\u00a0: fr, en")
	wantIn(t, clitest.Run(t, env, "settings", "get", "mail.langue").Want(t, cmdutil.ExitInvalid), "réglage inconnu")
	if r := clitest.Must(t, env, "settings", "list"); !strings.Contains(r.Stdout, "mail.language") || !strings.Contains(r.Stdout, "langue des mails") {
		t.Errorf("settings list in French:\n%s", r)
	}
	if r := clitest.Must(t, env, "settings", "list", "-o", "json"); !strings.Contains(r.Stdout, `"key": "mail.language"`) || !strings.Contains(r.Stdout, `"value": "en"`) {
		t.Errorf("settings list -o json:\n%s", r)
	}
}
