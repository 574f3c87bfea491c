package cli_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/secret"
	"github.com/profil-cli/profil/internal/server"
	"github.com/profil-cli/profil/internal/service"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/store/sqlstore"
)

// The actors of the authorization matrix, in the order of its columns.
const (
	actGest     = "gestionnaire"
	actRef      = "referent"       // référent of structure A
	actOtherRef = "other-referent" // référent of structure B, not a member of A
	actMember   = "member"         // plain member of A
	actAnon     = "anonymous"      // no session, no token
	actRevoked  = "revoked-token"  // API token of the gestionnaire, revoked
	actExpired  = "expired-token"  // API token of the gestionnaire, run past its expiry
	actReadOnly = "read-only-token"
	actAPIToken = "api-token" // API token of the gestionnaire with all its rights
)

// matrixActor is one column of the matrix: who runs the command, and with what.
type matrixActor struct {
	key   string
	title string      // column header of the table
	user  domain.User // the account acted for; zero for anonymous
	token string      // the --token value; "" for anonymous
	now   func() time.Time
}

// authzWorld is one database for the authorization matrix: a gestionnaire; structure A with its
// référent, a plain member and another member X; structure B with its own référent; and the
// session or API token every actor runs with. Cells make their own targets through the service
// and the store just before they run, so that no cell depends on what an earlier one did. No
// password is hashed here but once: the accounts that need one share a hash.
type authzWorld struct {
	t      *testing.T
	ctx    context.Context
	env    clitest.Env
	db     *sqlstore.DB
	svc    *service.Service
	admin  domain.Actor // the gestionnaire, as the service sees a password session
	a, b   domain.Structure
	users  map[string]domain.User // gestionnaire, referent, other-referent, member
	x      domain.User            // another member of A, whom user show and profile list read
	z      domain.User            // a member of B whose API tokens others try to revoke
	pendA  int64                  // an account request in A, left pending for request show
	actors []*matrixActor
	// passwords are the current passwords of the accounts that have one, by user id.
	passwords map[int64]string
	seq       int
	// servers, when set, are `profil serve` for each clock of the actors (the expired token
	// runs an hour later): commands then go through them instead of the database.
	servers map[string]string
}

// matrixPassword is the password of every account of the matrix that has one; they all share
// one hash (matrixHash), computed once per test binary.
const matrixPassword = "correct horse battery staple"

