package i18n

import "testing"

func TestFrenchTypography(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"motif : %s", "motif\u00a0: %s"},
		{"voulez-vous continuer ? (o/N)", "voulez-vous continuer\u202f? (o/N)"},
		{"c'est fait ! ensuite ; enfin", "c'est fait\u202f! ensuite\u202f; enfin"},
		{"la structure « %s » est créée", "la structure «\u00a0%s\u00a0» est créée"},
		// Commands between backticks, URLs and times are left as they are.
		{"lancez `profil x --since 7j ; echo ok` : voilà", "lancez `profil x --since 7j ; echo ok`\u00a0: voilà"},
		{"serveur smtp://relais:25 à 22:00", "serveur smtp://relais:25 à 22:00"},
		{"déjà\u00a0: rien", "déjà\u00a0: rien"},
		{"", ""},
	} {
		if got := applyTypography(tt.in); got != tt.want {
			t.Errorf("applyTypography(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A French message is rendered with its typography; its arguments are not touched, and
// English is left alone.
func TestTypographyWhenRendered(t *testing.T) {
	catalogue()["test.typography"] = &entry{"test.typography", "reason: %s", "motif : %s"}
	t.Cleanup(func() { delete(catalogue(), "test.typography") })
	if got := In(French, "test.typography", "a : b"); got != "motif\u00a0: a : b" {
		t.Errorf("French = %q", got)
	}
	if got := In(English, "test.typography", "a : b"); got != "reason: a : b" {
		t.Errorf("English = %q", got)
	}
}
