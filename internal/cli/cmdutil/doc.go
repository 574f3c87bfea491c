// Package cmdutil is what every command of profil shares (the name is the one gh, the GitHub
// command line, gives the same package):
//
//   - the Factory (factory.go), which hands a command its dependencies, each made on first
//     use: the configuration, the database, the use cases (API: the local database, or the
//     client of a server, remote.go), who runs the command (Actor: the token, else the stored
//     session), whether questions may be asked (CanPrompt), a password on standard input
//     (ReadSecretStdin), and Say and Stderrf for messages on stderr; and the annotations by
//     which a command tells the Factory it creates a database or runs with a temporary
//     password or at a first-sign-in step;
//   - the configuration (config.go): global flags, PROFIL_* variables and config.yaml resolved
//     once, flag first;
//   - the credentials (credentials.go): the session tokens kept in credentials.json, one per
//     database or server, and the server commands go through;
//   - errors and exit codes (errors.go): usage errors (FlagError, FlagErrorf), errors that
//     keep a detail for --verbose (DetailError), errors already reported (SilentError),
//     ExitCode, the one place errors become numbers, and ErrorText;
//   - usage errors of the command line (args.go, usage.go): argument checks (ExactArgs,
//     NoArgs…), unknown commands with the ones meant, pflag's errors in the person's language;
//   - ListPrinter (list.go), how every list command prints what it found;
//   - dynamic shell completion (complete.go): structures, profiles and pending requests from
//     the database, as the signed-in person may see them;
//   - interrupt handling (interrupt.go): the context a first SIGINT or SIGTERM cancels, and
//     InterruptedError, a command stopped saying what it had done (exit 130 or 143);
//   - atomic file writes (atomic.go): exports and reports appear whole or not at all, readable
//     by their owner only;
//   - Program (program.go): how hints name profil, "go run ./cmd/profil" included.
package cmdutil
