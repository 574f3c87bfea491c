// Package cli is the command line of profil: the root command, its global flags and `profil
// version`, the usage errors of a mistyped command or flag (with the one most likely meant),
// and Main, the one place where errors become exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/audit"
	"github.com/profil-cli/profil/internal/cli/casefile"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/cli/dbcmd"
	"github.com/profil-cli/profil/internal/cli/export"
	"github.com/profil-cli/profil/internal/cli/mailcmd"
	"github.com/profil-cli/profil/internal/cli/profile"
	"github.com/profil-cli/profil/internal/cli/referent"
	"github.com/profil-cli/profil/internal/cli/request"
	"github.com/profil-cli/profil/internal/cli/serve"
	"github.com/profil-cli/profil/internal/cli/session"
	"github.com/profil-cli/profil/internal/cli/settings"
	"github.com/profil-cli/profil/internal/cli/setup"
	"github.com/profil-cli/profil/internal/cli/structure"
	"github.com/profil-cli/profil/internal/cli/terms"
	"github.com/profil-cli/profil/internal/cli/token"
	"github.com/profil-cli/profil/internal/cli/trainee"
	"github.com/profil-cli/profil/internal/cli/user"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/iostreams"
	"github.com/profil-cli/profil/internal/output"
	"github.com/profil-cli/profil/internal/prompt"
)

// Version is set at build time with -ldflags "-X github.com/profil-cli/profil/internal/cli.Version=…".
var Version = "dev"

// Command groups of `profil --help`, by what a person wants to do.
const (
	groupStructures = "structures"
	groupPeople     = "people"
	groupAccess     = "access"
	groupSetup      = "setup"
)

// topLevel are the commands under the root, in the order of `profil --help`: the group that
// lists each, the words that name it (its name, then its aliases), and what builds it.
var topLevel = []struct {
	group string
	words []string
	build func(*cmdutil.Factory) *cobra.Command
}{
	{groupStructures, []string{"structure", "structures"}, structure.NewCmd},
	{groupPeople, []string{"request", "requests"}, request.NewCmd},
	{groupPeople, []string{"profile", "profiles"}, profile.NewCmd},
	{groupPeople, []string{"user", "users"}, user.NewCmd},
	{groupPeople, []string{"referent", "referents", "référent"}, referent.NewCmd},
	{groupPeople, []string{"audit"}, audit.NewCmd},
	{groupPeople, []string{"export"}, export.NewCmd},
	{groupPeople, []string{"trainee", "trainees"}, trainee.NewCmd},
	{groupPeople, []string{"case", "cases"}, casefile.NewCmd},
	{groupPeople, []string{"terms"}, terms.NewCmd},
	{groupAccess, []string{"login"}, session.NewCmdLogin},
	{groupAccess, []string{"logout"}, session.NewCmdLogout},
	{groupAccess, []string{"whoami"}, session.NewCmdWhoami},
	{groupAccess, []string{"token", "tokens"}, token.NewCmd},
	{groupSetup, []string{"init"}, setup.NewCmdInit},
	{groupSetup, []string{"demo"}, setup.NewCmdDemo},
	{groupSetup, []string{"db"}, dbcmd.NewCmd},
	{groupSetup, []string{"serve"}, serve.NewCmd},
	{groupSetup, []string{"mail", "mails"}, mailcmd.NewCmd},
	{groupSetup, []string{"settings", "setting"}, settings.NewCmd},
	{groupSetup, []string{"version"}, newCmdVersion},
}

// NewRootCmd builds the whole command tree over f.
func NewRootCmd(f *cmdutil.Factory) *cobra.Command {
	return newRootCmd(f, -1)
}

// commandTree builds the command tree that runs args: when their first word names a command
// under the root, only that command's branch (the others would only be built to be thrown
// away: about half the start-up of a command); else the whole tree, for the root's help, its
// errors and suggestions, `help` and completions.
func commandTree(f *cmdutil.Factory, args []string) *cobra.Command {
	if len(args) > 0 {
		for i, c := range topLevel {
			if slices.Contains(c.words, args[0]) {
				return newRootCmd(f, i)
			}
		}
	}
	return NewRootCmd(f)
}

