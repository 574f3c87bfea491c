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
