package cli_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli"
	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/iostreams"
)

// helpTree builds the whole command tree, with the help and completion commands that cobra
// otherwise adds only when a command runs.
func helpTree() *cobra.Command {
	ios, _, _, _ := iostreams.Test()
	root := cli.NewRootCmd(&cmdutil.Factory{IO: ios})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	return root
}

// everyCommand returns root and all the commands under it, parents before children.
func everyCommand(root *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{root}
	for _, c := range root.Commands() {
		out = append(out, everyCommand(c)...)
	}
	return out
}

// Help rules every command follows.
const (
	ruleShort   = "short"   // a one-line Short, under 80 characters, no final period
	ruleExample = "example" // an Example with a line "  profil …" that runs the command itself
)

// helpGaps are the known breaks of the help rules, by command path and rule, with what would
// mend them. An entry that no longer applies is reported, so that the list only shrinks.
var helpGaps = map[string]map[string]string{
	"profil help": {ruleExample: "cobra's own help command: root.go can give it an Example after root.InitDefaultHelpCmd()"},
	"profil completion": {ruleExample: "cobra's own completion command: root.go can give it and its " +
		"subcommands Examples after root.InitDefaultCompletionCmd()"},
	"profil completion bash":       {ruleExample: "see profil completion"},
	"profil completion fish":       {ruleExample: "see profil completion"},
	"profil completion powershell": {ruleExample: "see profil completion"},
	"profil completion zsh":        {ruleExample: "see profil completion"},
	"profil structure import":      {ruleShort: "internal/cli/structure/import.go: Short is 104 characters"},
	"profil user import":           {ruleShort: "internal/cli/user/import.go: Short is 101 characters"},
}

// shortProblem says what is wrong with a command's Short, or "".
func shortProblem(c *cobra.Command) string {
	s := c.Short
	switch {
	case strings.TrimSpace(s) == "":
		return "no Short"
	case strings.ContainsAny(s, "\r\n"):
		return "Short is more than one line"
	case s != strings.TrimSpace(s):
		return "Short has leading or trailing space"
	case strings.HasSuffix(s, "."):
		return "Short ends with a period"
	case utf8.RuneCountInString(s) >= 80:
		return "Short is 80 characters or more"
	}
	return ""
}

// exampleProblem says what is wrong with a command's Example, or "": it needs a line that
// starts with "  profil " and runs the command itself (its path, or an alias, possibly with
// global flags in between, as in "profil --yes referent set …").
func exampleProblem(c *cobra.Command) string {
	if strings.TrimSpace(c.Example) == "" {
		return "no Example"
	}
	var words [][]string // the accepted spellings of the path after "profil"
	var spell func(c *cobra.Command) [][]string
	spell = func(c *cobra.Command) [][]string {
		if !c.HasParent() {
			return [][]string{nil}
		}
		var out [][]string
		for _, prefix := range spell(c.Parent()) {
			for _, name := range append([]string{c.Name()}, c.Aliases...) {
				out = append(out, append(slices.Clone(prefix), name))
			}
		}
		return out
	}
	words = spell(c)
	anyProfil := false
	for _, line := range strings.Split(c.Example, "\n") {
		if !strings.HasPrefix(line, "  profil ") && line != "  profil" {
			continue
		}
		anyProfil = true
		// Only the first command of a pipeline or a list counts.
		fields := strings.Fields(line)[1:]
		if i := slices.IndexFunc(fields, func(f string) bool { return f == "|" || f == "&&" || f == ";" || f == "#" }); i >= 0 {
			fields = fields[:i]
		}
		for _, w := range words {
			if isSubsequence(w, fields) {
				return ""
			}
		}
	}
	if !anyProfil {
		return `no Example line starts with "  profil "`
	}
	return "no Example line runs " + c.CommandPath()
}

// isSubsequence reports whether want appears in have in order, other items allowed between.
func isSubsequence(want, have []string) bool {
	i := 0
	for _, h := range have {
		if i < len(want) && h == want[i] {
			i++
		}
	}
	return i == len(want)
}

// Every command of the tree, cobra's help and completion included, explains itself: a short
// line for the lists, a description, and an example to copy.
func TestHelpOfEveryCommand(t *testing.T) {
	root := helpTree()
	seen := map[string]bool{}
	for _, c := range everyCommand(root) {
		path := c.CommandPath()
		seen[path] = true
		problems := map[string]string{
			ruleShort:   shortProblem(c),
			ruleExample: exampleProblem(c),
		}
		if strings.TrimSpace(c.Long) == "" && strings.TrimSpace(c.Short) == "" {
			t.Errorf("%s: no description (Long or Short)", path)
		}
		for _, rule := range []string{ruleShort, ruleExample} {
			gap, known := helpGaps[path][rule]
			switch {
			case problems[rule] != "" && !known:
				t.Errorf("%s: %s", path, problems[rule])
			case problems[rule] == "" && known:
				t.Errorf("%s: the %s rule is now followed; remove it from helpGaps (%s)", path, rule, gap)
			}
		}
	}
	var stale []string
	for path := range helpGaps {
		if !seen[path] {
			stale = append(stale, path)
		}
	}
	sort.Strings(stale)
	if len(stale) > 0 {
		t.Errorf("helpGaps names commands that are not in the tree: %q", stale)
	}
}

