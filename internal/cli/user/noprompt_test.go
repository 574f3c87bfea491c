package user_test

import (
	"testing"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/testdb"
)

// Scripts and cron jobs never wait on a question: without a terminal every command either
// proceeds (a confirmation is skipped) or fails at once with a usage error naming the flag.
func TestNothingPromptsWithoutTerminal(t *testing.T) {
	w := newWorld(t, testdb.SQLite(t))
	w.member(t, claire, w.id)
	w.member(t, paul, w.id)
	w.member(t, lea, w.id)
	p := prompt.NewScripted() // any question fails the command with another code
	env := w.env
	env.Prompter = p

	for _, tt := range []struct {
		as   string
		args []string
		code int
		want string
	}{
		{"", []string{"user", "register", "--last-name", "Martin", "--first-name", "Claire", "--structure", w.id}, cmdutil.ExitUsage, "--email"},
		{claire, []string{"user", "passwd"}, cmdutil.ExitUsage, "--password-stdin"},
		{claire, []string{"user", "update"}, cmdutil.ExitUsage, "nothing to change"},
		{claire, []string{"user", "detach", lea, "--structure", w.id}, cmdutil.ExitOK, "✓ " + lea + " detached"},
		{adminEmail, []string{"user", "detach", claire, "--structure", w.id}, cmdutil.ExitConflict, "--new-referent"},
		{adminEmail, []string{"referent", "set", "--structure", w.id, "--user", paul}, cmdutil.ExitOK, "is now the référent"},
		{"", []string{"structure", "request", "--name", "Association Sud", "--address", "1 rue"}, cmdutil.ExitUsage, "--requester-email"},
	} {
		r := w.runIn(t, env, tt.as, tt.args...).Want(t, tt.code)
		wantIn(t, r, tt.want)
	}
	if len(p.Asked()) != 0 {
		t.Errorf("asked %q without a terminal", p.Asked())
	}
}
