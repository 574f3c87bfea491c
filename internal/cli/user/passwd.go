package user

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/secret"
)

// PasswdOptions are the inputs of `user passwd`.
type PasswdOptions struct {
	PasswordStdin bool
}

// NewCmdPasswd builds `user passwd`.
func NewCmdPasswd(f *cmdutil.Factory) *cobra.Command {
	opts := &PasswdOptions{}
	cmd := &cobra.Command{
		Use:   "passwd",
		Short: "Change your password",
		Long: `Change your own password: the current one (or the temporary one you were mailed), then the
new one, twice. On a terminal they are asked without echo; scripts give both on standard input
with --password-stdin, one a line: the current password, then the new one. A new password has
at least 12 characters. Your other sessions end; this one goes on.

Signed in with a temporary password, this is the command to run first: nothing else works
until the password is changed (but whoami and logout).`,
		Example: `  profil user passwd
  printf '%s\n%s\n' "$OLD" "$NEW" | profil user passwd --password-stdin`,
		Args: cmdutil.NoArgs,
		// Signed in with a temporary password, this is the one command (with whoami and
		// logout) that runs: it is how the temporary password is replaced.
		Annotations: map[string]string{cmdutil.AnnotationTemporaryPassword: "yes"},
		RunE: func(cmd *cobra.Command, args []string) error {
			if !opts.PasswordStdin && !f.CanPrompt() {
				return cmdutil.FlagErrorf("passwd.stdin_required")
			}
			return passwdRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.PasswordStdin, "password-stdin", false, "read the current then the new password from standard input, one a line")
	return cmd
}

func passwdRun(ctx context.Context, f *cmdutil.Factory, opts *PasswdOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	actor, err := api.Whoami(ctx)
	if err != nil {
		return err
	}
	// Refuse before asking anything.
	if err := domain.RequireSignedIn(actor); err != nil {
		return err
	}
	var current, next string
	if opts.PasswordStdin {
		if current, next, err = readTwoSecrets(f.IO.In); err != nil {
			return err
		}
	} else if current, next, err = askPasswords(f); err != nil {
		return err
	}
	if err := api.ChangePassword(ctx, current, next); err != nil {
		return err
	}
	f.Say("passwd.done", actor.Email)
	return nil
}

// maxSecretInput bounds what --password-stdin reads: two passwords and their line ends.
const maxSecretInput = 2*4096 + 4

// readTwoSecrets reads the current and the new password, one a line.
func readTwoSecrets(r io.Reader) (current, next string, err error) {
	sc := bufio.NewScanner(io.LimitReader(r, maxSecretInput))
	sc.Buffer(make([]byte, 0, 256), maxSecretInput)
	var lines []string
	for len(lines) < 2 && sc.Scan() {
		lines = append(lines, strings.TrimRight(sc.Text(), "\r"))
	}
	if err := sc.Err(); err != nil {
		return "", "", cmdutil.FlagErrorf("passwd.stdin_error", err)
	}
	if len(lines) < 2 || lines[0] == "" || lines[1] == "" {
		return "", "", cmdutil.FlagErrorf("passwd.stdin_two_lines")
	}
	return lines[0], lines[1], nil
}

// askPasswords asks for the current password, then the new one twice.
func askPasswords(f *cmdutil.Factory) (current, next string, err error) {
	if current, err = f.Prompter.Password(i18n.T("passwd.ask_current")); err != nil {
		return "", "", err
	}
	for attempt := 1; ; attempt++ {
		if next, err = f.Prompter.Password(i18n.T("passwd.ask_new")); err != nil {
			return "", "", err
		}
		err = secret.ValidatePasswordStrength(next)
		if err == nil {
			break
		}
		if attempt == maxAttempts {
			return "", "", domain.Invalid("password", "", err.Error())
		}
		fmt.Fprintf(f.IO.ErrOut, "  %v\n", err)
	}
	again, err := f.Prompter.Password(i18n.T("passwd.ask_new_again"))
	if err != nil {
		return "", "", err
	}
	if again != next {
		return "", "", domain.Invalid("password", "", "password.differ")
	}
	return current, next, nil
}