func newAuthzWorld(t *testing.T, dsn, hash string) *authzWorld {
	t.Helper()
	ctx := context.Background()
	env := clitest.NewEnv(t)
	env.DB = dsn
	env.Now = clitest.FixedNow
	env.Width = 250
	clitest.Must(t, env, "init")
	db, err := sqlstore.Open(ctx, dsn, sqlstore.Options{Now: clitest.FixedNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w := &authzWorld{t: t, ctx: ctx, env: env, db: db, svc: service.New(db),
		users: map[string]domain.User{}, passwords: map[int64]string{}}

	gest := w.newUser("jeanne.durand@cap-metiers.fr", "Jeanne", "Durand", true, hash)
	w.admin = domain.Actor{UserID: gest.ID, Email: gest.Email, Manager: true}
	w.users[actGest] = gest
	kinds := []domain.Kind{domain.KindTrainingOrg, domain.KindEmployer}
	w.a = w.structureWith("Horizons Emploi", domain.MakeSIRET("44306184", "0004"), kinds)
	w.b = w.structureWith("Bordeaux Formation", domain.MakeSIRET("82422814", "0107"), kinds)
	w.users[actRef] = w.newUser("claire.martin@horizons.fr", "Claire", "Martin", false, hash)
	w.join(w.users[actRef], w.a, true)
	w.users[actMember] = w.newUser("paul.leroy@horizons.fr", "Paul", "Leroy", false, hash)
	w.join(w.users[actMember], w.a, false)
	w.users[actOtherRef] = w.newUser("lea.bernard@bordeaux-formation.fr", "Léa", "Bernard", false, hash)
	w.join(w.users[actOtherRef], w.b, true)
	w.x = w.memberOf(w.a)
	w.z = w.memberOf(w.b)
	w.pendA = w.accountRequest(w.a)

	session := func(key string) *matrixActor {
		u := w.users[key]
		return &matrixActor{key: key, user: u, token: w.session(u), now: clitest.FixedNow}
	}
	apiToken := func(key, name string, ttl time.Duration, scope string) *matrixActor {
		tok, _, err := w.svc.CreateAPIToken(ctx, w.admin, name, ttl, scope)
		if err != nil {
			t.Fatalf("create API token %s: %v", name, err)
		}
		return &matrixActor{key: key, user: gest, token: tok, now: clitest.FixedNow}
	}
	revoked := apiToken(actRevoked, "matrix-revoked", 0, service.ScopeAll)
	if id := w.tokenID(gest, "matrix-revoked"); id == 0 {
		t.Fatal("no token matrix-revoked")
	} else if _, err := w.svc.RevokeAPIToken(ctx, w.admin, id); err != nil {
		t.Fatal(err)
	}
	// Valid for a minute from the store's clock; the harness runs its commands an hour later.
	expired := apiToken(actExpired, "matrix-expired", time.Minute, service.ScopeAll)
	expired.now = func() time.Time { return clitest.FixedNow().Add(time.Hour) }

	w.actors = []*matrixActor{
		session(actGest),
		session(actRef),
		session(actOtherRef),
		session(actMember),
		{key: actAnon, now: clitest.FixedNow},
		revoked,
		expired,
		apiToken(actReadOnly, "matrix-read", 0, service.ScopeRead),
		apiToken(actAPIToken, "matrix-all", 0, service.ScopeAll),
	}
	titles := map[string]string{
		actGest: "gestionnaire", actRef: "référent (A)", actOtherRef: "référent of B", actMember: "member (A)",
		actAnon: "anonymous", actRevoked: "revoked token", actExpired: "expired token",
		actReadOnly: "read-only token", actAPIToken: "API token",
	}
	for _, a := range w.actors {
		a.title = titles[a.key]
	}
	return w
}

// envFor is the environment an actor's commands run in: the database with the actor's clock,
// or the server that runs on that clock.
func (w *authzWorld) envFor(a *matrixActor) clitest.Env {
	env := w.env
	env.Now = a.now
	if w.servers != nil {
		env.DB = ""
		env.Server = w.servers[a.now().Format(time.RFC3339)]
	}
	return env
}

// serve starts one server per clock of the actors, each on its own connection to the
// database, on random ports of 127.0.0.1.
func (w *authzWorld) serve() {
	w.t.Helper()
	w.servers = map[string]string{}
	for _, a := range w.actors {
		key := a.now().Format(time.RFC3339)
		if _, ok := w.servers[key]; ok {
			continue
		}
		db, err := sqlstore.Open(w.ctx, w.env.DB, sqlstore.Options{Now: a.now})
		if err != nil {
			w.t.Fatal(err)
		}
		w.t.Cleanup(func() { db.Close() })
		// Every actor calls from 127.0.0.1: the limit of sign-in attempts per address (its own
		// tests are in internal/server) would refuse the matrix's anonymous cells.
		srv := server.New(service.New(db), server.Options{Health: db.SQL().PingContext, SignInBurst: 10_000})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			w.t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(w.ctx)
		done := make(chan error, 1)
		go func() { done <- srv.Run(ctx, server.Listen{Listener: ln}) }()
		w.t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				w.t.Errorf("server: %v", err)
			}
		})
		w.servers[key] = "http://" + ln.Addr().String()
	}
}

// update runs fn in one transaction of the store, failing the test on error.
func (w *authzWorld) update(fn func(tx store.Tx) error) {
	w.t.Helper()
	if err := w.db.Update(w.ctx, fn); err != nil {
		w.t.Fatal(err)
	}
}

