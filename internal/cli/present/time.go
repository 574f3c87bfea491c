package present

import (
	"time"
	_ "time/tzdata" // Europe/Paris even where the system has no zoneinfo

	"github.com/profil-cli/profil/internal/i18n"
)

// Paris is the time zone of the people who use the portals; tables and cards show their
// times in it (JSON, YAML and CSV keep RFC 3339 UTC).
var Paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err) // time/tzdata is embedded: cannot happen
	}
	return loc
}()

// PeopleTime writes t for people, in Europe/Paris: "06/12/2026 23:00" in French, where the
// zone goes without saying; "2026-12-06 23:00 CET" in English, which says it. The zero time is
// empty.
func PeopleTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(Paris)
	if i18n.Current() == i18n.French {
		return t.Format("02/01/2006 15:04")
	}
	return t.Format("2006-01-02 15:04 MST")
}
