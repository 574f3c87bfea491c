// Package mailcmd holds `profil mail`: the outbox of the messages to people (decisions,
// temporary passwords, activation and e-mail codes), and their delivery over SMTP.
package mailcmd

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/mail"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/service"
)

// Environment variables and configuration keys of `mail send`, after its flags in precedence.
const (
	EnvSMTP      = "PROFIL_SMTP"
	EnvMailFrom  = "PROFIL_MAIL_FROM"
	KeySMTP      = "smtp"
	KeyMailFrom  = "mail-from"
	defaultBatch = service.DefaultMailBatch
)

// NewCmd builds `profil mail` and its verbs.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "mail",
		Aliases: []string{"mails"},
		Short:   "See and send the messages to people: decisions, temporary passwords, codes",
		Long: `Every decision that concerns a person (an account approved, a request refused, a new
password…) writes an e-mail to the outbox in the same transaction: a decision is never recorded
without its message, nor a message without its decision. ` + "`profil mail send`" + ` delivers
the waiting messages over SMTP; run it from cron. A message the server refuses is retried after
1 min, 5 min, 30 min, 2 h, then every 6 h. Several senders may run at once, on one machine or
several: each message goes out once.

Only gestionnaires read and send the outbox, and every reading is audited. No message holds a
secret: a temporary password is made when its message is sent, and the body is wiped once
delivered.`,
		Example: `  profil mail list --pending
  profil mail send --smtp "smtp://relay:$SMTP_PASSWORD@smtp.example.fr:587?starttls=required"
  # crontab, with PROFIL_SMTP and PROFIL_TOKEN (a gestionnaire's API token) set:
  */5 * * * * profil mail send -q`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(NewCmdList(f), NewCmdSend(f))
	return cmd
}

// ListOptions are the inputs of `mail list`.
type ListOptions struct {
	PendingOnly bool
}

// NewCmdList builds `mail list`.
func NewCmdList(f *cmdutil.Factory) *cobra.Command {
	opts := &ListOptions{}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the messages of the outbox, oldest first",
		Long: `List the messages of the outbox, oldest first: sent ones, and those still to send
(pending, or being sent by a running ` + "`mail send`" + `). A message that failed shows its attempts;
-o json also gives its text, the server's last answer and when it will be tried again.`,
		Example: `  profil mail list
  profil mail list --pending
  profil mail list --pending -o json | jq -r '.[] | "\(.to)  \(.last_error)"'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return listRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.PendingOnly, "pending", false, "only the messages not sent yet")
	return cmd
}

func listRun(ctx context.Context, f *cmdutil.Factory, opts *ListOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	ms, err := api.ListMail(ctx, opts.PendingOnly)
	if err != nil {
		return err
	}
	empty := "mail_list.empty"
	if opts.PendingOnly {
		empty = "mail_list.none_pending"
	}
	return cmdutil.PrintList(f, ms, func(m domain.Mail) int64 { return m.ID }, empty, Mails, MailColumns)
}

// SendOptions are the inputs of `mail send`.
type SendOptions struct {
	SMTP  mail.Config
	URL   string // SMTP as given: the server that delivers reads it again
	From  string // "" means mail.DefaultFrom
	Batch int
}

// NewCmdSend builds `mail send`.
func NewCmdSend(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "send",
		Short: "Deliver the waiting messages over SMTP",
		Long: `Deliver every message that is due, over one SMTP connection, and record each outcome.
A refused message stays in the outbox with the server's answer and is tried again later
(1 min, 5 min, 30 min, 2 h, then every 6 h); the command then exits 1.

The server is given as a URL, by --smtp, else $` + EnvSMTP + `, else the key "` + KeySMTP + `" of the
configuration file:

  smtp://[user:password@]host[:port][?starttls=required|opportunistic|none]
  smtps://[user:password@]host[:port]

smtp:// uses port 25 and upgrades to TLS when the server offers it (opportunistic); submission
on port 587 is smtp://…:587?starttls=required; smtps:// is TLS from the start, port 465.
Special characters of the user and password are URL-encoded (@ is %40). The password is never
printed, and only sent over TLS or to this machine.

The sender is --from, else $` + EnvMailFrom + `, else the key "` + KeyMailFrom + `", else "` + mail.DefaultFrom + `".`,
		Example: `  profil mail send --smtp smtp://localhost:25
  profil mail send --smtp "smtp://relay%40cap-metiers.fr:$SMTP_PASSWORD@smtp.example.fr:587?starttls=required" \
      --from "Cap Métiers <no-reply@cap-metiers.fr>"
  PROFIL_SMTP=smtps://apikey:secret@smtp.example.fr profil mail send -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := sendOptions(cmd, f)
			if err != nil {
				return err
			}
			return sendRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().String("smtp", "", "SMTP server URL: smtp://[user:password@]host[:port][?starttls=…] or smtps://… (env "+EnvSMTP+")")
	cmd.Flags().String("from", "", `sender, "Name <address>" (env `+EnvMailFrom+`; default "`+mail.DefaultFrom+`")`)
	cmd.Flags().Int("batch", defaultBatch, "messages claimed at a time; each claim holds them for "+service.MailLease.String())
	return cmd
}