// newRootCmd builds the root over f with every command under it, or with only topLevel[only]
// when only is not negative.
func newRootCmd(f *cmdutil.Factory, only int) *cobra.Command {
	root := &cobra.Command{
		Use:   "profil",
		Short: "Administer the accounts of vocational-training portals",
		Long: `profil administers the accounts of vocational-training portals: the structures (known by
their SIRET), the people who belong to them, their requests to join, and the rights they hold
in each application (RAFAEL, PARCOURS PRO).

It works on an embedded SQLite file by default (nothing to set up) or on a shared PostgreSQL
database (--db postgres://…).`,
		Example: `  profil demo                              # try it: a demo database, signed in as its gestionnaire
  profil structure search "cap metiers"
  profil structure show "183 300 011 00016" -o json`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       Version,
		// A first word that names no command is a typed usage error; alone, profil shows
		// its help.
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return cmdutil.UnknownCommand(cmd, args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	root.SetVersionTemplate("profil {{.Version}}\n")
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetFlagErrorFunc(flagError)

	pf := root.PersistentFlags()
	pf.String("db", "", "database: a file path, sqlite:PATH, or postgres://… (env PROFIL_DB; default $XDG_DATA_HOME/profil/profil.db)")
	pf.String("server", "", "go through a profil server (https://…) instead of a database (env PROFIL_SERVER)")
	pf.String("config", "", "configuration file (env PROFIL_CONFIG; default $XDG_CONFIG_HOME/profil/config.yaml)")
	pf.StringP("output", "o", "", "output format: table, json, yaml, csv (env PROFIL_OUTPUT)")
	pf.String("token", "", "act with an API token instead of the stored sign-in (env PROFIL_TOKEN)")
	pf.Bool("yes", false, "never prompt: fail where an answer is missing (scripts, cron)")
	pf.Bool("no-color", false, "no colour (also when NO_COLOR is set)")
	pf.BoolP("quiet", "q", false, "print only ids, or nothing, on success")
	pf.Bool("verbose", false, "with an error, also print the system's or the database driver's own error (env PROFIL_VERBOSE)")
	f.Flags = pf
	_ = root.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"table", "json", "yaml", "csv"}, cobra.ShellCompDirectiveNoFileComp
	})

	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if !cmd.HasParent() {
			return nil // profil alone: its help, whatever the configuration
		}
		cfg, err := f.Config()
		if err != nil {
			return err
		}
		if cfg.NoColor {
			f.IO.SetColorEnabled(false)
		}
		if cfg.Yes {
			f.IO.SetNeverPrompt(true)
		}
		f.AllowTemporaryPassword = cmd.Annotations[cmdutil.AnnotationTemporaryPassword] == "yes"
		f.FirstSignInSteps = cmd.Annotations[cmdutil.AnnotationFirstSignIn]
		f.CreatesDatabase = cmd.Annotations[cmdutil.AnnotationCreatesDatabase] == "yes"
		f.CommandPath = cmd.CommandPath()
		if _, err = f.Format(); err != nil && cmd.Flags().Lookup("file") != nil {
			// -o names a format everywhere; a command that writes a file takes it with -f.
			return cmdutil.FlagErrorf("output.not_a_format_file", cfg.Output, cfg.Output)
		}
		return err
	}

	root.AddGroup(
		&cobra.Group{ID: groupStructures, Title: "Structures:"},
		&cobra.Group{ID: groupPeople, Title: "People and requests:"},
		&cobra.Group{ID: groupAccess, Title: "Signing in:"},
		&cobra.Group{ID: groupSetup, Title: "Setting up:"},
	)
	for i, t := range topLevel {
		if only < 0 || i == only {
			c := t.build(f)
			c.GroupID = t.group
			root.AddCommand(c)
		}
	}
	refuseUnknownVerbs(root)
	root.SetHelpCommandGroupID(groupSetup)
	root.SetCompletionCommandGroupID(groupSetup)
	// profil alone runs (it shows its help) only to refuse unknown words with a typed error:
	// its help does not offer it as a usage line.
	root.SetUsageFunc(usage)
	// cobra's help and completion commands, made now rather than at Execute: `help` names an
	// unknown topic, and the completion verbs refuse arguments with a typed usage error.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Run = helpRun(c.Run)
		case "completion":
			for _, shell := range c.Commands() {
				shell.Args = cmdutil.NoCommandArgs
			}
		}
	}
	return root
}

