package cli_test

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/secret"
	"github.com/profil-cli/profil/internal/store"
)

// spliceTraineeRows puts the rows of the trainee portal among the others: its reads after the
// other reads, its changes before `request review`.
func spliceTraineeRows(rows []matrixRow) []matrixRow {
	reads, changes := traineeMatrixRows()
	at := func(name string) int {
		return slices.IndexFunc(rows, func(r matrixRow) bool { return r.name == name })
	}
	i := at("settings get") + 1
	rows = slices.Insert(rows, i, reads...)
	return slices.Insert(rows, at("request review"), changes...)
}

func traineeMatrixRows() (reads, changes []matrixRow) {
	json := func(args ...string) []string { return append(args, "-o", "json") }
	reads = []matrixRow{
		{name: "case list", path: "case list", allow: readManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			w.ensureCase()
			return matrixCell{args: json("case", "list")}
		}},
		{name: "case show", path: "case show", allow: readManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("case", "show", w.ensureCase())}
		}},
		{name: "trainee list", path: "trainee list", allow: readManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("trainee", "list")}
		}},
		{name: "export trainees", path: "export trainees", allow: readManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: []string{"export", "trainees", "--format", "json"}}
		}},
		{name: "terms show", path: "terms show", allow: readAnyone, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			w.ensureTerms()
			return matrixCell{args: json("terms", "show")}
		}},
		{name: "terms status", path: "terms status", allow: readManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			return matrixCell{args: json("terms", "status")}
		}},
	}
	changes = []matrixRow{
		{name: "case import", path: "case import", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			file := w.csv(fmt.Sprintf("case_number,last_name,first_name,birth_date\nMATRICE-%03d,Dossier,Importé,14/03/2001\n", w.next()))
			return matrixCell{args: []string{"case", "import", file}, state: w.caseCount}
		}},
		{name: "trainee register", path: "trainee register", allow: allowAnyone, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			email := w.email("stagiaire")
			return matrixCell{args: []string{"trainee", "register", "--last-name", "Stagiaire", "--first-name", "Inès", "--birth-date", "02/05/2002",
				"--no-case-number", "--email", email, "--email-confirm", email, "--accept-terms"}, state: func() string { return w.userState(email) }}
		}},
		{name: "user forgot-password", path: "user forgot-password", allow: allowAnyone, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			u := w.traineeWithSecret("Charles")
			return matrixCell{args: []string{"user", "forgot-password", "--email", u.Email, "--answer-stdin", "--password-stdin"},
				stdin: "charles\nun nouveau mot de passe de matrice\n", state: func() string { return w.userState(u.Email) }}
		}},
		{name: "user secret set (a staff account)", path: "user secret set", allow: matrixWho(),
			note: "Only trainee accounts have a secret question, each set by its trainee; a staff account that forgets its password gets a temporary one by mail",
			cell: func(w *authzWorld, a *matrixActor) matrixCell {
				u := w.userOf(a)
				return matrixCell{args: []string{"user", "secret", "set", "--question", "Prénom de mon fils ?", "--answer-stdin"}, stdin: "Charles\n",
					state: func() string { return w.secretState(u.ID) }}
			}},
		{name: "user confirm-email (own)", path: "user confirm-email", allow: allowSignedIn, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			u := w.userOf(a)
			const code = "abcde-fghjk"
			far := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
			w.update(func(tx store.Tx) error {
				return tx.SaveEmailChange(w.ctx, &domain.EmailChange{UserID: u.ID, NewEmail: w.email("nouvelle"),
					CodeHash: secret.HashToken(secret.NormalizeActivationCode(code)), ExpiresAt: &far})
			})
			return matrixCell{args: []string{"user", "confirm-email", "--code", code}, state: func() string { return w.emailOf(u.ID) },
				after: func() { w.restoreEmail(u) }}
		}},
		{name: "user franceconnect link (own account)", path: "user franceconnect link", allow: allowSignedIn, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			u := w.userOf(a)
			return matrixCell{args: []string{"user", "franceconnect", "link", "--sub", fmt.Sprintf("sub-matrice-%03d", w.next())},
				state: func() string { return w.fcState(u.ID) }, after: func() { w.unlink(u.ID) }}
		}},
		{name: "user franceconnect link (another account)", path: "user franceconnect link", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			target := w.memberOf(w.a)
			return matrixCell{args: []string{"user", "franceconnect", "link", target.Email, "--sub", fmt.Sprintf("sub-matrice-%03d", w.next())},
				state: func() string { return w.fcState(target.ID) }}
		}},
		{name: "user franceconnect unlink (another account)", path: "user franceconnect unlink", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			target := w.memberOf(w.a)
			w.update(func(tx store.Tx) error {
				return tx.LinkFranceConnect(w.ctx, &domain.FranceConnectLink{UserID: target.ID, Issuer: domain.DefaultFranceConnectIssuer, Sub: fmt.Sprintf("sub-cible-%03d", w.next())})
			})
			return matrixCell{args: []string{"user", "franceconnect", "unlink", target.Email}, state: func() string { return w.fcState(target.ID) }}
		}},
		{name: "terms accept", path: "terms accept", allow: allowSignedIn,
			note: "A new version of the terms holds back every signed-in session until its person accepts it; API tokens keep working",
			cell: func(w *authzWorld, a *matrixActor) matrixCell {
				u := w.userOf(a)
				version := fmt.Sprintf("matrice-%03d", w.next())
				w.update(func(tx store.Tx) error {
					if err := tx.PublishTerms(w.ctx, &domain.TermsVersion{Version: version, Body: "CGU " + version, SHA256: "x"}); err != nil {
						return err
					}
					return w.acceptAll(tx, u.ID)
				})
				return matrixCell{args: []string{"terms", "accept"}, state: func() string { return w.termsState(u.ID, version) },
					after: func() { w.update(func(tx store.Tx) error { return w.acceptAll(tx, 0) }) }}
			}},
		{name: "terms publish", path: "terms publish", allow: allowManagers, cell: func(w *authzWorld, a *matrixActor) matrixCell {
			file := w.csv("Conditions générales d'utilisation\n")
			return matrixCell{args: []string{"terms", "publish", "--version", fmt.Sprintf("publiee-%03d", w.next()), "--file", file},
				state: w.currentTerms, after: func() { w.update(func(tx store.Tx) error { return w.acceptAll(tx, 0) }) }}
		}},
	}
	return reads, changes
}

