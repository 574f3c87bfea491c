package migrations

import (
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// versions lists the migration files of one dialect by version, and fails on a name goose
// would not read the same way (NNNNN_words.sql) or a version given twice.
func versions(t *testing.T, dialect string) map[int]string {
	t.Helper()
	names, err := fs.Glob(FS(dialect), "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]string{}
	for _, name := range names {
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 5 {
			t.Errorf("%s/%s: a migration is named NNNNN_what_it_does.sql", dialect, name)
			continue
		}
		if other, dup := out[v]; dup {
			t.Errorf("%s: version %d given twice: %s and %s", dialect, v, other, name)
		}
		out[v] = name
	}
	return out
}

// TestDialectsHoldTheSameVersions checks that SQLite and PostgreSQL are upgraded through the
// same versions, numbered 1, 2, 3… without a gap, with the same file names: `db status`
// means the same on both engines, and a change made for one is not forgotten for the other.
func TestDialectsHoldTheSameVersions(t *testing.T) {
	sqlite, postgres := versions(t, "sqlite"), versions(t, "postgres")
	if len(sqlite) == 0 {
		t.Fatal("no migration embedded")
	}
	var all []int
	for v := range sqlite {
		all = append(all, v)
	}
	for v := range postgres {
		if _, ok := sqlite[v]; !ok {
			all = append(all, v)
		}
	}
	slices.Sort(all)
	for i, v := range all {
		if v != i+1 {
			t.Errorf("versions %v: version %d is missing", all, i+1)
			break
		}
	}
	for _, v := range all {
		s, p := sqlite[v], postgres[v]
		switch {
		case s == "":
			t.Errorf("version %d: %s exists for PostgreSQL only", v, p)
		case p == "":
			t.Errorf("version %d: %s exists for SQLite only", v, s)
		case s != p:
			t.Errorf("version %d is %s on SQLite and %s on PostgreSQL", v, s, p)
		}
	}
	if t.Failed() {
		t.Logf("sqlite: %v\npostgres: %v", sqlite, postgres)
	}
}
