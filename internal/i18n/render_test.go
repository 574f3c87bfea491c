package i18n

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/profil-cli/profil/internal/domain"
)

// The policy names what an action does and who may do it with message keys: each must be in
// the catalogue, so that refusals read well in every language.
func TestPolicyMessagesAreInTheCatalogue(t *testing.T) {
	t.Parallel()
	for _, act := range domain.PolicyRows() {
		rule := domain.Policy[act]
		if !Has(rule.Summary) {
			t.Errorf("%s: summary %q is not in the catalogue", act, rule.Summary)
		}
		if !Has(string(rule.Who)) {
			t.Errorf("%s: who %q is not in the catalogue", act, rule.Who)
		}
	}
}

// One error, read in two languages at once: each reader gets theirs, whatever the language of
// the process. Run in parallel on purpose (go test -race checks that rendering shares
// nothing).
func TestRenderErrorInEachLanguage(t *testing.T) {
	t.Parallel()
	member := domain.Actor{UserID: 7, Email: "lea@x.fr"}
	decidedAt := time.Date(2026, 12, 7, 1, 4, 0, 0, time.UTC)
	decided := domain.Request{ID: 12, Status: domain.StatusApproved, DecidedAt: &decidedAt}.CheckDecidable(domain.Approve, "")
	cases := []struct {
		name   string
		err    error
		en, fr string
	}{
		{"gestionnaires only", domain.Authorize(member, domain.StructureCreate, domain.Subject{}),
			"only a gestionnaire may create a structure",
			"il faut être gestionnaire pour créer une structure"},
		{"members", domain.Authorize(member, domain.MembersRead, domain.Subject{}),
			"only members of the structure or a gestionnaire may see the members of this structure",
			"il faut être membre de la structure ou gestionnaire pour voir les membres de cette structure"},
		{"anonymous", domain.Authorize(domain.Anonymous, domain.AuditRead, domain.Subject{}),
			"not signed in: run `profil login` (or pass --token)",
			"vous n'êtes pas connecté\u00a0: lancez `profil login` (ou passez --token)"},
		{"read-only token", domain.Authorize(domain.Actor{UserID: 7, Scope: domain.ScopeRead}, domain.StructureUpdate, domain.Subject{}),
			"this API token is read-only: it may not change a structure",
			"ce jeton d'API est en lecture seule\u00a0: il ne peut pas modifier une structure"},
		// A time reads as the reader's language writes it, in Paris time as the tables give it:
		// with its zone in English.
		{"already decided", decided,
			"request 12 is already approved on 2026-12-07 02:04 CET",
			"la demande n° 12 a déjà été acceptée le 07/12/2026 02:04"},
		{"a field", domain.Invalid("status", "x", "request.status_invalid"),
			`status "x": must be pending, approved or rejected`,
			"status \"x\"\u00a0: doit être pending, approved ou rejected"},
		{"wrapped", fmt.Errorf("line 4: %w", domain.Errorf(domain.ErrConflict, "referent.account_inactive", "a@x.fr")),
			"line 4: the account a@x.fr is not active",
			"line 4: le compte a@x.fr n'est pas actif"},
		{"wrapped by the catalogue", Errorf("demo.failed", domain.Errorf(domain.ErrConflict, "referent.account_inactive", "a@x.fr")),
			"demo: the account a@x.fr is not active",
			"démo\u00a0: le compte a@x.fr n'est pas actif"},
	}
	for _, tt := range cases {
		for _, l := range Langs {
			t.Run(tt.name+"/"+string(l), func(t *testing.T) {
				t.Parallel()
				got := RenderError(l, tt.err)
				want := tt.en
				if l == French {
					want = tt.fr
				}
				if got != want {
					t.Errorf("RenderError(%s) =\n %q, want\n %q", l, got, want)
				}
			})
		}
	}
}

// Rendering keeps what the error is: the exit code comes from the sentinel, the wrapped error
// stays reachable through Errorf.
func TestRenderedErrorsKeepTheirSentinel(t *testing.T) {
	t.Parallel()
	inner := domain.Errorf(domain.ErrNotFound, "referent.account_inactive", "a@x.fr")
	err := Errorf("demo.failed", inner)
	if !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("Errorf(%%w) lost the sentinel: %v", err)
	}
	if RenderError(English, nil) != "" {
		t.Error("RenderError(nil) is not empty")
	}
}

func TestWhen(t *testing.T) {
	t.Parallel()
	winter := time.Date(2026, 12, 7, 1, 4, 0, 0, time.UTC)
	summer := time.Date(2026, 7, 14, 22, 30, 0, 0, time.UTC)
	for _, tt := range []struct {
		l    Lang
		t    time.Time
		want string
	}{
		{English, winter, "2026-12-07 02:04 CET"},
		{English, summer, "2026-07-15 00:30 CEST"},
		{French, winter, "07/12/2026 02:04"},
		{French, summer, "15/07/2026 00:30"},
	} {
		if got := When(tt.l, tt.t); got != tt.want {
			t.Errorf("When(%s, %v) = %q, want %q", tt.l, tt.t, got, tt.want)
		}
	}
}