// `profil --help` lists the commands by what a person wants to do, in a fixed order, and leaves
// none in cobra's catch-all "Additional Commands".
func TestHelpGroupsTopLevelCommands(t *testing.T) {
	env := clitest.NewEnv(t)
	r := clitest.Must(t, env, "--help")
	out := r.Stdout
	if strings.Contains(out, "Additional Commands:") {
		t.Errorf("profil --help has Additional Commands:\n%s", out)
	}

	titles := []string{"Structures:", "People and requests:", "Signing in:", "Setting up:"}
	section := map[string]string{} // command name → title of the section that lists it
	current := ""
	last := -1
	for _, line := range strings.Split(out, "\n") {
		if i := slices.Index(titles, line); i >= 0 {
			if i <= last {
				t.Errorf("section %q comes after %q", line, titles[last])
			}
			current, last = line, i
			continue
		}
		if line == "" || !strings.HasPrefix(line, "  ") {
			current = ""
			continue
		}
		if current != "" {
			section[strings.Fields(line)[0]] = current
		}
	}
	for _, title := range titles {
		if !strings.Contains(out, "\n"+title+"\n") {
			t.Errorf("profil --help has no section %q:\n%s", title, out)
		}
	}

	root := helpTree()
	groupTitle := map[string]string{}
	for _, g := range root.Groups() {
		groupTitle[g.ID] = g.Title
	}
	for _, c := range root.Commands() {
		if !c.IsAvailableCommand() && c.Name() != "help" {
			continue
		}
		if c.GroupID == "" {
			t.Errorf("%s has no group", c.CommandPath())
			continue
		}
		got, want := section[c.Name()], groupTitle[c.GroupID]
		if got != want {
			t.Errorf("profil --help lists %q under %q, want %q:\n%s", c.Name(), got, want, out)
		}
	}
}

// The usage every command prints (in its help, and after an unknown help topic) is cobra's
// default usage, word for word, but for the root, which shows no usage line of its own: the
// same as cobra's template with that one change.
func TestUsageIsCobrasTemplate(t *testing.T) {
	root := helpTree()
	cmds := everyCommand(root)
	got := make([]string, len(cmds))
	for i, c := range cmds {
		got[i] = c.UsageString()
	}
	tmpl := strings.Replace(root.UsageTemplate(), "{{if .Runnable}}", "{{if and .Runnable .HasParent}}", 1)
	if tmpl == root.UsageTemplate() {
		t.Fatal("cobra's usage template no longer has {{if .Runnable}}")
	}
	root.SetUsageFunc(nil)
	root.SetUsageTemplate(tmpl)
	for i, c := range cmds {
		if want := c.UsageString(); got[i] != want {
			t.Errorf("%s: usage differs from cobra's template\n got: %q\nwant: %q", c.CommandPath(), got[i], want)
		}
	}
	if len(cmds) < 50 || !strings.Contains(got[0], "Structures:") {
		t.Fatalf("%d commands; the root's usage:\n%s", len(cmds), got[0])
	}
}

// `profil --version` and `profil -v` print what cobra's version flag prints; `profil version`
// says the same.
func TestVersionFlag(t *testing.T) {
	env := clitest.NewEnv(t)
	want := "profil " + cli.Version + "\n"
	for _, args := range [][]string{{"--version"}, {"-v"}, {"version"}, {"--version=true"}} {
		r := clitest.Must(t, env, args...)
		if r.Stdout != want || r.Stderr != "" {
			t.Errorf("profil %s: stdout %q, stderr %q; want %q", strings.Join(args, " "), r.Stdout, r.Stderr, want)
		}
	}
	ios, _, out, _ := iostreams.Test()
	root := cli.NewRootCmd(&cmdutil.Factory{IO: ios})
	root.SetArgs([]string{"--version"})
	if err := root.Execute(); err != nil || out.String() != want {
		t.Errorf("cobra's version flag: %q, %v; want %q", out.String(), err, want)
	}
}

// Run builds only the branch its first word names: the words it knows are those of the
// commands under the root, and every command's help, a mistyped verb or flag under it, and
// a missing argument say the same as with the whole tree.
func TestBranchRunsAsWholeTree(t *testing.T) {
	root := helpTree()
	var want [][]string
	for _, c := range root.Commands() {
		if c.Name() != "help" && c.Name() != "completion" {
			want = append(want, append([]string{c.Name()}, c.Aliases...))
		}
	}
	got := cli.TopLevelWords()
	byName := func(a, b []string) int { return strings.Compare(a[0], b[0]) }
	slices.SortFunc(got, byName)
	slices.SortFunc(want, byName)
	if !slices.EqualFunc(got, want, slices.Equal[[]string]) {
		t.Fatalf("words of the commands under the root: %q, want %q", got, want)
	}
	run := func(whole bool, args []string) string {
		ios, _, out, errOut := iostreams.Test()
		f := &cmdutil.Factory{IO: ios}
		var code int
		if whole {
			code = cli.RunWholeTree(t.Context(), f, args)
		} else {
			code = cli.Run(t.Context(), f, args)
		}
		return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	t.Setenv("PROFIL_DB", filepath.Join(t.TempDir(), "none", "profil.db"))
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	for _, c := range everyCommand(root)[1:] {
		path := strings.Fields(c.CommandPath())[1:]
		if path[0] == "help" || path[0] == "completion" {
			continue
		}
		words := [][]string{path}
		if c.Parent() == root {
			for _, alias := range c.Aliases {
				words = append(words, append([]string{alias}, path[1:]...))
			}
		}
		for _, w := range words {
			extras := [][]string{{"--help"}, {"-h"}, {"nosuchverb"}, {"--nosuchflag"}, {"-output", "json"}}
			if !c.Runnable() || (c.Args != nil && c.Args(c, nil) != nil) {
				extras = append(extras, nil) // a group alone, or a missing argument
			}
			for _, extra := range extras {
				args := append(slices.Clone(w), extra...)
				if got, want := run(false, args), run(true, args); got != want {
					t.Errorf("profil %s:\n%s\nwith the whole tree:\n%s", strings.Join(args, " "), got, want)
				}
			}
		}
	}
}
