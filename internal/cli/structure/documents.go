package structure

import (
	"io"
	"os"
	"path/filepath"

	"github.com/profil-cli/profil/internal/domain"
)

// readDocument reads the file a --proof or --mandate flag names, through a limit: a file larger
// than domain.MaxDocumentSize is refused after reading one byte more than the limit, never held
// whole. The file is only read, never opened by another program or rendered.
func readDocument(flag string, kind domain.DocumentKind, path string) (*domain.Document, error) {
	name := filepath.Base(path)
	// Checked before opening: opening a named pipe would wait for a writer.
	if fi, err := os.Stat(path); err != nil {
		return nil, domain.Invalid(flag, path, "document.unreadable", unwrapPathError(err))
	} else if !fi.Mode().IsRegular() {
		return nil, domain.Invalid(flag, path, "document.not_file")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, domain.Invalid(flag, path, "document.unreadable", unwrapPathError(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, domain.Invalid(flag, path, "document.unreadable", unwrapPathError(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, domain.Invalid(flag, path, "document.not_file")
	}
	data, err := io.ReadAll(io.LimitReader(f, domain.MaxDocumentSize+1))
	if err != nil {
		return nil, domain.Invalid(flag, path, "document.unreadable", unwrapPathError(err))
	}
	d, err := domain.NewDocument(flag, kind, name, data)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
