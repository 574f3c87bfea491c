package mailcmd_test

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli"
	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/mailcmd"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/iostreams"
	"github.com/profil-cli/profil/internal/mail"
	"github.com/profil-cli/profil/internal/mail/mailtest"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/store/sqlstore"
	"github.com/profil-cli/profil/internal/testdb"
)

// run executes `profil ARGS…` like clitest.Run, on a command tree that has `mail` even where
// the root does not register it yet.
func run(t *testing.T, env clitest.Env, args ...string) clitest.Result {
	t.Helper()
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(env.Stdin)
	f := &cmdutil.Factory{IO: ios, Now: env.Now}
	defer f.Close()
	root := cli.NewRootCmd(f)
	if c, _, err := root.Find([]string{"mail"}); err != nil || c == root {
		root.AddCommand(mailcmd.NewCmd(f))
	}
	full := append([]string{"--db", env.DB}, args...)
	root.SetArgs(full)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := root.ExecuteContextC(ctx)
	code := cmdutil.ExitCode(err)
	var silent *cmdutil.SilentError
	if err != nil && !errors.As(err, &silent) {
		errOut.WriteString("profil: " + err.Error() + "\n")
	}
	return clitest.Result{Args: full, Stdout: out.String(), Stderr: errOut.String(), Code: code}
}

