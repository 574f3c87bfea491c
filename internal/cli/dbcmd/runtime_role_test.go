package dbcmd_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/testdb"
)

const rolePassword = "a long random password for the server"

// newRole returns a role name no other test uses, dropped (with its grants) when t ends.
func newRole(t *testing.T, ownerDSN string) string {
	t.Helper()
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	name := "profil_rt_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		db, err := sql.Open("pgx", ownerDSN)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.Exec(`DROP OWNED BY ` + name)
		_, _ = db.Exec(`DROP ROLE IF EXISTS ` + name)
	})
	return name
}

// as returns dsn connecting as role (trust authentication on the test server).
func as(t *testing.T, dsn, role string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(role, rolePassword)
	return u.String()
}

func open(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestRuntimeRoleRunsTheServiceAndNothingMore creates a runtime role with the command, then
// runs a real flow with its --db (register → approve → grant → export) and checks that,
// connected as that role, PostgreSQL refuses every statement that would change the schema,
// the audit trail or the migrations.
func TestRuntimeRoleRunsTheServiceAndNothingMore(t *testing.T) {
	owner := testdb.Postgres(t)
	env := clitest.NewEnv(t)
	env.DB = owner
	clitest.SignIn(t, env)
	role := newRole(t, owner)
	ownerDB := open(t, owner)

	// --dry-run prints the statements and changes nothing.
	dry := env
	dry.Stdin = rolePassword + "\n"
	r := clitest.Must(t, dry, "db", "runtime-role", role, "--password-stdin", "--dry-run")
	for _, want := range []string{"CREATE ROLE " + `"` + role + `" LOGIN`, "GRANT SELECT, INSERT ON TABLE", `audit_events" TO`, "REVOKE ALL ON TABLE", "GRANT USAGE, SELECT ON SEQUENCE"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("dry run does not print %q:\n%s", want, r)
		}
	}
	if strings.Contains(r.Output(), rolePassword) || strings.Contains(r.Output(), "SCRAM-SHA-256$") || strings.Contains(r.Output(), "postgres@") {
		t.Errorf("dry run printed the password, its verifier or the DSN:\n%s", r)
	}
	var n int
	if err := ownerDB.QueryRow(`SELECT COUNT(*) FROM pg_roles WHERE rolname = $1`, role).Scan(&n); err != nil || n != 0 {
		t.Fatalf("dry run left the role behind (%d, %v)", n, err)
	}

	// The role, for real; twice: the second run changes nothing and succeeds.
	mk := env
	mk.Stdin = rolePassword + "\n"
	r = clitest.Must(t, mk, "db", "runtime-role", role, "--password-stdin")
	if !strings.Contains(r.Stderr, "role "+role+" created") || strings.Contains(r.Output(), rolePassword) {
		t.Errorf("first run:\n%s", r)
	}
	var stored string
	if err := ownerDB.QueryRow(`SELECT rolpassword FROM pg_authid WHERE rolname = $1`, role).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stored, "SCRAM-SHA-256$4096:") {
		t.Errorf("stored password %q is not a SCRAM verifier", stored)
	}
	r = clitest.Must(t, env, "db", "runtime-role", role)
	if !strings.Contains(r.Stderr, "role "+role+" brought up to date") {
		t.Errorf("second run:\n%s", r)
	}

	// A real flow through the role's --db.
	app := env
	app.DB = as(t, owner, role)
	app.Stdin = clitest.AdminPassword + "\n"
	clitest.Must(t, app, "login", "--email", clitest.AdminEmail, "--password-stdin")
	siret := domain.MakeSIRET("44306184", "0004")
	req := clitest.Must(t, app, "-q", "structure", "request", "--name", "Lycée Jean Moulin", "--siret", siret,
		"--address", "1 rue de l'École", "--postal-code", "33000", "--kind", "training-org", "--requester-email", "direction@lp-moulin.fr")
	clitest.Must(t, app, "request", "approve", strings.TrimSpace(req.Stdout))
	reg := app
	reg.Stdin = "un mot de passe assez long\n"
	r1 := clitest.Must(t, reg, "-q", "user", "register", "--email", "anne.martin@lp-moulin.fr", "--last-name", "Martin",
		"--first-name", "Anne", "--structure", siret, "--password-stdin")
	clitest.Must(t, app, "request", "approve", strings.TrimSpace(r1.Stdout))
	r2 := clitest.Must(t, reg, "-q", "user", "register", "--email", "paul.durand@lp-moulin.fr", "--last-name", "Durand",
		"--first-name", "Paul", "--structure", siret, "--password-stdin")
	clitest.Must(t, app, "request", "approve", strings.TrimSpace(r2.Stdout))
	clitest.Must(t, app, "profile", "grant", "anne.martin@lp-moulin.fr", "rafael.of-general", "--structure", siret)
	export := clitest.Must(t, app, "export", "users", "--structure", siret, "-o", "json")
	if !strings.Contains(export.Stdout, "anne.martin@lp-moulin.fr") || !strings.Contains(export.Stdout, "rafael.of-general") {
		t.Errorf("export through the runtime role:\n%s", export)
	}
	audit := clitest.Must(t, app, "audit", "list", "--limit", "0", "-o", "json")
	if !strings.Contains(audit.Stdout, "profile.grant") {
		t.Errorf("the grant is not in the audit trail:\n%s", audit)
	}

	// What the role may not do, refused by PostgreSQL for want of the privilege (42501), not
	// by a trigger: a session setting does not open the audit trail to it.
	roleDB := open(t, as(t, owner, role))
	ctx := context.Background()
	for _, stmt := range []string{
		`UPDATE audit_events SET details = '{}'`,
		`DELETE FROM audit_events`,
		`TRUNCATE audit_events`,
		`TRUNCATE users CASCADE`,
		`CREATE TABLE intruder (id INT)`,
		`ALTER TABLE users ADD COLUMN intruder TEXT`,
		`ALTER TABLE audit_events DISABLE TRIGGER USER`,
		`DROP TABLE mail_outbox`,
		`DROP TRIGGER audit_events_no_change ON audit_events`,
		`CREATE INDEX intruder ON users (email)`,
		`INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, TRUE)`,
		`UPDATE goose_db_version SET is_applied = FALSE`,
		`DELETE FROM goose_db_version`,
		`SELECT nextval('goose_db_version_id_seq')`,
	} {
		conn, err := roleDB.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, `SELECT set_config('profil.audit_rewrite', 'erase', false)`); err != nil {
			t.Fatal(err)
		}
		_, err = conn.ExecContext(ctx, stmt)
		conn.Close()
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("as the runtime role, %s: %v, want permission denied (42501)", stmt, err)
		}
	}
	var events int
	if err := ownerDB.QueryRow(`SELECT COUNT(*) FROM audit_events`).Scan(&events); err != nil || events == 0 {
		t.Errorf("audit trail after the attempts: %d events (%v)", events, err)
	}

	// Erasing a person and pruning the audit trail change audit rows: the owner does them.
	erase := clitest.Run(t, app, "--yes", "user", "erase", "paul.durand@lp-moulin.fr").Want(t, cmdutil.ExitForbidden)
	if !strings.Contains(erase.Stderr, "permission denied") || !strings.Contains(erase.Stderr, "owner's --db") {
		t.Errorf("erase as the runtime role:\n%s", erase)
	}
	later := app
	later.Now = func() time.Time { return time.Now().Add(48 * time.Hour) } // events to prune
	clitest.Run(t, later, "--yes", "audit", "prune", "--audit", "1d").Want(t, cmdutil.ExitForbidden)
	clitest.Must(t, env, "--yes", "user", "erase", "paul.durand@lp-moulin.fr")

	// The role may not migrate, nor make roles.
	clitest.Run(t, app, "db", "runtime-role", "profil_other").Want(t, cmdutil.ExitForbidden)

	// A migration adds a table: the role is told to ask for it, until the command runs again.
	if _, err := ownerDB.Exec(`CREATE TABLE later_table (id BIGSERIAL PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	ungranted := clitest.Run(t, app, "structure", "list").Want(t, cmdutil.ExitForbidden)
	if !strings.Contains(ungranted.Stderr, "later_table") || !strings.Contains(ungranted.Stderr, "profil db runtime-role "+role) {
		t.Errorf("a table the role was not granted:\n%s", ungranted)
	}
	clitest.Must(t, env, "db", "runtime-role", role)
	clitest.Must(t, app, "structure", "list")

	// A schema behind: the role is told the owner migrates it, and cannot migrate it itself.
	var latest int64
	if err := ownerDB.QueryRow(`SELECT MAX(version_id) FROM goose_db_version`).Scan(&latest); err != nil {
		t.Fatal(err)
	}
	if _, err := ownerDB.Exec(`UPDATE goose_db_version SET is_applied = FALSE WHERE version_id = $1`, latest); err != nil {
		t.Fatal(err)
	}
	behind := clitest.Run(t, app, "structure", "list")
	if behind.Code == 0 || !strings.Contains(behind.Stderr, "run `profil db migrate` as the owner") {
		t.Errorf("schema behind, as the runtime role:\n%s", behind)
	}
	migrate := clitest.Run(t, app, "db", "migrate").Want(t, cmdutil.ExitForbidden)
	if !strings.Contains(migrate.Stderr, "only the owner of the tables") {
		t.Errorf("db migrate as the runtime role:\n%s", migrate)
	}
	if _, err := ownerDB.Exec(`UPDATE goose_db_version SET is_applied = TRUE WHERE version_id = $1`, latest); err != nil {
		t.Fatal(err)
	}
	clitest.Must(t, app, "db", "status")
}

// TestRuntimeRoleRefusals: only PostgreSQL has roles; the name is checked; a role that would
// hold more than the grants (the owner, a superuser) is refused.
func TestRuntimeRoleRefusals(t *testing.T) {
	env := clitest.NewEnv(t)
	env.DB = testdb.SQLite(t)
	clitest.SignIn(t, env)
	r := clitest.Run(t, env, "db", "runtime-role", "profil_app").Want(t, cmdutil.ExitInvalid)
	if !strings.Contains(r.Stderr, "PostgreSQL only") {
		t.Errorf("on SQLite:\n%s", r)
	}
	clitest.Run(t, env, "db", "runtime-role").Want(t, cmdutil.ExitUsage)

	owner := testdb.Postgres(t)
	env.DB = owner
	clitest.SignIn(t, env)
	for _, bad := range []string{"Profil", "pg_app", "1app", "a-b", strings.Repeat("a", 64), `x"; DROP TABLE users; --`} {
		clitest.Run(t, env, "db", "runtime-role", bad).Want(t, cmdutil.ExitInvalid)
	}
	// postgres owns the tables here, and is a superuser; a member of the owner's role would
	// hold every privilege of the owner.
	r = clitest.Run(t, env, "db", "runtime-role", "postgres").Want(t, cmdutil.ExitConflict)
	if !strings.Contains(r.Stderr, "has SUPERUSER") {
		t.Errorf("the owner as runtime role:\n%s", r)
	}
	member := newRole(t, owner)
	if _, err := open(t, owner).Exec(`CREATE ROLE ` + member + ` LOGIN IN ROLE postgres`); err != nil {
		t.Fatal(err)
	}
	r = clitest.Run(t, env, "db", "runtime-role", member).Want(t, cmdutil.ExitConflict)
	if !strings.Contains(r.Stderr, "member of postgres") || strings.Contains(r.Output(), owner) {
		t.Errorf("a member of the owner as runtime role:\n%s", r)
	}
	short := env
	short.Stdin = "short\n"
	clitest.Run(t, short, "db", "runtime-role", newRole(t, owner), "--password-stdin").Want(t, cmdutil.ExitInvalid)
}
