package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
)

// RunWholeTree is Run building the whole command tree whatever the arguments.
func RunWholeTree(ctx context.Context, f *cmdutil.Factory, args []string) int {
	return run(ctx, f, args, func(f *cmdutil.Factory, _ []string) *cobra.Command { return NewRootCmd(f) })
}

// TopLevelWords are the words that name each command under the root, as Run knows them.
func TopLevelWords() [][]string {
	var words [][]string
	for _, t := range topLevel {
		words = append(words, t.words)
	}
	return words
}
