package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/testdb"
)

// The phone cache answers exactly what domain.NormalizePhone answers, for numbers that share
// their prefix with one seen before (the cache's hits) as for the others, in every spelling,
// metropolitan, overseas and special numbers alike.
func TestPhoneCacheAgreesWithNormalizePhone(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	prefixes := []string{
		"0590", "0594", "0596", "0262", "0269", "0690", "0691", "0694", "0696", "0697", "0692", "0693", "0639",
		"0970", "0976", "0800", "0805", "0806", "0809", "0810", "0820", "0836", "0890", "0899", "0708", "0709",
		"0170", "0199", "0261", "0353", "0465", "0536", "0555", "0556", "0559", "0600", "0612", "0655", "0756", "0780",
	}
	for range 120 {
		prefixes = append(prefixes, fmt.Sprintf("0%d%04d", 1+r.IntN(9), r.IntN(10000)))
	}
	spell := []func(d string) string{
		func(d string) string { return d },
		func(d string) string { return d[:2] + " " + d[2:4] + " " + d[4:6] + " " + d[6:8] + " " + d[8:] },
		func(d string) string { return d[:2] + "." + d[2:4] + "." + d[4:6] + "." + d[6:8] + "." + d[8:] },
		func(d string) string { return d[:2] + "-" + d[2:4] + "-" + d[4:6] + "-" + d[6:8] + "-" + d[8:] },
		func(d string) string {
			return "+33 " + d[1:2] + " " + d[2:4] + " " + d[4:6] + " " + d[6:8] + " " + d[8:]
		},
		func(d string) string { return "+33" + d[1:] },
		func(d string) string { return "0033 " + d[1:] },
		func(d string) string { return " " + d + " " },
	}
	cache := phoneCache{}
	checked, hits := 0, 0
	for _, p := range prefixes {
		for range 8 {
			d := p
			for len(d) < 10 {
				d += string(rune('0' + r.IntN(10)))
			}
			s := spell[r.IntN(len(spell))](d)
			if k, _, ok := phoneKey(s); ok {
				if _, hit := cache[k]; hit {
					hits++
				}
			}
			got, gotErr := cache.normalize(s)
			want, wantErr := domain.NormalizePhone(s)
			if got != want || (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
				t.Errorf("%q: cache gives %q, %v; NormalizePhone gives %q, %v", s, got, gotErr, want, wantErr)
			}
			checked++
		}
	}
	if hits < checked/3 {
		t.Errorf("only %d hits in %d numbers: the test does not exercise the cache", hits, checked)
	}
	// Other spellings are not cached.
	for _, s := range []string{"", "+32 2 555 12 12", "05 56 00 00", "(0)5 56 00 00 00", "05 56 00 00 00 poste 12", "0033 0 5 56 00 00 00", "+3305560000000"} {
		if _, _, ok := phoneKey(s); ok {
			t.Errorf("%q has a cache key", s)
		}
		got, gotErr := cache.normalize(s)
		want, wantErr := domain.NormalizePhone(s)
		if got != want || (gotErr == nil) != (wantErr == nil) {
			t.Errorf("%q: cache gives %q, %v; NormalizePhone gives %q, %v", s, got, gotErr, want, wantErr)
		}
	}
}

func TestLineErrorMessages(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&LineError{Line: 14, Column: "phone", Value: "05 56", Reason: "not a valid phone number"}, `line 14, column phone: "05 56" is not a valid phone number`},
		{&LineError{Line: 3, Column: "siret", Value: "123", Reason: "must be 14 digits"}, `line 3, column siret: "123" must be 14 digits`},
		{&LineError{Line: 4, Column: "siret", Value: "12345678900000", Reason: "checksum does not match"}, `line 4, column siret: "12345678900000": checksum does not match`},
		{&LineError{Line: 5, Column: "first_name", Reason: "is required"}, `line 5, column first_name: is required`},
		{&LineError{Line: 6, Reason: "not well-formed CSV: bare quote"}, `line 6, not well-formed CSV: bare quote`},
		{lineError(7, domain.Invalid("last-name", "", "is required"), userColumns), `line 7, column last_name: is required`},
		{lineError(8, domain.Invalid("kind", "x", "must be one of training-org, prescriber, employer"), structureColumns), `line 8, column kinds: "x" must be one of`},
	} {
		if !strings.HasPrefix(tc.err.Error(), tc.want) || !errors.Is(tc.err, domain.ErrInvalid) {
			t.Errorf("%v, want %s", tc.err, tc.want)
		}
	}
	e := &ImportError{Count: 25, Lines: 100}
	for i := range maxListedLines {
		e.Bad = append(e.Bad, LineResult{Line: i + 2, Err: &LineError{Line: i + 2, Column: "email", Reason: "is required"}})
	}
	if msg := e.Error(); !strings.Contains(msg, "25 of 100 lines are invalid") || !strings.HasSuffix(msg, "\n  and 5 more") ||
		strings.Count(msg, "\n  line ") != maxListedLines || !errors.Is(e, domain.ErrInvalid) {
		t.Errorf("ImportError:\n%s", msg)
	}
}

