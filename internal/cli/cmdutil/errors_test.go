package cmdutil

import (
	"fmt"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/prompt"
)

// TestExitCode maps each kind of error to the code the README documents, wrapped as use cases
// wrap them.
func TestExitCode(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{fmt.Errorf("approve request 4: %w", domain.ErrNotFound), ExitNotFound},
		{fmt.Errorf("grant: %w", domain.ErrForbidden), ExitForbidden},
		{fmt.Errorf("decide: %w", domain.ErrConflict), ExitConflict},
		{fmt.Errorf("siret: %w", domain.ErrInvalid), ExitInvalid},
		{fmt.Errorf("begin: %w", domain.ErrUnavailable), ExitUnavailable},
		{FlagErrorf("usage.see_help", "x", "profil"), ExitUsage},
		// Ctrl-C at a question reaches profil as a key, not a signal: still 130.
		{fmt.Errorf("revoke token: %w", prompt.ErrInterrupted), ExitInterrupted},
		{fmt.Errorf("revoke token: %w", prompt.ErrCancelled), ExitError},
		{fmt.Errorf("something else"), ExitError},
	} {
		if got := ExitCode(tt.err); got != tt.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}
