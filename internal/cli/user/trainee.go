package user

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/secret"
	"github.com/profil-cli/profil/internal/service"
)

// The commands of a trainee's account: the secret question, a forgotten password, the
// confirmation of a new e-mail address, and the FranceConnect identity.

// readLines reads n lines of standard input (answers, passwords), without their line ends.
func readLines(r io.Reader, n int, flags string) ([]string, error) {
	sc := bufio.NewScanner(io.LimitReader(r, int64(n)*4100))
	sc.Buffer(make([]byte, 0, 256), 4100)
	var lines []string
	for len(lines) < n && sc.Scan() {
		lines = append(lines, strings.TrimRight(sc.Text(), "\r"))
	}
	if err := sc.Err(); err != nil {
		return nil, cmdutil.FlagErrorf("stdin.error", flags, err)
	}
	if len(lines) < n || slicesHasEmpty(lines) {
		return nil, cmdutil.FlagErrorf("stdin.lines", flags, n)
	}
	return lines, nil
}

func slicesHasEmpty(lines []string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			return true
		}
	}
	return false
}

// NewCmdSecret builds `user secret` and its verb `set`.
func NewCmdSecret(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "secret",
		Short:   "Your secret question, to reset a forgotten password (trainees)",
		Example: `  profil user secret set --question "Prénom de mon fils ?"`,
		Args:    cmdutil.NoArgs,
	}
	var question string
	var answerStdin bool
	set := &cobra.Command{
		Use:   "set --question Q --answer-stdin",
		Short: "Set your secret question and its answer (trainees)",
		Long: `Set the secret question of your trainee account, and its answer: the answer is asked without
echo on a terminal, or read from the first line of standard input with --answer-stdin. It is
compared without regard to case, accents or the spaces around it, and only an argon2id hash of
it is kept. At the first sign-in of a trainee account, this is the step after the password
change: nothing else runs until it is done (but whoami and logout). Running it again replaces
the question. Staff accounts have none: a forgotten password gets them a temporary one by mail.`,
		Example: `  profil user secret set --question "Prénom de mon fils ?"
  printf '%s\n' "$ANSWER" | profil user secret set --question "Prénom de mon fils ?" --answer-stdin`,
		Args:        cmdutil.NoArgs,
		Annotations: map[string]string{cmdutil.AnnotationFirstSignIn: string(domain.StepSecret)},
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(question) == "" {
				return cmdutil.FlagErrorf("register.missing_one", "--question")
			}
			if !answerStdin && !f.CanPrompt() {
				return cmdutil.FlagErrorf("secret.stdin_required")
			}
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			actor, err := api.Whoami(ctx)
			if err != nil {
				return err
			}
			if err := domain.RequireSignedIn(actor); err != nil {
				return err
			}
			var answer string
			if answerStdin {
				lines, err := readLines(f.IO.In, 1, "--answer-stdin")
				if err != nil {
					return err
				}
				answer = lines[0]
			} else if answer, err = f.Prompter.Password(i18n.T("secret.ask_answer", output.Escape(question))); err != nil {
				return err
			}
			if err := api.SetSecretQuestion(ctx, question, answer); err != nil {
				return err
			}
			f.Say("secret.done")
			return nil
		},
	}
	set.Flags().StringVar(&question, "question", "", "your secret question")
	set.Flags().BoolVar(&answerStdin, "answer-stdin", false, "read the answer from the first line of standard input")
	cmd.AddCommand(set)
	return cmd
}

// NewCmdForgotPassword builds `user forgot-password`.
func NewCmdForgotPassword(f *cmdutil.Factory) *cobra.Command {
	var email string
	var answerStdin, passwordStdin bool
	cmd := &cobra.Command{
		Use:   "forgot-password --email E [--answer-stdin --password-stdin]",
		Short: "Reset a forgotten password with your secret question (no sign-in needed)",
		Long: `Reset the forgotten password of a trainee account with its secret question: on a terminal the
question is shown, then the answer and the new password (twice) are asked without echo;
scripts give --answer-stdin --password-stdin and the answer, then the new password, one a line
on standard input. The right answer sets the new password, ends every session and API token
of the account, and the person is told by mail.

A wrong answer, an unknown address or an account without a secret question all get the same
answer (exit 4); 5 of them in a row lock resets for that address for 15 minutes (exit 4).
Every attempt is in the audit trail (user.forgot-password), never the answer or the password.
Staff accounts have no secret question: whatever is answered, a temporary password is mailed
to them (at most one every 15 minutes), as at a sign-in attempt.`,
		Example: `  profil user forgot-password --email lea.moreau@exemple.fr
  printf '%s\n%s\n' "$ANSWER" "$NEW_PASSWORD" | profil user forgot-password --email lea.moreau@exemple.fr \
      --answer-stdin --password-stdin`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(email) == "" {
				return cmdutil.FlagErrorf("register.missing_one", "--email")
			}
			if answerStdin != passwordStdin {
				return cmdutil.FlagErrorf("forgot.both_stdin")
			}
			if !answerStdin && !f.CanPrompt() {
				return cmdutil.FlagErrorf("forgot.stdin_required")
			}
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			in := service.ForgotInput{Email: email}
			if answerStdin {
				lines, err := readLines(f.IO.In, 2, "--answer-stdin --password-stdin")
				if err != nil {
					return err
				}
				in.Answer, in.Password = lines[0], lines[1]
			} else {
				q, err := api.SecretQuestionOf(ctx, email)
				if err != nil {
					return err
				}
				if in.Answer, err = f.Prompter.Password(i18n.T("secret.ask_answer", output.Escape(q))); err != nil {
					return err
				}
				if in.Password, err = askNewPassword(f); err != nil {
					return err
				}
			}
			if err := api.ForgotPassword(ctx, in); err != nil {
				return err
			}
			f.Say("forgot.done", strings.ToLower(strings.TrimSpace(email)))
			return nil
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "the e-mail address of the account")
	cmd.Flags().BoolVar(&answerStdin, "answer-stdin", false, "read the answer from the first line of standard input")
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the new password from the second line of standard input")
	return cmd
}