// usage writes a command's usage as cobra's default template does, written in Go (a template
// is parsed and run through reflection at every help: most of the cost of `profil --help`),
// except that the root, which runs only to refuse unknown words, shows no usage line of its own.
func usage(c *cobra.Command) error {
	c.LocalFlags() // merges the parents' persistent flags, as cobra does before its template
	var b strings.Builder
	b.WriteString("Usage:")
	if c.Runnable() && c.HasParent() {
		b.WriteString("\n  " + c.UseLine())
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n  " + c.CommandPath() + " [command]")
	}
	if len(c.Aliases) > 0 {
		b.WriteString("\n\nAliases:\n  " + c.NameAndAliases())
	}
	if c.HasExample() {
		b.WriteString("\n\nExamples:\n" + c.Example)
	}
	if c.HasAvailableSubCommands() {
		cmds := c.Commands()
		listed := func(sub *cobra.Command) bool { return sub.IsAvailableCommand() || sub.Name() == "help" }
		line := func(sub *cobra.Command) {
			b.WriteString("\n  " + pad(sub.Name(), sub.NamePadding()) + " " + sub.Short)
		}
		if len(c.Groups()) == 0 {
			b.WriteString("\n\nAvailable Commands:")
			for _, sub := range cmds {
				if listed(sub) {
					line(sub)
				}
			}
		} else {
			for _, group := range c.Groups() {
				b.WriteString("\n\n" + group.Title)
				for _, sub := range cmds {
					if sub.GroupID == group.ID && listed(sub) {
						line(sub)
					}
				}
			}
			if !c.AllChildCommandsHaveGroup() {
				b.WriteString("\n\nAdditional Commands:")
				for _, sub := range cmds {
					if sub.GroupID == "" && listed(sub) {
						line(sub)
					}
				}
			}
		}
	}
	if c.HasAvailableLocalFlags() {
		b.WriteString("\n\nFlags:\n" + strings.TrimRightFunc(c.LocalFlags().FlagUsages(), unicode.IsSpace))
	}
	if c.HasAvailableInheritedFlags() {
		b.WriteString("\n\nGlobal Flags:\n" + strings.TrimRightFunc(c.InheritedFlags().FlagUsages(), unicode.IsSpace))
	}
	if c.HasHelpSubCommands() {
		b.WriteString("\n\nAdditional help topics:")
		for _, sub := range c.Commands() {
			if sub.IsAdditionalHelpTopicCommand() {
				b.WriteString("\n  " + pad(sub.CommandPath(), sub.CommandPathPadding()) + " " + sub.Short)
			}
		}
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n\nUse \"" + c.CommandPath() + " [command] --help\" for more information about a command.")
	}
	b.WriteString("\n")
	_, err := io.WriteString(c.OutOrStderr(), b.String())
	if err != nil {
		c.PrintErrln(err)
	}
	return err
}

// pad is s followed by spaces up to width runes, as cobra's rpad.
func pad(s string, width int) string {
	if n := utf8.RuneCountInString(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}

// refuseUnknownVerbs makes every command that only groups others ("profil structure") fail on
// a mistyped verb with a usage error, instead of printing its help and exiting 0.
func refuseUnknownVerbs(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		refuseUnknownVerbs(c)
	}
	if cmd.HasParent() && cmd.HasSubCommands() && cmd.Run == nil && cmd.RunE == nil {
		cmd.Args = cobra.ArbitraryArgs
		cmd.RunE = func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				return unknownVerbError{cmdutil.FlagErrorf("usage.unknown_verb_hint", args[0], cmd.CommandPath(), s[0], cmd.CommandPath())}
			}
			return unknownVerbError{cmdutil.FlagErrorf("usage.unknown_verb", args[0], cmd.CommandPath(), cmd.CommandPath())}
		}
	}
}

// helpRun is cobra's help command, which says when a topic names no command (cobra finds
// none through the root's argument check, which profil replaces).
func helpRun(run func(*cobra.Command, []string)) func(*cobra.Command, []string) {
	return func(c *cobra.Command, args []string) {
		if target, rest, err := c.Root().Find(args); err == nil && target == c.Root() && slices.ContainsFunc(rest, func(a string) bool { return !strings.HasPrefix(a, "-") }) {
			c.Printf("Unknown help topic %#q\n", args)
			cobra.CheckErr(c.Root().Usage())
			return
		}
		run(c, args)
	}
}

