package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/testenv"
)

// tmuxRequired makes a missing tmux a failure rather than a skip (CI sets it).
const tmuxRequired = "PROFIL_TEST_TMUX_REQUIRED"

// tmuxWait bounds each wait for the screen to show something.
const tmuxWait = 15 * time.Second

// screen is one tmux server of its own (its own socket), with a single window running one
// command in a real pseudo-terminal that the test types into and reads back.
type screen struct {
	t      *testing.T
	socket string // the path of the server's socket
	env    []string
}

// requireTmux skips t when tmux is missing, or fails it when PROFIL_TEST_TMUX_REQUIRED is set.
func requireTmux(t *testing.T) {
	t.Helper()
	testenv.Tool(t, "tmux", "`request review` is tested on a real terminal (apt-get install -y tmux)", tmuxRequired)
}

// newScreen starts a tmux server on a socket of its own, running script in a 200×50 window,
// and kills it when t ends. It needs no terminal: the session is detached.
func newScreen(t *testing.T, script string) *screen {
	t.Helper()
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return slices.Contains([]string{"TMUX", "TMUX_PANE", "LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES"}, name)
	})
	// A socket of its own, in a short folder (socket paths are limited to about 100 bytes):
	// nothing is shared with another tmux, and nothing is left behind.
	sockDir, err := os.MkdirTemp("", "tmux-profil-")
	if err != nil {
		t.Fatal(err)
	}
	s := &screen{t: t, socket: filepath.Join(sockDir, "socket"), env: append(env, "LANG=C.UTF-8")}
	t.Cleanup(func() {
		_, _ = s.tmux("kill-server")
		os.RemoveAll(sockDir)
	})
	if out, err := s.tmux("-f", "/dev/null", "new-session", "-d", "-s", "review", "-x", "200", "-y", "50", script); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	return s
}

