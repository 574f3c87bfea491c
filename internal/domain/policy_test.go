package domain

import (
	"testing"

	"github.com/profil-cli/profil/internal/i18n"
)

// The policy names what an action does and who may do it with message keys: each must be in
// the catalogue, so that refusals read well in every language.
func TestPolicyMessagesAreInTheCatalogue(t *testing.T) {
	for _, act := range PolicyRows() {
		rule := Policy[act]
		if !i18n.Has(rule.Summary) {
			t.Errorf("%s: summary %q is not in the catalogue", act, rule.Summary)
		}
		if !i18n.Has(string(rule.Who)) {
			t.Errorf("%s: who %q is not in the catalogue", act, rule.Who)
		}
	}
}

func TestRefusalsInFrench(t *testing.T) {
	defer i18n.SetLang(i18n.Current())
	i18n.SetLang(i18n.French)
	member := Actor{UserID: 7, Email: "lea@x.fr"}
	for _, tt := range []struct {
		err  error
		want string
	}{
		{Authorize(member, StructureCreate, Subject{}), "il faut être gestionnaire pour créer une structure"},
		{Authorize(member, MembersRead, Subject{}), "il faut être membre de la structure ou gestionnaire pour voir les membres de cette structure"},
		{Authorize(Anonymous, AuditRead, Subject{}), "vous n'êtes pas connecté\u00a0: lancez `profil login` (ou passez --token)"},
		{Authorize(Actor{UserID: 7, Scope: ScopeRead}, StructureUpdate, Subject{}), "ce jeton d'API est en lecture seule\u00a0: il ne peut pas modifier une structure"}, // French typography: a non-breaking space before ":"
	} {
		if tt.err == nil || tt.err.Error() != tt.want {
			t.Errorf("refusal = %v, want %q", tt.err, tt.want)
		}
	}
}
