package cli_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/testdb"
)

// refusingPrompter fails the test on any question: nothing may be asked of a script.
type refusingPrompter struct {
	t    testing.TB
	args []string
}

var _ prompt.Prompter = (*refusingPrompter)(nil)

func (p *refusingPrompter) refuse(method, message string) error {
	p.t.Errorf("profil %s asked %s(%q) without a terminal", strings.Join(p.args, " "), method, message)
	return fmt.Errorf("no terminal: %s(%q) may not be asked", method, message)
}

func (p *refusingPrompter) Input(message, _ string) (string, error) {
	return "", p.refuse(prompt.MethodInput, message)
}

func (p *refusingPrompter) Password(message string) (string, error) {
	return "", p.refuse(prompt.MethodPassword, message)
}

func (p *refusingPrompter) Confirm(message string, _ bool) (bool, error) {
	return false, p.refuse(prompt.MethodConfirm, message)
}

func (p *refusingPrompter) Select(message string, _ []string, _ int) (int, error) {
	return 0, p.refuse(prompt.MethodSelect, message)
}

func (p *refusingPrompter) MultiSelect(message string, _ []string, _ []int) ([]int, error) {
	return nil, p.refuse(prompt.MethodMultiSelect, message)
}

// runnableLeaves lists the runnable commands without subcommands, cobra's help and completion
// included, as their words after "profil" ("structure create"). stdinForms adds, for the
// commands that read standard input, the ways of making them read it: "-" as an argument
// ("request approve -") and --password-stdin.
func runnableLeaves() (leaves, stdinForms [][]string) {
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		for _, sub := range c.Commands() {
			p := append(slices.Clone(path), sub.Name())
			switch {
			case sub.HasSubCommands():
				walk(sub, p)
			case sub.Runnable():
				leaves = append(leaves, p)
				if strings.Contains(sub.Use, "|-") {
					stdinForms = append(stdinForms, append(slices.Clone(p), "-"))
				}
				if sub.Flags().Lookup("password-stdin") != nil {
					stdinForms = append(stdinForms, append(slices.Clone(p), "--password-stdin"))
				}
			}
		}
	}
	walk(helpTree(), nil)
	return leaves, stdinForms
}

// sessionLast orders leaves so that the commands that replace or end the stored session run
// after all the others, which thus all see the gestionnaire signed in.
func sessionLast(leaves [][]string) {
	tail := []string{"init", "demo", "login", "logout"}
	rank := func(p []string) int {
		if i := slices.Index(tail, p[0]); i >= 0 {
			return i + 1
		}
		return 0
	}
	slices.SortStableFunc(leaves, func(a, b []string) int { return rank(a) - rank(b) })
}

// runWithin runs the command and fails t if it has not returned within limit, even if the
// command ignores its context (a read of standard input, for example).
func runWithin(t *testing.T, env clitest.Env, limit time.Duration, args ...string) (clitest.Result, time.Duration) {
	t.Helper()
	start := time.Now()
	done := make(chan clitest.Result, 1)
	go func() { done <- clitest.Run(t, env, args...) }()
	select {
	case r := <-done:
		return r, time.Since(start)
	case <-time.After(limit + 5*time.Second):
		t.Fatalf("profil %s: still running after %s", strings.Join(args, " "), limit)
		return clitest.Result{}, 0
	}
}

// Scripts and cron jobs never wait on a question: without a terminal, every command of the
// tree, run bare and with --yes, returns at once (whatever its exit code) and asks nothing;
// so do those that read standard input, given an empty one.
func TestNoCommandPromptsWithoutTerminal(t *testing.T) {
	old := clitest.RunTimeout
	clitest.RunTimeout = 10 * time.Second
	t.Cleanup(func() { clitest.RunTimeout = old })

	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	clitest.SignIn(t, env) // stdin, stdout and stderr are not terminals; stdin is empty

	leaves, stdinForms := runnableLeaves()
	if len(leaves) < 40 || len(stdinForms) < 3 {
		t.Fatalf("only %d commands (%d reading standard input) found in the tree", len(leaves), len(stdinForms))
	}
	leaves = append(leaves, stdinForms...)
	sessionLast(leaves)
	for _, leaf := range leaves {
		if leaf[0] == "serve" {
			continue // runs until stopped, by design: its own tests stop it with a signal
		}
		for _, extra := range [][]string{nil, {"--yes"}} {
			args := append(slices.Clone(leaf), extra...)
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				env := env
				env.Prompter = &refusingPrompter{t: t, args: args}
				r, took := runWithin(t, env, clitest.RunTimeout, args...)
				if took > clitest.RunTimeout {
					t.Errorf("profil %s took %s", strings.Join(args, " "), took)
				}
				t.Logf("exit %d in %s", r.Code, took.Round(time.Millisecond))
			})
		}
	}
}

// terminal is env at a terminal, answering with p.
func terminal(env clitest.Env, p prompt.Prompter) clitest.Env {
	env.StdinTTY, env.StdoutTTY, env.StderrTTY = true, true, true
	env.Prompter = p
	return env
}

