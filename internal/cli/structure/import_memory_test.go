package structure

import (
	"runtime/debug"
	"testing"
)

// An import asks the Go runtime to stay within importMemoryLimit, and puts the previous limit
// back when it ends; GOMEMLIMIT set by the user wins.
func TestImportMemoryLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetMemoryLimit(-1)
	restore := limitImportMemory()
	if got := debug.SetMemoryLimit(-1); got != importMemoryLimit {
		t.Errorf("during an import the memory limit is %d, want %d", got, importMemoryLimit)
	}
	restore()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("after an import the memory limit is %d, want %d as before", got, before)
	}

	t.Setenv("GOMEMLIMIT", "1GiB")
	restore = limitImportMemory()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("with GOMEMLIMIT set, the memory limit became %d, want %d (left alone)", got, before)
	}
	restore()
}
