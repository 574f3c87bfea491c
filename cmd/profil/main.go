// Command profil administers the accounts of vocational-training portals.
package main

import (
	"context"
	"os"

	"github.com/profil-cli/profil/internal/cli"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
)

func main() {
	// Ctrl-C and SIGTERM cancel the context: commands stop between two transactions and say
	// what they did (exit 130 / 143).
	ctx, stop := cmdutil.SignalContext(context.Background())
	code := cli.Main(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