// unknownVerbError is the usage error of a mistyped verb, which is followed by the way to the
// list of verbs.
type unknownVerbError struct{ error }

func (e unknownVerbError) Unwrap() error { return e.error }

func newCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version of profil",
		Example: "  profil version",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(f.IO.Out, "profil %s\n", Version)
			return nil
		},
	}
}

// Main runs profil with args and returns the exit code.
func Main(ctx context.Context, args []string) int {
	ios := iostreams.System()
	if !ios.IsStdoutTTY() {
		// Piped output is for grep and scripts: never cut a cell to fit a screen.
		ios.SetTerminalWidth(1 << 16)
	}
	f := &cmdutil.Factory{IO: ios}
	if ios.CanPrompt() {
		f.Prompter = prompt.NewSurvey(os.Stdin, os.Stderr)
	}
	return Run(ctx, f, args)
}

// Run executes the command tree on f; tests call it with in-memory streams. Messages are in
// the language of the locale (LC_ALL, LC_MESSAGES, LANG).
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	return run(ctx, f, args, commandTree)
}

// run is Run with tree building the command tree for args.
func run(ctx context.Context, f *cmdutil.Factory, args []string, tree func(*cmdutil.Factory, []string) *cobra.Command) int {
	i18n.SetLang(i18n.FromEnv(os.Getenv))
	defer f.Close()
	var (
		cmd *cobra.Command
		err error
	)
	if len(args) == 1 && (args[0] == "--version" || args[0] == "-v") {
		// What cobra's version flag prints, without building the command tree first (most
		// of the cost of `profil --version`).
		_, err = fmt.Fprintf(f.IO.Out, "profil %s\n", Version)
	} else {
		root := tree(f, args)
		root.SetArgs(args)
		cmd, err = root.ExecuteContextC(ctx)
	}
	if err == nil {
		return cmdutil.ExitOK
	}
	if sig := cmdutil.SignalOf(ctx); sig != nil {
		// Stopped by Ctrl-C or SIGTERM: whatever the database or the context said when the
		// signal cut them off ("context canceled"), say it was interrupted and, when the
		// command knows, what it had done.
		var interrupted *cmdutil.InterruptedError
		if errors.As(err, &interrupted) {
			fmt.Fprintf(f.IO.ErrOut, "profil: %s\n", output.Escape(interrupted.Error()))
		} else {
			fmt.Fprintf(f.IO.ErrOut, "profil: %s\n", sig.Error())
		}
		return sig.Code()
	}
	code := cmdutil.ExitCode(err)
	var detailed *cmdutil.DetailError
	var silent *cmdutil.SilentError
	switch {
	case errors.As(err, &silent):
	case errors.Is(err, prompt.ErrCancelled):
		fmt.Fprintln(f.IO.ErrOut, i18n.T("prompt.cancelled"))
	default:
		// Errors may quote what people typed, stored before control characters were refused.
		fmt.Fprintf(f.IO.ErrOut, "profil: %s\n", output.Escape(cmdutil.ErrorText(err)))
		var detail error
		var transport interface{ Detail() error } // a server that did not answer
		switch {
		case errors.As(err, &detailed):
			detail = detailed.Detail
		case errors.As(err, &transport):
			detail = transport.Detail()
		}
		if detail != nil {
			if cfg, cerr := f.Config(); cerr == nil && cfg.Verbose {
				fmt.Fprintln(f.IO.ErrOut, output.Escape(i18n.T("error.detail", detail)))
			}
		}
		var unknownVerb unknownVerbError
		var unknownCommand *cmdutil.UnknownCommandError
		if code == cmdutil.ExitUsage && cmd != nil && (errors.As(err, &unknownVerb) || errors.As(err, &unknownCommand)) {
			fmt.Fprintln(f.IO.ErrOut, i18n.T("usage.run_help", cmd.CommandPath()))
		}
		if hint := singleDashHint(cmd, args); hint != "" && code == cmdutil.ExitUsage {
			fmt.Fprintln(f.IO.ErrOut, hint)
		}
	}
	return code
}
