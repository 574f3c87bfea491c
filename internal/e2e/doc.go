// Package e2e runs the real profil binary, built once per test binary, in separate OS
// processes against each database engine: what no in-process test can show (locks and races
// across processes, signals and kills, exit codes as a shell sees them), and profil as a
// newcomer or a cron job meets it: a fresh home, no terminal, the README's tour. It also runs
// a `profil serve` with clients in other processes, and `request review` in a real
// pseudo-terminal through tmux. The package is its tests; this file only documents it.
package e2e
