package gen

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/profil-cli/profil/internal/domain"
)

// People generates users: French first and last names with their accents, a job title that
// agrees with the first name, a unique lower-case e-mail address under the reserved .example
// top-level domain, often a phone number in E.164, and a status. Passwords are left unset
// (PasswordHash empty), as for accounts imported from the legacy bases.
//
// E-mail addresses are unique within one People: the generator remembers those it gave, so
// it must be read in order (Next) and is not safe for concurrent use.
type People struct {
	r    *rand.Rand
	seen map[string]bool
}

// NewPeople returns a generator of people for seed.
func NewPeople(seed uint64) *People {
	return &People{r: rand.New(rand.NewPCG(mix(seed), mix(seed^0x9e3779b97f4a7c15))), seen: map[string]bool{}}
}

// Next returns the next person as the store keeps it, without ID or times.
func (g *People) Next() domain.User {
	r := g.r
	first := one(r, firstNames)
	last := one(r, lastNames)
	u := domain.User{
		FirstName: first.name,
		LastName:  last,
		Email:     g.email(first.name, last),
		Phone:     phone(r),
		Status:    domain.UserActive,
	}
	if chance(r, 85) {
		f := one(r, functions)
		if first.feminine {
			u.Function = f.feminine
		} else {
			u.Function = f.masculine
		}
	}
	switch x := r.IntN(100); {
	case x < 8:
		u.Status = domain.UserPending
	case x < 13:
		u.Status = domain.UserDisabled
	case x < 15:
		u.Status = domain.UserRefused
	}
	switch x := r.IntN(100); {
	case x < 20:
		u.Source = "synapse"
	case x < 30:
		u.Source = "prisme"
	}
	return u
}

// slug is the e-mail form of a name: "Jean-François" → "jean-francois", "D'Almeida" →
// "d-almeida".
func slug(name string) string { return strings.ReplaceAll(domain.Fold(name), " ", "-") }

var (
	webmail = []string{
		"orange.example", "wanadoo.example", "free.example", "sfr.example", "laposte.example",
		"gmail.example", "hotmail.example", "yahoo.example", "outlook.example",
	}
	institutions = []string{
		"ac-bordeaux.example", "ac-poitiers.example", "ac-limoges.example", "afpa.example",
		"francetravail.example", "cma-nouvelleaquitaine.example", "mission-locale.example",
		"greta-aquitaine.example", "nouvelle-aquitaine.example", "cap-metiers.example", "chu-bordeaux.example",
		"mfr-aquitaine.example", "educagri.example",
	}
	businesses = []string{"formation", "conseil", "batiment", "transports", "services", "sas", "associes"}
)

// email returns an address for the person that no earlier Next returned: the usual
// "prenom.nom", "p.nom", "prenomnom" or "nom.prenom" forms, with a number added on a clash as
// mail providers do.
func (g *People) email(first, last string) string {
	r := g.r
	f, l := slug(first), slug(last)
	var local string
	switch x := r.IntN(100); {
	case x < 60:
		local = f + "." + l
	case x < 75:
		local = f[:1] + "." + l
	case x < 85:
		local = strings.ReplaceAll(f+l, "-", "")
	case x < 95:
		local = l + "." + f
	default:
		local = f + "." + l + strconv.Itoa(40+r.IntN(60))
	}
	var host string
	switch x := r.IntN(100); {
	case x < 50:
		host = one(r, webmail)
	case x < 80:
		host = one(r, institutions)
	default:
		host = slug(one(r, lastNames)) + "-" + one(r, businesses) + ".example"
	}
	addr := local + "@" + host
	for n := 2; g.seen[addr]; n++ {
		addr = local + strconv.Itoa(n) + "@" + host
	}
	g.seen[addr] = true
	return addr
}

// fictionPrefixes are the French geographic ranges ARCEP reserves for fiction, as E.164
// prefixes: 05 36 49 xx xx (the south-west, most used here), 01 99 00, 02 61 91, 03 53 01 and
// 04 65 71.
var fictionPrefixes = newWeighted([]weightedString{
	{"+3353649", 80}, {"+3319900", 8}, {"+3326191", 4}, {"+3335301", 4}, {"+3346571", 4},
}, func(p weightedString) int { return p.weight })

type weightedString struct {
	s      string
	weight int
}

// phone returns an E.164 number from a fiction range, or "" for one person in five.
func phone(r *rand.Rand) string {
	if chance(r, 20) {
		return ""
	}
	return fictionPrefixes.pick(r).s + pad4(r.IntN(10_000))
}

type function struct{ masculine, feminine string }

var functions = []function{
	{"Conseiller en insertion professionnelle", "Conseillère en insertion professionnelle"},
	{"Formateur", "Formatrice"},
	{"Directeur", "Directrice"},
	{"Responsable pédagogique", "Responsable pédagogique"},
	{"Chargé de mission", "Chargée de mission"},
	{"Assistant administratif", "Assistante administrative"},
	{"Coordinateur", "Coordinatrice"},
	{"Gestionnaire de formation", "Gestionnaire de formation"},
	{"Responsable des ressources humaines", "Responsable des ressources humaines"},
	{"Chef d'entreprise", "Cheffe d'entreprise"},
	{"Secrétaire", "Secrétaire"},
	{"Référent handicap", "Référente handicap"},
	{"Conseiller emploi", "Conseillère emploi"},
	{"Proviseur adjoint", "Proviseure adjointe"},
	{"Directeur délégué aux formations", "Directrice déléguée aux formations"},
	{"Animateur de réseau", "Animatrice de réseau"},
}