// Two imports of the same file at once, in two transactions interleaving their batches, end
// with each account once, with one membership and one grant.
func TestImportUsersConcurrently(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db, svc, actor := newImportTest(t, dsn)
		if _, err := svc.ImportStructures(ctx, actor, strings.NewReader("siret,name\n73282932000074,Cap Métiers\n44306184100047,Horizons\n"), ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		const n = 600
		var b strings.Builder
		b.WriteString("email,last_name,first_name,siret\n")
		for i := range n {
			siret := "73282932000074"
			if i%2 == 1 {
				siret = "44306184100047"
			}
			fmt.Fprintf(&b, "p%04d@x.fr,P,Q,%s\n", i, siret)
		}
		var wg sync.WaitGroup
		sums := make([]ImportSummary, 2)
		errs := make([]error, 2)
		for k := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sums[k], errs[k] = svc.ImportUsers(ctx, actor, strings.NewReader(b.String()), ImportOptions{Source: "synapse", BatchSize: 50})
			}()
		}
		wg.Wait()
		for k := range 2 {
			if errs[k] != nil {
				t.Fatalf("import %d: %v", k, errs[k])
			}
		}
		if created := sums[0].Counts[ResultCreated] + sums[1].Counts[ResultCreated]; created != n {
			t.Errorf("%d accounts created by the two imports (%v, %v), want %d", created, sums[0].Counts, sums[1].Counts, n)
		}
		for query, want := range map[string]int{
			"SELECT COUNT(*) FROM users WHERE source = 'synapse'":                    n,
			"SELECT COUNT(*) FROM memberships WHERE ended_at IS NULL":                n,
			"SELECT COUNT(*) FROM grants WHERE revoked_at IS NULL":                   n,
			"SELECT COUNT(DISTINCT user_id) FROM memberships WHERE ended_at IS NULL": n,
		} {
			var got int
			if err := db.SQL().QueryRow(query).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s: %d, want %d", query, got, want)
			}
		}
	})
}

