package sqlstore

import "github.com/profil-cli/profil/internal/store"

// AbortNextCommit makes the next commit of Update on st fail as a transaction the database
// aborted, which Update runs again.
func AbortNextCommit(st store.Store) { st.(*DB).abortCommits.Add(1) }
