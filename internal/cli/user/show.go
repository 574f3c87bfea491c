package user

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/present"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/service"
)

// ShowOptions are the inputs of `user show`.
type ShowOptions struct {
	Email string // empty: yourself
}

// NewCmdShow builds `user show`.
func NewCmdShow(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show [EMAIL]",
		Short: "Show an account, its structures and its rights (default: yours)",
		Long: `Show an account: names, function, phone, status, and each structure it belongs to with the
rights held there (★: référent). You may see your own account; the référent of one of the
person's structures and the gestionnaires may see theirs.`,
		Example: `  profil user show
  profil user show claire.martin@horizons.fr -o json`,
		Args: maxOneArg("args.an_email"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &ShowOptions{}
			if len(args) == 1 {
				opts.Email = strings.TrimSpace(args[0])
			}
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			d, err := api.User(ctx, opts.Email)
			if err != nil {
				return err
			}
			return printUser(ctx, f, d, "")
		},
	}
	cmd.ValidArgsFunction = cmdutil.FirstArg(f.CompleteMemberEmails())
	return cmd
}

// printUser prints an account with its structures, or only its e-mail with --quiet.
func printUser(ctx context.Context, f *cmdutil.Factory, d service.UserDetail, done string) error {
	if quiet(f) {
		fmt.Fprintln(f.IO.Out, d.User.Email)
		return nil
	}
	if done != "" {
		fmt.Fprintln(f.IO.ErrOut, output.Escape(done))
	}
	format, err := f.Format()
	if err != nil {
		return err
	}
	u := present.UserFromDetail(d.User, d.Memberships)
	if d.User.Trainee || d.Case != nil {
		u.Trainee = &present.UserTrainee{BirthDate: d.User.BirthDate, PendingEmail: d.PendingEmail}
		if d.Case != nil {
			u.Trainee.CaseNumber = d.Case.Number
		}
	}
	if d.FranceConnect != nil {
		u.FranceConnect = &present.UserFranceConnect{Issuer: d.FranceConnect.Issuer, Sub: d.FranceConnect.Sub}
	}
	if u.LockedUntil != nil && !now(f).Before(*u.LockedUntil) {
		u.LockedUntil = nil // a lock that is over is no lock
	}
	var automatic []string
	if format == output.Table {
		if automatic, err = automaticProfiles(ctx, f); err != nil {
			return err
		}
	}
	return output.PrintOne(f.IO, format, u, userColumns(u, automatic))
}

// userColumns is present.UserDetail with what a person asks about next: the rights held in each
// structure, and, when so, that the password must be changed.
func userColumns(u present.User, automatic []string) []output.Column[present.User] {
	cols := append([]output.Column[present.User]{}, present.UserDetail...)
	if len(u.Structures) > 0 {
		cols = append(cols, output.Column[present.User]{Header: "Rights", Value: func(u present.User) string {
			lines := make([]string, 0, len(u.Structures))
			for _, m := range u.Structures {
				rights := i18n.T("members.waiting_rights")
				if present.HasRights(m.Profiles, automatic) {
					rights = strings.Join(m.Profiles, ", ")
				}
				lines = append(lines, i18n.T("user_show.rights_in", m.Name, rights))
			}
			return strings.Join(lines, "\n")
		}})
	}
	if u.Trainee != nil {
		cols = append(cols, output.Column[present.User]{Header: "Case", Value: func(u present.User) string {
			if u.Trainee.CaseNumber == "" {
				return i18n.T("trainee.no_case_yet")
			}
			return u.Trainee.CaseNumber
		}}, output.Column[present.User]{Header: "Birth date", Value: func(u present.User) string {
			return domain.FormatBirthDate(u.Trainee.BirthDate)
		}})
		if u.Trainee.PendingEmail != "" {
			cols = append(cols, output.Column[present.User]{Header: "New e-mail", Value: func(u present.User) string {
				return i18n.T("user_show.pending_email", u.Trainee.PendingEmail)
			}})
		}
	}
	if u.FranceConnect != nil {
		cols = append(cols, output.Column[present.User]{Header: "FranceConnect", Value: func(u present.User) string {
			return u.FranceConnect.Sub + " (" + u.FranceConnect.Issuer + ")"
		}})
	}
	if u.LockedUntil != nil {
		cols = append(cols, output.Column[present.User]{Header: "Locked until", Value: func(u present.User) string {
			return u.LockedUntil.Format("2006-01-02 15:04Z")
		}})
	}
	if u.MustChangePassword {
		cols = append(cols, output.Column[present.User]{Header: "Password", Value: func(present.User) string {
			return i18n.T("user_show.password_to_change")
		}})
	}
	return cols
}
