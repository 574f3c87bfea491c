package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// RunLocks runs the tests of the row locks a read-modify-write takes: concurrent writers of
// one row queue, and none overwrites another's change.
func RunLocks(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"UserForUpdate", testUserForUpdate},
		{"UserForUpdateKeepsEveryChange", testUserForUpdateKeepsEveryChange},
		{"LockStructuresKeepsEveryChange", testLockStructuresKeepsEveryChange},
		{"LockNameMakesOneGestionnaire", testLockNameMakesOneGestionnaire},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newStore(t))
		})
	}
}

// concurrently runs fn(i) for i in [0, n) in goroutines started together, and returns the
// first error.
func concurrently(n int, fn func(i int) error) error {
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  = make([]error, n)
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return errors.Join(errs...)
}

func testUserForUpdate(t *testing.T, st store.Store) {
	ctx := context.Background()
	u := domain.User{Email: "a@x.fr", LastName: "A", Status: domain.UserActive, Function: "Formatrice"}
	update(t, st, func(tx store.Tx) error { return tx.CreateUser(ctx, &u) })
	update(t, st, func(tx store.Tx) error {
		got, err := tx.UserForUpdate(ctx, u.ID)
		if err != nil {
			return err
		}
		if got.Email != u.Email || got.Function != "Formatrice" || got.ID != u.ID {
			t.Errorf("UserForUpdate = %+v, want the account created", got)
		}
		_, err = tx.UserForUpdate(ctx, u.ID+1000)
		if !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("UserForUpdate of a missing id: %v, want ErrNotFound", err)
		}
		return nil
	})
}

// Two kinds of change to one account at once (its function, its password, as `user update`
// and `user passwd` make them), each reading the row and writing it back whole: every change
// is kept.
func testUserForUpdateKeepsEveryChange(t *testing.T, st store.Store) {
	ctx := context.Background()
	u := domain.User{Email: "a@x.fr", LastName: "A", Status: domain.UserActive, Function: "0", PasswordHash: "0"}
	update(t, st, func(tx store.Tx) error { return tx.CreateUser(ctx, &u) })
	const each = 12
	err := concurrently(2*each, func(i int) error {
		return st.Update(ctx, func(tx store.Tx) error {
			cur, err := tx.UserForUpdate(ctx, u.ID)
			if err != nil {
				return err
			}
			field := &cur.Function
			if i%2 == 1 {
				field = &cur.PasswordHash
			}
			n, err := strconv.Atoi(*field)
			if err != nil {
				return err
			}
			*field = strconv.Itoa(n + 1)
			return tx.UpdateUser(ctx, &cur)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	view(t, st, func(tx store.Tx) error {
		got, err := tx.UserByID(ctx, u.ID)
		if err != nil {
			return err
		}
		if got.Function != strconv.Itoa(each) || got.PasswordHash != strconv.Itoa(each) {
			t.Errorf("after %d changes of the function and %d of the password: function %s, password %s; changes were lost",
				each, each, got.Function, got.PasswordHash)
		}
		return nil
	})
}

// Changes of one structure's kinds and adhesion at once, each locking the structures it
// rewrites: every change is kept.
func testLockStructuresKeepsEveryChange(t *testing.T, st store.Store) {
	ctx := context.Background()
	a := mustCreate(t, st, domain.Structure{Name: "A", Acronym: "0", AdhesionYear: 2000})
	b := mustCreate(t, st, domain.Structure{Name: "B", Acronym: "0", AdhesionYear: 2000})
	const each = 10
	err := concurrently(2*each, func(i int) error {
		return st.Update(ctx, func(tx store.Tx) error {
			ids := []int64{a.ID, b.ID}
			if i%3 == 0 {
				ids = []int64{b.ID, a.ID} // any order: they are locked in id order
			}
			if err := tx.LockStructures(ctx, ids); err != nil {
				return err
			}
			for _, id := range ids {
				s, err := tx.StructureByID(ctx, id)
				if err != nil {
					return err
				}
				if i%2 == 0 {
					s.AdhesionYear++
				} else {
					n, _ := strconv.Atoi(s.Acronym)
					s.Acronym = strconv.Itoa(n + 1)
				}
				if err := tx.UpdateStructure(ctx, &s); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	view(t, st, func(tx store.Tx) error {
		for _, id := range []int64{a.ID, b.ID} {
			s, err := tx.StructureByID(ctx, id)
			if err != nil {
				return err
			}
			if s.AdhesionYear != 2000+each || s.Acronym != strconv.Itoa(each) {
				t.Errorf("structure %d: adhesion %d, acronym %s after %d changes of each: changes were lost", id, s.AdhesionYear, s.Acronym, each)
			}
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error { return tx.LockStructures(ctx, nil) })
}

// Several first gestionnaires created at once, each after checking that there is none: one.
func testLockNameMakesOneGestionnaire(t *testing.T, st store.Store) {
	ctx := context.Background()
	const n = 8
	created := make([]bool, n)
	err := concurrently(n, func(i int) error {
		return st.Update(ctx, func(tx store.Tx) error {
			created[i] = false // this closure may run again
			if err := tx.LockName(ctx, "first gestionnaire"); err != nil {
				return err
			}
			count, err := tx.CountManagers(ctx)
			if err != nil || count > 0 {
				return err
			}
			u := domain.User{Email: fmt.Sprintf("g%d@x.fr", i), LastName: "G", Status: domain.UserActive, Manager: true}
			created[i] = true
			return tx.CreateUser(ctx, &u)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	made := 0
	for _, c := range created {
		if c {
			made++
		}
	}
	view(t, st, func(tx store.Tx) error {
		count, err := tx.CountManagers(ctx)
		if count != 1 || made != 1 {
			t.Errorf("%d gestionnaires in the database, %d creations reported; want 1", count, made)
		}
		return err
	})
}
