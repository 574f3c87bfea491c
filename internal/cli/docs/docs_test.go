package docs

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/profil-cli/profil/internal/testenv"
)

const regenerate = "run `go run ./cmd/gendocs` at the root of the repository and commit man/ and completions/"

// repoRoot is the root of the module, where man/ and completions/ are
// committed; tests run in the folder of their package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod in %s, the expected root of the repository: %v", root, err)
	}
	return root
}

func generate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := Generate(NewRoot(), dir); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return dir
}

// compareTrees compares man/ and completions/ of want (freshly generated)
// and got, and describes each difference, in path order.
func compareTrees(t *testing.T, want, got string) []string {
	t.Helper()
	var problems []string
	for _, sub := range []string{ManDir, CompletionsDir} {
		wantFiles := readTree(t, filepath.Join(want, sub))
		gotFiles := readTree(t, filepath.Join(got, sub))
		names := make([]string, 0, len(wantFiles)+len(gotFiles))
		for name := range wantFiles {
			names = append(names, name)
		}
		for name := range gotFiles {
			if _, ok := wantFiles[name]; !ok {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		for _, name := range names {
			path := sub + "/" + name
			w, inWant := wantFiles[name]
			g, inGot := gotFiles[name]
			switch {
			case !inGot:
				problems = append(problems, path+" is missing")
			case !inWant && (sub == ManDir && strings.HasSuffix(name, "."+ManSection)):
				problems = append(problems, path+" is extra: its command no longer exists")
			case !inWant:
				problems = append(problems, path+" is extra and not managed by gendocs: delete it by hand")
			case !bytes.Equal(w, g):
				problems = append(problems, fmt.Sprintf("%s differs (first at line %d)", path, firstDiffLine(w, g)))
			}
		}
	}
	return problems
}

// readTree returns the entries of dir by name; a directory entry has nil
// content, so that it never equals a generated file. A missing dir is empty.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	files := make(map[string][]byte, len(entries))
	for _, e := range entries {
		if !e.Type().IsRegular() {
			files[e.Name()] = nil
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if data == nil {
			data = []byte{}
		}
		files[e.Name()] = data
	}
	return files
}

func firstDiffLine(a, b []byte) int {
	la, lb := bytes.SplitAfter(a, []byte("\n")), bytes.SplitAfter(b, []byte("\n"))
	for i := 0; i < len(la) && i < len(lb); i++ {
		if !bytes.Equal(la[i], lb[i]) {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}

func reportProblems(t *testing.T, what string, problems []string) {
	t.Helper()
	if len(problems) == 0 {
		return
	}
	const maxListed = 10
	list := problems
	if len(list) > maxListed {
		list = append(list[:maxListed:maxListed], fmt.Sprintf("… and %d more", len(problems)-maxListed))
	}
	t.Errorf("%s: %s\nfirst difference: %s\nall differences:\n  %s", what, regenerate, problems[0], strings.Join(list, "\n  "))
}

// TestCommittedDocsUpToDate fails when the committed man pages or
// completion scripts no longer match the command tree.
func TestCommittedDocsUpToDate(t *testing.T) {
	problems := compareTrees(t, generate(t), repoRoot(t))
	reportProblems(t, "man/ and completions/ are out of date with the command tree", problems)
}

var (
	overstrike = regexp.MustCompile(".\x08")
	sgr        = regexp.MustCompile("\x1b\\[[0-9;]*m")
)

// TestManPageRenders checks that the committed man/profil.1 is a page man
// can format.
func TestManPageRenders(t *testing.T) {
	page := filepath.Join(repoRoot(t), ManDir, "profil.1")
	if _, err := os.Stat(page); err != nil {
		t.Fatalf("%v: %s", err, regenerate)
	}
	manPath := testenv.Tool(t, "man", "man/profil.1 must render")
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, manPath, "-P", "cat", "-l", page)
	cmd.Env = append(withoutEnv(os.Environ(), "MAN_KEEP_FORMATTING"), "MANPAGER=cat", "PAGER=cat", "MANWIDTH=80")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("man -P cat -l %s: %v\n%s", page, err, stderr.Bytes())
	}
	if stderr.Len() > 0 {
		t.Logf("man -P cat -l %s wrote to stderr:\n%s", page, stderr.Bytes())
	}
	text := sgr.ReplaceAllString(overstrike.ReplaceAllString(stdout.String(), ""), "")
	for _, want := range []string{"profil", "NAME", "SYNOPSIS", "OPTIONS", "--db"} {
		if !strings.Contains(text, want) {
			t.Errorf("man -P cat -l %s: no %q in the output:\n%s", page, want, text)
		}
	}
}

func withoutEnv(env []string, names ...string) []string {
	out := env[:0:0]
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		drop := false
		for _, n := range names {
			drop = drop || name == n
		}
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}

// TestReproducible generates twice in different environments and expects
// the same bytes, with no trace of either environment.
func TestReproducible(t *testing.T) {
	realHome, _ := os.UserHomeDir()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	envs := []map[string]string{
		{
			"HOME": "/nonexistent/home-alpha", "USER": "user-alpha", "LOGNAME": "user-alpha",
			"XDG_DATA_HOME": "/nonexistent/data-alpha", "XDG_CONFIG_HOME": "/nonexistent/config-alpha",
			"COLUMNS": "40", "LINES": "10", "NO_COLOR": "1", "TERM": "dumb", "CI": "true",
			"SOURCE_DATE_EPOCH": "0", "TZ": "Pacific/Kiritimati", "LANG": "C",
			"PROFIL_DB": "/nonexistent/db-alpha.db", "PROFIL_CONFIG": "/nonexistent/config-alpha.yaml", "PROFIL_OUTPUT": "json",
		},
		{
			"HOME": "/nonexistent/home-beta", "USER": "user-beta", "LOGNAME": "user-beta",
			"XDG_DATA_HOME": "/nonexistent/data-beta", "XDG_CONFIG_HOME": "/nonexistent/config-beta",
			"COLUMNS": "250", "LINES": "80", "NO_COLOR": "", "TERM": "xterm-256color", "CI": "",
			"SOURCE_DATE_EPOCH": "4102444800", "TZ": "America/Adak", "LANG": "fr_FR.UTF-8",
			"PROFIL_DB": "/nonexistent/db-beta.db", "PROFIL_CONFIG": "/nonexistent/config-beta.yaml", "PROFIL_OUTPUT": "yaml",
		},
	}
	var dirs []string
	for _, env := range envs {
		for k, v := range env {
			t.Setenv(k, v)
		}
		dirs = append(dirs, generate(t))
	}
	reportProblems(t, "the output depends on the environment (HOME, COLUMNS, NO_COLOR…)", compareTrees(t, dirs[0], dirs[1]))

	// Nothing of the machine may leak: neither environment, nor the real
	// home or the checkout.
	var leaks []string
	for _, env := range envs {
		for _, k := range []string{"HOME", "USER", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "PROFIL_DB", "PROFIL_CONFIG"} {
			leaks = append(leaks, env[k])
		}
	}
	if len(realHome) > 1 {
		leaks = append(leaks, realHome)
	}
	leaks = append(leaks, wd, repoRoot(t))
	for _, sub := range []string{ManDir, CompletionsDir} {
		for name, data := range readTree(t, filepath.Join(dirs[0], sub)) {
			for _, leak := range leaks {
				if bytes.Contains(data, []byte(leak)) {
					t.Errorf("%s/%s contains %q, a value of this machine", sub, name, leak)
				}
			}
		}
	}
}

// TestFlagDefaultsPortable checks that the help of --db names
// $XDG_DATA_HOME instead of a path of this machine, and that no default of
// any flag is a path in the home folder.
func TestFlagDefaultsPortable(t *testing.T) {
	t.Setenv("HOME", "/nonexistent/home-gamma")
	t.Setenv("XDG_DATA_HOME", "/nonexistent/data-gamma")
	t.Setenv("XDG_CONFIG_HOME", "/nonexistent/config-gamma")
	root := NewRoot()
	db := root.PersistentFlags().Lookup("db")
	if db == nil {
		t.Fatal("no --db flag on the root command")
	}
	if !strings.Contains(db.Usage, "$XDG_DATA_HOME") {
		t.Errorf("help of --db = %q, want it to mention $XDG_DATA_HOME literally", db.Usage)
	}
	prepare(root)
	walk(root, func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			for _, v := range []string{f.DefValue, f.Usage} {
				if strings.Contains(v, "/nonexistent/") {
					t.Errorf("%s --%s: %q depends on the environment", c.CommandPath(), f.Name, v)
				}
			}
		})
	})

	files, err := Render(NewRoot())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Path == ManDir+"/profil.1" {
			if !bytes.Contains(f.Data, []byte("$XDG_DATA_HOME/profil/profil.db")) {
				t.Errorf("%s does not mention $XDG_DATA_HOME/profil/profil.db", f.Path)
			}
			return
		}
	}
	t.Errorf("no %s/profil.1 among the generated files", ManDir)
}

