package cli

import (
	"errors"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/i18n"
)

// flagError is the usage error of a flag cobra could not read, with the flag the person most
// likely meant when there is one ("--stauts" → "--status").
func flagError(cmd *cobra.Command, err error) error {
	var notExist *pflag.NotExistError
	if errors.As(err, &notExist) && notExist.GetSpecifiedShortnames() == "" {
		name := notExist.GetSpecifiedName()
		if s := suggestFlag(cmd, name); s != "" {
			return cmdutil.FlagErrorf("usage.unknown_flag_hint", "--"+name, "--"+s, cmd.CommandPath())
		}
	}
	return cmdutil.FlagErrorf("usage.see_help", cmdutil.UsageText(err), cmd.CommandPath())
}

// suggestFlag returns the long flag of cmd closest to name: a prefix of it, or at most two
// letters away.
func suggestFlag(cmd *cobra.Command, name string) string {
	best, bestDist := "", 3
	visit := func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := levenshtein(strings.ToLower(name), f.Name)
		if len(name) >= 3 && strings.HasPrefix(f.Name, strings.ToLower(name)) {
			d = 1
		}
		if d < bestDist {
			best, bestDist = f.Name, d
		}
	}
	cmd.LocalFlags().VisitAll(visit)
	cmd.InheritedFlags().VisitAll(visit)
	return best
}

// singleDashHint names the long flags written with one dash in args ("-output" for
// "--output"), which pflag reads as a cluster of one-letter flags.
func singleDashHint(cmd *cobra.Command, args []string) string {
	if cmd == nil {
		return ""
	}
	for _, a := range args {
		if a == "--" {
			break
		}
		if len(a) < 3 || a[0] != '-' || a[1] == '-' {
			continue
		}
		name, _, _ := strings.Cut(a[1:], "=")
		if cmd.Flags().Lookup(name) != nil || cmd.InheritedFlags().Lookup(name) != nil {
			return i18n.T("usage.single_dash", a, "-"+a)
		}
	}
	return ""
}

// levenshtein is the edit distance between a and b.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
