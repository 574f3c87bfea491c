package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/cli/clitest"
)

// readmeClaims is what the README says each command of its tour does, checked on its output
// (stdout and stderr). Every command must also exit 0. A claim whose command is no longer in
// the README fails the test, so that the two change together.
var readmeClaims = map[string][]string{
	`profil demo`:                                                                         {"✓ demo database ready", "gestionnaire@demo.profil.fr"},
	`profil structure search "cap metiers"`:                                               {"Cap Métiers Nouvelle-Aquitaine"},
	`profil structure search "183 300 011"`:                                               {"183 300 011 00016", "Cap Métiers Nouvelle-Aquitaine"},
	`profil structure show "183 300 011 00016" -o json`:                                   {`"siret": "18330001100016"`, `"name": "Cap Métiers Nouvelle-Aquitaine"`},
	`profil structure show 824228142`:                                                     {"AFPA Bordeaux Bègles", "824 228 142 01072"},
	`profil request list`:                                                                 {"julien.petit@afpa-demo.fr", "gaelle.moreau@greta-demo.fr", "pending"},
	`profil request approve 5 --profile rafael.of-general`:                                {"✓ request 5 approved", "julien.petit@afpa-demo.fr"},
	`profil request reject 6 --reason "Personne inconnue de la structure"`:                {"✓ request 6 rejected", "gaelle.moreau@greta-demo.fr"},
	`profil structure members "824 228 142 01072"`:                                        {"★", "anne.martin@afpa-demo.fr", "julien.petit@afpa-demo.fr", "rafael.of-general", "waiting"},
	`profil referent set --structure "824 228 142 01072" --user paul.durand@afpa-demo.fr`: {"paul.durand@afpa-demo.fr is now the référent of AFPA Bordeaux Bègles"},
	`profil audit list --since 7d`:                                                        {"request.approve", "request.reject", "referent.set"},
	`profil logout`:                                                                       {"signed out"},
	`profil structure search greta`:                                                       {"GRETA Sud Aquitaine", "196 400 014 00268"},
	`profil structure request --name "Lycée Jean Moulin" --siret "443 061 841 00047" --address "1 rue de l'École" --postal-code 33000 --requester-email direction@lp-moulin.fr`: {"✓ request 9 sent"},
	`profil user register --email anne.martin@lp-moulin.fr --last-name Martin --first-name Anne --structure "196 400 014 00268"`:                                                {"GRETA Sud Aquitaine"},
	`profil request approve --all --structure "824 228 142 01072" --dry-run`:                                                                                                    {"request 5 would be approved", "julien.petit@afpa-demo.fr"},
	`profil request list -q | profil request approve -`:                                                                                                                         {"approved", "5", "8"},
	`PROFIL_TOKEN=prf_t_… profil structure members "824 228 142 01072" -o csv > membres.csv`:                                                                                    {},
}

// The README's tour, its anonymous requests and its scripts run as written, each block on a
// fresh demo, through the real binary, and do what their comments say.
func TestReadmeTourRuns(t *testing.T) {
	root, err := clitest.FindModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := shellBlocks(section(string(readme), "## A short tour"))
	if len(blocks) != 3 {
		t.Fatalf("the tour has %d shell blocks, want 3 (tour, asking without signing in, scripts)", len(blocks))
	}
	seen := map[string]bool{}
	for i, block := range blocks {
		h := newNewcomer(t)
		if !strings.HasPrefix(block[0], "profil demo") {
			if r := h.run(t, 2*time.Minute, nil, "demo"); r.code != 0 {
				t.Fatalf("demo:\n%s", r)
			}
		}
		for _, line := range block {
			seen[line] = true
			out := runReadmeLine(t, h, line)
			claims, ok := readmeClaims[line]
			if !ok {
				t.Errorf("block %d: %q is not in readmeClaims: say what it does", i+1, line)
			}
			for _, want := range claims {
				if !strings.Contains(out, want) {
					t.Errorf("block %d: %s\nwant %q in its output:\n%s", i+1, line, want, out)
				}
			}
		}
		if i == 1 {
			// What the text says after the block: registering in the Lycée before its request
			// is approved says that the request waits, in English and in French.
			args := []string{"user", "register", "--email", "prof@lp-moulin.fr", "--last-name", "Prof", "--first-name", "Ada", "--structure", "443 061 841 00047"}
			r := h.run(t, time.Minute, nil, args...)
			if r.code != 3 || !strings.Contains(r.stderr, "Lycée Jean Moulin (SIRET 443 061 841 00047) is not referenced yet: its request 9 waits for a gestionnaire's decision") {
				t.Errorf("register before the structure is approved:\n%s", r)
			}
			fr := h
			fr.env = append(append([]string(nil), h.env...), "LC_ALL=fr_FR.UTF-8")
			r = fr.run(t, time.Minute, nil, args...)
			if r.code != 3 || !strings.Contains(plainSpaces(r.stderr), "Lycée Jean Moulin (SIRET 443 061 841 00047) n'est pas encore référencée : sa demande n° 9 attend la décision d'un gestionnaire") {
				t.Errorf("register before the structure is approved, in French:\n%s", r)
			}
		}
		if i == 2 {
			b, err := os.ReadFile(filepath.Join(h.dir, "membres.csv"))
			if err != nil || !strings.HasPrefix(string(b), "email,") || !strings.Contains(string(b), "anne.martin@afpa-demo.fr") {
				t.Errorf("membres.csv: %v\n%s", err, b)
			}
		}
	}
	for line := range readmeClaims {
		if !seen[line] {
			t.Errorf("readmeClaims has %q, which the README no longer has", line)
		}
	}
}

