package cmdutil

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
)

// Dynamic shell completion: values are read from the database the configuration names, as the
// signed-in person may see them. A completion never prompts and never fails loudly: with no
// database or no session it offers nothing.

type completeFunc func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective)

func (f *Factory) complete(fn func(ctx context.Context, api service.API, prefix string) []string) completeFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		defer f.Close()
		// The root's pre-run resolved the configuration for __complete, whose flags cobra
		// parses only now: read it again, so that --db and --token on the line count.
		f.cfg, f.actor = nil, nil
		api, err := f.API(ctx)
		if err != nil {
			// No session that works: what anybody may see.
			if api, err = f.AnonymousAPI(ctx); err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
		}
		return fn(ctx, api, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// CompleteProfiles offers the catalogue's profile codes, with their labels.
func (f *Factory) CompleteProfiles() completeFunc {
	return f.complete(func(ctx context.Context, api service.API, prefix string) []string {
		cat, err := api.Catalogue(ctx)
		if err != nil {
			return nil
		}
		var out []string
		for _, p := range cat {
			if strings.HasPrefix(p.Code, prefix) {
				out = append(out, p.Code+"\t"+p.Application+": "+p.Label)
			}
		}
		return out
	})
}

// CompleteStructures offers the structures matching what is typed: SIRETs (or ids for the
// structures without one) for digits, names and acronyms for words, each with a description.
// A name is offered with the letters typed kept as they are ("cap m" → "cap métiers
// Nouvelle-Aquitaine"): shells keep only the candidates that begin with what is typed, and a
// structure is named with accents and case aside.
func (f *Factory) CompleteStructures() completeFunc {
	return f.complete(func(ctx context.Context, api service.API, prefix string) []string {
		found, err := api.SearchStructures(ctx, service.StructureQuery{Text: prefix, Limit: 30})
		if err != nil {
			return nil
		}
		digits, isNumber := domain.IsDigitsPrefix(prefix)
		out := make([]string, 0, len(found))
		for _, s := range found {
			ref := s.SIRET
			if ref == "" {
				ref = strconv.FormatInt(s.ID, 10)
			}
			if prefix == "" || isNumber {
				if strings.HasPrefix(ref, digits) {
					out = append(out, ref+"\t"+s.Name)
				}
				continue
			}
			desc := strings.TrimSpace(s.SIRET + " " + s.City)
			if strings.HasPrefix(s.Name, prefix) {
				out = append(out, s.Name+"\t"+desc)
			} else if c, ok := completeWord(prefix, s.Name); ok {
				out = append(out, c+"\t"+desc)
			} else if c, ok := completeWord(prefix, s.Acronym); ok {
				out = append(out, c+"\t"+s.Name)
			}
		}
		return out
	})
}

// completeWord returns what is typed followed by the rest of full when full begins with it,
// accents and case aside.
func completeWord(typed, full string) (string, bool) {
	t, w := []rune(typed), []rune(full)
	if full == "" || len(t) > len(w) {
		return "", false
	}
	for i := range t {
		if t[i] != w[i] && domain.Fold(string(t[i])) != domain.Fold(string(w[i])) {
			return "", false
		}
	}
	rest := string(w[len(t):])
	if typed == strings.ToLower(typed) {
		rest = strings.ToLower(rest) // "cap m" → "cap métiers nouvelle-aquitaine"
	}
	return typed + rest, true
}

// CompletePendingRequests offers the ids of the pending requests the actor may decide, but
// those already on the line.
func (f *Factory) CompletePendingRequests() completeFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		typed := map[string]bool{}
		for _, a := range args {
			typed[strings.TrimPrefix(a, "#")] = true
		}
		return f.complete(func(ctx context.Context, api service.API, prefix string) []string {
			rs, err := api.ListRequests(ctx, service.RequestQuery{Status: domain.StatusPending, Limit: 200})
			if err != nil {
				return nil
			}
			var out []string
			for _, r := range rs {
				id := strconv.FormatInt(r.ID, 10)
				if strings.HasPrefix(id, prefix) && !typed[id] {
					out = append(out, id+"\t"+string(r.Kind)+" "+r.UserEmail+" → "+r.StructureName)
				}
			}
			return out
		})(cmd, args, toComplete)
	}
}

