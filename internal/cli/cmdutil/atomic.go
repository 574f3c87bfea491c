package cmdutil

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"

	"github.com/profil-cli/profil/internal/i18n"
)

// PrivateFileMode is the mode of the files profil writes for people (exports, import
// reports): they hold personal data (names, e-mails, phones), so only their owner reads them,
// whatever the umask.
const PrivateFileMode = 0o600

// AtomicFile is a file that appears whole or not at all: rows go to a hidden temporary file
// in the destination's folder (same file system, so the final rename is atomic), which
// replaces the destination only after everything is written and synced. Until then, an
// existing file at the destination is left as it was.
type AtomicFile struct {
	*os.File
	flag string
	path string
	done bool
}

// CreateAtomic starts writing path, the value of flag ("--output"), which error messages name.
func CreateAtomic(flag, path string) (*AtomicFile, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, i18n.Errorf("export.output_folder", flag, path)
	}
	if isDatabaseFile(path) {
		return nil, FlagErrorf("export.output_database", flag, path)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, i18n.Errorf("export.output_error", flag, path, unwrapPath(err))
	}
	if err := tmp.Chmod(PrivateFileMode); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, i18n.Errorf("export.output_error", flag, path, err)
	}
	return &AtomicFile{File: tmp, flag: flag, path: path}, nil
}

// Commit syncs the temporary file and renames it over the destination. On failure the
// temporary file is removed.
func (a *AtomicFile) Commit() error {
	if a.done {
		return i18n.Errorf("export.output_closed", a.flag, a.path)
	}
	err := a.Sync()
	if cerr := a.File.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(a.Name(), a.path)
	}
	a.done = true
	if err != nil {
		os.Remove(a.Name())
		return i18n.Errorf("export.output_error", a.flag, a.path, err)
	}
	syncDir(filepath.Dir(a.path))
	return nil
}

// Abort removes the temporary file; the destination is untouched. It does nothing after
// Commit, so it can be deferred.
func (a *AtomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.File.Close()
	os.Remove(a.Name())
}

// syncDir makes the rename itself durable: a crash right after the export does not bring the
// old file back. Not every system can sync a folder (Windows cannot); that is not an error.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	d.Close()
}

// unwrapPath drops the temporary name from "open DIR/.x.tmp-123: permission denied": the
// user named the destination, not the temporary file.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return i18n.Errorf("export.cannot_write_in", filepath.Dir(pe.Path), pe.Err)
	}
	return err
}

// isDatabaseFile tells whether path is an SQLite database or its write-ahead log (by their
// first bytes), which no file profil writes may replace: `-f` given the database's path by
// mistake would otherwise turn it into a CSV file, and the accounts would be lost.
func isDatabaseFile(path string) bool {
	if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
		return false // nothing there, or a pipe, a terminal, /dev/stdout: never read from
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 16)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.Equal(head, []byte("SQLite format 3\x00")):
		return true
	case len(head) >= 4:
		magic := binary.BigEndian.Uint32(head)
		return magic == 0x377f0682 || magic == 0x377f0683 // a WAL file, either byte order
	}
	return false
}
