package cmdutil_test

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/store/sqlstore"
)

const secretPW = "S3cretPassw0rd"

func TestRedactDSN(t *testing.T) {
	tests := []struct {
		name, dsn string
		want      string   // exact result, when it matters
		keep      []string // parts that must survive, so people still see which database
		hidden    []string // must not survive
	}{
		{
			name: "postgres URL with password",
			dsn:  "postgres://profil:" + secretPW + "@db.example.org:5432/profil?sslmode=disable",
			want: "postgres://profil:xxxxx@db.example.org:5432/profil?sslmode=disable",
		},
		{
			name: "postgresql scheme",
			dsn:  "postgresql://profil:" + secretPW + "@db/profil",
			want: "postgresql://profil:xxxxx@db/profil",
		},
		{
			name: "percent-encoded password",
			dsn:  (&url.URL{Scheme: "postgres", User: url.UserPassword("profil", "p@ss/w0rd "+secretPW), Host: "db", Path: "/profil"}).String(),
			want: "postgres://profil:xxxxx@db/profil", hidden: []string{"p@ss", "p%40ss"},
		},
		{
			name: "password in the query",
			dsn:  "postgres://profil@db/profil?sslmode=require&password=" + secretPW,
			keep: []string{"sslmode=require", "db/profil"}, hidden: []string{secretPW},
		},
		{
			name: "password in the query, no user",
			dsn:  "postgres://db/profil?password=" + secretPW,
			keep: []string{"db/profil"}, hidden: []string{secretPW},
		},
		{
			name: "no password is left alone",
			dsn:  "postgres://profil@db/profil?sslmode=disable",
			want: "postgres://profil@db/profil?sslmode=disable",
		},
		{
			name:   "user but empty password",
			dsn:    "postgres://profil:@db/profil",
			hidden: []string{secretPW}, keep: []string{"db/profil"},
		},
		{
			name: "key=value",
			dsn:  "host=db port=5432 user=profil password=" + secretPW + " dbname=profil",
			want: "host=db port=5432 user=profil password=xxxxx dbname=profil",
		},
		{
			name: "key=value, quoted password with spaces",
			dsn:  "host=db password='" + secretPW + " and more' dbname=profil",
			keep: []string{"host=db", "dbname=profil"}, hidden: []string{secretPW, "and more"},
		},
		{
			name: "key = value with spaces and upper case",
			dsn:  "host=db PASSWORD = " + secretPW + " dbname=profil",
			keep: []string{"host=db", "dbname=profil"}, hidden: []string{secretPW},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sqlstore.RedactDSN(tt.dsn)
			if tt.want != "" && got != tt.want {
				t.Errorf("RedactDSN(%q) = %q, want %q", tt.dsn, got, tt.want)
			}
			for _, h := range append(tt.hidden, secretPW) {
				if strings.Contains(got, h) {
					t.Errorf("RedactDSN(%q) = %q still holds %q", tt.dsn, got, h)
				}
			}
			for _, k := range tt.keep {
				if !strings.Contains(got, k) {
					t.Errorf("RedactDSN(%q) = %q lost %q: people can no longer tell which database", tt.dsn, got, k)
				}
			}
		})
	}
}

