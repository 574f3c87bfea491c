package sqlstore

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// timeFormats are the shapes SQLite text timestamps come in; the first is what the driver
// writes with _time_format=sqlite.
var timeFormats = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02",
}

// nullTime scans a timestamp from either engine: time.Time from pgx and from SQLite columns
// declared TIMESTAMP, text from SQLite expressions.
type nullTime struct {
	Time  time.Time
	Valid bool
}

func (n *nullTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		n.Time, n.Valid = time.Time{}, false
		return nil
	case time.Time:
		n.Time, n.Valid = x.UTC(), true
		return nil
	case string:
		return n.parse(x)
	case []byte:
		return n.parse(string(x))
	}
	return fmt.Errorf("cannot scan %T into a timestamp", v)
}

func (n *nullTime) parse(s string) error {
	if t, ok := parseStoredTime(s); ok {
		n.Time, n.Valid = t, true
		return nil
	}
	for _, f := range timeFormats {
		if t, err := time.Parse(f, s); err == nil {
			n.Time, n.Valid = t.UTC(), true
			return nil
		}
	}
	return fmt.Errorf("cannot read timestamp %q", s)
}

// Ptr is the time or nil.
func (n nullTime) Ptr() *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time
	return &t
}

// Value lets a nullTime be passed back as an argument.
func (n nullTime) Value() (driver.Value, error) {
	if !n.Valid {
		return nil, nil
	}
	return n.Time, nil
}

// timePtr is the argument for a nullable timestamp column.
func timePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// nullInt is 0 for NULL, for optional references (0 = none).
func nullInt(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nullText is NULL for an empty string, for optional unique columns such as siret.
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// parseStoredTime reads, in UTC, a timestamp in the shape the driver writes (the first of
// timeFormats: "2006-01-02 15:04:05.999999-07:00"), with a 'T' or a 'Z' accepted too: what
// time.Parse reads with those layouts, about twenty times quicker, for exports of millions
// of rows. Anything else (another shape, a date that does not exist) is left to time.Parse:
// ok is false.
func parseStoredTime(s string) (t time.Time, ok bool) {
	if len(s) < len("2006-01-02 15:04:05Z") || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') ||
		s[13] != ':' || s[16] != ':' {
		return t, false
	}
	num := func(from, to int) int {
		v := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, sec := num(11, 13), num(14, 16), num(17, 19)
	if year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return t, false
	}
	rest := s[19:]
	nsec := 0
	if rest[0] == '.' {
		digits := 0
		for digits+1 < len(rest) && rest[digits+1] >= '0' && rest[digits+1] <= '9' {
			digits++
		}
		if digits == 0 || digits > 9 {
			return t, false
		}
		nsec = num(20, 20+digits)
		for range 9 - digits {
			nsec *= 10
		}
		rest = rest[1+digits:]
	}
	offset := 0
	switch {
	case rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		at := len(s) - 6
		oh, om := num(at+1, at+3), num(at+4, at+6)
		if oh < 0 || oh > 23 || om < 0 || om > 59 {
			return t, false
		}
		offset = (oh*60 + om) * 60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return t, false
	}
	t = time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day {
		return time.Time{}, false // 31 April: time.Parse refuses it
	}
	return t.Add(-time.Duration(offset) * time.Second), true
}