// On a terminal, `structure create` asks the name it was not given and, for a structure
// without SIRET, the address; an invalid answer is explained and asked again, three times at
// most. Without a terminal, or with --yes, a missing --name stays a usage error.
func TestStructureCreateAsksOnTerminal(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	clitest.SignIn(t, env)

	p := prompt.NewScripted(
		prompt.AnswerInput("   "), // refused: a name is required
		prompt.AnswerInput("  Association   Horizons Emploi "),
		prompt.AnswerInput(""), // refused: no SIRET, so an address is required
		prompt.AnswerInput("12 cours de l'Intendance"),
	)
	r := clitest.Must(t, terminal(env, p), "structure", "create", "--postal-code", "33000", "--city", "Bordeaux", "-o", "json")
	for _, want := range []string{`"name": "Association Horizons Emploi"`, `"address": "12 cours de l'Intendance"`, `"department": "33"`} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("stdout lacks %s:\n%s", want, r)
		}
	}
	if !strings.Contains(r.Stderr, "name: is required") || !strings.Contains(r.Stderr, "address: is required") {
		t.Errorf("the refused answers are not explained:\n%s", r)
	}
	if got := p.Asked(); len(got) != 4 || p.Remaining() != 0 {
		t.Errorf("asked %q, %d answers left", got, p.Remaining())
	}

	// With a SIRET, only the name is asked.
	p = prompt.NewScripted(prompt.AnswerInput("GRETA Sud Aquitaine"))
	clitest.Must(t, terminal(env, p), "-q", "structure", "create", "--siret", domain.MakeSIRET("77567891", "0021"))
	if got := p.Asked(); len(got) != 1 || p.Remaining() != 0 {
		t.Errorf("with a SIRET: asked %q, %d answers left", got, p.Remaining())
	}

	// A bad SIRET is refused before any question.
	p = prompt.NewScripted()
	clitest.Run(t, terminal(env, p), "structure", "create", "--siret", "12345678901234").Want(t, cmdutil.ExitInvalid)
	if got := p.Asked(); len(got) != 0 {
		t.Errorf("with a bad SIRET: asked %q", got)
	}

	// Three refused answers end the command: invalid input, nothing created.
	p = prompt.NewScripted(prompt.AnswerInput(""), prompt.AnswerInput(" "), prompt.AnswerInput(""))
	r = clitest.Run(t, terminal(env, p), "structure", "create", "--address", "1 rue X").Want(t, cmdutil.ExitInvalid)
	if got := p.Asked(); len(got) != 3 {
		t.Errorf("asked %q, want the name three times", got)
	}

	// Ctrl-C cancels.
	p = prompt.NewScripted(prompt.AnswerCancel(prompt.MethodInput))
	clitest.Run(t, terminal(env, p), "structure", "create").Want(t, cmdutil.ExitError)

	before := clitest.Must(t, env, "structure", "list", "-o", "json").Stdout
	if n := strings.Count(before, `"id":`); n != 2 {
		t.Errorf("%d structures, want the 2 created:\n%s", n, before)
	}

	// No terminal, or --yes: the usage error names --name, and nothing is asked.
	for _, e := range []clitest.Env{env, terminal(env, &refusingPrompter{t: t, args: []string{"structure", "create", "--yes"}})} {
		args := []string{"structure", "create", "--address", "1 rue X"}
		if e.StdinTTY {
			args = append(args, "--yes")
		}
		r := clitest.Run(t, e, args...).Want(t, cmdutil.ExitUsage)
		if !strings.Contains(r.Stderr, "--name") {
			t.Errorf("the usage error does not name --name:\n%s", r)
		}
	}
}

