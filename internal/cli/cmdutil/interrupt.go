package cmdutil

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"

	"github.com/profil-cli/profil/internal/i18n"
)

// Signal is why a command was stopped from outside: SIGINT (Ctrl-C) or SIGTERM (kill, a
// service manager, a cron timeout). It is the cause of the context cancelled by the signal,
// and becomes exit 130 or 143.
type Signal struct{ Sig os.Signal }

func (s *Signal) Error() string { return i18n.T("interrupt.signal", signalName(s.Sig)) }

// Code is the exit code of a process stopped by the signal: 128 + its number.
func (s *Signal) Code() int {
	if s.Sig == syscall.SIGTERM {
		return ExitTerminated
	}
	return ExitInterrupted
}

func signalName(sig os.Signal) string {
	if sig == syscall.SIGTERM {
		return "SIGTERM"
	}
	return "SIGINT"
}

// SignalContext returns a context cancelled, with a *Signal as its cause, by the first
// SIGINT or SIGTERM. A second signal is not caught: it stops the process at once, as a
// program that does not catch signals would be. stop releases the signals.
func SignalContext(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			signal.Stop(ch)
			cancel(&Signal{Sig: sig})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}

// SignalOf returns the signal that cancelled ctx, nil if none did.
func SignalOf(ctx context.Context) *Signal {
	if ctx == nil || ctx.Err() == nil {
		return nil
	}
	var sig *Signal
	if errors.As(context.Cause(ctx), &sig) {
		return sig
	}
	return nil
}

// InterruptedError is a command stopped by a signal that says what it had done: "120
// requests decided, the rest untouched". Main prints it instead of what the database or the
// context said when the signal cut them off.
type InterruptedError struct {
	Signal *Signal
	msg    string
}

func (e *InterruptedError) Error() string { return e.msg }
func (e *InterruptedError) Unwrap() error { return e.Signal }

// Interrupted returns, when ctx was cancelled by a signal, an *InterruptedError whose message
// is the message key of the catalogue formatted with args; nil otherwise (the caller then
// reports its own error).
func Interrupted(ctx context.Context, key string, args ...any) error {
	sig := SignalOf(ctx)
	if sig == nil {
		return nil
	}
	return &InterruptedError{Signal: sig, msg: i18n.T(key, args...)}
}
