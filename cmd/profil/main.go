// Command profil administers the accounts of vocational-training portals.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/profil-cli/profil/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Main(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