// On a terminal, `request reject` asks the reason it was not given and confirms before
// rejecting; "no" cancels (exit 1) and changes nothing. --yes and scripts are not asked.
func TestRequestRejectConfirmsOnTerminal(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	clitest.SignIn(t, env)
	clitest.Must(t, env, "structure", "create", "--name", "Horizons Emploi", "--siret", "443 061 841 00047")
	newRequest := func(email string) string {
		r := clitest.Must(t, env, "-q", "user", "register", "--email", email,
			"--last-name", "Martin", "--first-name", "Claire", "--structure", "443 061 841 00047")
		return strings.TrimSpace(r.Stdout)
	}
	a, b, c := newRequest("claire.martin@horizons.fr"), newRequest("paul.leroy@horizons.fr"), newRequest("lea.bernard@horizons.fr")
	status := func(id string) string {
		r := clitest.Must(t, env, "request", "show", id, "-o", "json")
		var req struct {
			Status string `json:"status"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &req); err != nil || req.Status == "" {
			t.Fatalf("no status (%v) in:\n%s", err, r)
		}
		return req.Status
	}

	// "No": cancelled, exit 1, nothing rejected.
	p := prompt.NewScripted(prompt.AnswerConfirm(false))
	r := clitest.Run(t, terminal(env, p), "request", "reject", a, b, a, "--reason", "Doublon").Want(t, cmdutil.ExitError)
	if got := p.Asked(); len(got) != 1 || !strings.Contains(got[0], "Reject 2 requests?") || !strings.Contains(got[0], "mail") {
		t.Errorf("asked %q, want one confirmation naming 2 requests and the mail", got)
	}
	if !strings.Contains(r.Stderr, "cancelled") {
		t.Errorf("no word of the cancellation:\n%s", r)
	}
	if status(a) != "pending" || status(b) != "pending" {
		t.Errorf("a cancelled rejection changed the requests")
	}

	// --dry-run changes nothing and needs no confirmation.
	p = prompt.NewScripted()
	clitest.Must(t, terminal(env, p), "request", "reject", a, "--reason", "Doublon", "--dry-run")
	if got := p.Asked(); len(got) != 0 {
		t.Errorf("--dry-run asked %q", got)
	}

	// The reason is asked when missing (an empty one is asked again), then the confirmation.
	p = prompt.NewScripted(prompt.AnswerInput(" "), prompt.AnswerInput("Personne inconnue de la structure"), prompt.AnswerConfirm(true))
	r = clitest.Must(t, terminal(env, p), "request", "reject", a)
	if got := p.Asked(); len(got) != 3 || !strings.Contains(got[2], "Reject 1 request?") || p.Remaining() != 0 {
		t.Errorf("asked %q, %d answers left", got, p.Remaining())
	}
	if !strings.Contains(r.Stderr, "reason: is required") {
		t.Errorf("the empty reason is not explained:\n%s", r)
	}
	if status(a) != "rejected" {
		t.Errorf("request %s is %s, want rejected", a, status(a))
	}

	// --yes on a terminal: no question; without --reason that is a usage error.
	q := &refusingPrompter{t: t, args: []string{"request", "reject", "--yes"}}
	clitest.Run(t, terminal(env, q), "request", "reject", b, "--yes").Want(t, cmdutil.ExitUsage)
	clitest.Must(t, terminal(env, q), "request", "reject", b, "--yes", "--reason", "Doublon")
	if status(b) != "rejected" {
		t.Errorf("request %s is %s, want rejected", b, status(b))
	}

	// A script (no terminal) is not asked: it proceeds, or fails on the missing --reason.
	q = &refusingPrompter{t: t, args: []string{"request", "reject"}}
	script := env
	script.Prompter = q
	r = clitest.Run(t, script, "request", "reject", c).Want(t, cmdutil.ExitUsage)
	if !strings.Contains(r.Stderr, "--reason") {
		t.Errorf("the usage error does not name --reason:\n%s", r)
	}
	clitest.Must(t, script, "request", "reject", c, "--reason", "Doublon")
	if status(c) != "rejected" {
		t.Errorf("request %s is %s, want rejected", c, status(c))
	}
}

// On a terminal, `profile revoke` confirms before taking rights away; "no" cancels and the
// profile stays. --yes is not asked.
func TestProfileRevokeConfirmsOnTerminal(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	clitest.SignIn(t, env)
	clitest.Must(t, env, "structure", "create", "--name", "Horizons Emploi", "--siret", "443 061 841 00047")
	id := strings.TrimSpace(clitest.Must(t, env, "-q", "user", "register", "--email", "claire.martin@horizons.fr",
		"--last-name", "Martin", "--first-name", "Claire", "--structure", "443 061 841 00047").Stdout)
	clitest.Must(t, env, "request", "approve", id)
	clitest.Must(t, env, "profile", "grant", "claire.martin@horizons.fr", "parcourspro.employer", "--structure", "443 061 841 00047")
	held := func() bool {
		r := clitest.Must(t, env, "profile", "list", "claire.martin@horizons.fr", "-o", "json")
		return strings.Contains(r.Stdout, "parcourspro.employer")
	}

	p := prompt.NewScripted(prompt.AnswerConfirm(false))
	clitest.Run(t, terminal(env, p), "profile", "revoke", "claire.martin@horizons.fr", "parcourspro.employer", "--structure", "443 061 841 00047").Want(t, cmdutil.ExitError)
	if got := p.Asked(); len(got) != 1 || !strings.Contains(got[0], "parcourspro.employer") || !strings.Contains(got[0], "claire.martin@horizons.fr") {
		t.Errorf("asked %q, want one confirmation naming the profile and the person", got)
	}
	if !held() {
		t.Fatal("a cancelled revoke took the profile away")
	}
	// Nothing to take away, or a refused revoke: no question, the answer or the error.
	q := &refusingPrompter{t: t, args: []string{"profile", "revoke", "rafael.of-general"}}
	clitest.Must(t, terminal(env, q), "profile", "revoke", "claire.martin@horizons.fr", "rafael.of-general", "--structure", "443 061 841 00047")
	clitest.Run(t, terminal(env, q), "profile", "revoke", "nobody@horizons.fr", "parcourspro.employer", "--structure", "443 061 841 00047").Want(t, cmdutil.ExitNotFound)
	q = &refusingPrompter{t: t, args: []string{"profile", "revoke", "--yes"}}
	clitest.Must(t, terminal(env, q), "profile", "revoke", "claire.martin@horizons.fr", "parcourspro.employer", "--structure", "443 061 841 00047", "--yes")
	if held() {
		t.Error("the revoke with --yes left the profile")
	}
}
