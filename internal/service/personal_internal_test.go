package service

import (
	"testing"
)

// The person is found in free text by e-mail (any case, never inside a longer address) and by
// name (whole words); what names someone else stays.
func TestMatcherReplace(t *testing.T) {
	m := newMatcher(identity{email: "zoe.martin@horizons.fr", first: "Zoé", last: "Martin"})
	tests := []struct{ in, want string }{
		{`{"user":"zoe.martin@horizons.fr"}`, `{"user":"erased-7"}`},
		{"ZOE.Martin@Horizons.FR (token x)", "erased-7 (token x)"},
		{"écrire à zoe.martin@horizons.fr.", "écrire à erased-7."},
		{"anne.zoe.martin@horizons.fr", "anne.zoe.martin@horizons.fr"},
		{"zoe.martin@horizons.fr.example.org", "zoe.martin@horizons.fr.example.org"},
		{"xzoe.martin@horizons.fr", "xzoe.martin@horizons.fr"},
		{"Bonjour Zoé Martin,", "Bonjour erased-7,"},
		{"MARTIN Zoé a demandé", "erased-7 a demandé"},
		{"Martinez et Zoéline", "Martinez et Zoéline"},
		{"paul.martin@horizons.fr", "paul.martin@horizons.fr"},
		{"Mme martin", "Mme erased-7"},
	}
	for _, tc := range tests {
		if got := m.replace(tc.in, "erased-7"); got != tc.want {
			t.Errorf("replace(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	amp := newMatcher(identity{email: "r&d@horizons.fr", first: "Zoé", last: "Martin"})
	if got := amp.replace(`{"user":"r\u0026d@horizons.fr"} r&d@horizons.fr`, "erased-7"); got != `{"user":"erased-7"} erased-7` {
		t.Errorf("an address with & in JSON details: %q", got)
	}
	for s, want := range map[string]bool{
		// A full name alone is no proof: a namesake's row, or a structure called like the person.
		"zoe.martin@horizons.fr": true, "Zoé Martin": false, "Martin": false, "anne.zoe.martin@horizons.fr": false,
	} {
		if got := m.namedIn(s); got != want {
			t.Errorf("namedIn(%q) = %v, want %v", s, got, want)
		}
	}
}