// After a batch that found nobody there, an import writes the next one without looking
// anything up. A person on two lines of one batch is created by the first and attached by
// the second, and does not count as found there; a batch with someone an earlier batch
// created meets that account, is rolled back and written again, looked up first: each line's
// result, the rows and the audit events are those of an import that looks every batch up. A
// re-run finds everything there; a run after one that stopped half-way completes it.
func TestImportUsersWritesNewPeopleWithoutLookingUp(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db, svc, actor := newImportTest(t, dsn)
		const a, b = "73282932000074", "44306184100047"
		if _, err := svc.ImportStructures(ctx, actor, strings.NewReader("siret,name\n"+a+",Cap Métiers\n"+b+",Horizons\n"), ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		rewritten := 0
		importRewritten = func() { rewritten++ }
		t.Cleanup(func() { importRewritten = nil })
		count := func(query string) int {
			t.Helper()
			var n int
			if err := db.SQL().QueryRow(query).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		run := func(file string, want []string, wantRewritten int) {
			t.Helper()
			rewritten = 0
			var got []string
			_, err := svc.ImportUsers(ctx, actor, strings.NewReader("email,last_name,first_name,siret\n"+file),
				ImportOptions{Source: "synapse", BatchSize: 4, OnResult: func(r LineResult) { got = append(got, r.Result) }})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("results\n%v, want\n%v", got, want)
			}
			if rewritten != wantRewritten {
				t.Errorf("%d batches written again, want %d", rewritten, wantRewritten)
			}
		}
		const (
			c, at, sk = ResultCreated, ResultAttached, ResultSkipped
		)
		file := "" +
			"p1@x.fr,P,Q," + a + "\n" + "p2@x.fr,P,Q," + a + "\n" + "p3@x.fr,P,Q," + a + "\n" + "p4@x.fr,P,Q," + a + "\n" + // looked up
			"p5@x.fr,P,Q," + a + "\n" + "p6@x.fr,P,Q," + a + "\n" + "p6@x.fr,P,Q," + b + "\n" + "p7@x.fr,P,Q," + b + "\n" + // p6 twice
			"p8@x.fr,P,Q," + b + "\n" + "p1@x.fr,P,Q," + b + "\n" + "p9@x.fr,P,Q," + b + "\n" + "p10@x.fr,P,Q," + b + "\n" + // p1 again
			"p11@x.fr,P,Q," + a + "\n" + "p12@x.fr,P,Q," + a + "\n" + "p12@x.fr,P,Q," + b + "\n" + "p13@x.fr,P,Q," + a + "\n" + // looked up
			"p14@x.fr,P,Q," + a + "\n" + "p2@x.fr,P,Q," + b + "\n" + "p15@x.fr,P,Q," + b + "\n" + "p16@x.fr,P,Q," + b + "\n" // p2 again
		run(file, []string{c, c, c, c, c, c, at, c, c, at, c, c, c, c, at, c, c, at, c, c}, 2)
		for query, want := range map[string]int{
			"SELECT COUNT(*) FROM users WHERE source = 'synapse'":                                                                                16,
			"SELECT COUNT(*) FROM memberships WHERE ended_at IS NULL":                                                                            20,
			"SELECT COUNT(*) FROM grants WHERE revoked_at IS NULL":                                                                               20,
			"SELECT COUNT(*) FROM audit_events WHERE action = 'member.import'":                                                                   20,
			"SELECT COUNT(*) FROM audit_events WHERE action = 'member.import' AND details LIKE '%true%'":                                         16,
			"SELECT COUNT(*) FROM audit_events WHERE action = 'user.import'":                                                                     5,
			"SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email IN ('p1@x.fr', 'p2@x.fr', 'p6@x.fr', 'p12@x.fr')": 8,
		} {
			if got := count(query); got != want {
				t.Errorf("%s: %d, want %d", query, got, want)
			}
		}

		// The same file again: everything is there, nothing is written.
		run(file, slices.Repeat([]string{sk}, 20), 0)
		if got := count("SELECT COUNT(*) FROM audit_events WHERE action IN ('member.import', 'user.import')"); got != 25 {
			t.Errorf("a re-run wrote audit events: %d, want 25", got)
		}

		// An import that stopped after its first two batches, run again whole.
		var next strings.Builder
		for i := range 16 {
			fmt.Fprintf(&next, "q%d@x.fr,P,Q,%s\n", i, a)
		}
		lines := strings.SplitAfter(next.String(), "\n")
		run(strings.Join(lines[:8], ""), []string{c, c, c, c, c, c, c, c}, 0)
		run(next.String(), []string{sk, sk, sk, sk, sk, sk, sk, sk, c, c, c, c, c, c, c, c}, 0)
		if got := count("SELECT COUNT(*) FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.email LIKE 'q%'"); got != 16 {
			t.Errorf("%d memberships of the second file, want 16", got)
		}
	})
}

// The audit detail of a person is what json.Marshal writes of importedPerson, whatever the
// source (quotes and all), the line and whether the account was created.
func TestPersonDetailsAreImportedPersonInJSON(t *testing.T) {
	for _, source := range []string{"synapse", "prisme", `a "quoted" <source> é`} {
		details := personDetails(source)
		for _, line := range []int{2, 999_999_999} {
			for _, created := range []bool{true, false} {
				want, err := json.Marshal(importedPerson{Source: source, Line: line, Created: created})
				if err != nil {
					t.Fatal(err)
				}
				if got := details(line, created); got != string(want) {
					t.Errorf("details(%q, %d, %v) = %s, want %s", source, line, created, got, want)
				}
			}
		}
	}
}
