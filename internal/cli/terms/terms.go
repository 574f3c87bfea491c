// Package terms holds `profil terms`: the terms of use (CGU, RGPD notice) people accept at their
// first sign-in and again after each new version.
package terms

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/output"
)

// Version is the JSON shape of a version of the terms.
type Version struct {
	Version     string    `json:"version"`
	PublishedAt time.Time `json:"published_at"`
	SHA256      string    `json:"sha256"`
	Body        string    `json:"body"`
}

var versionColumns = []output.Column[Version]{
	{Header: "Version", Value: func(v Version) string { return v.Version }},
	{Header: "Published", Value: func(v Version) string { return v.PublishedAt.Format("2006-01-02 15:04Z") }},
	{Header: "SHA-256", Value: func(v Version) string { return v.SHA256 }},
}

func fromVersion(v domain.TermsVersion) Version {
	return Version{Version: v.Version, PublishedAt: v.PublishedAt.UTC().Truncate(time.Second), SHA256: v.SHA256, Body: v.Body}
}

// stepTerms lets a command run while the person has the current terms to accept.
var stepTerms = map[string]string{cmdutil.AnnotationFirstSignIn: string(domain.StepTerms)}

// NewCmd builds `profil terms` and its verbs.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "terms",
		Short: "Terms of use: publish, read, accept, and who accepted them",
		Long: `The terms of use (CGU, RGPD notice) are accepted at registration, and again after each new
version. Gestionnaires publish a version (` + "`terms publish`" + `); a version is never changed once
published, and the last one published is the current one. From then on every signed-in session
of a person who has not accepted it is refused (exit 4, naming ` + "`profil terms accept`" + `) until
they accept it; API tokens keep working, so that scheduled jobs do not break, and their owners
are listed by ` + "`terms status`" + ` as not having accepted.`,
		Example: `  profil terms publish --version 2026-02 --file cgu-2026-02.txt
  profil terms show
  profil terms accept
  profil terms status -o json`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(newCmdPublish(f), newCmdShow(f), newCmdAccept(f), newCmdStatus(f))
	return cmd
}

// maxFile bounds what publish reads: the largest terms accepted, and one byte more to tell.
const maxFile = 512<<10 + 1

func newCmdPublish(f *cmdutil.Factory) *cobra.Command {
	var version, file string
	cmd := &cobra.Command{
		Use:   "publish --version V --file F",
		Short: "Publish a new version of the terms of use (gestionnaires)",
		Long: `Publish a new version of the terms of use: the text of the file (UTF-8, without control
characters; '-' reads standard input), under a version name (letters, digits, '.', '-', '_').
It becomes the current version at once: every person must accept it at their next command. A
version is never changed once published: publishing a version name again is refused (exit 5).`,
		Example: `  profil terms publish --version 2026-02 --file cgu-2026-02.txt`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(version) == "" {
				return cmdutil.FlagErrorf("register.missing_one", "--version")
			}
			if strings.TrimSpace(file) == "" {
				return cmdutil.FlagErrorf("register.missing_one", "--file")
			}
			body, err := readFile(f, file)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			v, err := api.PublishTerms(ctx, version, body)
			if err != nil {
				return err
			}
			if cfg, err := f.Config(); err == nil && cfg.Quiet {
				fmt.Fprintln(f.IO.Out, v.Version)
				return nil
			}
			f.Say("terms.published", v.Version)
			format, err := f.Format()
			if err != nil {
				return err
			}
			return output.PrintOne(f.IO, format, fromVersion(v), versionColumns)
		},
	}
	cmd.Flags().StringVar(&version, "version", "", "the name of the version (2026-02, v3…)")
	cmd.Flags().StringVarP(&file, "file", "f", "", "the text of the terms ('-' for standard input)")
	return cmd
}

func readFile(f *cmdutil.Factory, path string) (string, error) {
	var r io.Reader = f.IO.In
	if path != "-" {
		file, err := os.Open(path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return "", domain.Errorf(domain.ErrNotFound, "file.not_found", path)
		case err != nil:
			return "", &cmdutil.DetailError{Err: i18n.Errorf("file.cannot_open", path), Detail: err}
		}
		defer file.Close()
		r = file
	}
	b, err := io.ReadAll(io.LimitReader(r, maxFile))
	if err != nil {
		return "", &cmdutil.DetailError{Err: i18n.Errorf("file.cannot_open", path), Detail: err}
	}
	return string(b), nil
}

