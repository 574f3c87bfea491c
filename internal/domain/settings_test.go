package domain

import (
	"errors"
	"testing"
)

func TestSettingsCheck(t *testing.T) {
	tests := []struct {
		key, value string
		want       string
		invalid    bool
	}{
		{SettingMailLanguage, "fr", "fr", false},
		{SettingMailLanguage, " EN ", "en", false},
		{"Mail.Language", "en", "en", false},
		{SettingMailLanguage, "de", "", true},
		{SettingMailLanguage, "", "", true},
		{"mail.nope", "fr", "", true},
		{"", "fr", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.key+"="+tc.value, func(t *testing.T) {
			d, err := LookupSetting(tc.key)
			if err == nil {
				var v string
				v, err = d.Check(tc.value)
				if err == nil && v != tc.want {
					t.Errorf("Check(%q) = %q, want %q", tc.value, v, tc.want)
				}
			}
			if tc.invalid != (err != nil) {
				t.Fatalf("err = %v, want invalid: %v", err, tc.invalid)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid (exit 6)", err)
			}
		})
	}
}

func TestSettingsDefaultsAreValid(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range Settings {
		if seen[d.Key] {
			t.Errorf("setting %s given twice", d.Key)
		}
		seen[d.Key] = true
		if v, err := d.Check(d.Default); err != nil || v != d.Default {
			t.Errorf("default of %s = %q does not pass its own check: %v", d.Key, d.Default, err)
		}
	}
}

func TestEffectiveSettings(t *testing.T) {
	got := EffectiveSettings(nil)
	if len(got) != len(Settings) || got[0] != (SettingValue{Key: SettingMailLanguage, Value: "fr"}) {
		t.Errorf("defaults = %+v", got)
	}
	got = EffectiveSettings(map[string]string{SettingMailLanguage: "en", "gone.key": "x"})
	if got[0] != (SettingValue{Key: SettingMailLanguage, Value: "en", Set: true}) {
		t.Errorf("stored en = %+v", got)
	}
	got = EffectiveSettings(map[string]string{SettingMailLanguage: "klingon"})
	if got[0] != (SettingValue{Key: SettingMailLanguage, Value: "fr"}) {
		t.Errorf("a stored value no longer valid falls back to the default, got %+v", got)
	}
}

// A setting whose values are not a fixed list checks them with its own Parse: adding such a key
// (a duration, a label) is still one entry of Settings.
func TestSettingWithItsOwnParse(t *testing.T) {
	d := SettingDef{Key: "activation.ttl", Default: "48h", Parse: func(v string) (string, error) {
		if v == "" {
			return "", Invalid("activation.ttl", v, "settings.one_of", "1h…30d")
		}
		return v, nil
	}}
	if v, err := d.Check("72h"); err != nil || v != "72h" {
		t.Errorf("Check(72h) = %q, %v", v, err)
	}
	if _, err := d.Check(""); !errors.Is(err, ErrInvalid) {
		t.Errorf("Check(\"\") = %v, want invalid", err)
	}
}
