package e2e

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/testdb"
)

// An erasure, run by the binary as a gestionnaire would, leaves the person's e-mail and last
// name nowhere: on SQLite not in the bytes of the database file nor of its write-ahead log once
// every process has exited; on PostgreSQL not in a pg_dump of the schema.
func TestEraseLeavesNoTrace(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		const zoe, password = "zoe.zabulon@horizons.fr", "un mot de passe solide"
		admin := newHome(t, dsn)
		admin.must(adminPassword+"\n", "init", "--admin-email", "gestion@cap-metiers.fr", "--admin-name", "Camille Gestion", "--password-stdin")
		id := strings.TrimSpace(admin.must("", "-q", "structure", "create", "--name", "Horizons Formation", "--address", "1 rue Lormand",
			"--postal-code", "64100", "--city", "Bayonne", "--kind", "training-org"))
		anon := newHome(t, dsn)
		for _, p := range [][]string{{"anne.martin@horizons.fr", "Martin", "Anne"}, {zoe, "Zabulon", "Zoé"}} {
			req := strings.TrimSpace(anon.must(password+"\n", "-q", "user", "register", "--email", p[0], "--last-name", p[1],
				"--first-name", p[2], "--phone", "05 59 00 00 00", "--structure", id, "--password-stdin"))
			admin.must("", "request", "approve", req)
		}
		person := newHome(t, dsn)
		person.must(password+"\n", "login", "--email", "Zoe.Zabulon@horizons.fr", "--password-stdin")
		person.must("", "user", "update", "--function", "Formatrice chez Zabulon")
		if out := person.must("", "user", "data", "-o", "json"); !strings.Contains(out, zoe) {
			t.Fatalf("user data does not show her:\n%s", out)
		}
		if !strings.HasPrefix(dsn, "postgres") && !bytes.Contains(bytes.ToLower(fileBytes(t, dsn)), []byte("zabulon")) {
			t.Fatal("the database files do not hold her before the erasure: reading them proves nothing")
		}
		if _, errOut, code := admin.run("", "user", "erase", zoe); code != 2 || !strings.Contains(errOut, "--yes") {
			t.Fatalf("erase without a terminal nor --yes: exit %d\n%s", code, errOut)
		}
		admin.must("", "--yes", "user", "erase", zoe)
		if _, _, code := person.run("", "whoami"); code != 4 {
			t.Errorf("her session after the erasure: exit %d, want 4", code)
		}
		admin.must("", "audit", "list", "-o", "json")

		needles := [][]byte{[]byte("zoe.zabulon"), []byte("zabulon")}
		if !strings.HasPrefix(dsn, "postgres") {
			raw := bytes.ToLower(fileBytes(t, dsn))
			for _, n := range needles {
				if bytes.Contains(raw, n) {
					t.Errorf("%q is in the bytes of %s or its -wal", n, dsn)
				}
			}
			return
		}
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		schema, _, _ := strings.Cut(u.Query().Get("search_path"), ",")
		u.RawQuery = ""
		dump, err := exec.CommandContext(context.Background(), "pg_dump", "--data-only", "--schema", schema, u.String()).Output()
		if err != nil {
			t.Skipf("pg_dump unusable here (%v): the service tests read every table instead", err)
		}
		if !bytes.Contains(dump, []byte("erased-")) {
			t.Fatalf("the dump does not hold the pseudonym: it proves nothing\n%s", dump)
		}
		for _, n := range needles {
			if i := bytes.Index(bytes.ToLower(dump), n); i >= 0 {
				t.Errorf("%q is in the pg_dump: …%s…", n, dump[max(0, i-200):min(len(dump), i+100)])
			}
		}
	})
}

// fileBytes is the content of a SQLite database file followed by its write-ahead log, if any.
func fileBytes(t *testing.T, path string) []byte {
	t.Helper()
	var out []byte
	for _, f := range []string{path, path + "-wal"} {
		raw, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		out = append(out, raw...)
	}
	return out
}
