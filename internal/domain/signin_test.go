package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var signNow = time.Date(2026, 10, 5, 8, 0, 0, 0, time.UTC)

func at(d time.Duration) *time.Time { t := signNow.Add(d); return &t }

func TestLockDuration(t *testing.T) {
	for n, want := range map[int]time.Duration{0: 15 * time.Minute, 1: 15 * time.Minute, 2: 30 * time.Minute, 3: time.Hour,
		5: 4 * time.Hour, 7: 16 * time.Hour, 8: 24 * time.Hour, 40: 24 * time.Hour} {
		if got := LockDuration(n); got != want {
			t.Errorf("LockDuration(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestSignInOutcome(t *testing.T) {
	active := User{Status: UserActive, PasswordHash: "h"}
	with := func(f func(*User)) User { u := active; f(&u); return u }
	for _, tt := range []struct {
		name string
		u    User
		ok   bool
		want SignInOutcome
	}{
		{"right password", active, true, SignInOK},
		{"wrong password", active, false, SignInWrongPassword},
		{"locked, right password", with(func(u *User) { u.LockedUntil = at(time.Minute) }), true, SignInLocked},
		{"lock over", with(func(u *User) { u.LockedUntil = at(0) }), true, SignInOK},
		{"no password yet", with(func(u *User) { u.PasswordHash = "" }), false, SignInNoPassword},
		{"temporary, valid", with(func(u *User) { u.MustChangePassword, u.PasswordExpiresAt = true, at(time.Second) }), true, SignInOK},
		{"temporary, expired or used", with(func(u *User) { u.MustChangePassword, u.PasswordExpiresAt = true, at(0) }), true, SignInNoPassword},
		{"temporary without expiry", with(func(u *User) { u.MustChangePassword = true }), true, SignInNoPassword},
		{"pending, right password", with(func(u *User) { u.Status = UserPending }), true, SignInInactive},
		{"disabled, wrong password", with(func(u *User) { u.Status = UserDisabled }), false, SignInWrongPassword},
		{"disabled and locked", with(func(u *User) { u.Status, u.LockedUntil = UserDisabled, at(time.Hour) }), true, SignInLocked},
	} {
		if got := SignIn(tt.u, tt.ok, signNow); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestRecordFailedSignInLocksAtTheFifth(t *testing.T) {
	u := User{Status: UserActive}
	for i := 1; i < MaxFailedSignIns; i++ {
		if u.RecordFailedSignIn(signNow) || u.LockedUntil != nil {
			t.Fatalf("locked at failure %d", i)
		}
	}
	if !u.RecordFailedSignIn(signNow) || !u.LockedUntil.Equal(signNow.Add(15*time.Minute)) || u.FailedLogins != 0 || u.LockCount != 1 {
		t.Fatalf("after %d failures: %+v", MaxFailedSignIns, u)
	}
	for range MaxFailedSignIns {
		u.RecordFailedSignIn(signNow)
	}
	if !u.LockedUntil.Equal(signNow.Add(30*time.Minute)) || u.LockCount != 2 {
		t.Fatalf("second lock in a row: %+v", u)
	}
	u.RecordSignIn(signNow)
	if u.LockCount != 0 || u.LockedUntil != nil || u.FailedLogins != 0 || !u.LastLoginAt.Equal(signNow) {
		t.Fatalf("after a sign-in: %+v", u)
	}
}

func TestTemporaryPasswordWorksOnce(t *testing.T) {
	u := User{Status: UserActive, PasswordHash: "h", MustChangePassword: true, PasswordExpiresAt: at(72 * time.Hour)}
	if SignIn(u, true, signNow) != SignInOK {
		t.Fatal("a fresh temporary password does not sign in")
	}
	u.RecordSignIn(signNow)
	if SignIn(u, true, signNow) != SignInNoPassword {
		t.Fatal("a temporary password signed in twice")
	}
}

func TestMayMailTemporaryPassword(t *testing.T) {
	u := User{}
	if !u.MayMailTemporaryPassword(signNow) {
		t.Error("never mailed: may mail")
	}
	u.TemporaryMailAt = at(-TemporaryMailInterval + time.Second)
	if u.MayMailTemporaryPassword(signNow) {
		t.Error("mailed 14:59 ago: may not")
	}
	u.TemporaryMailAt = at(-TemporaryMailInterval)
	if !u.MayMailTemporaryPassword(signNow) {
		t.Error("mailed 15 min ago: may")
	}
}

func TestCanDisable(t *testing.T) {
	gest := Actor{UserID: 1, Email: "g@x.fr", Manager: true}
	target := User{ID: 2, Email: "p@x.fr", Status: UserActive}
	manager := User{ID: 3, Email: "m@x.fr", Status: UserActive, Manager: true}
	for _, tt := range []struct {
		name     string
		a        Actor
		u        User
		managers int
		want     error
		msg      string
	}{
		{"gestionnaire", gest, target, 1, nil, ""},
		{"member", Actor{UserID: 9, Email: "m@x.fr"}, target, 1, ErrForbidden, "gestionnaire"},
		{"read-only token", Actor{UserID: 1, Manager: true, TokenID: 4, Scope: ScopeRead}, target, 1, ErrForbidden, "read-only"},
		{"oneself", gest, User{ID: 1, Email: "g@x.fr", Status: UserActive, Manager: true}, 2, ErrForbidden, "your own account"},
		{"not active", gest, User{ID: 2, Email: "p@x.fr", Status: UserPending}, 1, ErrConflict, "pending"},
		{"last gestionnaire", gest, manager, 1, ErrConflict, "last active gestionnaire"},
		{"another gestionnaire", gest, manager, 2, nil, ""},
		{"temporary session", Actor{UserID: 1, Manager: true, MustChangePassword: true}, target, 2, ErrForbidden, "profil user passwd"},
	} {
		err := CanDisable(tt.a, tt.u, tt.managers)
		if tt.want == nil && err != nil || tt.want != nil && (!errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg)) {
			t.Errorf("%s: %v, want %v mentioning %q", tt.name, err, tt.want, tt.msg)
		}
	}
}

func TestTemporarySessionMayOnlyChangeThePassword(t *testing.T) {
	a := Actor{UserID: 7, Email: "lea@x.fr", MustChangePassword: true}
	for _, act := range PolicyRows() {
		err := Authorize(a, act, Subject{TargetUser: 7})
		if act == UserPassword {
			if err != nil {
				t.Errorf("%s: %v", act, err)
			}
			continue
		}
		if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "profil user passwd") {
			t.Errorf("%s with a temporary password: %v", act, err)
		}
	}
}