// askNewPassword asks a new password twice on the terminal.
func askNewPassword(f *cmdutil.Factory) (string, error) {
	var next string
	for attempt := 1; ; attempt++ {
		var err error
		if next, err = f.Prompter.Password(i18n.T("passwd.ask_new")); err != nil {
			return "", err
		}
		err = secret.ValidatePasswordStrength(next)
		if err == nil {
			break
		}
		if attempt == maxAttempts {
			return "", domain.Invalid("password", "", err.Error())
		}
		fmt.Fprintf(f.IO.ErrOut, "  %v\n", err)
	}
	again, err := f.Prompter.Password(i18n.T("passwd.ask_new_again"))
	if err != nil {
		return "", err
	}
	if again != next {
		return "", domain.Invalid("password", "", "password.differ")
	}
	return next, nil
}

// NewCmdConfirmEmail builds `user confirm-email`.
func NewCmdConfirmEmail(f *cmdutil.Factory) *cobra.Command {
	var code string
	cmd := &cobra.Command{
		Use:   "confirm-email --code CODE",
		Short: "Confirm your new e-mail address with the code mailed to it (trainees)",
		Long: `A trainee who changes their e-mail address (` + "`profil user update --email NEW`" + `) gets a code at
the new address, valid 24 hours; this command gives it back, and the new address becomes the
login. A wrong code reads the same as no change waiting (exit 4); 5 wrong codes void it.`,
		Example: `  profil user confirm-email --code k7m2p-x9q4r`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(code) == "" {
				return cmdutil.FlagErrorf("register.missing_one", "--code")
			}
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			u, err := api.ConfirmEmail(ctx, code)
			if err != nil {
				return err
			}
			f.Say("confirm_email.done", u.Email)
			return nil
		},
	}
	cmd.Flags().StringVar(&code, "code", "", "the code mailed to the new address")
	return cmd
}

// NewCmdFranceConnect builds `user franceconnect` and its verbs.
func NewCmdFranceConnect(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "franceconnect",
		Short: "Link an account to a FranceConnect identity, or unlink it",
		Long: `FranceConnect is the State's identity provider (OpenID Connect). An account is linked to one
FranceConnect identity: its issuer and its subject (sub), which FranceConnect gives the portal
when the person signs in through it. A gestionnaire links any account, a person their own. An
identity belongs to one account (exit 5), and nothing is ever linked by e-mail. Once linked,
the account's last name, first name and birth date are FranceConnect's: read-only (exit 5).
Signing in through FranceConnect needs a browser: profil does not do it.`,
		Example: `  profil user franceconnect link lea.moreau@exemple.fr --sub 3f1c9e2a
  profil user franceconnect unlink lea.moreau@exemple.fr`,
		Args: cmdutil.NoArgs,
	}
	var sub, issuer string
	link := &cobra.Command{
		Use:   "link [EMAIL] --sub SUB [--issuer URL]",
		Short: "Link an account (default: yours) to a FranceConnect identity",
		Example: `  profil user franceconnect link lea.moreau@exemple.fr --sub 3f1c…e2a9
  profil user franceconnect link --sub 3f1c…e2a9 --issuer https://fcp.integ01.dev-franceconnect.fr`,
		Args: maxOneArg("args.an_email"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(sub) == "" {
				return cmdutil.FlagErrorf("register.missing_one", "--sub")
			}
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			email := ""
			if len(args) == 1 {
				email = args[0]
			}
			l, changed, err := api.LinkFranceConnect(ctx, email, issuer, sub)
			if err != nil {
				return err
			}
			if changed {
				f.Say("franceconnect.linked", l.Sub, l.Issuer)
			} else {
				f.Say("franceconnect.linked_already", l.Sub)
			}
			return nil
		},
	}
	link.Flags().StringVar(&sub, "sub", "", "the subject (sub) FranceConnect gives the person")
	link.Flags().StringVar(&issuer, "issuer", "", "FranceConnect's issuer URL (default "+domain.DefaultFranceConnectIssuer+")")
	unlink := &cobra.Command{
		Use:     "unlink [EMAIL]",
		Short:   "Unlink an account (default: yours) from its FranceConnect identity",
		Example: `  profil user franceconnect unlink lea.moreau@exemple.fr`,
		Args:    maxOneArg("args.an_email"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			email := ""
			if len(args) == 1 {
				email = args[0]
			}
			removed, err := api.UnlinkFranceConnect(ctx, email)
			if err != nil {
				return err
			}
			if removed {
				f.Say("franceconnect.unlinked")
			} else {
				f.Say("franceconnect.not_linked")
			}
			return nil
		},
	}
	cmd.AddCommand(link, unlink)
	return cmd
}
