// Package domain holds the rules of profil: entities, validators, the request state machine,
// the profile catalogue and who may do what. It imports nothing internal, so every rule can be
// tested as a pure function and called once by the service layer inside its transaction.
package domain

import (
	"errors"
	"fmt"
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
)

// FieldError is invalid input in one named field. It unwraps to ErrInvalid.
type FieldError struct {
	Field  string // the flag or column name users see, e.g. "siret"
	Value  string // the value as typed, for the message; empty when it must not be echoed
	Reason string // what is wrong and, when possible, what is expected
}

func (e *FieldError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("%s %q: %s", e.Field, e.Value, e.Reason)
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Invalid returns a *FieldError for field with the value as typed and the reason.
func Invalid(field, value, reason string) error {
	return &FieldError{Field: field, Value: value, Reason: reason}
}

// Errorf wraps a sentinel with a message: Errorf(ErrConflict, "request %d already %s", id, s).
// The message is what users read; the sentinel decides the exit code.
func Errorf(sentinel error, format string, args ...any) error {
	return &kindError{kind: sentinel, msg: fmt.Sprintf(format, args...)}
}

type kindError struct {
	kind error
	msg  string
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }
