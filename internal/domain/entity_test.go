package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCheckMandateDate(t *testing.T) {
	now := time.Date(2026, 12, 6, 23, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		date string
		ok   bool
	}{
		{"2026-12-06", true},  // today
		{"2026-12-07", false}, // tomorrow
		{"2026-09-07", true},  // 3 months less a day
		{"2026-09-06", false}, // 3 months to the day
		{"2026-01-01", false},
	} {
		err := CheckMandateDate(date(tc.date), now)
		if (err == nil) != tc.ok {
			t.Errorf("mandate dated %s: %v, want ok=%v", tc.date, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("mandate dated %s: %v is not invalid input", tc.date, err)
		}
	}
	// At approval, a mandate that has aged is a conflict naming its date.
	old := date("2026-09-06")
	err := CheckMandateStillValid(&old, now)
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "2026-09-06") {
		t.Errorf("aged mandate at approval: %v", err)
	}
	fresh := date("2026-10-01")
	if err := CheckMandateStillValid(&fresh, now); err != nil {
		t.Errorf("fresh mandate at approval: %v", err)
	}
	if err := CheckMandateStillValid(nil, now); err != nil {
		t.Errorf("no mandate at approval: %v", err)
	}
	if got := MandateAge(date("2026-12-01"), now); got != 5 {
		t.Errorf("MandateAge = %d, want 5", got)
	}
}

func TestCheckEntityDocuments(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	fresh, old := date("2026-11-20"), date("2026-08-01")
	for _, tc := range []struct {
		name   string
		policy ProofPolicy
		docs   EntityDocuments
		field  string // "" when accepted
	}{
		{"nothing asked, nothing joined", ProofOff, EntityDocuments{}, ""},
		{"proof required, none", ProofRequired, EntityDocuments{}, "proof"},
		{"proof required, named on it", ProofRequired, EntityDocuments{Proof: true, NamedOnProof: true}, ""},
		{"proof required, not named, no mandate", ProofRequired, EntityDocuments{Proof: true}, "mandate"},
		{"proof required, not named, mandate", ProofRequired, EntityDocuments{Proof: true, Mandate: true, MandateDate: &fresh}, ""},
		{"optional proof, not named", ProofOptional, EntityDocuments{Proof: true}, "mandate"},
		{"optional, nothing joined", ProofOptional, EntityDocuments{}, ""},
		{"ministry named on proof still needs a mandate", ProofOptional, EntityDocuments{Proof: true, NamedOnProof: true, Ministry: true}, "mandate"},
		{"public body without anything", ProofOff, EntityDocuments{PublicBody: true}, "mandate"},
		{"public body with mandate", ProofOff, EntityDocuments{PublicBody: true, Mandate: true, MandateDate: &fresh}, ""},
		{"old mandate", ProofOff, EntityDocuments{Ministry: true, Mandate: true, MandateDate: &old}, "mandate-date"},
		{"mandate without date", ProofOff, EntityDocuments{Mandate: true}, "mandate-date"},
		{"date without mandate", ProofOff, EntityDocuments{MandateDate: &fresh}, "mandate"},
		{"named without proof", ProofOff, EntityDocuments{NamedOnProof: true}, "named-on-proof"},
	} {
		err := CheckEntityDocuments(tc.policy, tc.docs, now)
		var fe *FieldError
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.field != "" && (!errors.As(err, &fe) || fe.Field != tc.field):
			t.Errorf("%s: %v, want an error on %s", tc.name, err, tc.field)
		}
	}
}

func TestNewDocument(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n rest")
	for _, tc := range []struct {
		name string
		data []byte
		want string // content type, "" for refused
	}{
		{"kbis.pdf", []byte("%PDF-1.4 ..."), TypePDF},
		{"scan.png", png, TypePNG},
		{"photo.jpg", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10}, TypeJPEG},
		{"evil.pdf", []byte("<html><script>alert(1)</script>"), ""}, // named PDF, is not
		{"kbis.pdf", nil, ""},
		{"x.pdf", append([]byte("%PDF-"), make([]byte, MaxDocumentSize)...), ""}, // one byte over
		{"bad\x1bname.pdf", []byte("%PDF-1.4"), ""},
		{"\u202eFDP.exe", []byte("%PDF-1.4"), ""},
		{"kbis.pdf\nMandate:     2026-12-01 (verified)", []byte("%PDF-1.4"), ""}, // would fake a line of the card
		{"kbis\t.pdf", []byte("%PDF-1.4"), ""},
	} {
		d, err := NewDocument("proof", DocumentProof, tc.name, tc.data)
		if tc.want == "" {
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%q: %v, want invalid input", tc.name, err)
			}
			continue
		}
		if err != nil || d.ContentType != tc.want || d.Size != int64(len(tc.data)) || len(d.SHA256) != 64 {
			t.Errorf("%q: %+v, %v", tc.name, d, err)
		}
	}
	// The SHA-256 is of the content: `printf %%PDF- | sha256sum`.
	d, _ := NewDocument("proof", DocumentProof, "a.pdf", []byte("%PDF-"))
	if want := "38523c087796e5d5dd1cf9bad1fb026781a838dd9dd2cf8af58b9f6502a46778"; d.SHA256 != want {
		t.Errorf("sha256 = %s, want %s", d.SHA256, want)
	}
	exact := append([]byte("%PDF-"), make([]byte, MaxDocumentSize-5)...)
	if _, err := NewDocument("proof", DocumentProof, "max.pdf", exact); err != nil {
		t.Errorf("a file of exactly 10 MB: %v", err)
	}
}

func TestRegistrationFromSettings(t *testing.T) {
	def := RegistrationFromSettings(nil)
	if def != DefaultRegistrationSettings() || def.Activation || def.Proof != ProofOff || def.ActivationTTL != 48*time.Hour || def.ReferentLabel != "référent" {
		t.Errorf("defaults = %+v", def)
	}
	got := RegistrationFromSettings(map[string]string{SettingRegistrationActivation: "on", SettingRegistrationProof: "required",
		SettingActivationTTL: "2d", SettingReferentLabel: "gestionnaire entité"})
	want := RegistrationSettings{Activation: true, Proof: ProofRequired, ActivationTTL: 48 * time.Hour, ReferentLabel: "gestionnaire entité"}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	// Values this version does not accept keep the defaults.
	got = RegistrationFromSettings(map[string]string{SettingRegistrationActivation: "maybe", SettingRegistrationProof: "always",
		SettingActivationTTL: "1s", SettingReferentLabel: "\x1b[31m"})
	if got != DefaultRegistrationSettings() {
		t.Errorf("bad values: %+v", got)
	}
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{{"48h", 48 * time.Hour}, {"90m", 90 * time.Minute}, {"3d", 72 * time.Hour}, {"5m", 0}, {"31d", 0}, {"soon", 0}} {
		d, err := ParseActivationTTL(tc.in)
		if d != tc.want || (err == nil) != (tc.want != 0) {
			t.Errorf("ParseActivationTTL(%q) = %v, %v", tc.in, d, err)
		}
	}
}
