package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// The first sign-in, in order: change the temporary password, set a secret question (trainees),
// accept the current terms (sessions only). Each step lets only its own commands through and
// names the next command; API tokens are not held back by new terms.
func TestFirstSignInSteps(t *testing.T) {
	session := Actor{UserID: 7, Email: "lea@exemple.fr", SessionID: 3}
	token := Actor{UserID: 7, Email: "lea@exemple.fr", TokenID: 9, TokenName: "cron"}
	with := func(a Actor, f func(*Actor)) Actor { f(&a); return a }
	all := with(session, func(a *Actor) { a.MustChangePassword, a.NeedsSecretQuestion, a.TermsPending = true, true, "2026-02" })
	secretTerms := with(session, func(a *Actor) { a.NeedsSecretQuestion, a.TermsPending = true, "2026-02" })
	termsOnly := with(session, func(a *Actor) { a.TermsPending = "2026-02" })
	tokenTerms := with(token, func(a *Actor) { a.TermsPending = "2026-02" })
	for _, tt := range []struct {
		name    string
		actor   Actor
		act     Action
		step    SignInStep
		allowed bool
		names   string // the command the refusal names
	}{
		{"temporary password: passwd", all, UserPassword, StepPassword, true, ""},
		{"temporary password: secret set", all, SecretSet, StepPassword, false, "profil user passwd"},
		{"temporary password: terms accept", all, TermsAccept, StepPassword, false, "profil user passwd"},
		{"temporary password: read", all, StructureRead, StepPassword, false, "profil user passwd"},
		{"secret question: secret set", secretTerms, SecretSet, StepSecret, true, ""},
		{"secret question: passwd", secretTerms, UserPassword, StepSecret, false, "profil user secret set"},
		{"secret question: terms accept", secretTerms, TermsAccept, StepSecret, false, "profil user secret set"},
		{"secret question: user update", secretTerms, UserEdit, StepSecret, false, "profil user secret set"},
		{"terms: accept", termsOnly, TermsAccept, StepTerms, true, ""},
		{"terms: show", termsOnly, TermsRead, StepTerms, true, ""},
		{"terms: user update", termsOnly, UserEdit, StepTerms, false, "profil terms accept"},
		{"terms: audit", termsOnly, AuditRead, StepTerms, false, "profil terms accept"},
		{"terms: API token keeps working", tokenTerms, AuditRead, StepNone, true, ""},
		{"nothing pending", session, AuditRead, StepNone, true, ""},
		{"anonymous", Anonymous, TermsRead, StepNone, true, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := PendingStep(tt.actor); got != tt.step {
				t.Errorf("PendingStep = %q, want %q", got, tt.step)
			}
			err := CheckFirstSignIn(tt.actor, tt.act)
			if tt.allowed {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), tt.names) {
				t.Errorf("err = %v, want a refusal (exit 4) naming %q", err, tt.names)
			}
			// The policy applies it to every action, whoever may do it.
			if aerr := Authorize(tt.actor, tt.act, Subject{TargetUser: tt.actor.UserID}); aerr == nil || aerr.Error() != err.Error() {
				t.Errorf("Authorize = %v, want %v", aerr, err)
			}
		})
	}
}

func TestIdentityMatching(t *testing.T) {
	c := Case{Number: "A1", LastName: "N'Diaye-Lefèvre", FirstName: "Marie Ève", BirthDate: "2001-03-14"}
	for _, tt := range []struct {
		last, first, birth string
		want               bool
	}{
		{"N'Diaye-Lefèvre", "Marie Ève", "2001-03-14", true},
		{"ndiaye lefevre", "MARIE-EVE", "2001-03-14", true},
		{"N’DIAYE LEFEVRE", "marieeve", "2001-03-14", true},
		{"Ndiaye", "Marie Ève", "2001-03-14", false},
		{"N'Diaye-Lefèvre", "Marie", "2001-03-14", false},
		{"N'Diaye-Lefèvre", "Marie Ève", "2001-03-15", false},
	} {
		if got := MatchesCase(c, tt.last, tt.first, tt.birth); got != tt.want {
			t.Errorf("MatchesCase(%q, %q, %q) = %v, want %v", tt.last, tt.first, tt.birth, got, tt.want)
		}
	}
}

func TestParseBirthDate(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"14/03/2001", "2001-03-14", true},
		{"2001-03-14", "2001-03-14", true},
		{" 4/3/2001 ", "2001-03-04", true},
		{"31/02/2001", "", false},
		{"2001/03/14", "", false},
		{"14-03-2001", "", false},
		{"", "", false},
		{"01/01/1899", "", false},
		{"08/12/2026", "", false},
	} {
		got, err := ParseBirthDate("birth-date", tt.in, now)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseBirthDate(%q) = %q, %v", tt.in, got, err)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseBirthDate(%q): %v is not invalid input", tt.in, err)
		}
	}
	if FormatBirthDate("2001-03-04") != "04/03/2001" {
		t.Error(FormatBirthDate("2001-03-04"))
	}
}