// CompleteAllowedProfiles offers the profile codes the structure on the line allows (the
// catalogue's rules on its kinds), but those already on the line. structureOf finds that
// structure from the line; with none, every code is offered.
func (f *Factory) CompleteAllowedProfiles(structureOf func(ctx context.Context, api service.API, cmd *cobra.Command, args []string) (domain.Structure, bool)) completeFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		typed := map[string]bool{}
		for _, a := range args {
			typed[a] = true
		}
		if cmd.Flags().Lookup("profile") != nil {
			if v, err := cmd.Flags().GetStringSlice("profile"); err == nil {
				for _, c := range v {
					typed[c] = true
				}
			}
		}
		return f.complete(func(ctx context.Context, api service.API, prefix string) []string {
			cat, err := api.Catalogue(ctx)
			if err != nil {
				return nil
			}
			st, known := structureOf(ctx, api, cmd, args)
			taken := map[string]bool{} // the exclusive families a typed code holds
			for code := range typed {
				if p, ok := cat.Lookup(code); ok && p.Exclusive && p.Family != "" {
					taken[p.Family] = true
				}
			}
			var out []string
			for _, p := range cat {
				if !strings.HasPrefix(p.Code, prefix) || typed[p.Code] || (p.Exclusive && taken[p.Family]) {
					continue
				}
				if known && p.RequiredKind != "" && !st.HasKind(p.RequiredKind) {
					continue
				}
				out = append(out, p.Code+"\t"+p.Application+": "+p.Label)
			}
			return out
		})(cmd, args, toComplete)
	}
}

// StructureFlag finds the structure named by the --structure flag of the line.
func StructureFlag(ctx context.Context, api service.API, cmd *cobra.Command, _ []string) (domain.Structure, bool) {
	v, err := cmd.Flags().GetString("structure")
	if err != nil || strings.TrimSpace(v) == "" {
		return domain.Structure{}, false
	}
	ref, err := domain.ParseStructureRef(v)
	if err != nil {
		return domain.Structure{}, false
	}
	st, err := api.Structure(ctx, ref)
	return st, err == nil
}

// StructureOfRequests finds the structure of the first request typed on the line (for a
// structure request, the structure asked for).
func StructureOfRequests(ctx context.Context, api service.API, _ *cobra.Command, args []string) (domain.Structure, bool) {
	for _, a := range args {
		id, err := strconv.ParseInt(strings.TrimPrefix(a, "#"), 10, 64)
		if err != nil {
			continue
		}
		r, err := api.Request(ctx, id)
		if err != nil {
			return domain.Structure{}, false
		}
		if r.StructureID == 0 {
			return r.Structure, true
		}
		st, err := api.Structure(ctx, domain.StructureRef{ID: r.StructureID})
		return st, err == nil
	}
	return domain.Structure{}, false
}

// CompleteMemberEmails offers the e-mails of the members of the structures the actor may see.
func (f *Factory) CompleteMemberEmails() completeFunc {
	return f.complete(func(ctx context.Context, api service.API, prefix string) []string {
		var ms []domain.Member
		actor, err := api.Whoami(ctx)
		if err != nil {
			return nil
		}
		if actor.Manager {
			ms, err = api.ListMembersOf(ctx, nil, false)
		} else {
			d, e := api.User(ctx, "")
			err = e
			for _, m := range d.Memberships {
				more, e := api.ListMembersOf(ctx, &domain.StructureRef{ID: m.StructureID}, false)
				if e == nil {
					ms = append(ms, more...)
				}
			}
		}
		if err != nil {
			return nil
		}
		seen := map[string]bool{}
		var out []string
		for _, m := range ms {
			e := m.User.Email
			if !seen[e] && strings.HasPrefix(e, strings.ToLower(prefix)) {
				seen[e] = true
				out = append(out, e)
			}
		}
		return out
	})
}

// FirstArg completes the first argument with fn, and nothing after it (no file names).
func FirstArg(fn completeFunc) completeFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return fn(cmd, args, toComplete)
	}
}
