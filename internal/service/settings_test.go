package service_test

import (
	"cmp"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/i18n"
	"github.com/profil-cli/profil/internal/service"
)

// Mails are written in the portal's language (mail.language, French by default), whatever the
// language of the command that queues them: a cron job or a gestionnaire with LANG=C mails
// French users in French.
func TestMailsFollowThePortalLanguage(t *testing.T) {
	testEach(t, func(t *testing.T, e *env) {
		for _, lang := range []i18n.Lang{i18n.English, i18n.French} {
			i18n.SetLang(lang)
			t.Cleanup(func() { i18n.SetLang(i18n.English) })
			e.register("Organisme "+string(lang), domain.KindTrainingOrg, 1)
		}
		i18n.SetLang(i18n.English)
		ms := e.mails()
		if len(ms) == 0 {
			t.Fatal("registering queued no mail")
		}
		for _, m := range ms {
			if !strings.Contains(m.Body, "Bonjour") || strings.Contains(m.Body, "Hello") {
				t.Errorf("mail %q to %s is not in French, the default language of the portal:\n%s", m.Subject, m.To, m.Body)
			}
		}

		res, err := e.svc.SetSetting(e.ctx, e.manager, "mail.language", "EN")
		if err != nil {
			t.Fatal(err)
		}
		if !res.Changed || res.Previous != "fr" || res.Setting.Value != "en" {
			t.Errorf("set mail.language EN = %+v, want fr → en", res)
		}
		if got := e.audit(service.ActionSettingsSet); len(got) != 1 || got[0].Target != "mail.language" || !strings.Contains(got[0].Details, `"to":"en"`) {
			t.Errorf("audit of settings.set = %+v", got)
		}
		i18n.SetLang(i18n.French) // a French gestionnaire, an English portal
		before := len(ms)
		e.register("Organisme anglais", domain.KindTrainingOrg, 1)
		ms = e.mails()
		if len(ms) == before {
			t.Fatal("registering queued no mail")
		}
		for _, m := range ms[before:] {
			if !strings.Contains(m.Body, "Hello") || strings.Contains(m.Body, "Bonjour") {
				t.Errorf("mail %q to %s is not in English, the language set for the portal:\n%s", m.Subject, m.To, m.Body)
			}
		}

		// Setting the value stored already changes nothing and is not audited again.
		if res, err := e.svc.SetSetting(e.ctx, e.manager, "mail.language", "en"); err != nil || res.Changed {
			t.Errorf("set the same value = %+v, %v", res, err)
		}
		if got := e.audit(service.ActionSettingsSet); len(got) != 1 {
			t.Errorf("%d settings.set events, want 1", len(got))
		}
	})
}

func TestSettingsAreForGestionnaires(t *testing.T) {
	testEach(t, func(t *testing.T, e *env) {
		_, member, referent := e.member(domain.KindTrainingOrg)
		for _, a := range []domain.Actor{member, referent, domain.Anonymous, {UserID: e.manager.UserID, Email: e.manager.Email, Manager: true, Scope: "read"}} {
			if _, err := e.svc.SetSetting(e.ctx, a, "mail.language", "en"); !errors.Is(err, domain.ErrForbidden) {
				t.Errorf("%s sets mail.language: %v, want not allowed", a.Label(), err)
			}
		}
		for _, a := range []domain.Actor{member, referent, domain.Anonymous} {
			if _, err := e.svc.Settings(e.ctx, a); !errors.Is(err, domain.ErrForbidden) {
				t.Errorf("%s reads the settings: %v, want not allowed", a.Label(), err)
			}
		}
		if _, err := e.svc.SetSetting(e.ctx, e.manager, "mail.language", "de"); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("mail.language de: %v, want invalid", err)
		}
		if _, err := e.svc.SetSetting(e.ctx, e.manager, "mail.nope", "fr"); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("unknown key: %v, want invalid", err)
		}
		if got := e.audit(service.ActionSettingsSet); len(got) != 0 {
			t.Errorf("refused changes were audited: %+v", got)
		}
		v, err := e.svc.Setting(e.ctx, e.manager, "mail.language")
		if err != nil || v.Value != "fr" || v.Set {
			t.Errorf("mail.language = %+v, %v; want the default fr", v, err)
		}
	})
}

// Gestionnaires changing a setting at the same time each read what the last one wrote: the
// audit trail is a chain, every event's "from" being the "to" of the one before.
func TestConcurrentSettingChangesChain(t *testing.T) {
	testEach(t, func(t *testing.T, e *env) {
		const n = 8
		errs := make(chan error, n)
		for i := range n {
			value := "en"
			if i%2 == 1 {
				value = "fr"
			}
			go func() {
				_, err := e.svc.SetSetting(e.ctx, e.manager, domain.SettingMailLanguage, value)
				errs <- err
			}()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		prev := "fr" // the default
		events := e.audit(service.ActionSettingsSet)
		// In the order they were written (their time is when each transaction began).
		slices.SortFunc(events, func(a, b domain.AuditEvent) int { return cmp.Compare(a.ID, b.ID) })
		for _, ev := range events {
			var d struct{ From, To string }
			if err := json.Unmarshal([]byte(ev.Details), &d); err != nil {
				t.Fatal(err)
			}
			if d.From != prev {
				t.Errorf("event %d changes %s → %s, but the value was %s", ev.ID, d.From, d.To, prev)
			}
			prev = d.To
		}
		v, err := e.svc.Setting(e.ctx, e.manager, domain.SettingMailLanguage)
		if err != nil || v.Value != prev {
			t.Errorf("mail.language = %+v, %v; the last event says %s", v, err, prev)
		}
	})
}
