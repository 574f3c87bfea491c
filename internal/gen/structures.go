package gen

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/profil-cli/profil/internal/domain"
)

// Structures generates structures: companies, associations, training centres, schools,
// GRETA, Missions Locales, chambers, public bodies, La Poste offices… The i-th structure
// depends only on the seed and i, so Next, At and Input agree and a run can be resumed.
//
// Structures 0 to 2 are Cap Métiers Nouvelle-Aquitaine and two of its sites. One structure in
// 500 is an office of La Poste, whose SIRETs all start with 356 000 000 and follow INSEE's
// special key rule. Every other structure has a SIREN of its own, derived from its index, so
// SIRETs never repeat (among the first 89,999,998 structures); one in a hundred public bodies
// and associations has no SIRET at all, as the portals allow.
//
// A Structures is not safe for concurrent use; make one per goroutine, they are cheap.
type Structures struct {
	seed     uint64
	sirenOff uint64
	next     int
	pcg      *rand.PCG
	r        *rand.Rand
}

// NewStructures returns a generator of structures for seed.
func NewStructures(seed uint64) *Structures {
	pcg := rand.NewPCG(0, 0)
	return &Structures{seed: seed, sirenOff: mix(seed) % sirenSpace, pcg: pcg, r: rand.New(pcg)}
}

// Next returns the next structure as the store keeps it (normalised, department derived from
// the postal code), without ID or times.
func (g *Structures) Next() domain.Structure {
	s, _ := g.build(g.next)
	g.next++
	return s
}

// At returns the i-th structure (i ≥ 0) without moving Next.
func (g *Structures) At(i int) domain.Structure {
	s, _ := g.build(i)
	return s
}

// Input returns the i-th structure as a person types it in a form or a spreadsheet: the SIRET
// sometimes with spaces or dots, the APE code sometimes as "8559A" or "APE 85.59A", the postal
// code sometimes as "33 600". Applying it to an empty domain.Structure gives At(i).
func (g *Structures) Input(i int) domain.StructureInput {
	s, t := g.build(i)
	siret := s.SIRET
	switch {
	case siret == "":
	case t.siret == 1:
		siret = siret[:3] + " " + siret[3:6] + " " + siret[6:9] + " " + siret[9:]
	case t.siret == 2:
		siret = siret[:3] + "." + siret[3:6] + "." + siret[6:9] + "." + siret[9:]
	case t.siret == 3:
		siret = siret[:9] + "\u00a0" + siret[9:] // pasted from a web page
	}
	ape := s.APE
	switch {
	case ape == "":
	case t.ape == 1:
		ape = ape[:2] + ape[3:]
	case t.ape == 2:
		ape = "APE " + ape
	case t.ape == 3:
		ape = ape[:5] + " " + ape[5:]
	}
	pc := s.PostalCode
	if t.postal {
		pc = pc[:2] + " " + pc[2:]
	}
	kinds := append([]domain.Kind(nil), s.Kinds...)
	return domain.StructureInput{
		SIRET: &siret, Name: &s.Name, Acronym: &s.Acronym, APE: &ape, Address: &s.Address,
		PostalCode: &pc, City: &s.City, Kinds: &kinds, Ministry: &s.Ministry, AdhesionYear: &s.AdhesionYear,
	}
}

// typing records how Input spells the fields that have several spellings.
type typing struct {
	siret, ape int
	postal     bool
}

// SIREN bases are the 8-digit numbers from 10000000 to 99999999 but the reserved ones, those of
// Cap Métiers and La Poste: the index goes through i*sirenStep + offset modulo their count, a
// bijection since the step and the count are coprime, so consecutive structures get unrelated
// SIRENs and no two structures share one.
const (
	sirenSpace = uint64(90_000_000 - len(reservedBases))
	sirenStep  = 31_415_927
)

// reservedBases are given to fixed structures only, in ascending order.
var reservedBases = [...]uint64{capMetiersBase, laPosteBase}

const (
	capMetiersBase = 18_330_001
	laPosteBase    = 35_600_000
)

// La Poste offices are structures 137, 637, 1137, …: their NIC is their rank among them.
const (
	laPosteEvery = 500
	laPosteAt    = 137
	laPosteMax   = 10_000 // four-digit NICs
)

func (g *Structures) sirenBase(i int) string { return strconv.FormatUint(g.sirenNumber(i), 10) }

