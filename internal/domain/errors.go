// Package domain holds the rules of profil: entities, validators, the request state machine,
// the profile catalogue and who may do what. It imports nothing internal, so every rule can be
// tested as a pure function and called once by the service layer inside its transaction.
package domain

import (
	"errors"

	"github.com/profil-cli/profil/internal/i18n"
)

// Sentinel errors. The command line maps each one to its exit code in one place; everything
// else in the program wraps them with context (fmt.Errorf("...: %w", err)).
var (
	// ErrNotFound: the thing named does not exist (exit 3).
	ErrNotFound = errors.New("not found")
	// ErrForbidden: not signed in, or no right to do this (exit 4).
	ErrForbidden = errors.New("not allowed")
	// ErrConflict: already decided, duplicate, or a catalogue rule would break (exit 5).
	ErrConflict = errors.New("conflict")
	// ErrInvalid: bad input; the message names the field or line (exit 6).
	ErrInvalid = errors.New("invalid input")
	// ErrUnavailable: the database is busy (another profil is writing) or a server does not
	// answer; trying again later may succeed (exit 7).
	ErrUnavailable = errors.New("temporarily unavailable")
)

// FieldError is invalid input in one named field. It unwraps to ErrInvalid.
type FieldError struct {
	Field  string // the flag or column name users see, e.g. "siret"
	Value  string // the value as typed, for the message; empty when it must not be echoed
	Reason string // what is wrong and, when possible, what is expected, in the current language
}

func (e *FieldError) Error() string {
	if e.Value == "" {
		return i18n.T("field.error", e.Field, e.Reason)
	}
	return i18n.T("field.error_value", e.Field, e.Value, e.Reason)
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Invalid returns a *FieldError for field with the value as typed and the reason: the message
// reason of the catalogue (package i18n), formatted with args.
func Invalid(field, value, reason string, args ...any) error {
	return &FieldError{Field: field, Value: value, Reason: i18n.T(reason, args...)}
}

// Errorf wraps a sentinel with a message of the catalogue (package i18n), formatted with args:
// Errorf(ErrConflict, "request.already_decided", id, status, when). The message is what users
// read; the sentinel decides the exit code.
func Errorf(sentinel error, key string, args ...any) error {
	return &kindError{kind: sentinel, msg: i18n.T(key, args...)}
}

type kindError struct {
	kind error
	msg  string
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }
