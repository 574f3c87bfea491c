package token

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
)

// ListOptions are the inputs of `token list`.
type ListOptions struct {
	// ActiveOnly hides revoked and expired tokens.
	ActiveOnly bool
}

// NewCmdList builds `token list`.
func NewCmdList(f *cmdutil.Factory) *cobra.Command {
	opts := &ListOptions{}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List your API tokens, with their last use",
		Long: `List your API tokens, oldest first: name, scope, when each was created, expires and was
last used, and its status (active, expired or revoked). The tokens themselves are never
shown again. -q prints only the ids.`,
		Example: `  profil token list
  profil token list --active
  profil token list -o json | jq -r '.[] | select(.status == "expired") | .id'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return listRun(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.ActiveOnly, "active", false, "only the tokens that still work")
	return cmd
}

func listRun(ctx context.Context, f *cmdutil.Factory, opts *ListOptions) error {
	api, err := f.API(ctx)
	if err != nil {
		return err
	}
	ts, err := api.ListTokens(ctx)
	if err != nil {
		return err
	}
	all := Tokens(ts, now(f))
	items := all[:0:0]
	for _, t := range all {
		if !opts.ActiveOnly || t.Status == StatusActive {
			items = append(items, t)
		}
	}
	return cmdutil.PrintList(f, items, func(t Token) int64 { return t.ID }, "token_list.empty", func(ts []Token) []Token { return ts }, Columns)
}