func (g *Structures) sirenNumber(i int) uint64 {
	b := 10_000_000 + (uint64(i)%sirenSpace*sirenStep+g.sirenOff)%sirenSpace
	for _, r := range reservedBases {
		if b >= r {
			b++
		}
	}
	return b
}

// laPosteSIRET returns the SIRET of La Poste's j-th office: SIREN 356 000 000, NIC j, and the
// key that makes the digits add up to a multiple of 5, as INSEE checks for La Poste.
func laPosteSIRET(j int) string {
	s := "356000000" + pad4(j)
	sum := 0
	for i := 0; i < len(s); i++ {
		sum += int(s[i] - '0')
	}
	return s + string(rune('0'+(5-sum%5)%5))
}

func (g *Structures) build(i int) (domain.Structure, typing) {
	if i < 0 {
		panic("gen: negative structure index")
	}
	u := uint64(i)
	g.pcg.Seed(mix(g.seed^mix(u)), mix(u+0x5bd1e995+g.seed))
	r := g.r

	p := places.pick(r)
	s := domain.Structure{
		PostalCode: one(r, p.codes),
		City:       p.name,
		Department: p.dept,
		Address:    address(r),
	}
	o := org{}
	switch {
	case i < len(capMetiers):
		o = capMetiers[i]
		s.PostalCode, s.City, s.Department, s.Address = o.postal, o.city, o.postal[:2], o.address
	case i%laPosteEvery == laPosteAt && i/laPosteEvery < laPosteMax:
		o = laPoste(r, p)
		o.siret = laPosteSIRET(i / laPosteEvery)
	default:
		o = orgKinds.pick(r).build(r, p)
	}
	s.Name, s.Acronym, s.APE, s.Kinds, s.Ministry = o.name, o.acronym, o.ape, domain.SortKinds(o.kinds), o.ministry
	switch {
	case o.siret != "":
		s.SIRET = o.siret
	case o.mayLackSIRET && chance(r, 1):
	default:
		nic := 1 + r.IntN(60)
		if chance(r, 20) {
			nic = 1 + r.IntN(999)
		}
		s.SIRET = domain.MakeSIRET(g.sirenBase(i), pad4(nic))
	}
	// Members of Cap Métiers are mostly training organisations.
	switch {
	case o.adhesion != 0:
		s.AdhesionYear = o.adhesion
	case s.HasKind(domain.KindTrainingOrg) && chance(r, 20), chance(r, 5):
		s.AdhesionYear = 2024 + r.IntN(3)
	}
	t := typing{postal: chance(r, 10)}
	if x := r.IntN(100); x >= 60 {
		t.siret = 1 + (x-60)/15 // 1, 2 or 3
	}
	if x := r.IntN(100); x >= 70 {
		t.ape = 1 + (x-70)/10
	}
	return s, t
}

// address returns a street address: "12 rue des Écoles", "Bâtiment B, 4 bis allée des Pins".
func address(r *rand.Rand) string {
	street := one(r, streets)
	if chance(r, 4) {
		// No number: "Rue Pierre Mendès France".
		return strings.ToUpper(street[:1]) + street[1:]
	}
	var b strings.Builder
	if chance(r, 8) {
		b.WriteString(one(r, addressPrefixes))
	}
	n := 1 + r.IntN(40)
	if chance(r, 30) {
		n = 1 + r.IntN(250)
	}
	b.WriteString(strconv.Itoa(n))
	switch x := r.IntN(100); {
	case x < 5:
		b.WriteString(" bis")
	case x < 7:
		b.WriteString(" ter")
	}
	b.WriteByte(' ')
	b.WriteString(street)
	return b.String()
}

// org is what a kind of structure decides.
type org struct {
	name, acronym, ape string
	kinds              []domain.Kind
	ministry           bool
	mayLackSIRET       bool
	siret              string // fixed SIRET (La Poste, Cap Métiers)
	adhesion           int    // fixed adhesion year
	// Fixed address, for Cap Métiers.
	address, postal, city string
}

var (
	training   = []domain.Kind{domain.KindTrainingOrg}
	prescriber = []domain.Kind{domain.KindPrescriber}
	employer   = []domain.Kind{domain.KindEmployer}
)

func kinds(k ...domain.Kind) []domain.Kind { return k }

