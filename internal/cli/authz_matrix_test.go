package cli_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/profil-cli/profil/internal/cli"
	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/iostreams"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/secret"
	"github.com/profil-cli/profil/internal/store"
	"github.com/profil-cli/profil/internal/testdb"
)

// matrixActorSet is who a row lets through.
type matrixActorSet map[string]bool

func matrixWho(keys ...string) matrixActorSet {
	s := matrixActorSet{}
	for _, k := range keys {
		s[k] = true
	}
	return s
}

func (s matrixActorSet) plus(keys ...string) matrixActorSet {
	out := matrixWho(keys...)
	for k := range s {
		out[k] = true
	}
	return out
}

// The rows of domain.Policy, as sets of the matrix's actors. The tokens are the gestionnaire's:
// the one with all rights acts as a gestionnaire wherever the rule is not "a password session";
// the read-only one reads what a gestionnaire reads and changes nothing; a revoked or expired
// token is refused whatever the rule, even the rules that let anonymous people through (a
// token given explicitly is not silently dropped).
var (
	allowManagers  = matrixWho(actGest, actAPIToken)                    // Managers
	allowReferent  = allowManagers.plus(actRef)                         // Referent, RefOfKind
	allowSignedIn  = allowManagers.plus(actRef, actOtherRef, actMember) // SignedIn, Self (the actor's own account)
	allowAnyone    = allowSignedIn.plus(actAnon)                        // Anyone
	allowPassword  = matrixWho(actGest, actRef, actOtherRef, actMember) // PasswordSes: no API token
	allowGestOnly  = matrixWho(actGest)                                 // PasswordSes and Managers
	readManagers   = allowManagers.plus(actReadOnly)                    // Managers, read
	readReferent   = allowReferent.plus(actReadOnly)                    // Referent or SelfOrRef, read
	readMembers    = allowReferent.plus(actMember, actReadOnly)         // Members, read
	readSignedIn   = allowSignedIn.plus(actReadOnly)                    // SignedIn, read
	readAnyone     = allowAnyone.plus(actReadOnly)                      // Anyone, read
	matrixHashOnce sync.Once
	matrixHash     string
)

// matrixCell is one command as one actor: its arguments, and how to tell in the database whether it
// changed what it is about.
type matrixCell struct {
	args  []string
	stdin string
	// review runs on a terminal with these answers, without --yes.
	review []prompt.Answer
	// state reads what the command changes; nil for the commands that only read. An allowed
	// run must change it, a refused one must leave it as it was.
	state func() string
	// okCodes are the exit codes of an allowed run (default: 0 only).
	okCodes []int
	// mayKeep lets an allowed run leave state unchanged (nothing was due).
	mayKeep bool
	// dryRun: no run may change state, allowed or not.
	dryRun bool
	// emptyQueue: a refusal shows as an empty queue (exit 0, nothing decided), not as exit 4.
	emptyQueue bool
	// after runs once the cell is checked, to put back what an allowed run changed.
	after func()
}

// matrixRow is one command (or one way of using it) of the matrix.
type matrixRow struct {
	name     string         // as in the table
	path     string         // the command in the tree, "structure create"
	allow    matrixActorSet // who may
	note     string         // a footnote of the table
	optional bool           // run only when the command exists
	cell     func(w *authzWorld, a *matrixActor) matrixCell
}

