package cmdutil

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store"
)

// Dynamic shell completion: values are read from the database the configuration names, as the
// signed-in person may see them. A completion never prompts and never fails loudly: with no
// database or no session it offers nothing.

type completeFunc func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective)

func (f *Factory) complete(fn func(ctx context.Context, svc *service.Service, actor domain.Actor, prefix string) []string) completeFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		defer f.Close()
		svc, err := f.Service(ctx)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		actor, _ := f.Actor(ctx)
		return fn(ctx, svc, actor, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// CompleteProfiles offers the catalogue's profile codes, with their labels.
func (f *Factory) CompleteProfiles() completeFunc {
	return f.complete(func(ctx context.Context, svc *service.Service, actor domain.Actor, prefix string) []string {
		cat, err := svc.Catalogue(ctx, actor)
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

// CompleteStructures offers SIRETs (or ids for structures without one) matching what is typed,
// with the structure's name as description.
func (f *Factory) CompleteStructures() completeFunc {
	return f.complete(func(ctx context.Context, svc *service.Service, actor domain.Actor, prefix string) []string {
		found, err := svc.SearchStructures(ctx, actor, store.StructureQuery{Text: prefix, Limit: 30})
		if err != nil {
			return nil
		}
		out := make([]string, 0, len(found))
		for _, s := range found {
			ref := s.SIRET
			if ref == "" {
				ref = strconv.FormatInt(s.ID, 10)
			}
			out = append(out, ref+"\t"+s.Name)
		}
		return out
	})
}

// CompletePendingRequests offers the ids of the pending requests the actor may decide.
func (f *Factory) CompletePendingRequests() completeFunc {
	return f.complete(func(ctx context.Context, svc *service.Service, actor domain.Actor, prefix string) []string {
		rs, err := svc.ListRequests(ctx, actor, service.RequestFilter{Query: store.RequestQuery{Status: domain.StatusPending, Limit: 200}})
		if err != nil {
			return nil
		}
		var out []string
		for _, r := range rs {
			id := strconv.FormatInt(r.ID, 10)
			if strings.HasPrefix(id, prefix) {
				out = append(out, id+"\t"+string(r.Kind)+" "+r.UserEmail+" → "+r.StructureName)
			}
		}
		return out
	})
}

// CompleteMemberEmails offers the e-mails of the members of the structures the actor may see.
func (f *Factory) CompleteMemberEmails() completeFunc {
	return f.complete(func(ctx context.Context, svc *service.Service, actor domain.Actor, prefix string) []string {
		var ms []domain.Member
		var err error
		if actor.Manager {
			ms, err = svc.ListMembersOf(ctx, actor, nil, false)
		} else {
			d, e := svc.User(ctx, actor, "")
			err = e
			for _, m := range d.Memberships {
				more, e := svc.ListMembersOf(ctx, actor, &domain.StructureRef{ID: m.StructureID}, false)
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
