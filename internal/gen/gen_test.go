package gen

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/profil-cli/profil/internal/domain"
)

const checked = 10_000

func sameStructure(a, b domain.Structure) bool {
	return a.SIRET == b.SIRET && a.Name == b.Name && a.Acronym == b.Acronym && a.APE == b.APE &&
		a.Address == b.Address && a.PostalCode == b.PostalCode && a.City == b.City &&
		a.Department == b.Department && slices.Equal(a.Kinds, b.Kinds) && a.Ministry == b.Ministry &&
		a.AdhesionYear == b.AdhesionYear
}

func TestStructuresAreValidAndUnique(t *testing.T) {
	g := NewStructures(1)
	sirets := map[string]int{}
	var noSIRET, accented, laPoste, typed int
	depts := map[string]int{}
	for i := range checked {
		want := g.Next()
		in := g.Input(i)
		if *in.SIRET != want.SIRET || *in.APE != want.APE || *in.PostalCode != want.PostalCode {
			typed++
		}
		var got domain.Structure
		if err := in.Apply(&got); err != nil {
			t.Fatalf("structure %d %q: Apply: %v", i, want.Name, err)
		}
		if !sameStructure(got, want) {
			t.Fatalf("structure %d: Input(i) applied gives\n%+v\nNext gives\n%+v", i, got, want)
		}
		if at := g.At(i); !sameStructure(at, want) {
			t.Fatalf("structure %d: At(i) = %+v, Next = %+v", i, at, want)
		}
		if want.SIRET == "" {
			noSIRET++
		} else {
			if v, err := domain.NormalizeSIRET(want.SIRET); err != nil || v != want.SIRET {
				t.Fatalf("structure %d: SIRET %q: %q, %v", i, want.SIRET, v, err)
			}
			if j, dup := sirets[want.SIRET]; dup {
				t.Fatalf("structures %d and %d share SIRET %s", j, i, want.SIRET)
			}
			sirets[want.SIRET] = i
			if strings.HasPrefix(want.SIRET, "356000000") {
				laPoste++
			}
		}
		if want.APE == "" || want.Address == "" || want.City == "" {
			t.Fatalf("structure %d lacks APE, address or city: %+v", i, want)
		}
		if _, ok := departments[want.Department]; !ok {
			t.Fatalf("structure %d: department %q has no name", i, want.Department)
		}
		if strings.Contains(want.Name, "  ") || strings.TrimSpace(want.Name) != want.Name ||
			strings.Contains(want.Acronym, "  ") || strings.TrimSpace(want.Acronym) != want.Acronym {
			t.Fatalf("structure %d: stray spaces in %q / %q", i, want.Name, want.Acronym)
		}
		if domain.Fold(want.Name) == "" {
			t.Fatalf("structure %d: name %q folds to nothing", i, want.Name)
		}
		if domain.Fold(want.Name) != strings.ToLower(want.Name) {
			accented++
		}
		depts[want.Department]++
	}
	t.Logf("%d structures: %d without SIRET, %d La Poste, %d typed differently, %d departments",
		checked, noSIRET, laPoste, typed, len(depts))
	if noSIRET == 0 || noSIRET > checked/50 {
		t.Errorf("%d structures without SIRET, want a few", noSIRET)
	}
	if laPoste != checked/laPosteEvery {
		t.Errorf("%d La Poste offices, want %d", laPoste, checked/laPosteEvery)
	}
	if typed < checked/4 {
		t.Errorf("only %d inputs spelt differently from the stored form", typed)
	}
	if accented < checked/4 {
		t.Errorf("only %d names with accents or punctuation", accented)
	}
	for _, d := range []string{"33", "24", "16", "87", "2A", "2B", "971"} {
		if depts[d] == 0 {
			t.Errorf("no structure in department %s", d)
		}
	}
}

func TestStructuresFirstAreCapMetiers(t *testing.T) {
	s := NewStructures(42).At(0)
	if s.Name != "Cap Métiers Nouvelle-Aquitaine" || s.City != "Pessac" || s.Department != "33" {
		t.Errorf("At(0) = %+v", s)
	}
}

func TestSameSeedSameData(t *testing.T) {
	a, b, c := NewStructures(7), NewStructures(7), NewStructures(8)
	differ := 0
	for i := range 1000 {
		x, y, z := a.Next(), b.Next(), c.Next()
		if !sameStructure(x, y) {
			t.Fatalf("structure %d differs for the same seed: %+v / %+v", i, x, y)
		}
		if !sameStructure(x, z) {
			differ++
		}
	}
	if differ < 990 {
		t.Errorf("seeds 7 and 8 share %d structures of 1000", 1000-differ)
	}
	p, q := NewPeople(7), NewPeople(7)
	for i := range 1000 {
		if x, y := p.Next(), q.Next(); x != y {
			t.Fatalf("person %d differs for the same seed: %+v / %+v", i, x, y)
		}
	}
}

