//go:build unix

package export_test

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/testdb"
)

// A --file that is a named pipe is never read to find out whether it is a database: opening a
// pipe to read it waits for a writer, and the export would hang.
func TestExportUsersToANamedPipeDoesNotHang(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t))
	fifo := filepath.Join(t.TempDir(), "members.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan clitest.Result, 1)
	go func() { done <- w.run(t, adminEmail, "export", "users", "--all", "--file", fifo) }()
	select {
	case r := <-done:
		if r.Code != cmdutil.ExitOK {
			t.Errorf("export to a named pipe:\n%s", r)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("export users --file FIFO hangs")
	}
}
