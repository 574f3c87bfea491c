package user

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/service"
)

// UpdateOptions are the inputs of `user update`.
type UpdateOptions struct {
	Email         string // the account to change; empty: yours
	Update        service.UserUpdate
	PasswordStdin bool // your current password on standard input, to change your own e-mail
}

// NewCmdUpdate builds `user update`.
func NewCmdUpdate(f *cmdutil.Factory) *cobra.Command {
	var email, phone, function, lastName, firstName, birthDate string
	var passwordStdin bool
	cmd := &cobra.Command{
		Use:   "update [EMAIL] --phone … | --email … | --function … | --last-name … | --first-name …",
		Short: "Change an account: e-mail, phone, function (default: yours)",
		Long: `Change only the fields given. Everyone changes their own e-mail, phone and function ("mon
compte"); a gestionnaire changes any account, names included. An empty value clears an optional
field (--phone ""). A new e-mail becomes the login from then on: changing your own asks for
your current password (typed, or the first line of standard input with --password-stdin), so
that a session left open is not enough to take the account.

A trainee's own new e-mail waits for the code mailed to the new address: it becomes the login
once confirmed with ` + "`profil user confirm-email --code CODE`" + `. A trainee's names and birth
date come from their case file: gestionnaires change them (--birth-date JJ/MM/AAAA), and
nobody once the account is linked to FranceConnect (exit 5).`,
		Example: `  profil user update --phone "05 56 00 00 00" --function "Responsable formation"
  profil user update --email claire.martin@nouvelle-adresse.fr
  printf '%s\n' "$PASSWORD" | profil user update --email claire.martin@nouvelle-adresse.fr --password-stdin
  profil user update claire.martin@horizons.fr --last-name Martin-Durand     # gestionnaires`,
		Args: maxOneArg("args.an_email"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &UpdateOptions{PasswordStdin: passwordStdin}
			if len(args) == 1 {
				opts.Email = strings.TrimSpace(args[0])
			}
			fl := cmd.Flags()
			set := func(flag string, dst **string, v string) {
				if fl.Changed(flag) {
					*dst = &v
				}
			}
			set("email", &opts.Update.Email, email)
			set("phone", &opts.Update.Phone, phone)
			set("function", &opts.Update.Function, function)
			set("last-name", &opts.Update.LastName, lastName)
			set("first-name", &opts.Update.FirstName, firstName)
			set("birth-date", &opts.Update.BirthDate, birthDate)
			if opts.Update == (service.UserUpdate{}) {
				return cmdutil.FlagErrorf("user_update.nothing")
			}
			return updateRun(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&email, "email", "", "new e-mail address (the login from then on)")
	fl.StringVar(&phone, "phone", "", `new phone number ("" clears it)`)
	fl.StringVar(&function, "function", "", "new function in the structure")
	fl.StringVar(&lastName, "last-name", "", "new last name (gestionnaires)")
	fl.StringVar(&firstName, "first-name", "", "new first name (gestionnaires)")
	fl.StringVar(&birthDate, "birth-date", "", "new birth date of a trainee, JJ/MM/AAAA (gestionnaires)")
	fl.BoolVar(&passwordStdin, "password-stdin", false, "with --email for your own account: read your current password from standard input")
	return cmd
}

func updateRun(ctx context.Context, f *cmdutil.Factory, opts *UpdateOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	actor, err := api.Whoami(ctx)
	if err != nil {
		return err
	}
	self := opts.Email == "" || strings.EqualFold(opts.Email, actor.Email)
	if opts.Update.Email != nil && self && !strings.EqualFold(strings.TrimSpace(*opts.Update.Email), actor.Email) {
		// One's own login changes only with one's password (a trainee's waits for a code
		// mailed to the new address instead).
		me, err := api.Me(ctx)
		if err != nil {
			return err
		}
		if !me.Trainee {
			switch {
			case opts.PasswordStdin:
				opts.Update.Password, err = cmdutil.ReadSecretStdin(f.IO)
			case f.CanPrompt():
				opts.Update.Password, err = f.Prompter.Password(i18n.T("user_update.ask_password"))
			default:
				err = cmdutil.FlagErrorf("user_update.password_needed")
			}
			if err != nil {
				return err
			}
		}
	}
	u, err := api.UpdateUser(ctx, opts.Email, opts.Update)
	if err != nil {
		return err
	}
	done := i18n.T("user_update.done", u.Email)
	if opts.Update.Email != nil && u.Trainee && actor.UserID == u.ID && !strings.EqualFold(strings.TrimSpace(*opts.Update.Email), u.Email) {
		done = i18n.T("user_update.email_code_sent", strings.TrimSpace(*opts.Update.Email))
	}
	before := opts.Email
	if before == "" {
		before = actor.Email
	}
	if !strings.EqualFold(before, u.Email) {
		done = i18n.T("user_update.done_new_login", before, u.Email)
	}
	d, err := api.User(ctx, u.Email)
	if err != nil {
		// Changed, but not readable back (cannot happen for oneself or a gestionnaire).
		d = service.UserDetail{User: u}
	}
	return printUser(ctx, f, d, done)
}