func TestSIRENBasesAreUnique(t *testing.T) {
	// i ↦ i*step + offset is a bijection modulo the count when step and count are coprime.
	a, b := uint64(sirenStep), sirenSpace
	for b != 0 {
		a, b = b, a%b
	}
	if a != 1 {
		t.Fatalf("gcd(sirenStep, sirenSpace) = %d, want 1", a)
	}
	g := NewStructures(3)
	seen := make(map[uint64]bool, 1_000_000)
	indices := []int{int(sirenSpace) - 2, int(sirenSpace) - 1}
	for i := range 1_000_000 {
		indices = append(indices, i)
	}
	for _, i := range indices {
		b := g.sirenNumber(i)
		if b < 10_000_000 || b > 99_999_999 || b == capMetiersBase || b == laPosteBase || seen[b] {
			t.Fatalf("index %d: SIREN base %d out of range, reserved or given twice", i, b)
		}
		seen[b] = true
	}
	if b := g.sirenNumber(index(5, g.sirenOff)); b != 10_000_005 {
		t.Fatalf("index(5) gives base %d, want 10000005", b)
	}
	// Around the reserved bases, offsets still map to increasing, unreserved bases.
	for _, r := range reservedBases {
		prev := uint64(0)
		for v := r - 10_000_000 - 3; v <= r-10_000_000+3; v++ {
			b := g.sirenNumber(index(v, g.sirenOff))
			if b == capMetiersBase || b == laPosteBase || b <= prev {
				t.Errorf("offset %d gives base %d after %d, next to reserved %d", v, b, prev, r)
			}
			prev = b
		}
	}
	if s := g.sirenBase(12345); len(s) != 8 {
		t.Errorf("sirenBase(12345) = %q", s)
	}
}

// index returns the index whose offset in the SIREN space is v: (v - off) / sirenStep modulo
// sirenSpace.
func index(v, off uint64) int {
	m := int64(sirenSpace)
	// Extended Euclid: x1 ends as the inverse of sirenStep modulo sirenSpace.
	x0, x1, a, b := int64(0), int64(1), int64(sirenStep), m
	for a > 1 {
		q := a / b
		a, b = b, a%b
		x0, x1 = x1-q*x0, x0
	}
	inv := uint64((x1%m + m) % m)
	d := (v + sirenSpace - off) % sirenSpace
	return int(d * inv % sirenSpace) // < 2^27 * 2^27: no overflow
}

func TestLaPosteSIRETs(t *testing.T) {
	for j := range laPosteMax {
		s := laPosteSIRET(j)
		if v, err := domain.NormalizeSIRET(s); err != nil || v != s {
			t.Fatalf("La Poste office %d: %q: %v", j, s, err)
		}
		if s == "35600000000048" {
			t.Fatalf("office %d has the head office's SIRET", j)
		}
	}
}

func TestPeopleAreValidAndUnique(t *testing.T) {
	g := NewPeople(1)
	emails := map[string]bool{}
	var phones, accented int
	for i := range checked {
		u := g.Next()
		if v, err := domain.NormalizeEmail(u.Email); err != nil || v != u.Email {
			t.Fatalf("person %d: e-mail %q: %q, %v", i, u.Email, v, err)
		}
		if !strings.HasSuffix(u.Email, ".example") {
			t.Fatalf("person %d: e-mail %q outside the reserved .example domain", i, u.Email)
		}
		if emails[u.Email] {
			t.Fatalf("person %d: e-mail %q given twice", i, u.Email)
		}
		emails[u.Email] = true
		if v, err := domain.NormalizePhone(u.Phone); err != nil || v != u.Phone {
			t.Fatalf("person %d: phone %q: %q, %v", i, u.Phone, v, err)
		}
		if u.Phone != "" {
			phones++
		}
		if u.FirstName == "" || u.LastName == "" {
			t.Fatalf("person %d without a name: %+v", i, u)
		}
		switch u.Status {
		case domain.UserActive, domain.UserPending, domain.UserDisabled, domain.UserRefused:
		default:
			t.Fatalf("person %d: status %q", i, u.Status)
		}
		if domain.Fold(u.FirstName+" "+u.LastName) != strings.ToLower(strings.NewReplacer("-", " ", "'", " ").Replace(u.FirstName+" "+u.LastName)) {
			accented++
		}
	}
	if phones < checked/2 || phones == checked {
		t.Errorf("%d people of %d have a phone", phones, checked)
	}
	if accented < checked/5 {
		t.Errorf("only %d names with accents", accented)
	}
}

func TestOf(t *testing.T) {
	for in, want := range map[string]string{
		"Angoulême": "d'Angoulême", "Le Bouscat": "du Bouscat", "Les Abymes": "des Abymes",
		"La Rochelle": "de La Rochelle", "Pessac": "de Pessac", "Égletons": "d'Égletons", "Hendaye": "d'Hendaye",
	} {
		if got := of(in); got != want {
			t.Errorf("of(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInitials(t *testing.T) {
	for in, want := range map[string]string{
		"Association pour l'Insertion et la Formation de Pessac": "AIFP",
		"Mission Locale de Limoges":                              "MLL",
		"École de la 2e Chance d'Angoulême":                      "ECA",
	} {
		if got := initials(in); got != want {
			t.Errorf("initials(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkStructuresNext(b *testing.B) {
	g := NewStructures(1)
	for b.Loop() {
		_ = g.Next()
	}
}

func BenchmarkStructuresInput(b *testing.B) {
	g := NewStructures(1)
	i := 0
	for b.Loop() {
		_ = g.Input(i)
		i++
	}
}

func BenchmarkPeopleNext(b *testing.B) {
	g := NewPeople(1)
	for b.Loop() {
		_ = g.Next()
	}
}

func ExampleStructures() {
	g := NewStructures(2026)
	s := g.Next()
	fmt.Println(s.Name, "—", s.City, s.Department)
	// Output: Cap Métiers Nouvelle-Aquitaine — Pessac 33
}
