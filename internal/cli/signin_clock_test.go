package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/mail/mailtest"
	"github.com/profil-cli/profil/internal/testdb"
)

// movingClock is a database clock the test moves by hand.
type movingClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *movingClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *movingClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

var temporaryInBody = regexp.MustCompile(`[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}`)

// Temporary passwords expire after 72 hours and locks after their time, on the clock of the
// database.
func TestTemporaryPasswordAndLockExpireOnTheClock(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		clock := &movingClock{now: time.Date(2026, 10, 5, 8, 0, 0, 0, time.UTC)}
		env := clitest.NewEnv(t)
		env.DB, env.Now = dsn, clock.Now
		clitest.SignIn(t, env)
		admin := strings.TrimSpace(clitest.Must(t, env, "token", "create", "--name", "gestion", "-q").Stdout)
		asAdmin := func(args ...string) clitest.Result {
			return clitest.Run(t, env, append([]string{"--token", admin}, args...)...)
		}
		siret := domain.MakeSIRET("44306184", "0004")
		asAdmin("structure", "create", "--name", "Horizons Emploi", "--siret", siret, "--address", "1 rue du Port",
			"--postal-code", "33000", "--city", "Bordeaux").Want(t, cmdutil.ExitOK)
		const lucie = "lucie.moreau@horizons.example"
		csvPath := filepath.Join(t.TempDir(), "legacy.csv")
		if err := os.WriteFile(csvPath, []byte("email,last_name,first_name,siret\n"+lucie+",Moreau,Lucie,"+siret+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		asAdmin("user", "import", "--source", "prisme", csvPath).Want(t, cmdutil.ExitOK)

		login := func(password string) clitest.Result {
			e := env
			e.Stdin = password + "\n"
			return clitest.Run(t, e, "login", "--email", lucie, "--password-stdin")
		}
		srv := mailtest.NewServer(t, mailtest.Options{})
		send := func() string {
			t.Helper()
			before := len(srv.Messages())
			asAdmin("mail", "send", "--smtp", srv.URL()).Want(t, cmdutil.ExitOK)
			msgs := srv.Messages()
			if len(msgs) != before+1 {
				t.Fatalf("mail send delivered %d messages, want 1", len(msgs)-before)
			}
			temp := temporaryInBody.FindString(msgs[len(msgs)-1].Body)
			if temp == "" {
				t.Fatalf("no temporary password in:\n%s", msgs[len(msgs)-1].Body)
			}
			return temp
		}

		login("ancien").Want(t, cmdutil.ExitForbidden)
		temp := send()
		clock.Add(72 * time.Hour)
		r := login(temp).Want(t, cmdutil.ExitForbidden)
		if !strings.Contains(r.Stderr, "wrong e-mail or password") {
			t.Fatalf("an expired temporary password:\n%s", r)
		}
		// The attempt queued a new one; it works for 72 hours.
		next := send()
		clock.Add(72*time.Hour - time.Minute)
		r = login(next).Want(t, cmdutil.ExitOK)
		if !strings.Contains(r.Stderr, "temporary") {
			t.Errorf("login with a temporary password does not say so:\n%s", r)
		}
		r = clitest.Run(t, env, "structure", "search", "horizons").Want(t, cmdutil.ExitForbidden)
		if !strings.Contains(r.Stderr, "profil user passwd") {
			t.Errorf("refusal does not name profil user passwd:\n%s", r)
		}
		e := env
		e.Stdin = next + "\nle nouveau mot de passe de Lucie\n"
		clitest.Run(t, e, "user", "passwd", "--password-stdin").Want(t, cmdutil.ExitOK)
		clitest.Run(t, env, "structure", "search", "horizons").Want(t, cmdutil.ExitOK)

		// Five failures lock for 15 minutes, then the lock ends by itself.
		for range domain.MaxFailedSignIns {
			login("une supposition").Want(t, cmdutil.ExitForbidden)
		}
		login("le nouveau mot de passe de Lucie").Want(t, cmdutil.ExitForbidden)
		var shown struct {
			LockedUntil *time.Time `json:"locked_until"`
			LastLoginAt *time.Time `json:"last_login_at"`
			Status      string     `json:"status"`
		}
		r = asAdmin("user", "show", lucie, "-o", "json").Want(t, cmdutil.ExitOK)
		if err := json.Unmarshal([]byte(r.Stdout), &shown); err != nil || shown.LockedUntil == nil ||
			!shown.LockedUntil.Equal(clock.Now().Add(15*time.Minute)) || shown.Status != "active" {
			t.Fatalf("user show of a locked account (%v):\n%s", err, r)
		}
		clock.Add(15 * time.Minute)
		login("le nouveau mot de passe de Lucie").Want(t, cmdutil.ExitOK)
		r = asAdmin("user", "show", lucie, "-o", "json").Want(t, cmdutil.ExitOK)
		if err := json.Unmarshal([]byte(r.Stdout), &shown); err != nil || shown.LastLoginAt == nil || !shown.LastLoginAt.Equal(clock.Now()) {
			t.Fatalf("last_login_at after a sign-in (%v):\n%s", err, r)
		}
	})
}