var capMetiers = []org{
	{name: "Cap Métiers Nouvelle-Aquitaine", acronym: "CMNA", ape: "84.13Z", kinds: employer, adhesion: 2026,
		siret: domain.MakeSIRET(strconv.Itoa(capMetiersBase), "0001"), address: "102 avenue de Canéjan", postal: "33600", city: "Pessac"},
	{name: "Cap Métiers Nouvelle-Aquitaine – Site de Limoges", acronym: "CMNA", ape: "84.13Z", kinds: employer, adhesion: 2026,
		siret: domain.MakeSIRET(strconv.Itoa(capMetiersBase), "0027"), address: "13 cours Gay-Lussac", postal: "87000", city: "Limoges"},
	{name: "Cap Métiers Nouvelle-Aquitaine – Site de Poitiers", acronym: "CMNA", ape: "84.13Z", kinds: employer, adhesion: 2026,
		siret: domain.MakeSIRET(strconv.Itoa(capMetiersBase), "0035"), address: "5 rue Victor Grignard", postal: "86000", city: "Poitiers"},
}

// orgKind is a family of structures and how often it occurs among 1,000.
type orgKind struct {
	weight int
	build  func(r *rand.Rand, p place) org
}

var orgKinds = newWeighted([]orgKind{
	{360, company},
	{40, estate},
	{180, association},
	{120, trainingCentre},
	{25, lycee},
	{15, greta},
	{15, missionLocale},
	{8, afpa},
	{30, cfa},
	{6, chamberOfTrades},
	{4, chamberOfCommerce},
	{60, localAuthority},
	{12, franceTravail},
	{4, capEmploi},
	{20, hospital},
	{30, careHome},
	{4, nursingSchool},
	{10, mfr},
	{6, cfppa},
	{5, secondChanceSchool},
	{3, campus},
	{3, stateService},
}, func(k orgKind) int { return k.weight })

type trade struct {
	word, ape string
	training  bool
}

var trades = []trade{
	{"Boulangerie", "10.71C", false}, {"Garage", "45.20A", false}, {"Menuiserie", "16.23Z", false},
	{"Plomberie", "43.22A", false}, {"Électricité Générale", "43.21A", false}, {"Maçonnerie", "43.99C", false},
	{"Transports", "49.41A", false}, {"Coiffure", "96.02A", false}, {"Pharmacie", "47.73Z", false},
	{"Cabinet Comptable", "69.20Z", false}, {"Restaurant", "56.10A", false}, {"Boucherie", "47.22Z", false},
	{"Paysages", "81.30Z", false}, {"Informatique", "62.02A", false}, {"Conseil", "70.22Z", false},
	{"Bâtiment", "41.20A", false}, {"Hôtel", "55.10Z", false}, {"Auto-école", "85.53Z", true},
	{"Nettoyage", "81.21Z", false}, {"Imprimerie", "18.12Z", false}, {"Formation", "85.59A", true},
	{"Conseil et Formation", "70.22Z", true}, {"Charpente", "43.91A", false}, {"Pâtisserie", "10.71D", false},
	{"Fromagerie", "47.29Z", false}, {"Ambulances", "86.90A", false}, {"Optique", "47.78A", false},
}

var legalForms = []string{"SARL", "SAS", "EURL", "SASU", "SA", "SCOP"}

func company(r *rand.Rand, p place) org {
	t := one(r, trades)
	sur := one(r, lastNames)
	o := org{ape: t.ape, kinds: employer}
	if t.training {
		o.kinds = kinds(domain.KindTrainingOrg, domain.KindEmployer)
	}
	switch r.IntN(7) {
	case 0, 1:
		o.name = t.word + " " + sur
	case 2:
		o.name = one(r, legalForms) + " " + sur + " " + t.word
	case 3:
		o.name = t.word + " " + sur + " et Fils"
	case 4:
		o.name = sur + " " + t.word + " " + one(r, legalForms)
	case 5:
		o.name = sur + " & " + one(r, lastNames)
	default:
		o.name = t.word + " " + of(p.name)
	}
	if chance(r, 10) {
		o.acronym = initials(o.name)
	}
	return o
}

func estate(r *rand.Rand, p place) org {
	e := one(r, estateNames)
	o := org{ape: "01.21Z", kinds: employer}
	switch r.IntN(4) {
	case 0:
		o.name = "SCEA du Château " + e
	case 1:
		o.name = "Domaine " + of(e)
	default:
		o.name = "Château " + e
	}
	return o
}

type purpose struct {
	text, ape string
	kinds     []domain.Kind
}