func newCmdShow(f *cmdutil.Factory) *cobra.Command {
	var version string
	cmd := &cobra.Command{
		Use:   "show [--version V]",
		Short: "Print the terms of use, the current version by default (no sign-in needed)",
		Long: `Print the text of the terms of use: the current version, or the one --version names. Anyone
may read them, signed in or not: they are accepted when registering. With -o json, the
version, its publication time, the SHA-256 of its text and the text.`,
		Example: `  profil terms show
  profil terms show --version 2026-01 -o json`,
		Args:        cmdutil.NoArgs,
		Annotations: stepTerms,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			v, err := api.Terms(ctx, version)
			if err != nil {
				return err
			}
			format, err := f.Format()
			if err != nil {
				return err
			}
			if format != output.Table {
				return output.PrintOne(f.IO, format, fromVersion(v), versionColumns)
			}
			f.Say("terms.show_header", v.Version, v.PublishedAt.UTC().Format("2006-01-02"))
			body := output.Escape(v.Body)
			if !strings.HasSuffix(body, "\n") {
				body += "\n"
			}
			_, err = io.WriteString(f.IO.Out, body)
			return err
		},
	}
	cmd.Flags().StringVar(&version, "version", "", "the version to print (default: the current one)")
	return cmd
}

func newCmdAccept(f *cmdutil.Factory) *cobra.Command {
	var version string
	cmd := &cobra.Command{
		Use:   "accept [--version V]",
		Short: "Accept the terms of use (the current version by default)",
		Long: `Accept the current version of the terms of use (or the one --version names). Accepting a
version accepted already changes nothing (exit 0). Until the current version is accepted, a
signed-in person may run nothing but this, ` + "`terms show`" + `, whoami and logout.`,
		Example:     "  profil terms accept\n  profil terms accept --version 2026-02",
		Args:        cmdutil.NoArgs,
		Annotations: stepTerms,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			res, err := api.AcceptTerms(ctx, version)
			if err != nil {
				return err
			}
			if res.Already {
				f.Say("terms.accepted_already", res.Version)
			} else {
				f.Say("terms.accepted", res.Version)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&version, "version", "", "the version to accept (default: the current one)")
	return cmd
}

// Person is one row of `terms status`.
type Person struct {
	Email      string     `json:"email"`
	Name       string     `json:"name"`
	Trainee    bool       `json:"trainee"`
	Accepted   bool       `json:"accepted"`
	Last       string     `json:"last_version"`
	AcceptedAt *time.Time `json:"accepted_at"`
}

// Status is the JSON shape of `terms status`.
type Status struct {
	Current  string   `json:"current"`
	Accepted int      `json:"accepted"`
	Pending  int      `json:"pending"`
	People   []Person `json:"people"`
}

var personColumns = []output.Column[Person]{
	{Header: "E-MAIL", Value: func(p Person) string { return p.Email }, Keep: true},
	{Header: "NAME", Value: func(p Person) string { return p.Name }},
	{Header: "ACCEPTED", Value: func(p Person) string {
		if p.Accepted {
			return "✓"
		}
		return "✗"
	}},
	{Header: "LAST VERSION", Value: func(p Person) string { return p.Last }},
}

func newCmdStatus(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Who accepted which version of the terms of use (gestionnaires)",
		Long: `List every active account: whether its person accepted the current version of the terms of
use, and the last version they accepted; then the counts. The owners of API tokens who have
not signed in since a new version are listed as not having accepted it (their tokens keep
working).`,
		Example: `  profil terms status
  profil terms status -o json | jq '.people[] | select(.accepted | not) | .email'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			api, err := f.API(ctx)
			if err != nil {
				return err
			}
			r, err := api.TermsStatus(ctx)
			if err != nil {
				return err
			}
			format, err := f.Format()
			if err != nil {
				return err
			}
			st := Status{Current: r.Current, Accepted: r.Accepted, Pending: r.Pending, People: make([]Person, len(r.People))}
			for i, p := range r.People {
				st.People[i] = Person{Email: p.Email, Name: p.Name, Trainee: p.Trainee, Accepted: p.Accepted, Last: p.Last, AcceptedAt: p.AcceptedAt}
			}
			switch format {
			case output.JSON, output.YAML:
				return output.PrintOne(f.IO, format, st, nil)
			case output.CSV:
				return output.Print(f.IO, format, st.People, personColumns)
			}
			if r.Current == "" {
				f.Say("notfound.terms_none")
				return nil
			}
			if err := output.Print(f.IO, format, st.People, personColumns); err != nil {
				return err
			}
			f.Say("terms.status_counts", r.Current, r.Accepted, r.Pending)
			return nil
		},
	}
}
