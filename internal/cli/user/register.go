package user

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/secret"
	"github.com/profil-cli/profil/internal/service"
)

// RegisterOptions are the inputs of `user register`.
type RegisterOptions struct {
	Email, LastName, FirstName, Function, Phone string
	Structure                                   *domain.StructureRef // nil: asked on the terminal
	PasswordStdin                               bool
}

// NewCmdRegister builds `user register`: a new person asks for an account in one structure.
func NewCmdRegister(f *cmdutil.Factory) *cobra.Command {
	opts := &RegisterOptions{}
	var structure string
	cmd := &cobra.Command{
		Use:   "register --email E --last-name N --first-name P --structure ID|SIRET",
		Short: "Ask for an account in a structure (no sign-in needed)",
		Long: `Ask for an account attached to one structure. No sign-in is needed; the account can sign in
once the request is approved: by the référent of the structure, or by the gestionnaires when it
has none (the first person approved becomes its référent). The answer is mailed.

On a terminal, the values missing from the flags are asked, and so is a password (hidden, typed
twice). Leave the password empty, or run without a terminal and without --password-stdin, and a
temporary password is mailed when the request is approved. With --yes or without a terminal,
a missing value is an error that names its flag.

Already have an account? Ask to join one more structure with ` + "`profil user affiliate`" + `.
Structure not in the list? Ask for it with ` + "`profil structure request`" + `.`,
		Example: `  profil user register --email claire.martin@horizons.fr --last-name Martin --first-name Claire \
      --function "Chargée de formation" --phone "05 56 00 00 00" --structure "824 228 142 01072"
  printf '%s\n' "$PASSWORD" | profil user register --email claire.martin@horizons.fr \
      --last-name Martin --first-name Claire --structure 12 --password-stdin
  profil user register          # on a terminal: asks for each value`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Email = strings.TrimSpace(opts.Email)
			opts.LastName = strings.TrimSpace(opts.LastName)
			opts.FirstName = strings.TrimSpace(opts.FirstName)
			var missing []string
			for _, v := range []struct{ flag, value string }{
				{"--email", opts.Email}, {"--last-name", opts.LastName}, {"--first-name", opts.FirstName}, {"--structure", strings.TrimSpace(structure)},
			} {
				if v.value == "" {
					missing = append(missing, v.flag)
				}
			}
			if len(missing) > 0 && !f.CanPrompt() {
				if len(missing) == 1 {
					return cmdutil.FlagErrorf("register.missing_one", missing[0])
				}
				return cmdutil.FlagErrorf("register.missing_many", strings.Join(missing, ", "))
			}
			if strings.TrimSpace(structure) != "" {
				ref, err := domain.ParseStructureRef(structure)
				if err != nil {
					return err
				}
				opts.Structure = &ref
			}
			return registerRun(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Email, "email", "", "your e-mail address: your login from then on")
	fl.StringVar(&opts.LastName, "last-name", "", "last name (nom)")
	fl.StringVar(&opts.FirstName, "first-name", "", "first name (prénom)")
	fl.StringVar(&opts.Function, "function", "", "your function in the structure")
	fl.StringVar(&opts.Phone, "phone", "", `phone number, e.g. "05 56 00 00 00" or "+32 2 555 12 12"`)
	fl.StringVar(&structure, "structure", "", "the structure to join: its SIRET, SIREN, id or name")
	_ = cmd.RegisterFlagCompletionFunc("structure", f.CompleteStructures())
	fl.BoolVar(&opts.PasswordStdin, "password-stdin", false, "read the password from standard input (one line)")
	return cmd
}

func registerRun(ctx context.Context, f *cmdutil.Factory, opts *RegisterOptions) error {
	if err := askMissing(f, opts); err != nil {
		return err
	}
	password, err := newPassword(f, opts.PasswordStdin)
	if err != nil {
		return err
	}
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	r, u, err := api.Register(ctx, service.RegisterInput{
		Email: opts.Email, LastName: opts.LastName, FirstName: opts.FirstName, Function: opts.Function,
		Phone: opts.Phone, Structure: *opts.Structure, Password: password,
	})
	if err != nil {
		return err
	}
	done := []string{i18n.T("register.sent", r.ID, u.Email, r.StructureName, u.Email)}
	if password == "" {
		done = append(done, i18n.T("register.no_password", u.Email))
	}
	if r.Status == domain.StatusUnverified {
		done = append(done, i18n.T("activation.confirm", u.Email, r.ID))
	}
	return printRequest(f, r, done...)
}

// askMissing asks on the terminal for the required values the flags did not give.
func askMissing(f *cmdutil.Factory, opts *RegisterOptions) error {
	var err error
	if opts.Email == "" {
		if opts.Email, err = ask(f, i18n.T("register.ask_email"), func(v string) error {
			_, err := domain.NormalizeEmail(v)
			return err
		}); err != nil {
			return err
		}
	}
	if opts.LastName == "" {
		if opts.LastName, err = ask(f, i18n.T("register.ask_last_name"), required("last-name")); err != nil {
			return err
		}
	}
	if opts.FirstName == "" {
		if opts.FirstName, err = ask(f, i18n.T("register.ask_first_name"), required("first-name")); err != nil {
			return err
		}
	}
	if opts.Structure == nil {
		var ref domain.StructureRef
		if _, err = ask(f, i18n.T("register.ask_structure"), func(v string) error {
			ref, err = domain.ParseStructureRef(v)
			return err
		}); err != nil {
			return err
		}
		opts.Structure = &ref
	}
	return nil
}

// newPassword reads the password of a new account: from standard input, or asked twice on a
// terminal. Empty means none: a temporary one is mailed at approval.
func newPassword(f *cmdutil.Factory, fromStdin bool) (string, error) {
	if fromStdin {
		return cmdutil.ReadSecretStdin(f.IO)
	}
	if !f.CanPrompt() {
		return "", nil
	}
	var pw string
	for attempt := 1; ; attempt++ {
		var err error
		if pw, err = f.Prompter.Password(i18n.T("register.ask_password")); err != nil {
			return "", err
		}
		if pw == "" {
			return "", nil
		}
		err = secret.ValidatePasswordStrength(pw)
		if err == nil {
			break
		}
		if attempt == maxAttempts {
			return "", domain.Invalid("password", "", err.Error())
		}
		fmt.Fprintf(f.IO.ErrOut, "  %v\n", err)
	}
	again, err := f.Prompter.Password(i18n.T("register.ask_password_again"))
	if err != nil {
		return "", err
	}
	if again != pw {
		return "", domain.Invalid("password", "", "password.differ")
	}
	return pw, nil
}