// matrixRows are the commands of the tree that a rule of the policy governs. Reads come first,
// then changes; `request review` and `referent set` after every other change (the first decides
// whatever waits in A, the second is put back after each allowed run), and `user passwd` last.
func matrixRows() []matrixRow {
	json := func(args ...string) []string { return append(args, "-o", "json") }
	return spliceTraineeRows([]matrixRow{
		// mail send comes first, while the outbox is short: every message is tried against a
		// port where nothing listens.
		{name: "mail send", path: "mail send", allow: allowManagers,
			note: "An allowed run exits 1 when a message is due (nothing listens on 127.0.0.1:1) and 0 when none is; what matters is that it is not 4",
			cell: func(w *authzWorld, a *matrixActor) matrixCell {
				// The messages of the fixture are due when the gestionnaire runs first; after its
				// attempt they wait for their retry, and the next allowed run finds none due.
				return matrixCell{args: []string{"mail", "send", "--smtp", "smtp://127.0.0.1:1"}, state: w.outbox,
					okCodes: []int{cmdutil.ExitOK, cmdutil.ExitError}, mayKeep: a.key != actGest}
			}},

		// Reads.
		{name: "structure list", path: "structure list", allow: readAnyone, note: "anonymous: the public fields only (no address, APE, adhesion, référent; never members)", cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("structure", "list")}
		}},
		{name: "structure search", path: "structure search", allow: readAnyone, note: "anonymous: the public fields only (no address, APE, adhesion, référent; never members)", cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("structure", "search", "horizons")}
		}},
		{name: "structure show", path: "structure show", allow: readAnyone, note: "anonymous: the public fields only (no address, APE, adhesion, référent; never members)", cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("structure", "show", matrixID(w.a.ID))}
		}},
		{name: "structure members", path: "structure members", allow: readMembers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("structure", "members", matrixID(w.a.ID))}
		}},
		{name: "user list --structure", path: "user list", allow: readMembers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("user", "list", "--structure", matrixID(w.a.ID))}
		}},
		{name: "user list (all structures)", path: "user list", allow: readManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("user", "list")}
		}},
		{name: "user show (a member of A)", path: "user show", allow: readReferent, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("user", "show", w.x.Email)}
		}},
		{name: "profile list (a member of A)", path: "profile list", allow: readReferent, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("profile", "list", w.x.Email)}
		}},
		{name: "user data (own)", path: "user data", allow: readSignedIn, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("user", "data")}
		}},
		{name: "user data (a member of A)", path: "user data", allow: readManagers,
			note: "Not the référent: an access request is the person's own right, or a gestionnaire's to answer",
			cell: func(w *authzWorld, a *matrixActor) matrixCell {
				return matrixCell{args: json("user", "data", w.x.Email)}
			}},
		{name: "profile catalog", path: "profile catalog", allow: readAnyone, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("profile", "catalog")}
		}},
		{name: "request list", path: "request list", allow: readSignedIn, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("request", "list")}
		}},
		{name: "request show (account request in A)", path: "request show", allow: readReferent, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("request", "show", matrixID(w.pendA))}
		}},
		{name: "request document (structure request)", path: "request document", allow: readManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			id := w.structureRequestWithProof()
			out := filepath.Join(w.t.TempDir(), fmt.Sprintf("proof-%03d.pdf", w.next()))
			return matrixCell{args: []string{"request", "document", matrixID(id), "proof", "-f", out}}
		}},
		{name: "request activate", path: "request activate", allow: allowAnyone, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			id, code := w.unverifiedRequest()
			return matrixCell{args: []string{"request", "activate", matrixID(id), "--code", code}, state: func() string { return w.requestStatus(id) }}
		}},
		{name: "request resend-activation", path: "request resend-activation", allow: allowAnyone, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: []string{"request", "resend-activation", w.email("inconnu")}, state: func() string { return "" }, mayKeep: true}
		}},
		{name: "request purge --unverified", path: "request purge", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: []string{"request", "purge", "--unverified", "--older-than", "1d"},
				state: func() string { return w.requestCount(store.RequestQuery{}) }, mayKeep: true}
		}},
		{name: "structure request-change (A)", path: "structure request-change", allow: allowReferent, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			city := fmt.Sprintf("Ville %s %03d", a.key, w.next())
			return matrixCell{args: []string{"structure", "request-change", matrixID(w.a.ID), "--city", city},
				state: func() string { return w.requestCount(store.RequestQuery{Kind: domain.RequestChange}) }}
		}},
		{name: "request approve (change request)", path: "request approve", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			id := w.changeRequest()
			return matrixCell{args: []string{"request", "approve", matrixID(id)}, state: func() string { return w.requestStatus(id) }}
		}},
		{name: "token list", path: "token list", allow: readSignedIn, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("token", "list")}
		}},
		{name: "export users --structure", path: "export users", allow: readReferent, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: []string{"export", "users", "--structure", matrixID(w.a.ID), "--format", "json"}}
		}},
		{name: "export users --all", path: "export users", allow: readManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: []string{"export", "users", "--all", "--format", "json"}}
		}},
		{name: "audit list", path: "audit list", allow: readSignedIn, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("audit", "list")}
		}},
		{name: "mail list", path: "mail list", allow: readManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("mail", "list")}
		}},
		{name: "settings list", path: "settings list", allow: readManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("settings", "list")}
		}},
		{name: "settings get", path: "settings get", allow: readManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("settings", "get", domain.SettingMailLanguage)}
		}},

		// Changes: each cell has its own target.
		{name: "settings set", path: "settings set", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			// The other language than the one set, so that an allowed run changes it.
			value := "en"
			if w.settingsState() == domain.SettingMailLanguage+"=en" {
				value = "fr"
			}
			return matrixCell{args: []string{"settings", "set", domain.SettingMailLanguage, value}, state: w.settingsState}
		}},
		{name: "structure create", path: "structure create", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			name := fmt.Sprintf("Créée par %s %03d", a.key, w.next())
			return matrixCell{args: []string{"structure", "create", "--name", name, "--address", "2 rue Lormand", "--postal-code", "64100", "--city", "Bayonne"},
				state: w.structureCount}
		}},
		{name: "structure update", path: "structure update", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: []string{"structure", "update", matrixID(w.a.ID), "--city", "Ville " + a.key},
				state: func() string { return w.structureState(w.a.ID) }}
		}},
		{name: "structure adhesion", path: "structure adhesion", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			year := fmt.Sprint(2020 + w.next()%50)
			return matrixCell{args: []string{"structure", "adhesion", matrixID(w.a.ID), "--year", year},
				state: func() string { return w.structureState(w.a.ID) }}
		}},
		{name: "structure request", path: "structure request", allow: allowAnyone, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			name := fmt.Sprintf("Demandée par %s %03d", a.key, w.next())
			return matrixCell{args: []string{"structure", "request", "--name", name, "--address", "5 quai des Chartrons", "--requester-email", w.email("requerant")},
				state: func() string { return w.requestCount(store.RequestQuery{Kind: domain.RequestStructure}) }}
		}},
		{name: "user register", path: "user register", allow: allowAnyone, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			email := w.email("inscrit")
			return matrixCell{args: []string{"user", "register", "--email", email, "--last-name", "Inscrit", "--first-name", "Hugo", "--structure", matrixID(w.a.ID)},
				state: func() string { return w.userState(email) }}
		}},
		{name: "user update (own account)", path: "user update", allow: allowSignedIn, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			u := w.userOf(a)
			return matrixCell{args: []string{"user", "update", "--function", fmt.Sprintf("Fonction %s %03d", a.key, w.next())},
				state: func() string { return w.userState(u.Email) }}
		}},
		{name: "user update (another account)", path: "user update", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			target := w.memberOf(w.a)
			return matrixCell{args: []string{"user", "update", target.Email, "--phone", "05 56 00 00 00"},
				state: func() string { return w.userState(target.Email) }}
		}},
		{name: "user reset-password", path: "user reset-password", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			target := w.memberOf(w.a)
			return matrixCell{args: []string{"user", "reset-password", target.Email},
				state: func() string { return w.userState(target.Email) }}
		}},
		{name: "user disable", path: "user disable", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			target := w.memberOf(w.a)
			return matrixCell{args: []string{"user", "disable", target.Email, "--reason", "matrice"},
				state: func() string { return w.accountState(target.Email) }}
		}},
		{name: "user enable", path: "user enable", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			target := w.memberOf(w.a)
			w.update(func(tx store.Tx) error {
				target.Status = domain.UserDisabled
				return tx.UpdateUser(w.ctx, &target)
			})
			return matrixCell{args: []string{"user", "enable", target.Email},
				state: func() string { return w.accountState(target.Email) }}
		}},
		{name: "user unlock", path: "user unlock", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			target := w.memberOf(w.a)
			w.update(func(tx store.Tx) error {
				until := tx.Now().Add(time.Hour)
				target.LockedUntil, target.LockCount = &until, 1
				return tx.UpdateUser(w.ctx, &target)
			})
			return matrixCell{args: []string{"user", "unlock", target.Email},
				state: func() string { return w.accountState(target.Email) }}
		}},
		{name: "user erase", path: "user erase", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			target := w.memberOf(w.a)
			return matrixCell{args: []string{"user", "erase", target.Email, "--yes"},
				state: func() string { return w.accountState(target.Email) }}
		}},
		{name: "audit prune", path: "audit prune", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: []string{"audit", "prune", "--audit", "5y", "--requests", "5y"}, state: w.prunes}
		}},
		{name: "audit prune --dry-run", path: "audit prune", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: []string{"audit", "prune", "--audit", "1d", "--dry-run"}, state: w.prunes, dryRun: true}
		}},
		{name: "user affiliate (oneself)", path: "user affiliate", allow: allowSignedIn, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			st := w.structure()
			return matrixCell{args: []string{"user", "affiliate", "--structure", matrixID(st.ID)},
				state: func() string { return w.requestCount(store.RequestQuery{StructureID: st.ID}) }}
		}},
		{name: "user affiliate --user (someone else)", path: "user affiliate", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			st, target := w.structure(), w.memberOf(w.b)
			return matrixCell{args: []string{"user", "affiliate", "--structure", matrixID(st.ID), "--user", target.Email},
				state: func() string { return w.requestCount(store.RequestQuery{StructureID: st.ID}) }}
		}},
		{name: "user detach", path: "user detach", allow: allowReferent, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			target := w.memberOf(w.a)
			return matrixCell{args: []string{"user", "detach", target.Email, "--structure", matrixID(w.a.ID)},
				state: func() string { return w.membershipState(target, w.a) }}
		}},
		{name: "request approve (account request)", path: "request approve", allow: allowReferent, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			id := w.accountRequest(w.a)
			return matrixCell{args: []string{"request", "approve", matrixID(id)}, state: func() string { return w.requestStatus(id) }}
		}},
		{name: "request approve --dry-run", path: "request approve", allow: allowReferent, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			id := w.accountRequest(w.a)
			return matrixCell{args: []string{"request", "approve", matrixID(id), "--dry-run"}, state: func() string { return w.requestStatus(id) }, dryRun: true}
		}},
		{name: "request reject (account request)", path: "request reject", allow: allowReferent, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			id := w.accountRequest(w.a)
			return matrixCell{args: []string{"request", "reject", matrixID(id), "--reason", "Personne inconnue de la structure"},
				state: func() string { return w.requestStatus(id) }}
		}},
		{name: "request approve (structure request)", path: "request approve", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			id := w.structureRequest()
			return matrixCell{args: []string{"request", "approve", matrixID(id)}, state: func() string { return w.requestStatus(id) }}
		}},
		{name: "request reject (structure request)", path: "request reject", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			id := w.structureRequest()
			return matrixCell{args: []string{"request", "reject", matrixID(id), "--reason", "Structure déjà référencée"},
				state: func() string { return w.requestStatus(id) }}
		}},
		{name: "profile grant", path: "profile grant", allow: allowReferent, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			target := w.memberOf(w.a)
			return matrixCell{args: []string{"profile", "grant", target.Email, domain.ProfileEmployer, "--structure", matrixID(w.a.ID)},
				state: func() string { return w.membershipState(target, w.a) }}
		}},
		{name: "profile revoke", path: "profile revoke", allow: allowReferent, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			target := w.memberOf(w.a)
			w.update(func(tx store.Tx) error {
				m, err := tx.ActiveMembership(w.ctx, target.ID, w.a.ID)
				if err != nil {
					return err
				}
				return tx.AddGrant(w.ctx, m.ID, domain.ProfileEmployer, w.admin.UserID)
			})
			return matrixCell{args: []string{"profile", "revoke", target.Email, domain.ProfileEmployer, "--structure", matrixID(w.a.ID)},
				state: func() string { return w.membershipState(target, w.a) }}
		}},
		{name: "token create", path: "token create", allow: allowPassword, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			u := w.userOf(a)
			return matrixCell{args: []string{"token", "create", "--name", fmt.Sprintf("cellule-%03d", w.next()), "--expires", "30d"},
				state: func() string { return w.tokensOf(u) }}
		}},
		{name: "token revoke (own token)", path: "token revoke", allow: allowPassword, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			id := w.apiToken(w.userOf(a))
			return matrixCell{args: []string{"token", "revoke", matrixID(id)}, state: func() string { return w.tokenRevoked(id) }}
		}},
		{name: "token revoke (another person's token)", path: "token revoke", allow: allowGestOnly, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			id := w.apiToken(w.z)
			return matrixCell{args: []string{"token", "revoke", matrixID(id)}, state: func() string { return w.tokenRevoked(id) }}
		}},
		{name: "structure import", path: "structure import", allow: allowManagers, optional: true, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			n := w.next()
			file := w.csv(fmt.Sprintf("siret,name,address,postal_code,city,kinds\n%s,Importée %03d,4 rue Sainte-Catherine,33000,Bordeaux,training-org\n",
				domain.MakeSIRET(fmt.Sprintf("5%07d", n), "0001"), n))
			return matrixCell{args: []string{"structure", "import", file}, state: w.structureCount}
		}},
		{name: "user import", path: "user import", allow: allowManagers, optional: true, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			file := w.csv(fmt.Sprintf("email,last_name,first_name,siret\n%s,Ancien,Compte,%s\n", w.email("importe"), w.a.SIRET))
			return matrixCell{args: []string{"user", "import", "--source", "synapse", file}, state: w.userCount}
		}},
		{name: "structure import --dry-run", path: "structure import", allow: allowManagers, optional: true, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			n := w.next()
			file := w.csv(fmt.Sprintf("siret,name,address,postal_code,city\n%s,Essai %03d,4 rue Sainte-Catherine,33000,Bordeaux\n",
				domain.MakeSIRET(fmt.Sprintf("6%07d", n), "0001"), n))
			return matrixCell{args: []string{"structure", "import", file, "--dry-run"}, state: w.structureCount, dryRun: true}
		}},
		{name: "user import --dry-run", path: "user import", allow: allowManagers, optional: true, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			file := w.csv(fmt.Sprintf("email,last_name,first_name,siret\n%s,Ancien,Compte,%s\n", w.email("essai"), w.a.SIRET))
			return matrixCell{args: []string{"user", "import", "--source", "prisme", file, "--dry-run"}, state: w.userCount, dryRun: true}
		}},
		{name: "request review", path: "request review", allow: allowReferent,
			note: "Review lists only what the actor may decide: a référent of another structure or a plain member gets an empty queue (exit 0) and decides nothing",
			cell: func(w *authzWorld, a *matrixActor) matrixCell {
				w.accountRequest(w.a)
				pending := func() string {
					return w.requestCount(store.RequestQuery{StructureID: w.a.ID, Status: domain.StatusPending})
				}
				// Approve the first account request of the queue, then quit.
				return matrixCell{args: []string{"request", "review", "--structure", matrixID(w.a.ID), "--kind", "account"}, state: pending, emptyQueue: true,
					review: []prompt.Answer{prompt.AnswerSelect(0), prompt.AnswerSelect(4)}}
			}},
		{name: "referent set", path: "referent set", allow: allowReferent, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			target := w.memberOf(w.a)
			ref := w.users[actRef]
			return matrixCell{args: []string{"referent", "set", "--structure", matrixID(w.a.ID), "--user", target.Email},
				state: func() string { return fmt.Sprint(w.referentOf(w.a)) },
				after: func() {
					// Hand the role back, so that the next actors meet the same référent.
					if w.referentOf(w.a) != ref.ID {
						if _, _, err := w.svc.SetReferent(w.ctx, w.admin, domain.StructureRef{ID: w.a.ID}, ref.Email); err != nil {
							w.t.Fatal(err)
						}
					}
				}}
		}},
		{name: "user passwd", path: "user passwd", allow: allowSignedIn, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			u := w.userOf(a)
			current := w.passwords[u.ID]
			next := fmt.Sprintf("nouveau mot de passe %s %03d", a.key, w.next())
			return matrixCell{args: []string{"user", "passwd", "--password-stdin"}, stdin: current + "\n" + next + "\n",
				state: func() string { return w.userState(u.Email) },
				after: func() {
					if ok, _ := w.passwordIs(u, next); ok {
						w.passwords[u.ID] = next
					}
				}}
		}},
	})
}

