package service

import (
	"cmp"
	"context"
	"slices"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// The order of a bulk decision. A batch writes, for each request, one entry in indexes keyed by
// structure (the structure's members, its audit trail, its requests). Given in the order they
// came, 10,000 requests over 1,000 structures put ten requests of every structure in every
// other batch of 500: each batch changes a page of each index for each of 500 structures, and
// writes it again at its commit, and 20 batches write the same pages ten times over. Decided
// one structure after another, each page is changed by one batch (at a million accounts,
// about 30 % less time).
//
// Requests that bear on one another keep the order they were given in: those about one
// structure (the first approved on a structure without référent becomes it) and those about
// one person (an account request before the same person's request to join another
// structure), and so those linked through them. Requests linked in neither way can be decided
// in any order with the same result. The order given is kept whole when a request creates or
// changes a structure (two of them may claim one SIRET, and the first approved wins), or when
// one is the decider's own (it could change what the decider may decide).

// decisionOrder returns ids as a bulk decision of more than one batch decides them: the groups
// of requests that bear on one another, each in the order given, one after another in the
// order of their first request. keys are what the requests are about (RequestKeys); an id
// without a key (not found) is a group of its own.
func decisionOrder(ids []int64, keys []store.RequestKey, actor domain.Actor) []int64 {
	byID := make(map[int64]store.RequestKey, len(keys))
	for _, k := range keys {
		if k.Kind == domain.RequestStructure || k.Kind == domain.RequestChange || (actor.UserID != 0 && k.UserID == actor.UserID) {
			return ids
		}
		byID[k.ID] = k
	}
	// Union-find over the positions of ids: a position joins the first one of its structure
	// and the first one of its person.
	parent := make([]int, len(ids))
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(i, j int) {
		if i, j = find(i), find(j); i != j {
			parent[max(i, j)] = min(i, j) // a group's root is its first position
		}
	}
	firstOfStructure, firstOfPerson := map[int64]int{}, map[int64]int{}
	join := func(first map[int64]int, key int64, i int) {
		if key == 0 {
			return
		}
		if j, ok := first[key]; ok {
			union(i, j)
		} else {
			first[key] = i
		}
	}
	for i, id := range ids {
		parent[i] = i
		if k, ok := byID[id]; ok {
			join(firstOfStructure, k.StructureID, i)
			join(firstOfPerson, k.UserID, i)
		}
	}
	order := make([]int, len(ids))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(find(a), find(b)), cmp.Compare(a, b))
	})
	out := make([]int64, len(ids))
	for i, at := range order {
		out[i] = ids[at]
	}
	return out
}

// orderDecisions returns ids in the order DecideMany decides them in: as given when they fit
// in one batch (its writes are one commit whatever their order), by decisionOrder otherwise.
func (s *Service) orderDecisions(ctx context.Context, actor domain.Actor, ids []int64) ([]int64, error) {
	if len(ids) <= s.batchSize() || s.keepOrder {
		return ids, nil
	}
	var keys []store.RequestKey
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		keys, err = tx.RequestKeys(ctx, ids)
		return err
	})
	if err != nil {
		return nil, err
	}
	ordered := decisionOrder(ids, keys, actor)
	if !slices.Equal(ordered, ids) {
		s.regrouped.Add(1)
	}
	return ordered, nil
}
