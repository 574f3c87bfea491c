package cmdutil

import "testing"

func TestProgramOutsideGoRun(t *testing.T) {
	// A test binary is built by go test, not go run: hints say profil.
	if RunByGoRun() || Program() != "profil" {
		t.Errorf("a test binary is taken for go run: %q", Program())
	}
}