var purposes = []purpose{
	{"pour l'Insertion et la Formation", "88.99B", kinds(domain.KindTrainingOrg, domain.KindEmployer)},
	{"d'Aide à Domicile", "88.10A", employer},
	{"Sportive", "93.12Z", employer},
	{"des Parents d'Élèves", "94.99Z", nil},
	{"Culturelle et Sociale", "94.99Z", employer},
	{"de Prévention Spécialisée", "88.99B", kinds(domain.KindPrescriber, domain.KindEmployer)},
	{"pour l'Emploi et la Solidarité", "88.99B", prescriber},
	{"Régionale pour la Formation Continue", "85.59A", training},
	{"Départementale des Pupilles de l'Enseignement Public", "88.99B", employer},
	{"Familles Rurales", "94.99Z", nil},
	{"de Gestion du Foyer de Jeunes Travailleurs", "55.90Z", employer},
	{"pour le Développement de l'Économie Sociale et Solidaire", "94.99Z", nil},
	{"d'Aide aux Personnes en Situation de Handicap", "88.10C", kinds(domain.KindPrescriber, domain.KindEmployer)},
	{"Intermédiaire pour l'Emploi", "78.30Z", kinds(domain.KindEmployer, domain.KindPrescriber)},
	{"d'Éducation Populaire", "85.59B", training},
	{"des Compagnons Bâtisseurs", "88.99B", kinds(domain.KindTrainingOrg, domain.KindEmployer)},
	{"de Lutte contre l'Illettrisme", "85.59B", training},
	{"des Œuvres Laïques", "94.99Z", employer},
}

func association(r *rand.Rand, p place) org {
	pu := one(r, purposes)
	o := org{ape: pu.ape, kinds: pu.kinds, mayLackSIRET: true}
	switch x := r.IntN(10); {
	case x < 5:
		o.name = "Association " + pu.text + " " + of(p.name)
	case x < 8:
		o.name = "Association " + pu.text + " " + one(r, areas)
	case x < 9:
		o.name = "Chantier d'insertion " + one(r, estateNames) + " " + of(p.name)
		o.ape, o.kinds = "88.99B", kinds(domain.KindEmployer, domain.KindTrainingOrg)
	default:
		o.name = "Régie de quartier " + of(p.name)
		o.ape, o.kinds = "81.10Z", employer
	}
	if chance(r, 70) {
		o.acronym = initials(o.name)
	}
	return o
}

var trainingFields = []string{
	"aux Métiers du Numérique", "Sanitaire et Social", "Professionnelle des Adultes", "en Alternance",
	"aux Métiers de la Vigne et du Vin", "Hôtellerie-Restauration", "en Langues Étrangères",
	"Bureautique et Informatique", "aux Métiers de la Sécurité", "Transport et Logistique",
	"aux Métiers du Commerce", "Petite Enfance", "aux Métiers du Bâtiment", "Continue", "Aéronautique",
	"aux Métiers de l'Aide à Domicile", "Management et Gestion", "Agroalimentaire",
}

func trainingCentre(r *rand.Rand, p place) org {
	o := org{ape: "85.59A", kinds: training}
	if chance(r, 30) {
		o.ape = "85.59B"
	}
	if chance(r, 25) {
		o.kinds = kinds(domain.KindTrainingOrg, domain.KindEmployer)
	}
	f := one(r, trainingFields)
	switch r.IntN(6) {
	case 0:
		o.name = "Centre de formation " + one(r, lastNames)
	case 1:
		o.name = "Centre de Formation " + f + " " + of(p.name)
	case 2:
		o.name = "Institut de Formation " + f
	case 3:
		o.name = one(r, lastNames) + " Formation"
	case 4:
		o.name = one(r, lastNames) + " Formation Conseil"
	default:
		o.name = "Organisme de formation " + one(r, estateNames)
	}
	if chance(r, 50) {
		o.acronym = initials(o.name)
	}
	return o
}

func lycee(r *rand.Rand, p place) org {
	o := org{ape: "85.32Z", kinds: training, ministry: true}
	e := one(r, eponyms)
	switch r.IntN(4) {
	case 0, 1:
		o.name = "Lycée professionnel " + e
		if chance(r, 40) {
			o.acronym = "LP " + e
		}
	case 2:
		o.name = "Lycée des métiers " + e
	default:
		o.name = "Lycée polyvalent " + e
		o.ape = "85.31Z"
	}
	return o
}

