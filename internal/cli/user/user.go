// Package user holds `profil user`: registering an account, showing and changing it, its
// password (passwd, reset-password, and for trainees the secret question, forgot-password and
// confirm-email), disabling, enabling and unlocking it, its FranceConnect identity, the
// memberships of people in structures (affiliate, detach, list), the import of the accounts of
// the former portals, and the personal data held on a person (data, erase).
package user

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/prompt"
)

// NewCmd builds `profil user` and its verbs.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "user",
		Aliases: []string{"users"},
		Short:   "Register accounts, change them, and attach people to structures",
		Long: `A user is a person, known by their e-mail address (case does not matter). An account is
created by a request to join one structure (` + "`user register`" + `, no sign-in needed); each
further structure is an affiliation request (` + "`user affiliate`" + `). The référent of the
structure, or a gestionnaire, decides them with ` + "`profil request approve`" + `.

Everyone changes their own e-mail, phone, function and password; gestionnaires change any
account and reset passwords; the référent of a structure detaches its members.`,
		Example: `  profil user register --email claire.martin@horizons.fr --last-name Martin --first-name Claire \
      --structure "824 228 142 01072"
  profil user show
  profil user update --phone "05 56 00 00 00"
  profil user list --structure 12 --without-profiles`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(NewCmdRegister(f), NewCmdShow(f), NewCmdUpdate(f), NewCmdPasswd(f),
		NewCmdResetPassword(f), NewCmdAffiliate(f), NewCmdDetach(f), NewCmdList(f),
		NewCmdImport(f), NewCmdDisable(f), NewCmdEnable(f), NewCmdUnlock(f),
		NewCmdData(f), NewCmdErase(f), NewCmdSecret(f), NewCmdForgotPassword(f), NewCmdConfirmEmail(f),
		NewCmdFranceConnect(f))
	return cmd
}

// maxOneArg accepts an optional positional argument; what is the message key that names it.
func maxOneArg(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > 1 {
			return cmdutil.FlagErrorf("args.too_many_at_most", len(args), cmd.CommandPath(), i18n.T(what))
		}
		return nil
	}
}

// parseStructure reads the value of --structure; an empty one is a usage error naming the flag
// and why it is needed (a message key).
func parseStructure(value, why string) (domain.StructureRef, error) {
	if strings.TrimSpace(value) == "" {
		return domain.StructureRef{}, cmdutil.FlagErrorf("structure_flag.required", i18n.T(why))
	}
	return domain.ParseStructureRef(value)
}

func now(f *cmdutil.Factory) time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func quiet(f *cmdutil.Factory) bool {
	cfg, err := f.Config()
	return err == nil && cfg.Quiet
}

// printRequest prints a request just made, or only its id with --quiet; done goes to stderr.
func printRequest(f *cmdutil.Factory, r domain.Request, done ...string) error {
	if quiet(f) {
		fmt.Fprintln(f.IO.Out, r.ID)
		return nil
	}
	for _, line := range done {
		fmt.Fprintln(f.IO.ErrOut, output.Escape(line))
	}
	format, err := f.Format()
	if err != nil {
		return err
	}
	return output.PrintOne(f.IO, format, present.FromRequest(r, now(f)), present.RequestDetail)
}

// printMembers prints a user list; with --quiet only the e-mails, one a line. An empty list
// prints nothing in a table and says so on stderr (empty, a catalogue key, with emptyArgs).
func printMembers(ctx context.Context, f *cmdutil.Factory, ms []domain.Member, empty string, emptyArgs ...any) error {
	return cmdutil.ListPrinter[domain.Member, present.Member]{
		Quiet: func(m domain.Member) string { return m.User.Email },
		Empty: empty, EmptyArgs: emptyArgs,
		Rows: present.Members,
		Columns: func() ([]output.Column[present.Member], error) {
			automatic, err := automaticProfiles(ctx, f)
			if err != nil {
				return nil, err
			}
			return present.MemberColumns(automatic), nil
		},
	}.Print(f, ms)
}

// automaticProfiles asks the catalogue which profiles come with every membership: holding only
// those is waiting for rights.
func automaticProfiles(ctx context.Context, f *cmdutil.Factory) ([]string, error) {
	api, err := f.AnonymousAPI(ctx) // the catalogue is public
	if err != nil {
		return nil, err
	}
	cat, err := api.Catalogue(ctx)
	if err != nil {
		return nil, err
	}
	return cat.Automatic(), nil
}

// confirm asks a yes/no question on a terminal; without one (or with --yes) it lets the
// command proceed. A "no" cancels the command.
func confirm(f *cmdutil.Factory, question string) error {
	if !f.CanPrompt() {
		return nil
	}
	ok, err := f.Prompter.Confirm(output.Escape(question), false) // it may name people
	if err != nil {
		return err
	}
	if !ok {
		return prompt.ErrCancelled
	}
	return nil
}

// maxAttempts bounds how many times a question is asked again after an invalid answer.
const maxAttempts = 5

// ask asks for a value on the terminal until check accepts it.
func ask(f *cmdutil.Factory, question string, check func(string) error) (string, error) {
	var lastErr error
	for range maxAttempts {
		v, err := f.Prompter.Input(question, "")
		if err != nil {
			return "", err
		}
		v = strings.TrimSpace(v)
		if lastErr = check(v); lastErr == nil {
			return v, nil
		}
		fmt.Fprintf(f.IO.ErrOut, "  %v\n", lastErr)
	}
	return "", lastErr
}

func required(field string) func(string) error {
	return func(v string) error {
		if v == "" {
			return domain.Invalid(field, "", "field.required")
		}
		return nil
	}
}
