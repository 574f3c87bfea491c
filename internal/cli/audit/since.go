package audit

import (
	"strconv"
	"strings"
	"time"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
)

// dateLayouts are the ways people write a moment, tried in order; those without a zone are
// read in Europe/Paris, the time of the portals' people and of the times tables show.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"02/01/2006 15:04:05",
	"02/01/2006 15:04",
	"02/01/2006",
}

// relativeUnits are the units of a relative --since ("7d": seven days ago), in English and in
// French ("7j", "2sem", "3mois"). Months are counted on the calendar (see monthUnits).
var relativeUnits = map[string]time.Duration{
	"min": time.Minute,
	"h":   time.Hour,
	"d":   24 * time.Hour,
	"j":   24 * time.Hour,
	"w":   7 * 24 * time.Hour,
	"sem": 7 * 24 * time.Hour,
}

// monthUnits are the units of months: "3mo", "3mois" is three calendar months ago.
var monthUnits = map[string]bool{"mo": true, "mois": true, "month": true, "months": true}

// ParseSince reads a --since value: a date (2026-11-23, or 23/11/2026 as written in France),
// a date and time (RFC 3339, or without zone in Paris time), or a time ago: 30min, 24h, 7d or
// 7j, 2w or 2sem, 3mo or 3mois.
func ParseSince(s string, now time.Time) (time.Time, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return time.Time{}, domain.Invalid("since", s, "since.is_empty")
	}
	if t, ok := parseRelative(v, now); ok {
		return t, nil
	}
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, v, i18n.Paris()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, domain.Invalid("since", s, "since.not_a_date")
}

func parseRelative(v string, now time.Time) (time.Time, bool) {
	i := 0
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	if i == 0 || i == len(v) {
		return time.Time{}, false
	}
	name := strings.ToLower(strings.TrimSpace(v[i:]))
	n, err := strconv.Atoi(v[:i])
	if err != nil || n > 100*366*24 {
		return time.Time{}, false
	}
	if monthUnits[name] {
		if n > 100*12 {
			return time.Time{}, false
		}
		return now.AddDate(0, -n, 0), true
	}
	unit, ok := relativeUnits[name]
	if !ok {
		return time.Time{}, false
	}
	return now.Add(-time.Duration(n) * unit), true
}