// sendOptions reads the options of `mail send` from its flags, the environment and the
// configuration file, and checks them: a usage error comes before anything is claimed.
func sendOptions(cmd *cobra.Command, f *cmdutil.Factory) (*SendOptions, error) {
	batch, _ := cmd.Flags().GetInt("batch")
	smtpURL, _ := cmd.Flags().GetString("smtp")
	from, _ := cmd.Flags().GetString("from")
	if batch < 1 {
		return nil, cmdutil.FlagErrorf("mail_send.batch_invalid")
	}
	settings, err := loadSettings(f)
	if err != nil {
		return nil, err
	}
	opts := &SendOptions{Batch: batch}
	raw, source := pick(cmd.Flags().Changed("smtp"), smtpURL, "--smtp", EnvSMTP, settings, KeySMTP)
	if raw == "" {
		return nil, cmdutil.FlagErrorf("mail_send.no_smtp", EnvSMTP)
	}
	opts.URL = raw
	if opts.SMTP, err = mail.ParseSMTPURL(raw); err != nil {
		return nil, cmdutil.FlagErrorf("mail_send.setting_error", source, err)
	}
	opts.From, source = pick(cmd.Flags().Changed("from"), from, "--from", EnvMailFrom, settings, KeyMailFrom)
	if _, err := mail.NewSender(opts.SMTP, opts.From); err != nil {
		return nil, cmdutil.FlagErrorf("mail_send.setting_error", source, err)
	}
	return opts, nil
}

// settings is the configuration file, read again for the keys of this command only.
type settings struct {
	v    *viper.Viper
	file string
}

func loadSettings(f *cmdutil.Factory) (settings, error) {
	cfg, err := f.Config()
	if err != nil {
		return settings{}, err
	}
	if cfg.File == "" {
		return settings{}, nil
	}
	v := viper.New()
	v.SetConfigFile(cfg.File)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil {
		return settings{}, cmdutil.FlagErrorf("config.error", cfg.File, err)
	}
	return settings{v: v, file: cfg.File}, nil
}

// pick applies the precedence flag > environment > configuration file and says where the value
// came from, for error messages.
func pick(changed bool, flagValue, flagName, env string, s settings, key string) (value, source string) {
	if changed {
		return flagValue, flagName
	}
	if v := os.Getenv(env); v != "" {
		return v, env
	}
	if s.v != nil {
		if v := s.v.GetString(key); v != "" {
			return v, i18n.T("mail_send.setting_in_file", key, s.file)
		}
	}
	return "", flagName
}

