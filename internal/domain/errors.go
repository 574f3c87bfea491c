package domain

import (
	"errors"
	"fmt"
	"strings"
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

// Message is something to say to a person before it is put in words: the key of a message of
// the catalogue (package i18n) and its arguments. An argument may be a Message itself (a
// label, a "who may" phrase), rendered in the same language; a time.Time, written as the
// reader's language writes times; or a plain value, formatted by the message's verb.
type Message struct {
	Key  string
	Args []any
}

// Msg returns the message key with args.
func Msg(key string, args ...any) Message { return Message{Key: key, Args: args} }

// String puts m in words in the language of the process (see SetRenderer).
func (m Message) String() string {
	if r := renderer; r != nil {
		return r(m)
	}
	return m.neutral()
}

// neutral writes m without a catalogue: its key, then its arguments.
func (m Message) neutral() string {
	if len(m.Args) == 0 {
		return m.Key
	}
	parts := make([]string, len(m.Args))
	for i, a := range m.Args {
		parts[i] = fmt.Sprint(a)
	}
	return m.Key + "(" + strings.Join(parts, ", ") + ")"
}

var renderer func(Message) string

// SetRenderer makes render the way Message.String and the Error method of this package's
// errors put a message in words. Package i18n registers, when the program starts, a renderer
// writing in the language of the process; a program that never links i18n (this package's
// own tests) reads keys and arguments. It is set once, before anything runs: it is not
// guarded.
func SetRenderer(render func(Message) string) { renderer = render }

// MessageError is an error that says what went wrong as a Message, so that it can be put in
// the words of whoever reads it (i18n.RenderError) rather than in the process's language.
type MessageError interface {
	error
	Message() Message
}

// FieldError is invalid input in one named field. It unwraps to ErrInvalid.
type FieldError struct {
	Field  string  // the flag or column name users see, e.g. "siret"
	Value  string  // the value as typed, for the message; empty when it must not be echoed
	Reason Message // what is wrong and, when possible, what is expected
}

// Message is the whole sentence: the field, the value if any, and the reason.
func (e *FieldError) Message() Message {
	if e.Value == "" {
		return Msg("field.error", e.Field, e.Reason)
	}
	return Msg("field.error_value", e.Field, e.Value, e.Reason)
}

func (e *FieldError) Error() string { return e.Message().String() }

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Invalid returns a *FieldError for field with the value as typed and the reason: the message
// reason of the catalogue (package i18n) with args.
func Invalid(field, value, reason string, args ...any) error {
	return &FieldError{Field: field, Value: value, Reason: Msg(reason, args...)}
}

// Errorf wraps a sentinel with a message of the catalogue (package i18n) and its args:
// Errorf(ErrConflict, "request.already_decided", id, status). The message is what users
// read; the sentinel decides the exit code.
func Errorf(sentinel error, key string, args ...any) error {
	return &Error{Sentinel: sentinel, Msg: Msg(key, args...)}
}

// Error is a sentinel with what to tell people about it.
type Error struct {
	Sentinel error
	Msg      Message
}

func (e *Error) Error() string    { return e.Msg.String() }
func (e *Error) Unwrap() error    { return e.Sentinel }
func (e *Error) Message() Message { return e.Msg }
