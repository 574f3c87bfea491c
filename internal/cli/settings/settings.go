// Package settings holds `profil settings`: what gestionnaires decide for the whole portal,
// such as the language of its mails.
package settings

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
)

// Setting is the JSON shape of a portal setting.
type Setting struct {
	Key     string   `json:"key"`
	Value   string   `json:"value"`
	Default string   `json:"default"`
	Set     bool     `json:"set"` // false while the default applies
	Allowed []string `json:"allowed"`
}

func fromValue(v domain.SettingValue) Setting {
	s := Setting{Key: v.Key, Value: v.Value, Set: v.Set, Allowed: []string{}}
	if d, err := domain.LookupSetting(v.Key); err == nil {
		s.Default = d.Default
		s.Allowed = append(s.Allowed, d.Choices...)
	}
	return s
}

// columns is the table of settings for people.
var columns = []output.Column[Setting]{
	{Header: "KEY", Value: func(s Setting) string { return s.Key }, Keep: true},
	{Header: "VALUE", Value: func(s Setting) string { return s.Value }, Keep: true},
	{Header: "DEFAULT", Value: func(s Setting) string { return s.Default }},
	{Header: "ALLOWED", Value: func(s Setting) string { return strings.Join(s.Allowed, ", ") }},
	{Header: "MEANING", Value: func(s Setting) string {
		d, err := domain.LookupSetting(s.Key)
		if err != nil {
			return ""
		}
		return i18n.T(d.Help)
	}},
}

// NewCmd builds `profil settings` and its verbs.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "settings",
		Aliases: []string{"setting"},
		Short:   "See and change the settings of the portal (gestionnaires)",
		Long: `The settings of the portal apply to everybody, whoever runs the command: for example
mail.language, the language of the mails the portal sends (fr or en, French by default),
whatever the language of the gestionnaire or cron job whose command writes them.

Only gestionnaires read and change them; every change is in the audit trail
(action settings.set). An unknown key or value is refused (exit 6).`,
		Example: `  profil settings list
  profil settings get mail.language
  profil settings set mail.language en`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(newCmdList(f), newCmdGet(f), newCmdSet(f))
	return cmd
}

func completeKeys(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return domain.SettingKeys(), cobra.ShellCompDirectiveNoFileComp
}

func newCmdList(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List every setting of the portal with its value",
		Example: `  profil settings list
  profil settings list -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			values, err := api.Settings(ctx)
			if err != nil {
				return err
			}
			out := make([]Setting, len(values))
			for i, v := range values {
				out[i] = fromValue(v)
			}
			return cmdutil.ListPrinter[Setting, Setting]{Rows: cmdutil.Identity[Setting], Columns: cmdutil.Columns(columns)}.Print(f, out)
		},
	}
}

func newCmdGet(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:               "get KEY",
		Short:             "Print the value of one setting",
		Example:           `  profil settings get mail.language`,
		Args:              cmdutil.ExactArgs(1, "settings.arg_key"),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			v, err := api.Setting(ctx, args[0])
			if err != nil {
				return err
			}
			format, err := f.Format()
			if err != nil {
				return err
			}
			if format == output.Table {
				// The value alone, for `$(profil settings get mail.language)`.
				_, err = f.IO.Out.Write([]byte(v.Value + "\n"))
				return err
			}
			return output.PrintOne(f.IO, format, fromValue(v), columns)
		},
	}
}

func newCmdSet(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:               "set KEY VALUE",
		Short:             "Change one setting of the portal (audited)",
		Example:           `  profil settings set mail.language en`,
		Args:              cmdutil.ExactArgs(2, "settings.arg_key_value"),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			// An unknown key or value is refused before anything is opened.
			def, err := domain.LookupSetting(args[0])
			if err != nil {
				return err
			}
			if _, err := def.Check(args[1]); err != nil {
				return err
			}
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			res, err := api.SetSetting(ctx, args[0], args[1])
			if err != nil {
				return err
			}
			if res.Changed {
				f.Say("settings.set_done", res.Setting.Key, res.Previous, res.Setting.Value)
			} else {
				f.Say("settings.set_unchanged", res.Setting.Key, res.Setting.Value)
			}
			return nil
		},
	}
}
