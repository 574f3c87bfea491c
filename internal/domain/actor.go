package domain

// Actor is who runs a command: a signed-in user, a user acting through an API token, or
// nobody (anonymous). Every use case receives one and the policy decides from it.
type Actor struct {
	UserID    int64
	Email     string
	Manager   bool
	TokenID   int64  // the API token used, 0 for a session or anonymous
	TokenName string // shown in the audit log next to the owner
	// MustChangePassword: signed in with a temporary password, which must be changed before
	// anything else.
	MustChangePassword bool
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
		return Errorf(ErrForbidden, "not signed in: run `profil login` (or pass --token)")
	}
	return nil
}

// RequireManager lets only gestionnaires through.
func RequireManager(a Actor, action string) error {
	if err := RequireSignedIn(a); err != nil {
		return err
	}
	if !a.Manager {
		return Errorf(ErrForbidden, "only a gestionnaire may %s", action)
	}
	return nil
}
