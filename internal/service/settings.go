package service

import (
	"context"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/store"
)

// ActionSettingsSet is the audit action of `profil settings set`.
const ActionSettingsSet = "settings.set"

// Settings lists every portal setting with the value that applies (gestionnaires).
func (s *Service) Settings(ctx context.Context, actor domain.Actor) ([]domain.SettingValue, error) {
	if err := domain.Authorize(actor, domain.SettingsRead, domain.Subject{}); err != nil {
		return nil, err
	}
	var out []domain.SettingValue
	err := s.store.View(ctx, func(tx store.Tx) error {
		stored, err := tx.Settings(ctx)
		out = domain.EffectiveSettings(stored)
		return err
	})
	return out, err
}

// Setting returns one portal setting (gestionnaires); an unknown key is invalid input.
func (s *Service) Setting(ctx context.Context, actor domain.Actor, key string) (domain.SettingValue, error) {
	if err := domain.Authorize(actor, domain.SettingsRead, domain.Subject{}); err != nil {
		return domain.SettingValue{}, err
	}
	def, err := domain.LookupSetting(key)
	if err != nil {
		return domain.SettingValue{}, err
	}
	all, err := s.Settings(ctx, actor)
	for _, v := range all {
		if v.Key == def.Key {
			return v, err
		}
	}
	return domain.SettingValue{}, err
}

// SetSettingResult is what `settings set` changed.
type SetSettingResult struct {
	Setting  domain.SettingValue
	Previous string // the value that applied before
	Changed  bool
}

// SetSetting sets a portal setting (gestionnaires), audited with the value before and after.
// Setting the value already stored writes nothing and no event.
func (s *Service) SetSetting(ctx context.Context, actor domain.Actor, key, value string) (SetSettingResult, error) {
	var res SetSettingResult
	if err := domain.Authorize(actor, domain.SettingsWrite, domain.Subject{}); err != nil {
		return res, err
	}
	def, err := domain.LookupSetting(key)
	if err != nil {
		return res, err
	}
	v, err := def.Check(value)
	if err != nil {
		return res, err
	}
	err = s.store.Update(ctx, func(tx store.Tx) error {
		res = SetSettingResult{}
		stored, err := tx.SettingsForUpdate(ctx)
		if err != nil {
			return err
		}
		before := settingOf(domain.EffectiveSettings(stored), def.Key)
		res.Previous = before.Value
		res.Setting = domain.SettingValue{Key: def.Key, Value: v, Set: true}
		if before.Set && before.Value == v {
			return nil
		}
		res.Changed = before.Value != v
		if err := tx.SetSetting(ctx, def.Key, v, actor.UserID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, ActionSettingsSet, 0, def.Key, map[string]string{"key": def.Key, "from": before.Value, "to": v})
	})
	return res, err
}

func settingOf(values []domain.SettingValue, key string) domain.SettingValue {
	for _, v := range values {
		if v.Key == key {
			return v
		}
	}
	return domain.SettingValue{Key: key}
}

// mailLanguage is the language of the portal's mails (setting mail.language), read in the
// transaction that queues them: people read mails in the portal's language, whatever the
// locale of the gestionnaire or cron job whose command queued them.
func mailLanguage(ctx context.Context, tx store.Tx) (i18n.Lang, error) {
	stored, err := tx.Settings(ctx)
	if err != nil {
		return "", err
	}
	if settingOf(domain.EffectiveSettings(stored), domain.SettingMailLanguage).Value == string(i18n.English) {
		return i18n.English, nil
	}
	return i18n.French, nil
}