// passwordIs checks u's stored password.
func (w *authzWorld) passwordIs(u domain.User, password string) (bool, error) {
	var hash string
	w.update(func(tx store.Tx) error {
		cur, err := tx.UserByID(w.ctx, u.ID)
		hash = cur.PasswordHash
		return err
	})
	return secret.VerifyPassword(hash, password)
}

// outsideThePolicy are the commands of the tree that no rule of domain.Policy governs, and why.
// A command in neither this list nor the matrix fails TestAuthzMatrixCoversTheTree.
var outsideThePolicy = map[string]string{
	"login":           "checks a password and opens a session",
	"logout":          "revokes the caller's own session",
	"whoami":          "shows the caller, or says nobody is signed in",
	"init":            "creates or upgrades the database; refuses a second first gestionnaire",
	"demo":            "fills a demo database",
	"db migrate":      "schema upkeep, by whoever can open the database",
	"db status":       "schema upkeep, by whoever can open the database",
	"db check":        "schema upkeep, by whoever can open the database",
	"db runtime-role": "PostgreSQL grants: only the owner of the tables may give them, PostgreSQL checks it",
	"version":         "prints the version",
	"serve":           "serves the use cases; each call is authorized by the policy as a local run is (TestAuthzMatrixThroughServer)",
}

