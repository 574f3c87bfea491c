package sqlstore

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/secure/precis"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
)

// What a runtime role holds on the tables of profil. Everything else the owner keeps: DDL,
// TRUNCATE, REFERENCES, TRIGGER, and writing the version table of the migrations.
const (
	grantData    = "SELECT, INSERT, UPDATE, DELETE"
	grantAudit   = "SELECT, INSERT"
	grantVersion = "SELECT"
	// auditTable takes INSERT and SELECT only: its rows are never changed by a runtime role,
	// whatever the session settings its triggers read say.
	auditTable   = "audit_events"
	versionTable = "goose_db_version"
)

var roleName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`) })

// RuntimeRoleResult is what RuntimeRole did, or would do with a dry run.
type RuntimeRoleResult struct {
	Role       string
	Owner      string // the owner of the tables (the role connected)
	Database   string
	Schema     string
	Created    bool     // the role did not exist
	Statements []string // the SQL, the password never in it
	Tables     int      // data tables granted (audit_events and the version table aside)
	// Warnings name what the role may still do through privileges granted to PUBLIC, or what
	// this connection could not grant (CONNECT, USAGE on the schema), with the statement to run.
	Warnings []string
}

// RuntimeRole creates or updates the PostgreSQL LOGIN role name with only what `profil serve`
// needs on this database: CONNECT, USAGE on the schema, data statements on the tables,
// INSERT and SELECT only on audit_events, SELECT on the version table of the migrations,
// USAGE and SELECT on the sequences. It must run as the owner of the tables, on a schema up to
// date; run again after each migration, it grants the new tables and takes back anything more
// (earlier grants included). A password (nil: unchanged) is sent as a SCRAM-SHA-256 verifier,
// never in clear. With dryRun everything runs in a transaction that is rolled back.
func (d *DB) RuntimeRole(ctx context.Context, name string, password *string, dryRun bool) (RuntimeRoleResult, error) {
	res := RuntimeRoleResult{Role: name}
	if d.target.Dialect != Postgres {
		return res, domain.Errorf(domain.ErrInvalid, "role.postgres_only")
	}
	if !roleName().MatchString(name) || strings.HasPrefix(name, "pg_") {
		return res, domain.Invalid("NAME", name, "role.bad_name")
	}
	if password != nil && len(*password) < 12 {
		return res, domain.Invalid("password", "", "role.short_password", 12)
	}
	if err := d.CheckSchema(ctx); err != nil {
		return res, err
	}
	sqlTx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return res, d.target.scrub(mapErr(err))
	}
	defer func() { _ = sqlTx.Rollback() }()
	q := func(query string, args ...any) *sql.Row { return sqlTx.QueryRowContext(ctx, query, args...) }

	// Who we are, and who owns the tables.
	var (
		ownerOID                          int64
		isOwner, canCreateRole, dbOwner   bool
		schemaOwner                       bool
		publicCreate                      bool
		me                                string
		dbACL, schemaACL                  bool // the role already has CONNECT / USAGE, through PUBLIC
		schemaName, databaseName, ownerNm string
	)
	err = q(`SELECT current_user, current_database(), n.nspname, c.relowner, pg_get_userbyid(c.relowner),
			pg_has_role(current_user, c.relowner, 'USAGE'),
			(SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user),
			(SELECT pg_has_role(current_user, datdba, 'USAGE') FROM pg_database WHERE datname = current_database()),
			pg_has_role(current_user, n.nspowner, 'USAGE'),
			has_database_privilege('public', current_database(), 'CONNECT'),
			has_schema_privilege('public', n.oid, 'USAGE'),
			has_schema_privilege('public', n.oid, 'CREATE')
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.oid = to_regclass('`+versionTable+`')`).Scan(&me, &databaseName, &schemaName, &ownerOID, &ownerNm,
		&isOwner, &canCreateRole, &dbOwner, &schemaOwner, &dbACL, &schemaACL, &publicCreate)
	if err != nil {
		return res, d.target.scrub(fmt.Errorf("read the owner of the tables: %w", mapErr(err)))
	}
	res.Owner, res.Database, res.Schema = me, databaseName, schemaName
	if !isOwner {
		return res, domain.Errorf(domain.ErrForbidden, "role.not_owner", me, ownerNm)
	}

	// The role, if it exists, must not hold more than the grants give it.
	var (
		exists                              bool
		super, createRole, bypassRLS, login bool
		member                              bool
	)
	err = q(`SELECT rolsuper, rolcreaterole, rolbypassrls, rolcanlogin, pg_has_role(oid, $2::oid, 'MEMBER')
		FROM pg_roles WHERE rolname = $1`, name, ownerOID).Scan(&super, &createRole, &bypassRLS, &login, &member)
	switch {
	case err == nil:
		exists = true
	case errors.Is(err, sql.ErrNoRows):
	default:
		return res, d.target.scrub(fmt.Errorf("read role %s: %w", name, mapErr(err)))
	}
	switch {
	case exists && (super || createRole || bypassRLS):
		attr := "SUPERUSER"
		if !super {
			attr = "CREATEROLE"
			if !createRole {
				attr = "BYPASSRLS"
			}
		}
		return res, domain.Errorf(domain.ErrConflict, "role.too_powerful", name, attr)
	case exists && member:
		return res, domain.Errorf(domain.ErrConflict, "role.member_of_owner", name, ownerNm)
	}
	if (!exists || password != nil || !login) && !canCreateRole {
		return res, domain.Errorf(domain.ErrForbidden, "role.cannot_create", me, name)
	}

	role := pgx.Identifier{name}.Sanitize()
	type stmt struct{ shown, sql string }
	var stmts []stmt
	add := func(s string) { stmts = append(stmts, stmt{s, s}) }

	verifier := ""
	if password != nil {
		if verifier, err = scramVerifier(*password); err != nil {
			return res, err
		}
	}
	switch {
	case !exists:
		res.Created = true
		s := "CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
		if password != nil {
			stmts = append(stmts, stmt{s + " PASSWORD '<SCRAM-SHA-256 verifier>'", s + " PASSWORD '" + verifier + "'"})
		} else {
			add(s)
		}
	case password != nil:
		s := "ALTER ROLE " + role + " LOGIN"
		stmts = append(stmts, stmt{s + " PASSWORD '<SCRAM-SHA-256 verifier>'", s + " PASSWORD '" + verifier + "'"})
	case !login:
		add("ALTER ROLE " + role + " LOGIN")
	}
	db := pgx.Identifier{databaseName}.Sanitize()
	schema := pgx.Identifier{schemaName}.Sanitize()
	if dbOwner {
		add("GRANT CONNECT ON DATABASE " + db + " TO " + role)
	} else if !dbACL {
		res.Warnings = append(res.Warnings, i18n.T("role.warn_connect", "GRANT CONNECT ON DATABASE "+db+" TO "+role))
	}
	if schemaOwner {
		add("GRANT USAGE ON SCHEMA " + schema + " TO " + role)
		add("REVOKE CREATE ON SCHEMA " + schema + " FROM " + role)
	} else if !schemaACL {
		res.Warnings = append(res.Warnings, i18n.T("role.warn_usage", "GRANT USAGE ON SCHEMA "+schema+" TO "+role))
	}
	if publicCreate {
		res.Warnings = append(res.Warnings, i18n.T("role.warn_public_create", schemaName, "REVOKE CREATE ON SCHEMA "+schema+" FROM PUBLIC"))
	}

	// The tables and sequences of profil: those of the owner of the version table, in its schema.
	tables, sequences, err := d.ownedRelations(ctx, sqlTx, ownerOID)
	if err != nil {
		return res, err
	}
	qualify := func(names []string) string {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = pgx.Identifier{schemaName, n}.Sanitize()
		}
		return strings.Join(out, ", ")
	}
	var data []string
	for _, t := range tables {
		if t != auditTable && t != versionTable {
			data = append(data, t)
		}
	}
	res.Tables = len(data)
	if len(tables) > 0 {
		add("REVOKE ALL ON TABLE " + qualify(tables) + " FROM " + role)
	}
	if len(data) > 0 {
		add("GRANT " + grantData + " ON TABLE " + qualify(data) + " TO " + role)
	}
	if slices.Contains(tables, auditTable) {
		add("GRANT " + grantAudit + " ON TABLE " + qualify([]string{auditTable}) + " TO " + role)
	}
	add("GRANT " + grantVersion + " ON TABLE " + qualify([]string{versionTable}) + " TO " + role)
	var seqs []string
	for _, s := range sequences {
		if s.table != versionTable {
			seqs = append(seqs, s.name)
		}
	}
	if len(sequences) > 0 {
		all := make([]string, len(sequences))
		for i, s := range sequences {
			all[i] = s.name
		}
		add("REVOKE ALL ON SEQUENCE " + qualify(all) + " FROM " + role)
	}
	if len(seqs) > 0 {
		add("GRANT USAGE, SELECT ON SEQUENCE " + qualify(seqs) + " TO " + role)
	}

	for _, s := range stmts {
		if _, err := sqlTx.ExecContext(ctx, s.sql); err != nil {
			// The statement is not quoted: it may hold the verifier.
			return res, d.target.scrub(fmt.Errorf("%s: %w", strings.SplitN(s.shown, " PASSWORD", 2)[0], mapErr(err)))
		}
		res.Statements = append(res.Statements, s.shown)
	}
	if !dryRun {
		if err := sqlTx.Commit(); err != nil {
			return res, d.target.scrub(fmt.Errorf("commit: %w", mapErr(err)))
		}
	}
	return res, nil
}

type sequence struct{ name, table string }

// ownedRelations lists the tables and sequences of the schema of the version table that its
// owner owns, by name; a sequence comes with the table that owns it (serial, identity).
func (d *DB) ownedRelations(ctx context.Context, q querier, ownerOID int64) (tables []string, seqs []sequence, err error) {
	rows, err := q.QueryContext(ctx, `SELECT c.relname, c.relkind = 'S', COALESCE(t.relname, '')
		FROM pg_class c
		LEFT JOIN pg_depend dep ON dep.classid = 'pg_class'::regclass AND dep.objid = c.oid
			AND dep.refclassid = 'pg_class'::regclass AND dep.deptype IN ('a', 'i') AND c.relkind = 'S'
		LEFT JOIN pg_class t ON t.oid = dep.refobjid
		WHERE c.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = to_regclass('`+versionTable+`'))
			AND c.relowner = $1 AND c.relkind IN ('r', 'p', 'S')
		ORDER BY c.relname`, ownerOID)
	if err != nil {
		return nil, nil, d.target.scrub(fmt.Errorf("list the tables: %w", mapErr(err)))
	}
	defer rows.Close()
	for rows.Next() {
		var (
			name, table string
			isSeq       bool
		)
		if err := rows.Scan(&name, &isSeq, &table); err != nil {
			return nil, nil, mapErr(err)
		}
		if isSeq {
			seqs = append(seqs, sequence{name, table})
		} else {
			tables = append(tables, name)
		}
	}
	return tables, seqs, mapErr(rows.Err())
}

// checkGrants refuses, on PostgreSQL, a connection that lacks what RuntimeRole grants on a
// table or sequence of profil: a runtime role that was not granted the tables of a newer
// migration. The owner passes at once.
func (d *DB) checkGrants(ctx context.Context) error {
	rows, err := d.db.QueryContext(ctx, `SELECT c.relname FROM pg_class c
		JOIN pg_class g ON g.oid = to_regclass('`+versionTable+`')
		WHERE c.relnamespace = g.relnamespace AND c.relowner = g.relowner AND NOT pg_has_role(current_user, g.relowner, 'USAGE')
			AND CASE
				WHEN c.relkind = 'S' THEN NOT has_sequence_privilege(c.oid, 'USAGE')
					AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid
						AND dep.refclassid = 'pg_class'::regclass AND dep.refobjid = g.oid)
				WHEN c.relkind NOT IN ('r', 'p') THEN FALSE
				WHEN c.oid = g.oid THEN NOT has_table_privilege(c.oid, 'SELECT')
				WHEN c.relname = '`+auditTable+`' THEN NOT (has_table_privilege(c.oid, 'SELECT') AND has_table_privilege(c.oid, 'INSERT'))
				ELSE NOT (has_table_privilege(c.oid, 'SELECT') AND has_table_privilege(c.oid, 'INSERT')
					AND has_table_privilege(c.oid, 'UPDATE') AND has_table_privilege(c.oid, 'DELETE'))
			END
		ORDER BY c.relname`)
	if err != nil {
		return d.target.scrub(fmt.Errorf("read the privileges of this connection: %w", mapErr(err)))
	}
	defer rows.Close()
	var missing []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return mapErr(err)
		}
		missing = append(missing, n)
	}
	if err := rows.Err(); err != nil {
		return mapErr(err)
	}
	if len(missing) == 0 {
		return nil
	}
	var me string
	if err := d.db.QueryRowContext(ctx, `SELECT current_user`).Scan(&me); err != nil {
		return mapErr(err)
	}
	return domain.Errorf(domain.ErrForbidden, "role.missing_grants", me, strings.Join(missing, ", "), me)
}

// checkMigrator refuses to migrate, on PostgreSQL, as a role that does not own the tables:
// a runtime role would fail half-way with "permission denied".
func (d *DB) checkMigrator(ctx context.Context) error {
	var (
		owner, me string
		ok        bool
	)
	err := d.db.QueryRowContext(ctx, `SELECT pg_get_userbyid(relowner), current_user, pg_has_role(current_user, relowner, 'USAGE')
		FROM pg_class WHERE oid = to_regclass('`+versionTable+`')`).Scan(&owner, &me, &ok)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil // a new database: whoever migrates it owns it
	case err != nil:
		return d.target.scrub(fmt.Errorf("read the owner of the tables: %w", mapErr(err)))
	case !ok:
		return domain.Errorf(domain.ErrForbidden, "role.migrate_not_owner", me, owner)
	}
	return nil
}

// privilegeError is a statement PostgreSQL refused for want of a privilege (SQLSTATE 42501):
// a runtime role asked to do what only the owner of the tables does. It is ErrForbidden.
type privilegeError struct{ err error }

func (e *privilegeError) Error() string {
	return i18n.T("role.privilege", e.err.Error())
}
func (e *privilegeError) Is(target error) bool { return target == domain.ErrForbidden }
func (e *privilegeError) Unwrap() error        { return e.err }

// DriverError is the driver's own words: for a log, not for a client of a server.
func (e *privilegeError) DriverError() error { return e.err }

// scramIterations is PostgreSQL's default (scram_iterations).
const scramIterations = 4096

// scramVerifier is what PostgreSQL stores for password (SCRAM-SHA-256, RFC 5802 and 7677), in
// the form it accepts in CREATE/ALTER ROLE … PASSWORD: the password itself never reaches the
// server, its logs nor pg_stat_statements. The password is normalized as the client (pgx,
// libpq) normalizes it when it signs in.
func scramVerifier(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	return scramVerifierWith(password, salt, scramIterations)
}

func scramVerifierWith(password string, salt []byte, iterations int) (string, error) {
	if norm, err := precis.OpaqueString.String(password); err == nil {
		password = norm
	}
	salted, err := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	if err != nil {
		return "", err
	}
	clientKey := hmacSHA256(salted, "Client Key")
	storedKey := sha256.Sum256(clientKey)
	serverKey := hmacSHA256(salted, "Server Key")
	b64 := base64.StdEncoding.EncodeToString
	return "SCRAM-SHA-256$" + strconv.Itoa(iterations) + ":" + b64(salt) + "$" + b64(storedKey[:]) + ":" + b64(serverKey), nil
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}