// TestManPages checks the names and the header of the pages.
func TestManPages(t *testing.T) {
	files, err := Render(NewRoot())
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string][]byte{}
	for _, f := range files {
		if name, ok := strings.CutPrefix(f.Path, ManDir+"/"); ok {
			pages[name] = f.Data
		}
	}
	for _, name := range []string{"profil.1", "profil-structure.1", "profil-structure-search.1", "profil-completion-bash.1", "profil-version.1"} {
		if _, ok := pages[name]; !ok {
			t.Errorf("no page %s", name)
		}
	}
	if _, ok := pages["profil-help.1"]; ok {
		t.Error("a page for the help command")
	}
	for name, page := range pages {
		if !bytes.Contains(page, []byte("\n.TH \"PROFIL\" \"1\" \"\" \"profil\" \"profil manual\"\n")) {
			t.Errorf("%s: unexpected .TH line in\n%s", name, firstLines(page, 3))
		}
		for _, bad := range []string{"Auto generated", "spf13/cobra", ".SH HISTORY"} {
			if bytes.Contains(page, []byte(bad)) {
				t.Errorf("%s contains %q", name, bad)
			}
		}
	}
}

func firstLines(b []byte, n int) []byte {
	lines := bytes.SplitAfterN(b, []byte("\n"), n+1)
	return bytes.Join(lines[:min(n, len(lines))], nil)
}

