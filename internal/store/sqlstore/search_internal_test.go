package sqlstore

import "testing"

// TestPrefixCeiling checks the bound of the names that start with a search's text: after
// every one of them in byte order and in collations that ignore spaces ("ab z…" reads "abz…"
// there, before "ac" but after "ab!"), and sort digits before letters.
func TestPrefixCeiling(t *testing.T) {
	for _, c := range []struct {
		folded, want string
		ok           bool
	}{
		{"formation", "formatioo", true},
		{"jazz", "jb", true},
		{"ab z", "ac", true},
		{"ab9", "aba", true},
		{"cfa 3", "cfa 4", true},
		{"a0", "a1", true},
		{"zz", "", false},
		{"z z", "", false},
		{"łk", "", false},
		{"", "", false},
	} {
		got, ok := prefixCeiling(c.folded)
		if got != c.want || ok != c.ok {
			t.Errorf("prefixCeiling(%q) = %q, %v, want %q, %v", c.folded, got, ok, c.want, c.ok)
		}
	}
}
