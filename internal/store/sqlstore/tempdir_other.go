//go:build !unix

package sqlstore

import "os"

// sqliteTempDir is the folder where SQLite writes its temporary files: the system's.
func sqliteTempDir() string { return os.TempDir() }
