// Package testenv tells tests what the machine running them has. In CI (CI set) a test never
// skips for want of a tool: CI installs every program the tests use, so a missing one is a
// failure there, and a loud skip on a developer's machine.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// CI reports whether the tests run in CI: CI is set and is not "false" or "0".
func CI() bool {
	v := os.Getenv("CI")
	return v != "" && v != "false" && v != "0"
}

// Tool returns the path of the program name, which the test needs for why. When it is
// missing, the test fails in CI (or when requiredEnv, if given, is set) and skips elsewhere.
func Tool(t testing.TB, name, why string, requiredEnv ...string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	required := CI()
	for _, env := range requiredEnv {
		if v := os.Getenv(env); v != "" && v != "0" {
			required = true
		}
	}
	if required {
		t.Fatalf("%s is not installed, and the tests must not skip here: %s (.ci/run installs it)", name, why)
	}
	t.Skipf("%s is not installed: %s", name, why)
	return ""
}
