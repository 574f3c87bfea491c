package cmdutil

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/profil-cli/profil/internal/i18n"
)

// Credentials are the session tokens of this person, one per database or server, kept in
// $XDG_CONFIG_HOME/profil/credentials.json with mode 0600 (the database only has their hash).
// After `profil login --server URL`, the file also names that server: commands go through it
// when no database is named. It never holds a database's password.
type Credentials struct {
	path string
	data credentialsFile
}

type credentialsFile struct {
	// Server is the server of the last `profil login --server`.
	Server   string             `json:"server,omitempty"`
	Sessions map[string]Session `json:"sessions"`
}

// Session is a stored sign-in: the database it is for (as shown to people: no password), the
// e-mail, and the token.
type Session struct {
	Email string `json:"email"`
	Token string `json:"token"`
}

// LoadCredentials reads the credentials file; a missing file is an empty one.
func LoadCredentials() (*Credentials, error) {
	dir, err := ConfigDir()
	if err != nil {
		return nil, err
	}
	c := &Credentials{path: filepath.Join(dir, "credentials.json"), data: credentialsFile{Sessions: map[string]Session{}}}
	b, err := os.ReadFile(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, i18n.Errorf("credentials.read", err)
	}
	if err := json.Unmarshal(b, &c.data); err != nil {
		return nil, i18n.Errorf("credentials.corrupt", c.path, err)
	}
	if c.data.Sessions == nil {
		c.data.Sessions = map[string]Session{}
	}
	return c, nil
}

// Path is where the credentials live.
func (c *Credentials) Path() string { return c.path }

// Get returns the session for the database key.
func (c *Credentials) Get(db string) (Session, bool) {
	s, ok := c.data.Sessions[db]
	return s, ok
}

// Set stores the session for the database key and saves the file.
func (c *Credentials) Set(db string, s Session) error {
	c.data.Sessions[db] = s
	return c.save()
}

// Server is the server of the last `profil login --server`, if any.
func (c *Credentials) Server() string { return c.data.Server }

// SetServer makes server the one commands go through when no database is named ("" forgets
// it) and saves the file.
func (c *Credentials) SetServer(server string) error {
	if c.data.Server == server {
		return nil
	}
	c.data.Server = server
	return c.save()
}

// Delete forgets the session for the database key and saves the file.
func (c *Credentials) Delete(db string) error {
	if _, ok := c.data.Sessions[db]; !ok {
		return nil
	}
	delete(c.data.Sessions, db)
	return c.save()
}

// save writes the file atomically, readable by its owner only.
func (c *Credentials) save() error {
	if err := os.MkdirAll(filepath.Dir(c.path), 0o700); err != nil {
		return i18n.Errorf("credentials.save", err)
	}
	b, err := json.MarshalIndent(c.data, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(c.path), ".credentials-*")
	if err != nil {
		return i18n.Errorf("credentials.save", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), c.path)
}
