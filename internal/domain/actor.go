package domain

// Actor is who runs a command: a signed-in user, a user acting through an API token, or
// nobody (anonymous). Every use case receives one and the policy decides from it.
type Actor struct {
	UserID    int64
	Email     string
	Manager   bool
	TokenID   int64  // the API token used, 0 for a session or anonymous
	TokenName string // shown in the audit log next to the owner
	// Scope is the API token's scope: "" for all the owner's rights, "read" for read-only.
	Scope string
	// MustChangePassword: signed in with a temporary password, which must be changed before
	// anything else.
	MustChangePassword bool
	// SessionID is the sign-in session used, 0 for an API token or anonymous: a password
	// change ends the other sessions and keeps this one.
	SessionID int64
	// NeedsSecretQuestion: a trainee account without a secret question yet, which must set one
	// (after changing a temporary password) before anything else.
	NeedsSecretQuestion bool
	// TermsPending is the current version of the terms of use when the person has not accepted
	// it; set for sign-in sessions only (API tokens keep working).
	TermsPending string
}

// Anonymous is the actor of commands run without signing in.
var Anonymous = Actor{}

// IsAnonymous reports whether nobody is signed in.
func (a Actor) IsAnonymous() bool { return a.UserID == 0 }

// Label names the actor in the audit log: "jean@x.fr", "jean@x.fr (token cron-export)" or
// "anonymous".
func (a Actor) Label() string {
	switch {
	case a.IsAnonymous():
		return "anonymous"
	case a.TokenName != "":
		return a.Email + " (token " + a.TokenName + ")"
	}
	return a.Email
}

// RequireSignedIn refuses anonymous actors with a hint.
func RequireSignedIn(a Actor) error {
	if a.IsAnonymous() {
		return Errorf(ErrForbidden, "auth.not_signed_in")
	}
	return nil
}
