package cli_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/profil-cli/profil/internal/cli"
	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/iostreams"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

// Any command stopped by Ctrl-C or SIGTERM exits 130 or 143 with one clean line, never the
// "context canceled" of the database driver.
func TestInterruptedCommandExitCodes(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	clitest.Demo(t, env)
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
		name string
	}{{syscall.SIGINT, 130, "SIGINT"}, {syscall.SIGTERM, 143, "SIGTERM"}} {
		for _, args := range [][]string{
			{"structure", "search", "cap"},
			{"request", "list"},
			{"structure", "create", "--name", "Horizons", "--address", "1 rue X"},
		} {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(&cmdutil.Signal{Sig: tc.sig})
			ios, _, _, errOut := iostreams.Test()
			f := &cmdutil.Factory{IO: ios}
			code := cli.Run(ctx, f, append([]string{"--db", env.DB}, args...))
			if code != tc.code {
				t.Errorf("%s during %v: exit %d, want %d\n%s", tc.name, args, code, tc.code, errOut)
			}
			msg := errOut.String()
			if want := fmt.Sprintf("profil: interrupted (%s)", tc.name); !strings.Contains(msg, want) || strings.Contains(msg, "context canceled") || strings.Count(msg, "\n") != 1 {
				t.Errorf("%s during %v: stderr %q, want one line with %q", tc.name, args, msg, want)
			}
		}
	}
	// The structure was not created.
	r := clitest.Must(t, env, "structure", "search", "horizons", "-o", "json")
	if strings.Contains(r.Stdout, "Horizons\"") {
		t.Errorf("an interrupted create wrote the structure: %s", r.Stdout)
	}
}

// Busy is its own exit code (7), for cron jobs to retry on.
func TestBusyExitCode(t *testing.T) {
	if code := cmdutil.ExitCode(fmt.Errorf("create structure: %w", domain.ErrUnavailable)); code != 7 {
		t.Errorf("ErrUnavailable maps to %d, want 7", code)
	}
	var busy error = &sqlstore.BusyError{}
	if !errors.Is(busy, domain.ErrUnavailable) || cmdutil.ExitCode(busy) != 7 {
		t.Errorf("a busy database maps to %d, want 7", cmdutil.ExitCode(busy))
	}
	if !strings.Contains(busy.Error(), "another profil is writing") {
		t.Errorf("busy message: %q", busy.Error())
	}
}