func (s *screen) tmux(args ...string) (string, error) {
	cmd := exec.Command("tmux", append([]string{"-u", "-S", s.socket}, args...)...)
	cmd.Env = s.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// keys sends tmux key names (Down, Enter, Space…).
func (s *screen) keys(keys ...string) {
	s.t.Helper()
	if out, err := s.tmux(append([]string{"send-keys", "-t", "review"}, keys...)...); err != nil {
		s.t.Fatalf("tmux send-keys %q: %v\n%s", keys, err, out)
	}
}

// typeText types text literally, as a person would.
func (s *screen) typeText(text string) {
	s.t.Helper()
	if out, err := s.tmux("send-keys", "-t", "review", "-l", text); err != nil {
		s.t.Fatalf("tmux send-keys -l %q: %v\n%s", text, err, out)
	}
}

// capture returns the visible screen, wrapped lines joined; with history, everything printed.
func (s *screen) capture(history bool) string {
	args := []string{"capture-pane", "-p", "-J", "-t", "review"}
	if history {
		args = append(args, "-S", "-")
	}
	out, err := s.tmux(args...)
	if err != nil {
		return "(capture-pane failed: " + err.Error() + ")\n" + out
	}
	if history {
		out = strings.TrimRight(out, "\n") + "\n"
	}
	return out
}

// waitFor polls the screen until ok accepts it; what is shown after the last occurrence of
// from (the whole screen if from is "") is what ok sees. It fails with the whole session.
func (s *screen) waitFor(what, from string, ok func(string) bool) {
	s.t.Helper()
	deadline := time.Now().Add(tmuxWait)
	for {
		shown := s.capture(false)
		found := true
		if from != "" {
			i := strings.LastIndex(shown, from)
			if found = i >= 0; found {
				shown = shown[i+len(from):]
			}
		}
		if found && ok(shown) {
			// survey draws a prompt before switching the terminal to raw mode: keys typed in
			// between would be read as a line. Wait until the pane's terminal is raw.
			s.waitRaw()
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("after %s the terminal does not show %s; it shows:\n%s", tmuxWait, what, s.capture(true))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitRaw waits, for a short while, until the program in the pane has put its terminal in raw
// mode (as a question does); a screen that asks nothing stays in line mode and is let through.
func (s *screen) waitRaw() {
	s.t.Helper()
	tty, err := s.tmux("display-message", "-p", "#{pane_tty}")
	if err != nil {
		s.t.Fatalf("tmux: the pane's terminal: %v", err)
	}
	tty = strings.TrimSpace(tty)
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		out, err := exec.Command("stty", "-a", "-F", tty).Output()
		if err != nil || strings.Contains(string(out), "-icanon") {
			return
		}
	}
}

// waitText waits until the lines after from contain every part.
func (s *screen) waitText(from string, parts ...string) {
	s.t.Helper()
	s.waitFor(fmt.Sprintf("%q after %q", parts, from), from, func(shown string) bool {
		for _, p := range parts {
			if !strings.Contains(shown, p) {
				return false
			}
		}
		return true
	})
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// TestReviewOnARealTerminal runs `profil request review` in a pseudo-terminal (tmux) on the
// demo database, approves the first request with two profiles chosen with the arrow keys and
// Space, rejects the second with a typed reason, quits, and checks the database.
func TestReviewOnARealTerminal(t *testing.T) {
	requireTmux(t)
	start := time.Now()
	dir := t.TempDir()
	h := newHome(t, filepath.Join(dir, "profil.db"))
	h.must("", "demo")

	type request struct {
		ID        int64  `json:"id"`
		Kind      string `json:"kind"`
		Status    string `json:"status"`
		UserEmail string `json:"user_email"`
		Reason    string `json:"reason"`
	}
	list := func(args ...string) []request {
		t.Helper()
		var rs []request
		out := h.must("", append([]string{"request", "list", "-o", "json"}, args...)...)
		if err := json.Unmarshal([]byte(out), &rs); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return rs
	}
	queue := list()
	if len(queue) != 4 || queue[0].Kind != "account" || queue[1].Kind != "account" {
		t.Fatalf("the demo queue changed: %+v", queue)
	}
	approve, reject := queue[0], queue[1]
	const reason = "Personne inconnue du GRETA, adresse à vérifier"

	// The command runs with an environment of its own: no CI variable (which forbids prompts).
	exitFile := filepath.Join(dir, "exit")
	var script strings.Builder
	script.WriteString("#!/bin/sh\nenv -i")
	for _, kv := range append(slices.Clone(h.env), "TERM=screen") {
		script.WriteString(" " + shellQuote(kv))
	}
	fmt.Fprintf(&script, " %s request review\necho $? > %s\nexec sleep 3600\n", shellQuote(binary), shellQuote(exitFile))
	scriptPath := filepath.Join(dir, "review.sh")
	if err := os.WriteFile(scriptPath, []byte(script.String()), 0o700); err != nil {
		t.Fatal(err)
	}
	s := newScreen(t, scriptPath)

	// 1. Approve with profiles: rafael.of-general and parcourspro.employer.
	ask := func(r request) string { return fmt.Sprintf("Request %d — your decision?", r.ID) }
	s.waitText("", fmt.Sprintf("[1/4] Request %d · account", approve.ID), approve.UserEmail)
	s.waitText(ask(approve), "> Approve\n")
	s.keys("Down")
	s.waitText(ask(approve), "> Approve with profiles…")
	s.keys("Enter")
	s.waitText("Profiles to grant in AFPA Bordeaux Bègles", "> [ ]  rafael.of-catalogue", "[ ]  parcourspro.provider")
	s.keys("Down", "Down")
	s.waitText("Profiles to grant in AFPA Bordeaux Bègles", "> [ ]  rafael.of-general")
	s.keys("Space")
	s.waitText("Profiles to grant in AFPA Bordeaux Bègles", "> [x]  rafael.of-general")
	s.keys("Down", "Space")
	s.waitText("Profiles to grant in AFPA Bordeaux Bègles", "> [x]  parcourspro.employer")
	s.keys("Enter")
	s.waitText("", fmt.Sprintf("✓ approved request %d (%s → AFPA Bordeaux Bègles) with rafael.of-general, parcourspro.employer", approve.ID, approve.UserEmail))

	// 2. Reject with a reason typed on the keyboard.
	s.waitText(fmt.Sprintf("[2/4] Request %d", reject.ID), reject.UserEmail)
	s.waitText(ask(reject), "> Approve\n")
	s.keys("Down", "Down")
	s.waitText(ask(reject), "> Reject…")
	s.keys("Enter")
	why := fmt.Sprintf("Why reject request %d?", reject.ID)
	s.waitText("", why)
	s.typeText(reason)
	s.waitText(why, reason)
	s.keys("Enter")
	s.waitText("", fmt.Sprintf("✓ rejected request %d (%s → GRETA Sud Aquitaine)", reject.ID, reject.UserEmail))

	// 3. Quit on the third.
	s.waitText(ask(queue[2]), "> Approve\n")
	s.keys("Down", "Down", "Down", "Down")
	s.waitText(ask(queue[2]), "> Quit")
	s.keys("Enter")
	s.waitText("", "Summary: approved 1, rejected 1, skipped 0, errors 0 (2 not reviewed)")
	deadline := time.Now().Add(tmuxWait)
	var code []byte
	for {
		var err error
		if code, err = os.ReadFile(exitFile); err == nil && len(code) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("profil request review did not exit; the terminal shows:\n%s", s.capture(true))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := strings.TrimSpace(string(code)); got != "0" {
		t.Fatalf("exit %s; the terminal shows:\n%s", got, s.capture(true))
	}

	// The database holds the decisions, the reason and the profiles.
	byID := map[int64]request{}
	for _, r := range list("--all") {
		byID[r.ID] = r
	}
	if r := byID[approve.ID]; r.Status != "approved" {
		t.Errorf("request %d is %s, want approved", r.ID, r.Status)
	}
	if r := byID[reject.ID]; r.Status != "rejected" || r.Reason != reason {
		t.Errorf("request %d is %s with reason %q, want rejected with %q", r.ID, r.Status, r.Reason, reason)
	}
	for _, r := range queue[2:] {
		if byID[r.ID].Status != "pending" {
			t.Errorf("request %d is %s, want it still pending", r.ID, byID[r.ID].Status)
		}
	}
	var user struct {
		Structures []struct {
			Name     string   `json:"name"`
			Profiles []string `json:"profiles"`
		} `json:"structures"`
	}
	out := h.must("", "user", "show", approve.UserEmail, "-o", "json")
	if err := json.Unmarshal([]byte(out), &user); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(user.Structures) != 1 {
		t.Fatalf("%s is in %d structures, want 1:\n%s", approve.UserEmail, len(user.Structures), out)
	}
	held := slices.Sorted(slices.Values(user.Structures[0].Profiles))
	if want := []string{"parcourspro.beneficiary", "parcourspro.employer", "rafael.of-general"}; !slices.Equal(held, want) {
		t.Errorf("%s holds %q, want %q", approve.UserEmail, held, want)
	}
	t.Logf("review on a real terminal: %s", time.Since(start).Round(time.Millisecond))
}

// reviewScript writes a shell script that runs `profil request review` (with args) in the
// environment of h (and TERM=screen, without the CI variable that forbids prompts), writes its
// exit code to the returned file, then sleeps so that the screen can still be read.
func reviewScript(t *testing.T, h *home, dir string, args ...string) (script, exitFile string) {
	t.Helper()
	return commandScript(t, h, dir, nil, append([]string{"request", "review"}, args...)...)
}

// commandScript is reviewScript for any command, with extra environment variables (later ones
// win, as env does).
func commandScript(t *testing.T, h *home, dir string, extraEnv []string, args ...string) (script, exitFile string) {
	t.Helper()
	exitFile = filepath.Join(dir, "exit")
	var b strings.Builder
	b.WriteString("#!/bin/sh\nenv -i")
	for _, kv := range append(append(slices.Clone(h.env), "TERM=screen"), extraEnv...) {
		b.WriteString(" " + shellQuote(kv))
	}
	b.WriteString(" " + shellQuote(binary))
	for _, a := range args {
		b.WriteString(" " + shellQuote(a))
	}
	fmt.Fprintf(&b, "\necho $? > %s\nexec sleep 3600\n", shellQuote(exitFile))
	script = filepath.Join(dir, "review.sh")
	if err := os.WriteFile(script, []byte(b.String()), 0o700); err != nil {
		t.Fatal(err)
	}
	return script, exitFile
}

// exitCode waits for the exit code the script of reviewScript writes.
func (s *screen) exitCode(exitFile string) string {
	s.t.Helper()
	deadline := time.Now().Add(tmuxWait)
	for {
		if code, err := os.ReadFile(exitFile); err == nil && len(code) > 0 {
			return strings.TrimSpace(string(code))
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("profil request review did not exit; the terminal shows:\n%s", s.capture(true))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestReviewEscAndCtrlCOnARealTerminal presses Esc in the profile picker and in the reason
// (back to the choices, nothing decided), then Ctrl-C at the choices: the review stops with
// exit 130 and every request is still pending.
func TestReviewEscAndCtrlCOnARealTerminal(t *testing.T) {
	requireTmux(t)
	dir := t.TempDir()
	h := newHome(t, filepath.Join(dir, "profil.db"))
	h.must("", "demo")
	out := h.must("", "request", "list", "-o", "json")
	var queue []struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal([]byte(out), &queue); err != nil || len(queue) == 0 {
		t.Fatalf("%v\n%s", err, out)
	}
	first := queue[0]
	script, exitFile := reviewScript(t, h, dir)
	s := newScreen(t, script)
	ask := fmt.Sprintf("Request %d — your decision?", first.ID)

	// Esc in the profile picker: back to the choices.
	s.waitText(ask, "> Approve\n")
	s.keys("Down")
	s.waitText(ask, "> Approve with profiles…")
	s.keys("Enter")
	s.waitText("Profiles to grant in", "> [ ]  rafael.of-catalogue")
	s.keys("Space")
	s.waitText("Profiles to grant in", "> [x]  rafael.of-catalogue")
	s.keys("Escape")
	s.waitText(ask, "> Approve\n")

	// Esc in the reason: back to the choices.
	s.keys("Down", "Down")
	s.waitText(ask, "> Reject…")
	s.keys("Enter")
	why := fmt.Sprintf("Why reject request %d?", first.ID)
	s.waitText("", why)
	s.typeText("pas sûr")
	s.waitText(why, "pas sûr")
	s.keys("Escape")
	s.waitText(ask, "> Approve\n")

	// Ctrl-C: exit 130, nothing decided.
	s.keys("C-c")
	s.waitText("", "interrupted: the decisions above are taken")
	if code := s.exitCode(exitFile); code != "130" {
		t.Fatalf("exit %s after Ctrl-C, want 130; the terminal shows:\n%s", code, s.capture(true))
	}
	out = h.must("", "request", "list", "-o", "json")
	var after []struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal([]byte(out), &after); err != nil || len(after) != len(queue) {
		t.Fatalf("after Esc and Ctrl-C the queue is %s (%v), want the %d requests still pending", out, err, len(queue))
	}
}

// TestFrenchQuestionsOnARealTerminal: in French, the lists of `request review` give their keys
// in French, Esc goes back there too, and a yes/no question says (o/N) and takes "oui".
func TestFrenchQuestionsOnARealTerminal(t *testing.T) {
	requireTmux(t)
	dir := t.TempDir()
	h := newHome(t, filepath.Join(dir, "profil.db"))
	h.must("", "demo")
	fr := []string{"LANG=fr_FR.UTF-8"}

	t.Run("review", func(t *testing.T) {
		sub := t.TempDir()
		script, exitFile := commandScript(t, h, sub, fr, "request", "review")
		s := newScreen(t, script)
		s.waitText("votre décision", "flèches pour aller", "Échap pour revenir", "> Accepter")
		s.keys("Down", "Enter")
		s.waitText("Profils à attribuer", "espace pour cocher", "> [ ]  rafael.of-catalogue")
		s.keys("Escape")
		s.waitText("votre décision", "> Accepter")
		s.keys("Down", "Down", "Down", "Down", "Enter")
		if code := s.exitCode(exitFile); code != "0" {
			t.Fatalf("exit %s after Quitter; the terminal shows:\n%s", code, s.capture(true))
		}
	})

	t.Run("yes/no", func(t *testing.T) {
		out := h.must("", "-q", "token", "create", "--name", "essai")
		var id string
		for _, f := range strings.Fields(out) {
			if _, err := fmt.Sscan(f, new(int)); err == nil {
				id = f
			}
		}
		list := h.must("", "token", "list", "-o", "json")
		var tokens []struct {
			ID     int64  `json:"id"`
			Name   string `json:"name"`
			Status string `json:"status"`
		}
		if err := json.Unmarshal([]byte(list), &tokens); err != nil {
			t.Fatal(err)
		}
		for _, tok := range tokens {
			if tok.Name == "essai" {
				id = fmt.Sprint(tok.ID)
			}
		}
		if id == "" {
			t.Fatalf("no token essai:\n%s", list)
		}
		sub := t.TempDir()
		script, exitFile := commandScript(t, h, sub, fr, "token", "revoke", id)
		s := newScreen(t, script)
		s.waitText("", "(o/N)")
		s.typeText("peut-être")
		s.keys("Enter")
		s.waitText("", "répondez o (oui) ou n (non)")
		s.keys("C-u")
		s.typeText("oui")
		s.keys("Enter")
		if code := s.exitCode(exitFile); code != "0" {
			t.Fatalf("exit %s after oui; the terminal shows:\n%s", code, s.capture(true))
		}
		list = h.must("", "token", "list", "-o", "json")
		if !strings.Contains(list, `"status": "revoked"`) {
			t.Errorf("the token was not revoked after oui:\n%s", list)
		}
	})
}