func TestParseTargetRedacted(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data")
	tests := []struct {
		raw         string
		dialect     string
		path        string // SQLite
		redacted    string
		dsnIsRawURL bool
	}{
		{raw: "", dialect: sqlstore.SQLite, path: filepath.Join("/data", "profil", "profil.db"), redacted: filepath.Join("/data", "profil", "profil.db")},
		{raw: "/var/lib/profil/profil.db", dialect: sqlstore.SQLite, path: "/var/lib/profil/profil.db", redacted: "/var/lib/profil/profil.db"},
		{raw: "sqlite:///var/lib/profil/p.db", dialect: sqlstore.SQLite, path: "/var/lib/profil/p.db", redacted: "/var/lib/profil/p.db"},
		{raw: "sqlite:rel.db?cache=shared", dialect: sqlstore.SQLite, path: "rel.db", redacted: "rel.db"},
		{raw: "file:x.db", dialect: sqlstore.SQLite, path: "x.db", redacted: "x.db"},
		{
			raw: "postgres://profil:" + secretPW + "@127.0.0.1:5432/profil?sslmode=disable", dialect: sqlstore.Postgres,
			redacted: "postgres://profil:xxxxx@127.0.0.1:5432/profil?sslmode=disable", dsnIsRawURL: true,
		},
		{
			raw: "  postgresql://profil:" + secretPW + "@db/profil  ", dialect: sqlstore.Postgres,
			redacted: "postgresql://profil:xxxxx@db/profil",
		},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			tg, err := sqlstore.ParseTarget(tt.raw)
			if err != nil {
				t.Fatalf("ParseTarget(%q): %v", tt.raw, err)
			}
			if tg.Dialect != tt.dialect || tg.Path != tt.path {
				t.Errorf("ParseTarget(%q) = dialect %q path %q, want %q %q", tt.raw, tg.Dialect, tg.Path, tt.dialect, tt.path)
			}
			if got := tg.Redacted(); got != tt.redacted {
				t.Errorf("Redacted() = %q, want %q", got, tt.redacted)
			}
			if tt.dsnIsRawURL && tg.DSN != tt.raw {
				t.Errorf("DSN = %q: the driver must receive the URL as given", tg.DSN)
			}
		})
	}
}

// Values --db refuses must not be quoted back with their password.
func TestParseTargetErrorsHidePassword(t *testing.T) {
	for _, raw := range []string{
		"postgres://profil:" + secretPW + "@[::1/profil", // bad host: url.Parse fails
		"postgres://profil:" + secretPW + "@db:port/profil",
		"postgres://profil:" + secretPW + "@db:99999/profil", // a port out of range: no empty address later
		"postgres://profil:" + secretPW + "@db:0/profil",
		"mysql://profil:" + secretPW + "@db/profil",
		"sqlite:",
	} {
		t.Run(raw, func(t *testing.T) {
			_, err := sqlstore.ParseTarget(raw)
			if err == nil {
				t.Fatalf("ParseTarget(%q) accepted it", raw)
			}
			if strings.Contains(err.Error(), secretPW) {
				t.Errorf("error quotes the password: %v", err)
			}
			if !strings.Contains(err.Error(), "--db") {
				t.Errorf("error does not say which setting is wrong: %v", err)
			}
		})
	}
}

// A key=value connection string is not a --db value: it must be refused, not taken for the
// name of a SQLite file (which then shows up, password and all, in every message).
func TestParseTargetRefusesKeyValueDSN(t *testing.T) {
	raw := "host=127.0.0.1 port=5432 user=profil password=" + secretPW + " dbname=profil"
	tg, err := sqlstore.ParseTarget(raw)
	if err == nil {
		t.Errorf("ParseTarget accepted a key=value DSN as dialect %q, path %q (shown as %q)", tg.Dialect, tg.Path, tg.Redacted())
	} else if strings.Contains(err.Error(), secretPW) {
		t.Errorf("error quotes the password: %v", err)
	}
	if strings.Contains(tg.Redacted(), secretPW) {
		t.Errorf("Redacted() = %q shows the password", tg.Redacted())
	}
}

// The session key names the database in credentials.json: never with its password.
func TestFactorySessionKeyHasNoPassword(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("PROFIL_CONFIG", "")
	t.Setenv("PROFIL_DB", "postgres://profil:"+secretPW+"@127.0.0.1:5432/profil?sslmode=disable")
	f := &cmdutil.Factory{}
	key, err := f.SessionKey()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(key, secretPW) {
		t.Errorf("session key %q holds the password", key)
	}
	if key != "postgres://profil:xxxxx@127.0.0.1:5432/profil?sslmode=disable" {
		t.Errorf("session key = %q", key)
	}

	// A relative SQLite path is made absolute, so ./x.db and $PWD/x.db are the same session.
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("PROFIL_DB", "x.db")
	f = &cmdutil.Factory{}
	key, err = f.SessionKey()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.Abs(filepath.Join(dir, "x.db"))
	if key != want {
		t.Errorf("session key of x.db = %q, want %q", key, want)
	}
}
