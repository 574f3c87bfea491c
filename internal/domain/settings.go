package domain

import (
	"slices"
	"strings"
)

// Portal settings are what a gestionnaire decides for the whole portal (`profil settings`):
// one row per key in the settings table, the default applying while a key was never set.
// Every key is one entry of Settings: its default and how a value is checked; the store,
// the service and the commands need nothing more to handle a new key.

// SettingMailLanguage is the language of the mails the portal sends ("fr" or "en"), whoever
// queues them and whatever their locale.
const SettingMailLanguage = "mail.language"

// SettingDef describes one portal setting.
type SettingDef struct {
	Key     string
	Default string
	// Choices are the values allowed, when they are a fixed list (shown by `settings list`).
	Choices []string
	// Help is the message key of what the setting decides.
	Help string
	// Parse checks a value as typed and returns it as stored; nil accepts any of Choices
	// (case-insensitive).
	Parse func(value string) (string, error)
}

// Settings are the known portal settings, in display order.
var Settings = []SettingDef{
	{Key: SettingMailLanguage, Default: "fr", Choices: []string{"fr", "en"}, Help: "settings.help.mail_language"},
	{Key: SettingRetentionAudit, Default: DefaultRetention, Help: "settings.help.retention_audit", Parse: retentionSetting(SettingRetentionAudit)},
	{Key: SettingRetentionRequests, Default: DefaultRetention, Help: "settings.help.retention_requests", Parse: retentionSetting(SettingRetentionRequests)},
}

// LookupSetting returns the definition of key; an unknown key is invalid input that lists the
// known ones.
func LookupSetting(key string) (SettingDef, error) {
	k := strings.ToLower(strings.TrimSpace(key))
	for _, d := range Settings {
		if d.Key == k {
			return d, nil
		}
	}
	return SettingDef{}, Invalid("key", key, "settings.unknown_key", strings.Join(SettingKeys(), ", "))
}

// SettingKeys lists the known keys, in display order.
func SettingKeys() []string {
	keys := make([]string, len(Settings))
	for i, d := range Settings {
		keys[i] = d.Key
	}
	return keys
}

// Check validates value for the setting and returns it as stored.
func (d SettingDef) Check(value string) (string, error) {
	if d.Parse != nil {
		return d.Parse(value)
	}
	v := strings.ToLower(strings.TrimSpace(value))
	if slices.Contains(d.Choices, v) {
		return v, nil
	}
	return "", Invalid(d.Key, value, "settings.one_of", strings.Join(d.Choices, ", "))
}

// SettingValue is the value of one setting as the portal applies it.
type SettingValue struct {
	Key   string
	Value string
	// Set is false while the key was never set: Value is then the default.
	Set bool
}

// EffectiveSettings returns every known setting with its stored value, or its default when
// stored has none (or a value an older or newer version would not accept).
func EffectiveSettings(stored map[string]string) []SettingValue {
	out := make([]SettingValue, len(Settings))
	for i, d := range Settings {
		out[i] = SettingValue{Key: d.Key, Value: d.Default}
		if v, ok := stored[d.Key]; ok {
			if checked, err := d.Check(v); err == nil {
				out[i] = SettingValue{Key: d.Key, Value: checked, Set: true}
			}
		}
	}
	return out
}