// ensureCase imports one case file once and returns its number.
func (w *authzWorld) ensureCase() string {
	const number = "MATRICE-LU"
	w.update(func(tx store.Tx) error {
		c := domain.Case{Number: number, LastName: "Lecture", FirstName: "Seule", BirthDate: "2000-01-01"}
		_, err := tx.InsertCase(w.ctx, &c)
		return err
	})
	return number
}

// ensureTerms publishes a version of the terms once, accepted by every actor.
func (w *authzWorld) ensureTerms() {
	w.update(func(tx store.Tx) error {
		if _, err := tx.CurrentTerms(w.ctx); err == nil {
			return nil
		} else if !errors.Is(err, domain.ErrNotFound) {
			return err
		}
		if err := tx.PublishTerms(w.ctx, &domain.TermsVersion{Version: "matrice", Body: "CGU", SHA256: "x"}); err != nil {
			return err
		}
		return w.acceptAll(tx, 0)
	})
}

// acceptAll makes every active account but except accept the current terms, so that their
// sessions go on.
func (w *authzWorld) acceptAll(tx store.Tx, except int64) error {
	cur, err := tx.CurrentTerms(w.ctx)
	if err != nil {
		return err
	}
	users, err := tx.ListUsers(w.ctx, store.UserQuery{Status: domain.UserActive})
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.ID == except {
			continue
		}
		if _, err := tx.AcceptTerms(w.ctx, u.ID, cur.Version); err != nil {
			return err
		}
	}
	return nil
}

func (w *authzWorld) traineeWithSecret(answer string) domain.User {
	w.t.Helper()
	hash, err := secret.HashPassword(domain.FoldAnswer(answer))
	if err != nil {
		w.t.Fatal(err)
	}
	u := domain.User{Email: w.email("stagiaire"), FirstName: "Léa", LastName: "Oubli", Status: domain.UserActive, Trainee: true, BirthDate: "2001-03-14"}
	w.update(func(tx store.Tx) error {
		if err := tx.CreateUser(w.ctx, &u); err != nil {
			return err
		}
		return tx.SetSecretQuestion(w.ctx, &domain.SecretQuestion{UserID: u.ID, Question: "Prénom de mon fils ?", AnswerHash: hash})
	})
	return u
}

func (w *authzWorld) caseCount() string {
	return w.read(func(tx store.Tx) (string, error) {
		cs, err := tx.ListCases(w.ctx, store.CaseQuery{})
		return strconv.Itoa(len(cs)), err
	})
}

func (w *authzWorld) secretState(id int64) string {
	return w.read(func(tx store.Tx) (string, error) {
		q, err := tx.SecretQuestion(w.ctx, id)
		if errors.Is(err, domain.ErrNotFound) {
			return "none", nil
		}
		return q.Question + " " + q.AnswerHash, err
	})
}

func (w *authzWorld) emailOf(id int64) string {
	return w.read(func(tx store.Tx) (string, error) {
		u, err := tx.UserByID(w.ctx, id)
		return u.Email, err
	})
}

// restoreEmail puts back the address of an actor whose address a cell changed.
func (w *authzWorld) restoreEmail(u domain.User) {
	w.update(func(tx store.Tx) error {
		if err := tx.DeleteEmailChange(w.ctx, u.ID); err != nil {
			return err
		}
		cur, err := tx.UserForUpdate(w.ctx, u.ID)
		if err != nil || cur.Email == u.Email {
			return err
		}
		cur.Email = u.Email
		return tx.UpdateUser(w.ctx, &cur)
	})
}

func (w *authzWorld) fcState(id int64) string {
	return w.read(func(tx store.Tx) (string, error) {
		l, err := tx.FranceConnectOf(w.ctx, id)
		if errors.Is(err, domain.ErrNotFound) {
			return "none", nil
		}
		return l.Issuer + " " + l.Sub, err
	})
}

func (w *authzWorld) unlink(id int64) {
	w.update(func(tx store.Tx) error {
		_, err := tx.UnlinkFranceConnect(w.ctx, id)
		return err
	})
}

func (w *authzWorld) termsState(id int64, version string) string {
	return w.read(func(tx store.Tx) (string, error) {
		ok, err := tx.TermsAccepted(w.ctx, id, version)
		return strconv.FormatBool(ok), err
	})
}

func (w *authzWorld) currentTerms() string {
	return w.read(func(tx store.Tx) (string, error) {
		v, err := tx.CurrentTerms(w.ctx)
		if errors.Is(err, domain.ErrNotFound) {
			return "none", nil
		}
		return v.Version, err
	})
}
