//go:build unix

package sqlstore

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// sqliteTempDir is the folder where SQLite writes its temporary files, found as SQLite finds
// it on Unix: the first of SQLITE_TMPDIR, TMPDIR, /var/tmp, /usr/tmp, /tmp and the current
// folder that is a folder this user may write to.
func sqliteTempDir() string {
	for _, dir := range []string{os.Getenv("SQLITE_TMPDIR"), os.Getenv("TMPDIR"), "/var/tmp", "/usr/tmp", "/tmp", "."} {
		if dir == "" {
			continue
		}
		if st, err := os.Stat(dir); err == nil && st.IsDir() && unix.Access(dir, unix.W_OK|unix.X_OK) == nil {
			if abs, err := filepath.Abs(dir); err == nil {
				return abs
			}
			return dir
		}
	}
	return "." // SQLite tries the current folder last, and fails there
}