// TestGenerateRemovesStalePages checks that Generate deletes the pages of
// commands that are gone, leaves other files alone, and is idempotent.
func TestGenerateRemovesStalePages(t *testing.T) {
	dir := t.TempDir()
	for path, data := range map[string]string{
		"man/profil-gone.1":        "stale",
		"man/profil-gone-too.1":    "stale",
		"man/README":               "kept",
		"completions/profil.bash":  "stale",
		"completions/profil.other": "kept",
	} {
		p := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if err := Generate(NewRoot(), dir); err != nil {
			t.Fatal(err)
		}
	}
	for _, gone := range []string{"man/profil-gone.1", "man/profil-gone-too.1"} {
		if _, err := os.Stat(filepath.Join(dir, gone)); !os.IsNotExist(err) {
			t.Errorf("%s: still there (err %v)", gone, err)
		}
	}
	for _, kept := range []string{"man/README", "completions/profil.other"} {
		if data, err := os.ReadFile(filepath.Join(dir, kept)); err != nil || string(data) != "kept" {
			t.Errorf("%s: %q, %v; want it untouched", kept, data, err)
		}
	}
	problems := compareTrees(t, generate(t), dir)
	want := []string{
		"man/README is extra and not managed by gendocs: delete it by hand",
		"completions/profil.other is extra and not managed by gendocs: delete it by hand",
	}
	if strings.Join(problems, "\n") != strings.Join(want, "\n") {
		t.Errorf("after Generate over stale files, differences:\n%s\nwant:\n%s", strings.Join(problems, "\n"), strings.Join(want, "\n"))
	}
}
