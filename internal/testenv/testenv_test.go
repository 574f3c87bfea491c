package testenv

import "testing"

func TestCI(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "false": false, "true": true, "1": true} {
		t.Setenv("CI", v)
		if got := CI(); got != want {
			t.Errorf("CI=%q: CI() = %v, want %v", v, got, want)
		}
	}
}

func TestToolFindsAProgram(t *testing.T) {
	if Tool(t, "go", "the tests run under go test") == "" {
		t.Error("go was not found, yet the tests run")
	}
}