// read runs fn in a read transaction and returns what it says, or the error as text: a probe
// compares two readings, so an error must not look like a state.
func (w *authzWorld) read(fn func(tx store.Tx) (string, error)) string {
	var out string
	err := w.db.View(w.ctx, func(tx store.Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	if err != nil {
		return "error: " + err.Error()
	}
	return out
}

// next numbers the targets cells make, for unique names and e-mails.
func (w *authzWorld) next() int {
	w.seq++
	return w.seq
}

func (w *authzWorld) email(prefix string) string {
	return fmt.Sprintf("%s.%03d@matrice.fr", prefix, w.next())
}

// newUser writes an active account straight into the store; hash "" leaves it without a
// password.
func (w *authzWorld) newUser(email, first, last string, manager bool, hash string) domain.User {
	w.t.Helper()
	u := domain.User{Email: email, FirstName: first, LastName: last, Status: domain.UserActive, Manager: manager, PasswordHash: hash}
	w.update(func(tx store.Tx) error { return tx.CreateUser(w.ctx, &u) })
	if hash != "" {
		w.passwords[u.ID] = matrixPassword
	}
	return u
}

// join attaches u to st, with the automatic profile, as an approval would.
func (w *authzWorld) join(u domain.User, st domain.Structure, referent bool) domain.Membership {
	w.t.Helper()
	m := domain.Membership{UserID: u.ID, StructureID: st.ID, Referent: referent}
	w.update(func(tx store.Tx) error {
		if err := tx.AddMembership(w.ctx, &m); err != nil {
			return err
		}
		return tx.AddGrant(w.ctx, m.ID, domain.ProfileBeneficiary, w.admin.UserID)
	})
	return m
}

// memberOf makes a new account, without password, attached to st.
func (w *authzWorld) memberOf(st domain.Structure) domain.User {
	w.t.Helper()
	u := w.newUser(w.email("membre"), "Anne", "Cible", false, "")
	w.join(u, st, false)
	return u
}

// session opens a sign-in session for u straight in the store, as login would after checking
// the password, and returns its token.
func (w *authzWorld) session(u domain.User) string {
	w.t.Helper()
	token, err := secret.NewToken(service.SessionPrefix)
	if err != nil {
		w.t.Fatal(err)
	}
	w.update(func(tx store.Tx) error {
		exp := tx.Now().Add(30 * 24 * time.Hour)
		return tx.CreateToken(w.ctx, &domain.Token{UserID: u.ID, Kind: domain.TokenSession, Hash: secret.HashToken(token), ExpiresAt: &exp})
	})
	return token
}

func (w *authzWorld) structureWith(name, siret string, kinds []domain.Kind) domain.Structure {
	w.t.Helper()
	postal, city, address := "33000", "Bordeaux", "1 cours de l'Intendance"
	in := domain.StructureInput{Name: &name, PostalCode: &postal, City: &city, Address: &address, Kinds: &kinds}
	if siret != "" {
		in.SIRET = &siret
	}
	st, err := w.svc.CreateStructure(w.ctx, w.admin, in)
	if err != nil {
		w.t.Fatalf("create structure %s: %v", name, err)
	}
	return st
}

// structure makes a new structure without SIRET.
func (w *authzWorld) structure() domain.Structure {
	return w.structureWith(fmt.Sprintf("Structure cible %03d", w.next()), "", []domain.Kind{domain.KindTrainingOrg})
}

// accountRequest files a pending account request for a new person in st.
func (w *authzWorld) accountRequest(st domain.Structure) int64 {
	w.t.Helper()
	r, _, err := w.svc.Register(w.ctx, domain.Anonymous, service.RegisterInput{
		Email: w.email("demande"), FirstName: "Marc", LastName: "Demandeur", Structure: domain.StructureRef{ID: st.ID},
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return r.ID
}

// structureRequest files a pending request to reference a new structure.
func (w *authzWorld) structureRequest() int64 {
	w.t.Helper()
	name, address := fmt.Sprintf("Structure demandée %03d", w.next()), "3 place de la Bourse"
	r, err := w.svc.RequestStructure(w.ctx, domain.Anonymous, domain.StructureInput{Name: &name, Address: &address}, w.email("requerant"))
	if err != nil {
		w.t.Fatal(err)
	}
	return r.ID
}

// structureRequestWithProof files a pending structure request that joins a proof.
func (w *authzWorld) structureRequestWithProof() int64 {
	w.t.Helper()
	name, address := fmt.Sprintf("Entité demandée %03d", w.next()), "3 place de la Bourse"
	proof, err := domain.NewDocument("proof", domain.DocumentProof, "kbis.pdf", []byte("%PDF-1.7 matrice"))
	if err != nil {
		w.t.Fatal(err)
	}
	r, err := w.svc.RequestEntity(w.ctx, domain.Anonymous, service.EntityRequestInput{
		Structure: domain.StructureInput{Name: &name, Address: &address}, RequesterEmail: w.email("requerant"),
		Proof: &proof, NamedOnProof: true,
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return r.ID
}

// changeRequest files a pending change of structure A's data, as a gestionnaire.
func (w *authzWorld) changeRequest() int64 {
	w.t.Helper()
	acronym := fmt.Sprintf("SIGLE%03d", w.next())
	r, err := w.svc.RequestChange(w.ctx, w.admin, domain.StructureRef{ID: w.a.ID}, domain.StructureInput{Acronym: &acronym}, "")
	if err != nil {
		w.t.Fatal(err)
	}
	return r.ID
}

// unverifiedRequest files a structure request while the portal asks for e-mail activation, has
// its mail sent, and returns the request and the code the mail carried.
func (w *authzWorld) unverifiedRequest() (int64, string) {
	w.t.Helper()
	svc := service.New(w.db)
	rs := domain.DefaultRegistrationSettings()
	rs.Activation = true
	svc.Registration = &rs
	name, address := fmt.Sprintf("Structure à confirmer %03d", w.next()), "3 place de la Bourse"
	r, err := svc.RequestStructure(w.ctx, domain.Anonymous, domain.StructureInput{Name: &name, Address: &address}, w.email("requerant"))
	if err != nil {
		w.t.Fatal(err)
	}
	code := ""
	_, err = svc.DeliverMail(w.ctx, w.admin, func(_ context.Context, m domain.Mail) error {
		if m.ActivationFor == r.ID {
			_, after, _ := strings.Cut(m.Body, "--code ")
			code, _, _ = strings.Cut(after, "\n")
		}
		return nil
	}, 100)
	if err != nil || code == "" {
		w.t.Fatalf("no code mailed for request %d: %v", r.ID, err)
	}
	return r.ID, code
}

// apiToken creates an API token of owner (a session of theirs asks for it) and returns its id.
func (w *authzWorld) apiToken(owner domain.User) int64 {
	w.t.Helper()
	name := fmt.Sprintf("cible-%03d", w.next())
	if _, _, err := w.svc.CreateAPIToken(w.ctx, domain.Actor{UserID: owner.ID, Email: owner.Email, Manager: owner.Manager}, name, 0, service.ScopeAll); err != nil {
		w.t.Fatal(err)
	}
	return w.tokenID(owner, name)
}

func (w *authzWorld) tokenID(owner domain.User, name string) int64 {
	var id int64
	w.update(func(tx store.Tx) error {
		ts, err := tx.ListTokens(w.ctx, owner.ID, domain.TokenAPI)
		for _, t := range ts {
			if t.Name == name {
				id = t.ID
			}
		}
		return err
	})
	return id
}

// userOf is the account an actor acts for; anonymous acts for nobody, and probes then watch the
// gestionnaire's account, which nothing may change either.
func (w *authzWorld) userOf(a *matrixActor) domain.User {
	if a.user.ID == 0 {
		return w.users[actGest]
	}
	return a.user
}

// csv writes a file for the import commands.
func (w *authzWorld) csv(content string) string {
	w.t.Helper()
	path := filepath.Join(w.t.TempDir(), fmt.Sprintf("import-%03d.csv", w.next()))
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
	return path
}

func matrixID(id int64) string { return strconv.FormatInt(id, 10) }

// Probes: each reads what one command would change, as text to compare before and after.

func (w *authzWorld) structureCount() string {
	return w.read(func(tx store.Tx) (string, error) {
		ss, err := tx.SearchStructures(w.ctx, store.StructureQuery{})
		return strconv.Itoa(len(ss)), err
	})
}

func (w *authzWorld) structureState(id int64) string {
	return w.read(func(tx store.Tx) (string, error) {
		s, err := tx.StructureByID(w.ctx, id)
		return fmt.Sprintf("city=%s adhesion=%d", s.City, s.AdhesionYear), err
	})
}

func (w *authzWorld) requestCount(q store.RequestQuery) string {
	return w.read(func(tx store.Tx) (string, error) {
		rs, err := tx.ListRequests(w.ctx, q)
		return strconv.Itoa(len(rs)), err
	})
}

func (w *authzWorld) requestStatus(id int64) string {
	return w.read(func(tx store.Tx) (string, error) {
		r, err := tx.RequestByID(w.ctx, id)
		return string(r.Status), err
	})
}

func (w *authzWorld) userState(email string) string {
	return w.read(func(tx store.Tx) (string, error) {
		u, err := tx.UserByEmail(w.ctx, email)
		if errors.Is(err, domain.ErrNotFound) {
			return "no account", nil
		}
		return fmt.Sprintf("function=%q phone=%q hash=%q must-change=%v", u.Function, u.Phone, u.PasswordHash, u.MustChangePassword), err
	})
}

// accountState is whether an account may sign in: its status and lock.
func (w *authzWorld) accountState(email string) string {
	return w.read(func(tx store.Tx) (string, error) {
		u, err := tx.UserByEmail(w.ctx, email)
		return fmt.Sprintf("status=%s locked-until=%v lock-count=%d", u.Status, u.LockedUntil, u.LockCount), err
	})
}

// prunes counts the audit events of `audit prune`: each run writes one.
func (w *authzWorld) prunes() string {
	return w.read(func(tx store.Tx) (string, error) {
		es, err := tx.ListAudit(w.ctx, store.AuditQuery{Action: "audit.prune"})
		return fmt.Sprint(len(es)), err
	})
}

func (w *authzWorld) userCount() string {
	return w.read(func(tx store.Tx) (string, error) {
		us, err := tx.ListUsers(w.ctx, store.UserQuery{})
		return strconv.Itoa(len(us)), err
	})
}

func (w *authzWorld) membershipState(u domain.User, st domain.Structure) string {
	return w.read(func(tx store.Tx) (string, error) {
		m, err := tx.ActiveMembership(w.ctx, u.ID, st.ID)
		if errors.Is(err, domain.ErrNotFound) {
			return "not a member", nil
		}
		if err != nil {
			return "", err
		}
		grants, err := tx.Grants(w.ctx, m.ID)
		sort.Strings(grants)
		return fmt.Sprintf("member referent=%v profiles=%v", m.Referent, grants), err
	})
}

func (w *authzWorld) referentOf(st domain.Structure) int64 {
	var id int64
	w.update(func(tx store.Tx) error {
		m, err := tx.Referent(w.ctx, st.ID)
		if errors.Is(err, domain.ErrNotFound) {
			return nil
		}
		id = m.UserID
		return err
	})
	return id
}

func (w *authzWorld) tokensOf(u domain.User) string {
	return w.read(func(tx store.Tx) (string, error) {
		ts, err := tx.ListTokens(w.ctx, u.ID, domain.TokenAPI)
		return strconv.Itoa(len(ts)), err
	})
}

func (w *authzWorld) tokenRevoked(id int64) string {
	return w.read(func(tx store.Tx) (string, error) {
		t, err := tx.TokenByID(w.ctx, id)
		return fmt.Sprintf("revoked=%v", t.RevokedAt != nil), err
	})
}

func (w *authzWorld) outbox() string {
	return w.read(func(tx store.Tx) (string, error) {
		ms, err := tx.ListMail(w.ctx, store.MailQuery{})
		var b strings.Builder
		for _, m := range ms {
			fmt.Fprintf(&b, "%d:%s:%d ", m.ID, m.Status, m.Attempts)
		}
		return b.String(), err
	})
}

func (w *authzWorld) settingsState() string {
	return w.read(func(tx store.Tx) (string, error) {
		stored, err := tx.Settings(w.ctx)
		var b strings.Builder
		for _, k := range domain.SettingKeys() {
			if v, ok := stored[k]; ok {
				fmt.Fprintf(&b, "%s=%s", k, v)
			}
		}
		return b.String(), err
	})
}
