package cmdutil

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
)

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestAtomicFileAbortLeavesTheOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := CreateAtomic("--output", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("half an export"); err != nil {
		t.Fatal(err)
	}
	// While it is written, the rows are in a hidden file next to the destination.
	if names := dirNames(t, dir); len(names) != 2 || names[0][0] != '.' {
		t.Errorf("during the export the folder holds %q, want a hidden temporary file and users.csv", names)
	}
	f.Abort() // e.g. the database failed mid-way
	f.Abort() // harmless twice
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("after Abort the file reads %q, want the old content", got)
	}
	if names := dirNames(t, dir); !reflect.DeepEqual(names, []string{"users.csv"}) {
		t.Errorf("after Abort the folder holds %q", names)
	}
}

func TestAtomicFileCommitReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := CreateAtomic("--output", path)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("new")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort() // deferred by callers: nothing once committed
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "new" {
		t.Errorf("after Commit the file reads %q (%v)", got, err)
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(path); fi.Mode().Perm() != PrivateFileMode {
			t.Errorf("mode %v, want %v", fi.Mode().Perm(), os.FileMode(PrivateFileMode))
		}
	}
	if names := dirNames(t, dir); !reflect.DeepEqual(names, []string{"users.csv"}) {
		t.Errorf("after Commit the folder holds %q", names)
	}
	if err := f.Commit(); err == nil {
		t.Error("a second Commit succeeded")
	}
}

func TestAtomicFileRelativePath(t *testing.T) {
	t.Chdir(t.TempDir())
	f, err := CreateAtomic("--output", "out.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("out.json"); err != nil {
		t.Error(err)
	}
}