// runReadmeLine runs one command line of the README (a pipe of two, an output redirection,
// PROFIL_TOKEN=… before it) and fails t unless every command exits 0. It returns the last
// command's stdout and every command's stderr.
func runReadmeLine(t *testing.T, h newcomer, line string) string {
	t.Helper()
	words := shellWords(t, line)
	var stages [][]string
	cur, redirect := []string{}, ""
	for i := 0; i < len(words); i++ {
		switch words[i] {
		case "|":
			stages, cur = append(stages, cur), []string{}
		case ">":
			i++
			redirect = words[i]
		default:
			cur = append(cur, words[i])
		}
	}
	stages = append(stages, cur)
	var (
		stdin *os.File
		out   strings.Builder
		last  result
	)
	for _, st := range stages {
		env := h
		for len(st) > 0 && strings.Contains(st[0], "=") && !strings.HasPrefix(st[0], "-") {
			name, value, _ := strings.Cut(st[0], "=")
			if name == "PROFIL_TOKEN" && strings.HasSuffix(value, "…") {
				r := h.run(t, time.Minute, nil, "token", "create", "--name", "readme", "--scope", "read", "-q")
				if r.code != 0 {
					t.Fatalf("token create:\n%s", r)
				}
				value = strings.TrimSpace(r.stdout)
			}
			env.env = append(append([]string(nil), h.env...), name+"="+value)
			st = st[1:]
		}
		if len(st) == 0 || st[0] != "profil" {
			t.Fatalf("%q: a README command starts with profil", line)
		}
		last = env.run(t, 2*time.Minute, stdin, st[1:]...)
		if last.code != 0 {
			t.Errorf("%s\n%s", line, last)
		}
		out.WriteString(last.stderr)
		if stdin != nil {
			stdin.Close()
		}
		f, err := os.CreateTemp(t.TempDir(), "stdout")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteString(last.stdout); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Seek(0, 0); err != nil {
			t.Fatal(err)
		}
		stdin = f
	}
	if stdin != nil {
		stdin.Close()
	}
	if redirect != "" {
		if err := os.WriteFile(filepath.Join(h.dir, redirect), []byte(last.stdout), 0o600); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	return last.stdout + out.String()
}

// section is the text of the README from heading to the next heading of the same level.
func section(text, heading string) string {
	i := strings.Index(text, heading+"\n")
	if i < 0 {
		return ""
	}
	rest := text[i+len(heading):]
	if j := strings.Index(rest, "\n## "); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// shellBlocks returns the command lines of each ```sh block: continuation lines joined,
// comments and blank lines dropped.
func shellBlocks(text string) [][]string {
	var blocks [][]string
	for {
		i := strings.Index(text, "```sh\n")
		if i < 0 {
			return blocks
		}
		text = text[i+len("```sh\n"):]
		j := strings.Index(text, "```")
		body := text[:j]
		text = text[j+3:]
		var lines []string
		pending := ""
		for _, l := range strings.Split(body, "\n") {
			if strings.HasSuffix(l, "\\") {
				pending += strings.TrimSpace(strings.TrimSuffix(l, "\\")) + " "
				continue
			}
			l = strings.TrimSpace(stripComment(pending + strings.TrimSpace(l)))
			pending = ""
			if l != "" {
				lines = append(lines, l)
			}
		}
		blocks = append(blocks, lines)
	}
}

// stripComment drops a shell comment: a # that starts a word outside quotes.
func stripComment(l string) string {
	quote := rune(0)
	for i, c := range l {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && (i == 0 || l[i-1] == ' '):
			return strings.TrimSpace(l[:i])
		}
	}
	return l
}

// shellWords splits a command line as sh does for the README's needs: quotes, | and >.
func shellWords(t *testing.T, l string) []string {
	var (
		words []string
		cur   strings.Builder
		in    bool
		quote rune
	)
	flush := func() {
		if in {
			words = append(words, cur.String())
			cur.Reset()
			in = false
		}
	}
	for _, c := range l {
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(c)
		case c == '"' || c == '\'':
			quote, in = c, true
		case c == ' ':
			flush()
		case c == '|' || c == '>':
			flush()
			words = append(words, string(c))
		default:
			cur.WriteRune(c)
			in = true
		}
	}
	if quote != 0 {
		t.Fatalf("%q: a quote is never closed", l)
	}
	flush()
	return words
}

// plainSpaces turns the non-breaking spaces of French typography back into plain ones, so that
// expectations are written as people type them.
func plainSpaces(s string) string {
	return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s)
}