var gretaZones = []string{
	"Sud Aquitaine", "Nord Aquitaine", "Aquitaine", "du Limousin", "Poitou-Charentes", "des Landes",
	"Lot-et-Garonne", "Gironde Est", "Béarn Soule", "Périgord", "Charente", "Vienne", "Corrèze",
}

func greta(r *rand.Rand, p place) org {
	z := one(r, gretaZones)
	o := org{ape: "85.59A", kinds: training, ministry: true}
	prefix := "GRETA "
	if chance(r, 30) {
		prefix = "GRETA-CFA "
	}
	o.name = prefix + z
	o.acronym = strings.TrimSpace(prefix[:len(prefix)-1] + " " + initials(z))
	if chance(r, 60) {
		o.name += " – Antenne " + of(p.name)
	}
	return o
}

func missionLocale(r *rand.Rand, p place) org {
	o := org{ape: "88.99B", kinds: prescriber}
	if chance(r, 50) {
		o.kinds = kinds(domain.KindPrescriber, domain.KindEmployer)
	}
	if chance(r, 60) {
		o.name = "Mission Locale " + of(p.name)
	} else {
		o.name = "Mission Locale " + one(r, areas)
	}
	o.acronym = initials(o.name)
	if chance(r, 25) {
		o.name += " – Antenne " + of(places.pick(r).name)
	}
	return o
}

func afpa(r *rand.Rand, p place) org {
	o := org{ape: "85.59A", kinds: kinds(domain.KindTrainingOrg, domain.KindEmployer), acronym: "AFPA"}
	if chance(r, 50) {
		o.name = "AFPA " + p.name
	} else {
		o.name = "Centre AFPA " + of(p.name)
	}
	return o
}

var cfaFields = []string{
	"du Bâtiment", "des Métiers de l'Automobile", "Agricole", "de la Chambre de Métiers", "Interprofessionnel",
	"du Sport et de l'Animation", "de l'Hôtellerie et de la Restauration", "de la Pharmacie",
	"des Compagnons du Devoir", "de l'Industrie", "des Métiers de la Coiffure", "du Commerce et des Services",
}

func cfa(r *rand.Rand, p place) org {
	f := one(r, cfaFields)
	o := org{ape: "85.32Z", kinds: training}
	if chance(r, 50) {
		o.name = "CFA " + f + " " + departments[p.dept].of
	} else {
		o.name = "Centre de Formation d'Apprentis " + f + " " + of(p.name)
	}
	if chance(r, 50) {
		o.acronym = "CFA " + p.dept
	}
	return o
}

func chamberOfTrades(r *rand.Rand, p place) org {
	o := org{ape: "94.11Z", kinds: kinds(domain.KindTrainingOrg, domain.KindPrescriber),
		name: "Chambre de Métiers et de l'Artisanat " + departments[p.dept].of, acronym: "CMA " + p.dept}
	if chance(r, 40) {
		o.name += " – Campus des Métiers " + of(p.name)
	}
	return o
}

func chamberOfCommerce(r *rand.Rand, p place) org {
	o := org{ape: "94.11Z", kinds: kinds(domain.KindTrainingOrg, domain.KindPrescriber)}
	if chance(r, 50) {
		o.name = "Chambre de Commerce et d'Industrie " + departments[p.dept].of
		o.acronym = "CCI " + departments[p.dept].name
	} else {
		o.name = "Chambre de Commerce et d'Industrie " + of(p.name)
		o.acronym = "CCI " + p.name
	}
	return o
}

func localAuthority(r *rand.Rand, p place) org {
	o := org{ape: "84.11Z", kinds: employer, mayLackSIRET: true}
	switch r.IntN(6) {
	case 0, 1:
		o.name = "Mairie " + of(p.name)
	case 2:
		o.name = "Commune " + of(p.name)
	case 3:
		o.name = "Centre Communal d'Action Sociale " + of(p.name)
		o.acronym, o.ape = "CCAS "+p.name, "88.99B"
		o.kinds = kinds(domain.KindPrescriber, domain.KindEmployer)
	case 4:
		o.name = "Communauté de communes " + one(r, areas)
	default:
		o.name = "Conseil départemental " + departments[p.dept].of
		o.kinds = kinds(domain.KindPrescriber, domain.KindEmployer)
	}
	return o
}

