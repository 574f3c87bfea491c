package cli_test

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
)

// outputFormatOf tells which format `db status` printed its migrations in.
func outputFormatOf(t *testing.T, stdout string) string {
	t.Helper()
	var js []map[string]any
	switch {
	case json.Unmarshal([]byte(stdout), &js) == nil:
		return "json"
	case strings.HasPrefix(stdout, "version,name,applied"):
		if _, err := csv.NewReader(strings.NewReader(stdout)).ReadAll(); err != nil {
			t.Fatalf("csv that does not parse: %v\n%s", err, stdout)
		}
		return "csv"
	case strings.HasPrefix(stdout, "VERSION"):
		return "table"
	}
	var ym []map[string]any
	if err := yaml.Unmarshal([]byte(stdout), &ym); err == nil && len(ym) > 0 && ym[0]["name"] != nil {
		return "yaml"
	}
	t.Fatalf("cannot tell the output format of:\n%s", stdout)
	return ""
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Precedence for db and output: flag > PROFIL_* > config file > default. Which database was
// used is seen from which file `init` created; the format from how `db status` printed.
func TestConfigPrecedence(t *testing.T) {
	tests := []struct {
		name       string
		config     bool   // write config.yaml with db: A, output: json
		envDB      bool   // PROFIL_DB=B
		envOutput  string // PROFIL_OUTPUT
		flagDB     bool   // --db C
		flagOutput string // -o
		wantDB     string // "A", "B", "C" or "default"
		wantFormat string
	}{
		{name: "defaults", wantDB: "default", wantFormat: "table"},
		{name: "config file", config: true, wantDB: "A", wantFormat: "json"},
		{name: "env over config", config: true, envDB: true, envOutput: "yaml", wantDB: "B", wantFormat: "yaml"},
		{name: "env without config", envDB: true, envOutput: "csv", wantDB: "B", wantFormat: "csv"},
		{name: "flag over env and config", config: true, envDB: true, envOutput: "yaml", flagDB: true, flagOutput: "csv", wantDB: "C", wantFormat: "csv"},
		{name: "flag over config", config: true, flagDB: true, flagOutput: "table", wantDB: "C", wantFormat: "table"},
		{name: "flag db, config output", config: true, flagDB: true, wantDB: "C", wantFormat: "json"},
		{name: "env db, config output", config: true, envDB: true, wantDB: "B", wantFormat: "json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := clitest.NewEnv(t)
			dir := t.TempDir()
			paths := map[string]string{
				"A":       filepath.Join(dir, "a", "from-config.db"),
				"B":       filepath.Join(dir, "b", "from-env.db"),
				"C":       filepath.Join(dir, "c", "from-flag.db"),
				"default": env.DefaultDB(),
			}
			if tt.config {
				env.WriteConfig(t, "db: "+paths["A"]+"\noutput: json\n")
			}
			if tt.envDB {
				t.Setenv("PROFIL_DB", paths["B"])
			}
			if tt.envOutput != "" {
				t.Setenv("PROFIL_OUTPUT", tt.envOutput)
			}
			var global []string
			if tt.flagDB {
				global = append(global, "--db", paths["C"])
			}
			if tt.flagOutput != "" {
				global = append(global, "-o", tt.flagOutput)
			}

			r := clitest.Must(t, env, append(global, "init")...)
			for name, p := range paths {
				if got, want := exists(p), name == tt.wantDB; got != want {
					t.Errorf("database %s (%s) exists = %v, want %v\n%s", name, p, got, want, r)
				}
			}
			if !strings.Contains(r.Stderr, paths[tt.wantDB]) {
				t.Errorf("init does not name the database it used (%s):\n%s", paths[tt.wantDB], r)
			}

			r = clitest.Must(t, env, append(global, "db", "status")...)
			if got := outputFormatOf(t, r.Stdout); got != tt.wantFormat {
				t.Errorf("output format = %s, want %s\n%s", got, tt.wantFormat, r)
			}
			if tt.wantFormat == "table" && !strings.Contains(r.Stderr, paths[tt.wantDB]) {
				t.Errorf("db status does not name the database it read (%s):\n%s", paths[tt.wantDB], r)
			}
		})
	}
}

