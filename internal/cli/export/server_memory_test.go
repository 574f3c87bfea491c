package export_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/server"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

// serveDB starts a server on dsn on a random port of 127.0.0.1 and returns its address.
func serveDB(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- server.New(service.New(db), server.Options{}).Run(ctx, server.Listen{Listener: ln})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// signIn signs the gestionnaire in to env.Server.
func signIn(t *testing.T, env clitest.Env) {
	t.Helper()
	env.Stdin = clitest.AdminPassword + "\n"
	clitest.Must(t, env, "login", "--email", clitest.AdminEmail, "--password-stdin")
}

// TestExportMemoryFlatThroughServer exports 10,000 then 200,000 members through a server
// that runs in the same process as the client: the peak heap covers both ends, and must not
// grow with the number of rows (the rows stream from the database to the file).
func TestExportMemoryFlatThroughServer(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: seeds 200,000 members")
	}
	const small, large = 10_000, 200_000
	dsn := testdb.SQLite(t)
	env := exportEnv(t, dsn, small)
	env.Server, env.DB = serveDB(t, dsn), ""
	signIn(t, env)
	smallHeap, _, _ := exportPeak(t, env, small, "--excel")

	dsn = testdb.SQLite(t)
	env = exportEnv(t, dsn, large)
	env.Server, env.DB = serveDB(t, dsn), ""
	signIn(t, env)
	heap, _, elapsed := exportPeak(t, env, large, "--excel")
	t.Logf("through a server: %d members: peak heap %.1f MB (%d members: %.1f MB), %s (%.0f rows/s)",
		large, float64(heap)/mb, small, float64(smallHeap)/mb, elapsed.Round(time.Millisecond), float64(large)/elapsed.Seconds())
	if heap > smallHeap+16*mb || heap > 48*mb {
		t.Errorf("peak heap %.1f MB for %d members, %.1f MB for %d: the export does not stream through the server",
			float64(heap)/mb, large, float64(smallHeap)/mb, small)
	}
}