var quarters = []string{"Centre", "Nord", "Sud", "Rive Droite", "Les Couronneries", "Bastide", "Mériadeck", "Gare", "Lac"}

func franceTravail(r *rand.Rand, p place) org {
	o := org{ape: "84.13Z", kinds: prescriber, name: "France Travail " + p.name}
	if chance(r, 40) {
		o.name += " " + one(r, quarters)
	}
	return o
}

func capEmploi(r *rand.Rand, p place) org {
	return org{ape: "88.99B", kinds: prescriber, name: "Cap Emploi " + departments[p.dept].name}
}

func hospital(r *rand.Rand, p place) org {
	o := org{ape: "86.10Z", kinds: employer}
	if chance(r, 30) {
		o.kinds = kinds(domain.KindTrainingOrg, domain.KindEmployer)
	}
	switch r.IntN(3) {
	case 0:
		o.name = "Centre Hospitalier " + of(p.name)
		o.acronym = "CH " + p.name
	case 1:
		o.name = "Clinique " + one(r, estateNames)
	default:
		o.name = "Polyclinique " + p.name + " " + one(r, quarters)
	}
	return o
}

func careHome(r *rand.Rand, p place) org {
	o := org{ape: "87.10A", kinds: employer}
	switch r.IntN(3) {
	case 0:
		o.name = "EHPAD " + one(r, estateNames)
		o.acronym = "EHPAD"
	case 1:
		o.name = "Résidence " + one(r, estateNames)
	default:
		o.name = "EHPAD " + one(r, eponyms) + " " + of(p.name)
	}
	return o
}

func nursingSchool(r *rand.Rand, p place) org {
	return org{ape: "85.42Z", kinds: training, name: "Institut de Formation en Soins Infirmiers " + of(p.name),
		acronym: "IFSI " + p.name}
}

func mfr(r *rand.Rand, p place) org {
	return org{ape: "85.32Z", kinds: training, name: "Maison Familiale Rurale " + of(p.name), acronym: "MFR"}
}

func cfppa(r *rand.Rand, p place) org {
	o := org{ape: "85.59A", kinds: training, ministry: true, acronym: "CFPPA"}
	if chance(r, 50) {
		o.name = "CFPPA " + of(p.name)
	} else {
		o.name = "Centre de Formation Professionnelle et de Promotion Agricoles " + of(p.name)
	}
	return o
}

func secondChanceSchool(r *rand.Rand, p place) org {
	return org{ape: "85.59A", kinds: kinds(domain.KindTrainingOrg, domain.KindPrescriber),
		name: "École de la 2e Chance " + of(p.name), acronym: "E2C " + p.name}
}

var campusThemes = []string{
	"Aéronautique et Spatial", "Bois et Forêt", "Industries Culturelles et Créatives", "Vigne et Vin",
	"Sport, Tourisme et Loisirs", "Nautisme et Littoral", "Cuir, Luxe et Savoir-faire",
}

func campus(r *rand.Rand, p place) org {
	return org{ape: "85.59A", kinds: training, acronym: "CMQ",
		name: "Campus des Métiers et des Qualifications " + one(r, campusThemes)}
}

func stateService(r *rand.Rand, p place) org {
	o := org{ape: "84.11Z", kinds: prescriber, ministry: true, mayLackSIRET: true}
	d := departments[p.dept]
	switch r.IntN(3) {
	case 0:
		o.name = "Direction départementale de l'emploi, du travail et des solidarités " + d.of
		o.acronym = "DDETS " + p.dept
	case 1:
		o.name = "DREETS Nouvelle-Aquitaine – Unité départementale " + d.of
		o.acronym = "DREETS"
	default:
		o.name = "Rectorat de l'académie " + of(one(r, []string{"Bordeaux", "Poitiers", "Limoges"}))
		o.ape, o.kinds = "84.12Z", employer
	}
	return o
}

var postOffices = []string{"Centre", "Principal", "Gare", "Mériadeck", "Saint-Augustin", "Victoire", "Bastide", "Croix-Blanche"}

func laPoste(r *rand.Rand, p place) org {
	o := org{ape: "53.10Z", kinds: employer}
	switch r.IntN(3) {
	case 0:
		o.name = "La Poste " + p.name + " " + one(r, postOffices)
	case 1:
		o.name = "La Poste – Bureau " + of(p.name)
	default:
		o.name = "La Poste – Plateforme de Distribution du Courrier " + of(p.name)
	}
	return o
}