func TestNormalizeCaseNumber(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"dpc-2026-001", "DPC-2026-001", true},
		{" DPC 2026 001 ", "DPC2026001", true},
		{"33/2026.17_b", "33/2026.17_B", true},
		{"", "", false},
		{"DPC\x1b[31m", "", false},
		{"é123", "", false},
		{strings.Repeat("9", 41), "", false},
	} {
		got, err := NormalizeCaseNumber("case-number", tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("NormalizeCaseNumber(%q) = %q, %v", tt.in, got, err)
		}
	}
}

func TestSecretAnswerFolding(t *testing.T) {
	for _, tt := range []struct{ a, b string }{
		{"Charles", "  charles "},
		{"Chârles", "CHARLES"},
		{"Saint Émilion", "saint   emilion"},
	} {
		if FoldAnswer(tt.a) != FoldAnswer(tt.b) {
			t.Errorf("%q and %q should be the same answer: %q, %q", tt.a, tt.b, FoldAnswer(tt.a), FoldAnswer(tt.b))
		}
	}
	if FoldAnswer("Charles") == FoldAnswer("Charlie") {
		t.Error("different answers fold the same")
	}
	for _, tt := range []struct {
		q, a  string
		field string
	}{
		{"Prénom fils ?", "Charles", ""},
		{"Q?", "Charles", "question"},
		{"Prénom fils ?", " x ", "answer"},
		{"Prénom fils ?", "prenom fils", "answer"},
		{"Prénom\x1b fils ?", "Charles", "question"},
		{"Prénom fils ?", "Char\u202eles", "answer"},
	} {
		_, _, err := CheckSecretQuestion(tt.q, tt.a)
		var fe *FieldError
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("CheckSecretQuestion(%q, %q): %v", tt.q, tt.a, err)
		case tt.field != "" && (!errors.As(err, &fe) || fe.Field != tt.field):
			t.Errorf("CheckSecretQuestion(%q, %q) = %v, want an error on %s", tt.q, tt.a, err, tt.field)
		}
	}
}

// 5 wrong answers in a row lock the reset for 15 minutes; after that, counting starts again.
func TestResetLock(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	var l ResetLock
	for i := 1; i < MaxResetFailures; i++ {
		if l.RecordFailure(now) || l.LockedAt(now) {
			t.Fatalf("locked after %d failures", i)
		}
	}
	if !l.RecordFailure(now) || !l.LockedAt(now) || !l.LockedAt(now.Add(14*time.Minute)) || l.LockedAt(now.Add(15*time.Minute)) {
		t.Fatalf("the fifth failure locks for 15 minutes: %+v", l)
	}
	later := now.Add(16 * time.Minute)
	if l.RecordFailure(later) || l.LockedAt(later) || l.Failed != 1 {
		t.Errorf("after the lock, counting starts again: %+v", l)
	}
}

func TestTermsAndFranceConnectChecks(t *testing.T) {
	if _, err := CheckTermsVersion("2026-01"); err != nil {
		t.Error(err)
	}
	for _, v := range []string{"", "v 1", "v1;drop", strings.Repeat("a", 41)} {
		if _, err := CheckTermsVersion(v); !errors.Is(err, ErrInvalid) {
			t.Errorf("version %q accepted", v)
		}
	}
	if err := CheckTermsBody("Conditions générales\n\tArticle 1"); err != nil {
		t.Error(err)
	}
	for _, b := range []string{"", "  \n", "CGU \x1b[2J", "CGU \u202e"} {
		if err := CheckTermsBody(b); !errors.Is(err, ErrInvalid) {
			t.Errorf("body %q accepted", b)
		}
	}
	iss, sub, err := CheckFranceConnect("", "abc123")
	if err != nil || iss != DefaultFranceConnectIssuer || sub != "abc123" {
		t.Errorf("CheckFranceConnect = %q, %q, %v", iss, sub, err)
	}
	for _, tt := range [][2]string{{"http://fc.fr", "s"}, {"https://fc.fr", ""}, {"https://fc.fr", "a b"}, {"https://fc.fr", "é"}} {
		if _, _, err := CheckFranceConnect(tt[0], tt[1]); !errors.Is(err, ErrInvalid) {
			t.Errorf("CheckFranceConnect(%q, %q) accepted", tt[0], tt[1])
		}
	}
	if err := CheckIdentityFrozen(User{Email: "a@b.fr"}, true, true); !errors.Is(err, ErrConflict) {
		t.Errorf("a linked identity changes: %v", err)
	}
	if err := CheckIdentityFrozen(User{Email: "a@b.fr"}, false, true); err != nil {
		t.Error(err)
	}
}
