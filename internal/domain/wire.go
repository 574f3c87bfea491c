package domain

import "errors"

// The kinds of error, by what the exit codes mean: how an error crosses a process boundary
// (the HTTP API of `profil serve`) and comes back as the same sentinel.
const (
	KindNotFound        = "not_found"
	KindForbidden       = "forbidden"
	KindUnauthenticated = "unauthenticated" // no valid token; not allowed (exit 4), as locally
	KindConflict        = "conflict"
	KindInvalid         = "invalid"
	KindUnavailable     = "unavailable"
	KindInternal        = "internal"
)

// KindOf names the sentinel err wraps, or KindInternal.
func KindOf(err error) string {
	switch {
	case errors.Is(err, ErrNotFound):
		return KindNotFound
	case errors.Is(err, ErrForbidden):
		return KindForbidden
	case errors.Is(err, ErrConflict):
		return KindConflict
	case errors.Is(err, ErrInvalid):
		return KindInvalid
	case errors.Is(err, ErrUnavailable):
		return KindUnavailable
	}
	return KindInternal
}

// SentinelOf is the sentinel of a kind; nil for KindInternal and kinds it does not know.
func SentinelOf(kind string) error {
	switch kind {
	case KindNotFound:
		return ErrNotFound
	case KindForbidden, KindUnauthenticated:
		return ErrForbidden
	case KindConflict:
		return ErrConflict
	case KindInvalid:
		return ErrInvalid
	case KindUnavailable:
		return ErrUnavailable
	}
	return nil
}

// KindError is an error that came from another process: its kind and its message as written
// there. It unwraps to the kind's sentinel.
type KindError struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

func (e *KindError) Error() string { return e.Message }

// Unwrap is the kind's sentinel.
func (e *KindError) Unwrap() error { return SentinelOf(e.Kind) }

// WireError is err as a KindError (nil for nil): what another process can rebuild.
func WireError(err error) *KindError {
	if err == nil {
		return nil
	}
	var ke *KindError
	if errors.As(err, &ke) {
		return ke
	}
	return &KindError{Kind: KindOf(err), Message: err.Error()}
}
