package sqlstore

import (
	"testing"
	"time"
)

// slowParse is nullTime's reading of a text timestamp through time.Parse alone, the layouts
// of timeFormats in turn: what parseStoredTime must give whenever it answers.
func slowParse(s string) (time.Time, bool) {
	for _, f := range timeFormats {
		if t, err := time.Parse(f, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// TestParseStoredTimeIsTimeParse checks that the quick reading of stored timestamps gives
// what time.Parse gives, to the nanosecond and in UTC, and leaves to it whatever it does not
// read, malformed or impossible values included.
func TestParseStoredTimeIsTimeParse(t *testing.T) {
	quick := 0
	for _, s := range []string{
		"2026-12-07 09:28:36.811007+00:00",
		"2026-12-07 09:28:36+00:00",
		"2026-12-07 09:28:36.8+02:00",
		"2026-12-07 09:28:36.123456789-05:30",
		"2026-12-07T09:28:36.811007+01:00",
		"2026-12-07T09:28:36Z",
		"2026-12-07 09:28:36.5Z",
		"2024-02-29 23:59:59.999999+14:00",
		"2026-01-01 00:00:00-12:00",
		"0001-01-01 00:00:00+00:00",
		"9999-12-31 23:59:59.999999999+00:00",
		// Left to time.Parse: other shapes, and what does not exist.
		"2026-12-07 09:28:36",
		"2026-12-07",
		"2026-12-07 09:28:36.1234567891+00:00",
		"2026-12-07 09:28:36,5+00:00",
		"2026-12-07 09:28:36.+00:00",
		"2026-02-29 10:00:00+00:00",
		"2026-04-31 10:00:00+00:00",
		"2026-13-01 10:00:00+00:00",
		"2026-12-00 10:00:00+00:00",
		"2026-12-07 24:00:00+00:00",
		"2026-12-07 09:60:00+00:00",
		"2026-12-07 09:28:60+00:00",
		"2026-12-07 09:28:36+24:00",
		"2026-12-07 09:28:36+05:60",
		"2026-12-07 09:28:36+0500",
		"2026-12-07 09:28:36 +05:00",
		"2026-12-07 09:28:36+05:00 ",
		"2026-12-07 09:28:36Z ",
		"2026-12-07 09:28:3x+00:00",
		"2026-1a-07 09:28:36+00:00",
		"2026/12/07 09:28:36+00:00",
		"2026-12-07_09:28:36+00:00",
		"+2026-12-07 09:28:36+00:00",
		"",
		"yesterday",
	} {
		want, wantOK := slowParse(s)
		got, ok := parseStoredTime(s)
		if !ok {
			continue // time.Parse decides
		}
		quick++
		if !wantOK || !got.Equal(want) || got.Location() != time.UTC || got != want {
			t.Errorf("parseStoredTime(%q) = %v; time.Parse: %v (ok %v)", s, got, want, wantOK)
		}
	}
	if quick != 11 {
		t.Errorf("%d timestamps read quickly, want the 11 of the driver's shape", quick)
	}

	// Every second of a few years, each month's days and a leap day, with fractions.
	for at := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC); at.Year() < 2026; at = at.Add(7*time.Hour + 13*time.Minute + 17*time.Second + 123456789) {
		for _, zone := range []*time.Location{time.UTC, time.FixedZone("", 2*3600), time.FixedZone("", -(9*3600 + 30*60))} {
			s := at.In(zone).Format(timeFormats[0])
			want, _ := slowParse(s)
			got, ok := parseStoredTime(s)
			if !ok || got != want {
				t.Fatalf("parseStoredTime(%q) = %v, %v; time.Parse: %v", s, got, ok, want)
			}
		}
	}
}

func BenchmarkParseStoredTime(b *testing.B) {
	const s = "2026-12-07 09:28:36.811007+00:00"
	b.Run("quick", func(b *testing.B) {
		for b.Loop() {
			var n nullTime
			_ = n.parse(s)
		}
	})
	b.Run("time.Parse", func(b *testing.B) {
		for b.Loop() {
			_, _ = slowParse(s)
		}
	})
}
