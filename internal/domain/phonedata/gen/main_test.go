package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The committed tables are those of the library version in go.mod: after an upgrade of the
// library, run go generate ./internal/domain/phonedata.
func TestTablesAreUpToDate(t *testing.T) {
	out := filepath.Join(t.TempDir(), "tables.go")
	if err := run(out); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../tables.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("internal/domain/phonedata/tables.go differs from the library's metadata: run go generate ./internal/domain/phonedata")
	}
}
