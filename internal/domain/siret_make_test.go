package domain

import "testing"

func TestMakeSIRETIsValid(t *testing.T) {
	for _, c := range []struct{ siren, nic string }{
		{"73282932", "0007"}, {"00000000", "0000"}, {"12345678", "9012"}, {"99999999", "9999"},
	} {
		s := MakeSIRET(c.siren, c.nic)
		if len(s) != 14 {
			t.Fatalf("MakeSIRET(%s, %s) = %q, want 14 digits", c.siren, c.nic, s)
		}
		if _, err := NormalizeSIRET(s); err != nil {
			t.Errorf("MakeSIRET(%s, %s) = %s, refused: %v", c.siren, c.nic, s, err)
		}
	}
	if got := MakeSIRET("73282932", "0007"); got != "73282932000074" {
		t.Errorf("MakeSIRET = %s, want the known SIRET 73282932000074", got)
	}
}