// --config and PROFIL_CONFIG name another configuration file; the flag wins over the
// variable, and both win over $XDG_CONFIG_HOME/profil/config.yaml.
func TestConfigFileSelection(t *testing.T) {
	tests := []struct {
		name       string
		envConfig  string // "", "D" or "E"
		flagConfig string
		wantDB     string
	}{
		{name: "default file", wantDB: "A"},
		{name: "PROFIL_CONFIG", envConfig: "D", wantDB: "D"},
		{name: "--config", flagConfig: "E", wantDB: "E"},
		{name: "--config over PROFIL_CONFIG", envConfig: "D", flagConfig: "E", wantDB: "E"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := clitest.NewEnv(t)
			dir := t.TempDir()
			dbs := map[string]string{
				"A": filepath.Join(dir, "a.db"),
				"D": filepath.Join(dir, "d.db"),
				"E": filepath.Join(dir, "e.db"),
			}
			files := map[string]string{
				"D": filepath.Join(dir, "d.yaml"),
				"E": filepath.Join(dir, "e.yml"),
			}
			env.WriteConfig(t, "db: "+dbs["A"]+"\n")
			for k, f := range files {
				if err := os.WriteFile(f, []byte("db: "+dbs[k]+"\noutput: csv\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if tt.envConfig != "" {
				t.Setenv("PROFIL_CONFIG", files[tt.envConfig])
			}
			args := []string{}
			if tt.flagConfig != "" {
				args = append(args, "--config", files[tt.flagConfig])
			}
			clitest.Must(t, env, append(args, "init")...)
			for k, p := range dbs {
				if got, want := exists(p), k == tt.wantDB; got != want {
					t.Errorf("database %s exists = %v, want %v", k, got, want)
				}
			}
			r := clitest.Must(t, env, append(args, "db", "status")...)
			wantFormat := "table"
			if tt.wantDB != "A" {
				wantFormat = "csv"
			}
			if got := outputFormatOf(t, r.Stdout); got != wantFormat {
				t.Errorf("output format = %s, want %s (from the chosen file)", got, wantFormat)
			}
		})
	}
}

// A configuration file that was named but is missing or unreadable is a usage error that names
// it; a missing default file is fine.
func TestConfigFileErrors(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = filepath.Join(t.TempDir(), "p.db")
	missing := filepath.Join(t.TempDir(), "nope.yaml")

	r := clitest.Run(t, env, "--config", missing, "db", "status").Want(t, cmdutil.ExitUsage)
	if !strings.Contains(r.Stderr, missing) {
		t.Errorf("the message does not name the missing file:\n%s", r)
	}
	if exists(env.DB) {
		t.Error("a configuration error still opened the database")
	}

	t.Setenv("PROFIL_CONFIG", missing)
	r = clitest.Run(t, env, "db", "status").Want(t, cmdutil.ExitUsage)
	if !strings.Contains(r.Stderr, missing) {
		t.Errorf("the message does not name the missing file from PROFIL_CONFIG:\n%s", r)
	}
	t.Setenv("PROFIL_CONFIG", "")

	// No config.yaml at all: defaults, exit 0.
	clitest.Must(t, env, "init")

	// A broken default file is reported, naming it, and is not silently ignored.
	env.WriteConfig(t, "db: [unclosed\n")
	r = clitest.Run(t, env, "db", "status")
	if r.Code == cmdutil.ExitOK {
		t.Errorf("a broken config.yaml was ignored:\n%s", r)
	}
	if !strings.Contains(r.Stderr, env.ConfigFile()) {
		t.Errorf("the message does not name the broken file:\n%s", r)
	}

	// An output format from the environment is checked like the flag.
	env.WriteConfig(t, "")
	t.Setenv("PROFIL_OUTPUT", "xml")
	r = clitest.Run(t, env, "db", "status").Want(t, cmdutil.ExitUsage)
	if !strings.Contains(r.Stderr, "xml") {
		t.Errorf("the message does not quote the bad format:\n%s", r)
	}
}
