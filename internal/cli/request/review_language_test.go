package request_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/cli/clitest"
	"github.com/profil-cli/profil/internal/cli/cmdutil"
	"github.com/profil-cli/profil/internal/prompt"
	"github.com/profil-cli/profil/internal/testdb"
)

// With a French locale, the approvals inbox asks and reports in French.
func TestReviewInFrench(t *testing.T) {
	w := newReviewWorld(t, testdb.SQLite(t))
	t.Setenv("LANG", "fr_FR.UTF-8")
	p := prompt.NewScripted(
		prompt.AnswerSelect(0),                             // Paul: approve
		prompt.AnswerSelect(2), prompt.AnswerInput(reason), // Léa: reject
		prompt.AnswerSelect(4), // quit
	)
	r := clitest.Run(t, w.onTerminal(p), "request", "review").Want(t, cmdutil.ExitOK)
	wantIn(t, r, typography(
		"3 demandes vous attendent, de la plus ancienne à la plus récente.",
		fmt.Sprintf("[1/3] Demande n° %d · création de compte · attente : ", w.paul),
		"Référent    aucun pour l'instant : accepter fera de cette personne son référent",
		"Aussi dans  aucune autre structure (nouveau compte)",
		fmt.Sprintf("✓ demande n° %d acceptée (%s → Horizons Emploi) ; désormais son référent", w.paul, paul),
		fmt.Sprintf("✓ demande n° %d refusée (%s → Horizons Emploi)", w.lea, lea),
		fmt.Sprintf("[3/3] Demande n° %d · rattachement", w.claire),
		"Bilan : acceptées 1, refusées 1, passées 0, erreurs 0 (non examinées : 1)\n",
		"(compte en attente)",
	)...)
	asked := p.Asked()
	for _, q := range typography(
		fmt.Sprintf("Demande n° %d — votre décision ?", w.paul),
		fmt.Sprintf("Pourquoi refuser la demande n° %d ? (la personne le lira)", w.lea),
	) {
		if !slices.Contains(asked, q) {
			t.Errorf("not asked %q; asked %q", q, asked)
		}
	}
}

// frenchSpaces puts the non-breaking spaces of French typography where the expectations of the
// tests write plain ones: U+00A0 before ":" and inside « », U+202F before ";" "?" "!".
var frenchSpaces = strings.NewReplacer(" :", "\u00a0:", " ;", "\u202f;", " ?", "\u202f?", " !", "\u202f!", "« ", "«\u00a0", " »", "\u00a0»")

func typography(parts ...string) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = frenchSpaces.Replace(p)
	}
	return out
}
