package e2e

import (
	"context"
	"database/sql"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// newTokenHome makes a SQLite database with a gestionnaire and returns it with an API token.
func newTokenHome(t *testing.T, dbPath string) (*home, string) {
	t.Helper()
	h := newHome(t, dbPath)
	h.must(adminPassword+"\n", "init", "--admin-email", "gestion@cap-metiers.fr", "--admin-name", "Camille Gestion", "--password-stdin")
	token := strings.TrimSpace(h.must("", "-q", "token", "create", "--name", "cron"))
	if !strings.HasPrefix(token, "prf_t") {
		t.Fatalf("token create -q printed %q", token)
	}
	return h, token
}

// While another process holds the write lock of the SQLite file, a read with an API token
// succeeds at once (its last use is skipped, not waited for), and a write ends, after the busy
// timeout, with exit 7 and a message saying another profil is writing.
func TestBusyDatabase(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "profil.db")
	h, token := newTokenHome(t, dbPath)
	h.env = append(h.env, "PROFIL_TOKEN="+token)

	ctx := context.Background()
	other, err := sql.Open("sqlite", "file:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	out, errOut, code := h.run("", "structure", "list", "-o", "json")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("a read with a token while another process writes: exit %d\n%s%s", code, out, errOut)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the read waited %v for the writer", d)
	}

	_, errOut, code = h.run("", "structure", "create", "--name", "Horizons Emploi", "--address", "1 rue X")
	if code != 7 {
		t.Errorf("a write while another process writes: exit %d, want 7\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "another profil is writing") || !strings.Contains(errOut, "try again") {
		t.Errorf("the message does not say another profil is writing:\n%s", errOut)
	}
	if strings.Contains(errOut, "SQLITE_BUSY") || strings.Contains(errOut, "database is locked") {
		t.Errorf("the driver's words reach the user:\n%s", errOut)
	}

	if _, err := conn.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	h.must("", "structure", "create", "--name", "Horizons Emploi", "--address", "1 rue X")
	// The token's last use is recorded when the database is free.
	if out := h.must("", "token", "list", "-o", "json"); !strings.Contains(out, `"last_used_at": "`) {
		t.Errorf("the token's last use was not recorded once the database was free:\n%s", out)
	}
}

// A database file the user may only read (a copy for reports, another account's file) still
// answers reads with an API token; a write says the file is read-only.
func TestReadOnlyDatabaseAnswersReads(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "profil.db")
	h, token := newTokenHome(t, dbPath)
	h.must("", "structure", "create", "--name", "Horizons Emploi", "--address", "1 rue X")
	checkpoint(t, dbPath)

	// Root may write any file: the command then runs as nobody, from a folder nobody may
	// write to a copy of profil and of the database it may only read.
	asNobody := os.Geteuid() == 0
	bin := binary
	if asNobody {
		shared, err := os.MkdirTemp("", "profil-ro-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(shared) })
		bin = filepath.Join(shared, "profil")
		copyExecutable(t, binary, bin)
		ro := filepath.Join(shared, "ro")
		if err := os.Mkdir(ro, 0o777); err != nil {
			t.Fatal(err)
		}
		copyFile(t, dbPath, filepath.Join(ro, "profil.db"))
		dbPath = filepath.Join(ro, "profil.db")
		for _, p := range []string{shared, ro} {
			if err := os.Chmod(p, 0o777); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.Chmod(dbPath, 0o444); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, string, int) {
		c := exec.Command(bin, append([]string{"--db", dbPath, "--token", token}, args...)...)
		c.Env = []string{"HOME=" + filepath.Dir(dbPath), "XDG_CONFIG_HOME=" + filepath.Join(filepath.Dir(dbPath), "config"), "LANG=C.UTF-8", "PATH=" + os.Getenv("PATH")}
		if asNobody {
			c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		}
		var out, errOut strings.Builder
		c.Stdout, c.Stderr = &out, &errOut
		err := c.Run()
		if c.ProcessState == nil {
			t.Fatalf("run profil: %v", err)
		}
		return out.String(), errOut.String(), c.ProcessState.ExitCode()
	}
	out, errOut, code := run("structure", "list", "-o", "json")
	if code != 0 || !strings.Contains(out, "Horizons Emploi") {
		t.Errorf("a read of a read-only file with a token: exit %d\n%s%s", code, out, errOut)
	}
	_, errOut, code = run("structure", "create", "--name", "Autre", "--address", "2 rue Y")
	if code == 0 || !strings.Contains(errOut, "read-only") {
		t.Errorf("a write to a read-only file: exit %d\n%s", code, errOut)
	}
}

func copyExecutable(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