// signedIn is a SQLite database with its gestionnaire signed in and two messages queued.
func signedIn(t *testing.T) (clitest.Env, []domain.Mail) {
	t.Helper()
	env := clitest.NewEnv(t)
	t.Setenv(mailcmd.EnvSMTP, "")
	t.Setenv(mailcmd.EnvMailFrom, "")
	env.DB = testdb.SQLite(t)
	clitest.SignIn(t, env)
	db, err := sqlstore.Open(context.Background(), env.DB, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mails := []domain.Mail{
		{To: "elodie.durand@example.fr", Subject: "Compte validé : Cap Métiers", Body: "Bonjour Élodie,\n\nVotre compte est validé.\n"},
		{To: "jean.dupont@example.fr", Subject: "Demande refusée : GRETA", Body: "Bonjour,\n\nMotif : « hors périmètre ».\n"},
	}
	err = db.Update(context.Background(), func(tx store.Tx) error {
		for i := range mails {
			if err := tx.EnqueueMail(context.Background(), &mails[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return env, mails
}

func TestMailListJSONShape(t *testing.T) {
	env, mails := signedIn(t)
	r := run(t, env, "mail", "list", "-o", "json").Want(t, 0)
	var got []map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r)
	}
	if len(got) < len(mails) {
		t.Fatalf("%d messages listed, want at least %d\n%s", len(got), len(mails), r)
	}
	last := got[len(got)-1]
	var keys []string
	for k := range last {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range []string{"id", "to", "subject", "body", "status", "attempts", "created_at", "next_attempt_at", "sent_at", "last_error"} {
		if _, ok := last[k]; !ok {
			t.Errorf("field %q missing from %v", k, keys)
		}
	}
	if last["to"] != mails[1].To || last["subject"] != mails[1].Subject || last["body"] != mails[1].Body ||
		last["status"] != "pending" || last["attempts"] != float64(0) || last["sent_at"] != nil || last["last_error"] != "" {
		t.Errorf("last message = %v", last)
	}
	if _, err := time.Parse(time.RFC3339Nano, last["created_at"].(string)); err != nil {
		t.Errorf("created_at %v: %v", last["created_at"], err)
	}

	table := run(t, env, "mail", "list", "--pending").Want(t, 0)
	header := strings.Fields(strings.SplitN(table.Stdout, "\n", 2)[0])
	if strings.Join(header, " ") != "ID TO SUBJECT STATUS ATTEMPTS CREATED" || !strings.Contains(table.Stdout, "Compte validé") {
		t.Errorf("table:\n%s", table.Stdout)
	}
	ids := run(t, env, "mail", "list", "-q").Want(t, 0)
	if n := len(strings.Fields(ids.Stdout)); n != len(got) {
		t.Errorf("-q printed %q, want %d ids", ids.Stdout, len(got))
	}
}

func TestMailSend(t *testing.T) {
	env, mails := signedIn(t)
	srv := mailtest.NewServer(t, mailtest.Options{Username: "relay", Password: "pa:ss@wörd"})

	// Without a server: a usage error that says how to give one.
	r := run(t, env, "mail", "send").Want(t, cmdutil.ExitUsage)
	if !strings.Contains(r.Stderr, "--smtp") {
		t.Errorf("no --smtp named:\n%s", r)
	}
	// A bad URL is a usage error that never shows the password.
	r = run(t, env, "mail", "send", "--smtp", "smtp://relay:hunter2@smtp.example.fr:99999").Want(t, cmdutil.ExitUsage)
	if strings.Contains(r.Output(), "hunter2") || !strings.Contains(r.Stderr, "--smtp") {
		t.Errorf("bad URL:\n%s", r)
	}

	r = run(t, env, "mail", "send", "--smtp", srv.URL(), "--from", "Cap Métiers <comptes@cap-metiers.fr>").Want(t, 0)
	if !strings.Contains(r.Stderr, "✓ sent 2, failed 0") || strings.Contains(r.Output(), "wörd") {
		t.Errorf("send:\n%s", r)
	}
	got := srv.Messages()
	if len(got) != len(mails) {
		t.Fatalf("server received %d messages, want %d", len(got), len(mails))
	}
	for i, m := range got {
		if m.Subject != mails[i].Subject || m.To[0] != mails[i].To || !strings.Contains(m.Header.Get("From"), "comptes@cap-metiers.fr") {
			t.Errorf("message %d: %q to %v from %q", i, m.Subject, m.To, m.Header.Get("From"))
		}
	}
	pending := run(t, env, "mail", "list", "--pending", "-o", "json").Want(t, 0)
	if strings.TrimSpace(pending.Stdout) != "[]" {
		t.Errorf("still pending after send:\n%s", pending)
	}
}

func TestMailSendFailureExits1(t *testing.T) {
	env, _ := signedIn(t)
	srv := mailtest.NewServer(t, mailtest.Options{RefuseRcpt: func(to string) error {
		if strings.HasPrefix(to, "jean") {
			return mailtest.Reply(550, "5.1.1 Utilisateur inconnu")
		}
		return nil
	}})
	t.Setenv(mailcmd.EnvSMTP, srv.URL())
	r := run(t, env, "mail", "send", "-o", "json").Want(t, cmdutil.ExitError)
	if !strings.Contains(r.Stderr, "✓ sent 1, failed 1") || !strings.Contains(r.Stderr, "550") {
		t.Errorf("send with a refusal:\n%s", r)
	}
	var results []map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &results); err != nil || len(results) != 2 {
		t.Fatalf("results: %v\n%s", err, r)
	}
	if results[0]["result"] != "sent" || results[1]["result"] != "failed" || !strings.Contains(results[1]["error"].(string), "Utilisateur inconnu") {
		t.Errorf("results = %v", results)
	}
	// Retried later, not now.
	again := run(t, env, "mail", "send").Want(t, 0)
	if !strings.Contains(again.Stderr, "✓ sent 0, failed 0") || !strings.Contains(again.Stderr, "1 still in the outbox") {
		t.Errorf("second run:\n%s", again)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("server received %d messages, want 1", n)
	}
}

func TestMailNotSignedIn(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	clitest.Must(t, env, "init")
	run(t, env, "mail", "list").Want(t, cmdutil.ExitForbidden)
	run(t, env, "mail", "send", "--smtp", "smtp://127.0.0.1:1?starttls=none").Want(t, cmdutil.ExitForbidden)
}

// The SMTP settings come from --smtp and --from, else the environment, else the config file.
func TestSendSettingsPrecedence(t *testing.T) {
	tests := []struct {
		name             string
		config, env      bool
		args             []string
		wantHost         string
		wantFrom         string
		wantCode         int
		wantErrSubstring string
	}{
		{name: "none", wantCode: cmdutil.ExitUsage, wantErrSubstring: "--smtp"},
		{name: "config", config: true, wantHost: "config.example.fr", wantFrom: "Config <config@example.fr>"},
		{name: "env over config", config: true, env: true, wantHost: "env.example.fr", wantFrom: "Env <env@example.fr>"},
		{name: "flags over env", config: true, env: true, args: []string{"--smtp", "smtps://flag.example.fr", "--from", "flag@example.fr"},
			wantHost: "flag.example.fr", wantFrom: "flag@example.fr"},
		{name: "bad from", args: []string{"--smtp", "smtp://x.example.fr", "--from", "pas une adresse"},
			wantCode: cmdutil.ExitUsage, wantErrSubstring: "--from"},
		{name: "bad batch", args: []string{"--smtp", "smtp://x.example.fr", "--batch", "0"},
			wantCode: cmdutil.ExitUsage, wantErrSubstring: "--batch"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := clitest.NewEnv(t)
			t.Setenv(mailcmd.EnvSMTP, "")
			t.Setenv(mailcmd.EnvMailFrom, "")
			if tc.config {
				env.WriteConfig(t, "smtp: smtp://config.example.fr:2525?starttls=none\nmail-from: Config <config@example.fr>\n")
			}
			if tc.env {
				t.Setenv(mailcmd.EnvSMTP, "smtp://env.example.fr:587?starttls=required")
				t.Setenv(mailcmd.EnvMailFrom, "Env <env@example.fr>")
			}
			ios, _, _, _ := iostreams.Test()
			f := &cmdutil.Factory{IO: ios}
			var got *mailcmd.SendOptions
			cmd := mailcmd.NewCmdSend(f)
			cmd.RunE = func(c *cobra.Command, _ []string) (err error) {
				got, err = mailcmd.SendOptionsOf(c, f)
				return err
			}
			cmd.SetArgs(tc.args)
			cmd.SetOut(ios.Out)
			cmd.SetErr(ios.ErrOut)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if code := cmdutil.ExitCode(err); code != tc.wantCode {
				t.Fatalf("exit %d (%v), want %d", code, err, tc.wantCode)
			}
			if tc.wantCode != 0 {
				if err == nil || !strings.Contains(err.Error(), tc.wantErrSubstring) {
					t.Errorf("error %v, want it to name %s", err, tc.wantErrSubstring)
				}
				return
			}
			if got.SMTP.Host != tc.wantHost || got.From != tc.wantFrom || got.Batch != 10 {
				t.Errorf("options: host %q from %q batch %d; want %q, %q, 10", got.SMTP.Host, got.From, got.Batch, tc.wantHost, tc.wantFrom)
			}
			if tc.name == "config" && (got.SMTP.Port != 2525 || got.SMTP.Security != mail.NoTLS) {
				t.Errorf("config URL read as %s", got.SMTP.Redacted())
			}
		})
	}
}

func TestCommandsAreDocumented(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	root := mailcmd.NewCmd(&cmdutil.Factory{IO: ios})
	for _, c := range append(root.Commands(), root) {
		if c.Short == "" || c.Example == "" {
			t.Errorf("%s: Short %q, Example %q", c.CommandPath(), c.Short, c.Example)
		}
	}
}
