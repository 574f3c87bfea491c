package present

import (
	"github.com/profil-cli/profil/internal/i18n"
	"time"
)

// PeopleTime writes t for people, in Europe/Paris: "06/12/2026 23:00" in French, where the
// zone goes without saying; "2026-12-06 23:00 CET" in English, which says it. The zero time is
// empty.
func PeopleTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(i18n.Paris())
	if i18n.Current() == i18n.French {
		return t.Format("02/01/2006 15:04")
	}
	return t.Format("2006-01-02 15:04 MST")
}