// leafCommands lists the runnable commands of the tree, as "structure create".
func leafCommands() map[string]bool {
	ios, _, _, _ := iostreams.Test()
	root := cli.NewRootCmd(&cmdutil.Factory{IO: ios})
	out := map[string]bool{}
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		for _, sub := range c.Commands() {
			if sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			p := append(slices.Clone(path), sub.Name())
			if sub.HasSubCommands() {
				walk(sub, p)
			} else if sub.Runnable() {
				out[strings.Join(p, " ")] = true
			}
		}
	}
	walk(root, nil)
	return out
}

// Every command of the tree is either in the matrix or known to be outside the policy: a new
// command must say who may run it.
func TestAuthzMatrixCoversTheTree(t *testing.T) {
	inMatrix := map[string]bool{}
	for _, r := range matrixRows() {
		inMatrix[r.path] = true
	}
	tree := leafCommands()
	var missing []string
	for c := range tree {
		if !inMatrix[c] && outsideThePolicy[c] == "" {
			missing = append(missing, c)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("commands in neither the authorization matrix nor outsideThePolicy: %q", missing)
	}
	for _, r := range matrixRows() {
		if !tree[r.path] && !r.optional {
			t.Errorf("matrix row %q: no command %q in the tree", r.name, r.path)
		}
	}
}

// cellOutcome is what a cell did: "✓" allowed, "✗" refused, or "exit N" for anything else.
type cellOutcome string

const (
	cellAllowed cellOutcome = "✓"
	cellRefused cellOutcome = "✗"
)

// Every command that a rule of the policy governs, through the real command tree, as each kind
// of actor, on every engine: allowed (exit 0, and the change is in the database) or refused
// (exit 4, and nothing changed). The matrix is logged as a markdown table for the README.
func TestAuthzMatrix(t *testing.T) { testAuthzMatrix(t, false) }

// TestAuthzMatrixThroughServer runs the same matrix with every command going through
// `profil serve` (a real server on 127.0.0.1): every cell must come out as locally.
func TestAuthzMatrixThroughServer(t *testing.T) { testAuthzMatrix(t, true) }

func testAuthzMatrix(t *testing.T, throughServer bool) {
	matrixHashOnce.Do(func() {
		var err error
		if matrixHash, err = secret.HashPassword(matrixPassword); err != nil {
			t.Fatal(err)
		}
	})
	rows := matrixRows()
	tree := leafCommands()
	var (
		tables  []string
		engines []string
	)
	testdb.Each(t, func(t *testing.T, dsn string) {
		w := newAuthzWorld(t, dsn, matrixHash)
		if throughServer {
			w.serve()
		}
		t.Run("actors", func(t *testing.T) { checkActors(t, w) })
		got := map[string]map[string]cellOutcome{}
		var ran []matrixRow
		for _, row := range rows {
			if !tree[row.path] {
				t.Logf("%s: not in this tree, skipped", row.path)
				continue
			}
			cells := map[string]cellOutcome{}
			t.Run(row.name, func(t *testing.T) {
				for _, a := range w.actors {
					cells[a.key] = runCell(t, w, row, a)
				}
			})
			if len(cells) > 0 { // not left out by -run
				ran = append(ran, row)
				got[row.name] = cells
			}
		}
		engines = append(engines, t.Name())
		tables = append(tables, matrixTable(ran, w.actors, got))
	})
	if len(tables) == 0 {
		return
	}
	for i := 1; i < len(tables); i++ {
		if tables[i] != tables[0] {
			t.Errorf("the engines disagree:\n%s:\n%s\n%s:\n%s", engines[0], tables[0], engines[i], tables[i])
		}
	}
	t.Logf("authorization matrix (%s):\n\n%s", strings.Join(engines, ", "), tables[0])
}

// checkActors makes sure each actor is who its column says, and that the revoked and expired
// tokens are refused for that reason and no other.
func checkActors(t *testing.T, w *authzWorld) {
	for _, a := range w.actors {
		env := w.envFor(a)
		var args []string
		if a.token != "" {
			args = append(args, "--token", a.token)
		}
		r := clitest.Run(t, env, append(args, "whoami")...)
		want := map[string]string{
			actAnon: "not signed in", actRevoked: "revoked", actExpired: "expired",
			actReadOnly: "(token matrix-read)", actAPIToken: "(token matrix-all)",
		}[a.key]
		switch a.key {
		case actAnon, actRevoked, actExpired:
			if r.Code != cmdutil.ExitForbidden || !strings.Contains(r.Stderr, want) {
				t.Errorf("%s: whoami should be refused with %q:\n%s", a.key, want, r)
			}
		default:
			if r.Code != cmdutil.ExitOK || !strings.Contains(r.Stdout, "<"+a.user.Email+">") || !strings.Contains(r.Stdout, want) {
				t.Errorf("%s: whoami should name %s %s:\n%s", a.key, a.user.Email, want, r)
			}
		}
	}
}

// runCell runs one command as one actor and checks it against the row.
func runCell(t *testing.T, w *authzWorld, row matrixRow, a *matrixActor) cellOutcome {
	t.Helper()
	c := row.cell(w, a)
	env := w.envFor(a)
	env.Stdin = c.stdin
	args := []string{"--yes"}
	if c.review != nil {
		args = nil
		env.Prompter = prompt.NewScripted(c.review...)
		env.StdinTTY, env.StderrTTY = true, true
	}
	if a.token != "" {
		args = append(args, "--token", a.token)
	}
	args = append(args, c.args...)

	before := ""
	if c.state != nil {
		before = c.state()
	}
	r := clitest.Run(t, env, args...)
	changed := c.state != nil && c.state() != before
	if c.after != nil {
		defer c.after()
	}

	okCodes := c.okCodes
	if okCodes == nil {
		okCodes = []int{cmdutil.ExitOK}
	}
	var got cellOutcome
	switch {
	case r.Code == cmdutil.ExitForbidden:
		got = cellRefused
	case c.emptyQueue && r.Code == cmdutil.ExitOK && !changed && !row.allow[a.key]:
		got = cellRefused
	case slices.Contains(okCodes, r.Code):
		got = cellAllowed
	default:
		got = cellOutcome(fmt.Sprintf("exit %d", r.Code))
	}

	want := cellRefused
	if row.allow[a.key] {
		want = cellAllowed
	}
	if got != want {
		t.Errorf("%s as %s: want %s, got %s (exit %d)\n%s", row.name, a.key, want, got, r.Code, r)
		return got
	}
	if c.state == nil {
		return got
	}
	switch {
	case got == cellRefused && changed:
		t.Errorf("%s as %s: refused, yet the database changed: %s → %s\n%s", row.name, a.key, before, c.state(), r)
	case got == cellAllowed && changed && c.dryRun:
		t.Errorf("%s as %s: a dry run changed the database: %s → %s\n%s", row.name, a.key, before, c.state(), r)
	case got == cellAllowed && !changed && !c.mayKeep && !c.dryRun:
		t.Errorf("%s as %s: allowed, yet nothing changed (%s)\n%s", row.name, a.key, before, r)
	}
	return got
}

// matrixTable renders the outcomes as a markdown table: rows are commands, columns actors.
func matrixTable(rows []matrixRow, actors []*matrixActor, got map[string]map[string]cellOutcome) string {
	var b strings.Builder
	b.WriteString("| command |")
	for _, a := range actors {
		b.WriteString(" " + a.title + " |")
	}
	b.WriteString("\n|---|")
	for range actors {
		b.WriteString(":-:|")
	}
	b.WriteString("\n")
	var notes []string
	mismatch := false
	for _, row := range rows {
		name := "`" + row.name + "`"
		if row.note != "" {
			notes = append(notes, row.note)
			name += fmt.Sprintf(" [%d]", len(notes))
		}
		fmt.Fprintf(&b, "| %s |", name)
		for _, a := range actors {
			o, want := got[row.name][a.key], cellRefused
			if row.allow[a.key] {
				want = cellAllowed
			}
			if o != want {
				mismatch = true
				o += " ⚠"
			}
			fmt.Fprintf(&b, " %s |", o)
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	if mismatch {
		notes = append(notes, "⚠ marks what the command did where the policy says otherwise")
	}
	for i, n := range notes {
		fmt.Fprintf(&b, "[%d] %s.\n", i+1, n)
	}
	return b.String()
}
