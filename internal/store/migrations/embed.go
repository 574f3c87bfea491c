// Package migrations embeds the schema, one folder per SQL dialect with the same numbering, so
// the binary carries everything it needs to create or upgrade a database.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// FS returns the migrations of one dialect: "sqlite" or "postgres".
func FS(dialect string) fs.FS {
	sub, err := fs.Sub(files, dialect)
	if err != nil {
		panic(err) // the folders are embedded at build time; a miss is a programming error
	}
	return sub
}
