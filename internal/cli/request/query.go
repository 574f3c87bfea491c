package request

import (
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

func storeQuery(structureID int64) store.RequestQuery {
	return store.RequestQuery{StructureID: structureID, Status: domain.StatusPending}
}
