package domain

import "time"

// The rules of signing in: temporary passwords, lockout, and who may sign in.
const (
	// MaxFailedSignIns wrong passwords in a row lock the account.
	MaxFailedSignIns = 5
	// FirstLock is how long the first lock lasts; each new lock in a row lasts twice the
	// previous one, up to MaxLock.
	FirstLock = 15 * time.Minute
	MaxLock   = 24 * time.Hour
	// TemporaryMailInterval: at most one temporary-password mail per account in this time,
	// however many sign-in attempts or resets.
	TemporaryMailInterval = 15 * time.Minute
	// DefaultTemporaryPasswordTTL is how long a temporary password signs in after it was sent.
	DefaultTemporaryPasswordTTL = 72 * time.Hour
	// TemporaryPasswordPlaceholder stands in an outbox message for the temporary password
	// generated when the message is sent.
	TemporaryPasswordPlaceholder = "{{temporary-password}}"
)

// LockDuration is how long the lockCount-th lock in a row lasts: 15 min, 30 min, 1 h… ≤ 24 h.
func LockDuration(lockCount int) time.Duration {
	d := FirstLock
	for i := 1; i < lockCount && d < MaxLock; i++ {
		d *= 2
	}
	return min(d, MaxLock)
}

// LockedAt reports whether the account refuses every sign-in at now.
func (u User) LockedAt(now time.Time) bool {
	return u.LockedUntil != nil && now.Before(*u.LockedUntil)
}

// HasUsablePassword reports whether a password may sign in to the account at now: it has one,
// and, when it is temporary, it was not used yet and has not expired.
func (u User) HasUsablePassword(now time.Time) bool {
	if u.PasswordHash == "" {
		return false
	}
	if u.MustChangePassword {
		return u.PasswordExpiresAt != nil && now.Before(*u.PasswordExpiresAt)
	}
	return true
}

// MayMailTemporaryPassword reports whether a temporary-password mail may be queued for the
// account at now: one per TemporaryMailInterval.
func (u User) MayMailTemporaryPassword(now time.Time) bool {
	return u.TemporaryMailAt == nil || !now.Before(u.TemporaryMailAt.Add(TemporaryMailInterval))
}

// SignInOutcome is what a sign-in attempt comes to.
type SignInOutcome string

// The outcomes of a sign-in attempt, as audit events name them.
const (
	SignInOK            SignInOutcome = "ok"
	SignInUnknown       SignInOutcome = "unknown_account"
	SignInInvalidEmail  SignInOutcome = "invalid_email" // not an e-mail address: kept without the text typed
	SignInLocked        SignInOutcome = "locked"
	SignInNoPassword    SignInOutcome = "no_usable_password" // none yet, or a temporary one used or expired
	SignInWrongPassword SignInOutcome = "wrong_password"
	SignInInactive      SignInOutcome = "account_not_active" // right password, pending/refused/disabled account
)

// SignIn decides a sign-in attempt on u at now, passwordOK telling whether the password typed
// matches the stored hash. A locked account is refused whatever the password, so that guesses
// made while it is locked teach nothing.
func SignIn(u User, passwordOK bool, now time.Time) SignInOutcome {
	switch {
	case u.LockedAt(now):
		return SignInLocked
	case !u.HasUsablePassword(now):
		return SignInNoPassword
	case !passwordOK:
		return SignInWrongPassword
	case u.Status != UserActive:
		return SignInInactive
	}
	return SignInOK
}

// RecordFailedSignIn counts a wrong password on u at now and locks the account at the
// MaxFailedSignIns-th in a row; it reports whether it did lock it.
func (u *User) RecordFailedSignIn(now time.Time) bool {
	u.FailedLogins++
	if u.FailedLogins < MaxFailedSignIns {
		return false
	}
	u.FailedLogins = 0
	u.LockCount++
	until := now.Add(LockDuration(u.LockCount))
	u.LockedUntil = &until
	return true
}

// RecordSignIn records a successful sign-in at now: the counters start again, and a temporary
// password is used up (it may still be given as the current one to `user passwd`).
func (u *User) RecordSignIn(now time.Time) {
	u.FailedLogins, u.LockCount, u.LockedUntil = 0, 0, nil
	u.LastLoginAt = &now
	if u.MustChangePassword {
		u.PasswordExpiresAt = &now
	}
}

// Unlock lifts a lock and forgets the failures.
func (u *User) Unlock() {
	u.FailedLogins, u.LockCount, u.LockedUntil = 0, 0, nil
}

// CanDisable applies the rules of disabling an account, on top of the policy: nobody disables
// their own account (a gestionnaire would lock themself out), only an active account is
// disabled, and the last active gestionnaire stays.
func CanDisable(a Actor, u User, activeManagers int) error {
	if err := Authorize(a, UserDisable, Subject{TargetUser: u.ID}); err != nil {
		return err
	}
	if a.UserID == u.ID {
		return Errorf(ErrForbidden, "disable.self")
	}
	if u.Status != UserActive {
		return Errorf(ErrConflict, "disable.not_active", u.Email, string(u.Status))
	}
	if u.Manager && activeManagers <= 1 {
		return Errorf(ErrConflict, "disable.last_manager", u.Email)
	}
	return nil
}