func sendRun(ctx context.Context, f *cmdutil.Factory, opts *SendOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	format, err := f.Format()
	if err != nil {
		return err
	}
	report, runErr := api.SendMail(ctx, service.SMTPSettings{URL: opts.URL, From: opts.From}, opts.Batch)
	if report.CloseError != "" {
		// Every message was already accepted; a failed goodbye changes nothing.
		f.Say("mail_send.close_failed", report.CloseError)
	}
	if format != output.Table {
		if err := output.Print(f.IO, format, Results(report.Results), nil); err != nil {
			return err
		}
	}
	for _, r := range report.Results {
		if r.Skipped {
			f.Say("mail_send.skipped_one", r.ID, r.To)
			continue
		}
		if !r.Sent {
			// Failures are shown even with --quiet: the run did not fully succeed.
			// The error is the SMTP server's words: escaped like anything not typed here.
			fmt.Fprintln(f.IO.ErrOut, output.Escape(i18n.T("mail_send.failed_one",
				r.ID, r.To, r.Error, r.Attempts, present.PeopleTime(r.NextTry))))
		}
	}
	if runErr != nil {
		if len(report.Results) > 0 {
			fmt.Fprintln(f.IO.ErrOut, i18n.T("mail_send.stopped", report.Sent, report.Failed))
		}
		return runErr
	}
	f.Say("mail_send.done", report.Sent, report.Failed)
	if report.Remaining > 0 {
		f.Say("mail_send.remaining", report.Remaining)
	}
	if report.Failed > 0 {
		return &cmdutil.SilentError{Code: cmdutil.ExitError}
	}
	return nil
}

// Mail is the JSON shape of an outbox message.
type Mail struct {
	ID            int64      `json:"id"`
	To            string     `json:"to"`
	Subject       string     `json:"subject"`
	Body          string     `json:"body"`
	Status        string     `json:"status"`
	Attempts      int        `json:"attempts"`
	CreatedAt     time.Time  `json:"created_at"`
	NextAttemptAt *time.Time `json:"next_attempt_at"` // null once sent
	ClaimedUntil  *time.Time `json:"claimed_until"`   // set while a sender holds it
	SentAt        *time.Time `json:"sent_at"`
	LastError     string     `json:"last_error"`
}

// FromMail converts an outbox message.
func FromMail(m domain.Mail) Mail {
	v := Mail{
		ID: m.ID, To: m.To, Subject: m.Subject, Body: m.Body, Status: string(m.Status), Attempts: m.Attempts,
		CreatedAt: m.CreatedAt.UTC(), ClaimedUntil: utc(m.ClaimedUntil), SentAt: utc(m.SentAt), LastError: m.LastError,
	}
	if m.Status != domain.MailSent {
		v.NextAttemptAt = utc(&m.NextAttemptAt)
	}
	return v
}

// Mails converts a list, never nil.
func Mails(ms []domain.Mail) []Mail {
	out := make([]Mail, len(ms))
	for i, m := range ms {
		out[i] = FromMail(m)
	}
	return out
}

func utc(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// MailColumns is the table of the outbox for people.
var MailColumns = []output.Column[Mail]{
	{Header: "ID", Value: func(m Mail) string { return strconv.FormatInt(m.ID, 10) }},
	{Header: "TO", Value: func(m Mail) string { return m.To }, Keep: true},
	{Header: "SUBJECT", Value: func(m Mail) string { return m.Subject }},
	{Header: "STATUS", Value: func(m Mail) string { return i18n.Value(m.Status) }},
	{Header: "ATTEMPTS", Value: func(m Mail) string { return strconv.Itoa(m.Attempts) }},
	{Header: "CREATED", Value: func(m Mail) string { return present.PeopleTime(m.CreatedAt) }},
}

// Result is the JSON shape of what `mail send` did with one message (a bulk result).
type Result struct {
	ID            int64      `json:"id"`
	To            string     `json:"to"`
	Subject       string     `json:"subject"`
	Result        string     `json:"result"` // sent, failed, or skipped (a temporary password for an account no longer active, or no longer at that address)
	Error         string     `json:"error"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt *time.Time `json:"next_attempt_at"`
}

// Results converts the outcome of a run, never nil.
func Results(rs []service.MailResult) []Result {
	out := make([]Result, len(rs))
	for i, r := range rs {
		out[i] = Result{ID: r.ID, To: r.To, Subject: r.Subject, Result: "sent", Error: r.Error, Attempts: r.Attempts}
		switch {
		case r.Skipped:
			out[i].Result = "skipped"
		case !r.Sent:
			out[i].Result = "failed"
			out[i].NextAttemptAt = utc(&r.NextTry)
		}
	}
	return out
}
