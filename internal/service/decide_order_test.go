package service

import (
	"fmt"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

func TestDecisionOrder(t *testing.T) {
	account := func(id, user, structure int64) store.RequestKey {
		return store.RequestKey{ID: id, Kind: domain.RequestAccount, UserID: user, StructureID: structure}
	}
	affiliation := func(id, user, structure int64) store.RequestKey {
		return store.RequestKey{ID: id, Kind: domain.RequestAffiliation, UserID: user, StructureID: structure}
	}
	manager := domain.Actor{UserID: 1, Manager: true}
	tests := []struct {
		name  string
		ids   []int64
		keys  []store.RequestKey
		actor domain.Actor
		want  []int64
	}{
		{
			name: "one structure after another, each in the order given",
			ids:  []int64{10, 20, 11, 21, 12, 22},
			keys: []store.RequestKey{account(10, 100, 1), account(11, 101, 1), account(12, 102, 1),
				account(20, 200, 2), account(21, 201, 2), account(22, 202, 2)},
			actor: manager,
			want:  []int64{10, 11, 12, 20, 21, 22},
		},
		{
			// 13 asks structure 2 for the person of 10: structures 1 and 2 are decided as one
			// group, in the order given (10 activates the account 13 then attaches).
			name: "a person links two structures",
			ids:  []int64{10, 20, 30, 11, 13, 21, 31},
			keys: []store.RequestKey{account(10, 100, 1), account(11, 101, 1), affiliation(13, 100, 2),
				account(20, 200, 2), account(21, 201, 2), account(30, 300, 3), account(31, 301, 3)},
			actor: manager,
			want:  []int64{10, 20, 11, 13, 21, 30, 31},
		},
		{
			// 30 and 11 join the groups of 10 and of 20 into one, ordered by its first request.
			name: "groups joined by a later request",
			ids:  []int64{20, 30, 10, 21, 11},
			keys: []store.RequestKey{account(10, 100, 1), affiliation(11, 200, 1), account(20, 200, 2), account(21, 201, 2),
				account(30, 300, 3)},
			actor: manager,
			want:  []int64{20, 10, 21, 11, 30},
		},
		{
			name:  "an unknown id stays a group of its own",
			ids:   []int64{10, 99, 20, 11},
			keys:  []store.RequestKey{account(10, 100, 1), account(11, 101, 1), account(20, 200, 2)},
			actor: manager,
			want:  []int64{10, 11, 99, 20},
		},
		{
			name: "a structure request keeps the order given",
			ids:  []int64{10, 20, 11, 5},
			keys: []store.RequestKey{account(10, 100, 1), account(11, 101, 1), account(20, 200, 2),
				{ID: 5, Kind: domain.RequestStructure}},
			actor: manager,
			want:  []int64{10, 20, 11, 5},
		},
		{
			name: "a change request keeps the order given",
			ids:  []int64{10, 20, 11, 5},
			keys: []store.RequestKey{account(10, 100, 1), account(11, 101, 1), account(20, 200, 2),
				{ID: 5, Kind: domain.RequestChange, UserID: 300, StructureID: 3}},
			actor: manager,
			want:  []int64{10, 20, 11, 5},
		},
		{
			name: "the decider's own request keeps the order given",
			ids:  []int64{10, 20, 11, 21},
			keys: []store.RequestKey{account(10, 100, 1), account(11, 101, 1), account(20, 200, 2),
				affiliation(21, 7, 2)},
			actor: domain.Actor{UserID: 7},
			want:  []int64{10, 20, 11, 21},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := decisionOrder(tc.ids, tc.keys, tc.actor)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("decisionOrder(%v) = %v, want %v", tc.ids, got, tc.want)
			}
		})
	}
}
