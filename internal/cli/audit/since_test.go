package audit_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/cli/audit"
	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
)

func TestParseSince(t *testing.T) {
	now := time.Date(2026, time.March, 14, 9, 30, 0, 0, time.UTC)
	local := func(y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, i18n.Paris())
	}
	for _, tt := range []struct {
		in   string
		want time.Time
	}{
		{"2026-11-23", local(2026, time.November, 23, 0, 0)},
		{"23/11/2026", local(2026, time.November, 23, 0, 0)},
		{" 01/02/2026 ", local(2026, time.February, 1, 0, 0)}, // 1 February: day first, as in France
		{"23/11/2026 14:05", local(2026, time.November, 23, 14, 5)},
		{"2026-11-23 14:05", local(2026, time.November, 23, 14, 5)},
		{"2026-11-23T14:05:00Z", time.Date(2026, time.November, 23, 14, 5, 0, 0, time.UTC)},
		{"2026-11-23T14:05:00+01:00", time.Date(2026, time.November, 23, 13, 5, 0, 0, time.UTC)},
		{"7d", now.Add(-7 * 24 * time.Hour)},
		{"24h", now.Add(-24 * time.Hour)},
		{"30min", now.Add(-30 * time.Minute)},
		{"2w", now.Add(-14 * 24 * time.Hour)},
		{"7D", now.Add(-7 * 24 * time.Hour)},
		{"0d", now},
		// As people write them in French.
		{"7j", now.Add(-7 * 24 * time.Hour)},
		{"2sem", now.Add(-14 * 24 * time.Hour)},
		{"3mois", time.Date(2025, time.December, 14, 9, 30, 0, 0, time.UTC)},
		{"3mo", time.Date(2025, time.December, 14, 9, 30, 0, 0, time.UTC)},
		{"1 mois", time.Date(2026, time.February, 14, 9, 30, 0, 0, time.UTC)},
	} {
		got, err := audit.ParseSince(tt.in, now)
		if err != nil {
			t.Errorf("ParseSince(%q): %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("ParseSince(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "7", "d", "7y", "-7d", "31/02/2026", "2026-13-01", "11/23/2026", "7 days", "7jours", "3m", "99999mois"} {
		_, err := audit.ParseSince(bad, now)
		var fe *domain.FieldError
		if !errors.As(err, &fe) || fe.Field != "since" || !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("ParseSince(%q) = %v, want invalid input naming since", bad, err)
			continue
		}
		if bad != "" && !strings.Contains(err.Error(), "7d") {
			t.Errorf("ParseSince(%q): the message should show what is accepted: %v", bad, err)
		}
	}
}

// In French, a --since that cannot be read is explained with French units.
func TestParseSinceErrorInFrench(t *testing.T) {
	defer i18n.SetLang(i18n.Current())
	i18n.SetLang(i18n.French)
	_, err := audit.ParseSince("hier", time.Now())
	if err == nil || !strings.Contains(err.Error(), "7j, 2sem, 3mois") {
		t.Errorf("ParseSince(hier) in French = %v, want the French units 7j, 2sem, 3mois", err)
	}
}
