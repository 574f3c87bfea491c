package request

import (
	"context"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
)

// DocumentOptions are the inputs of `request document`.
type DocumentOptions struct {
	ID    int64
	Which string // proof, mandate, or the file name
	File  string
}

// NewCmdDocument builds `request document`: one document of a request, written out byte for
// byte.
func NewCmdDocument(f *cmdutil.Factory) *cobra.Command {
	opts := &DocumentOptions{}
	cmd := &cobra.Command{
		Use:   "document ID KIND|NAME -f FILE",
		Short: "Write a document of a request to a file",
		Long: `Write one document joined to a request (the proof of legal existence, or the mandate) to a
file, byte for byte: the file appears whole or not at all, readable by you only (mode 0600); "-f -" writes it to
standard output, unless that is a terminal.
Name the document by its kind (proof, mandate) or its file name, as ` + "`profil request show`" + ` lists
them. profil never opens or renders a document; look at it with a viewer you trust, and check its
SHA-256. Whoever may see the request may read its documents; each reading is audited.`,
		Example: `  profil request document 42 proof -f /tmp/kbis-42.pdf
  profil request document 42 mandate --file mandat.pdf && sha256sum mandat.pdf
  profil request document 42 proof -f - | sha256sum`,
		Args: cmdutil.ExactArgs(2, "args.request_document"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			opts.ID, opts.Which = id, args[1]
			if strings.TrimSpace(opts.File) == "" {
				return cmdutil.FlagErrorf("document.file_required")
			}
			if opts.File == "-" && f.IO.IsStdoutTTY() {
				// A PDF's bytes on a terminal would be read as its control sequences.
				return cmdutil.FlagErrorf("document.stdout_terminal")
			}
			if fi, err := os.Stat(opts.File); err == nil && fi.IsDir() {
				return domain.Invalid("file", opts.File, "document.file_folder")
			}
			return documentRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.File, "file", "f", "", "where to write the document (required)")
	_ = cmd.RegisterFlagCompletionFunc("file", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveDefault
	})
	return cmd
}

func documentRun(ctx context.Context, f *cmdutil.Factory, opts *DocumentOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	d, err := api.RequestDocument(ctx, opts.ID, opts.Which)
	if err != nil {
		return err
	}
	if opts.File == "-" {
		if _, err := f.IO.Out.Write(d.Content); err != nil {
			return err
		}
		f.Say("document.written", d.Name, i18n.T("document.stdout"), d.Size, d.SHA256)
		return nil
	}
	out, err := cmdutil.CreateAtomic("--file", opts.File)
	if err != nil {
		return err
	}
	defer out.Abort()
	if _, err := out.Write(d.Content); err != nil {
		return err
	}
	if err := out.Commit(); err != nil {
		return err
	}
	f.Say("document.written", d.Name, opts.File, d.Size, d.SHA256)
	return nil
}
