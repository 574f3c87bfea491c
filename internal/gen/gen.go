// Package gen is a deterministic generator of realistic data for benchmarks, demos and load
// tests: structures of Nouvelle-Aquitaine (and a few from elsewhere, Corsica and overseas
// included) with French names, acronyms, valid unique SIRETs, APE codes and addresses, and
// people with French names, unique e-mail addresses and phone numbers.
//
// The same seed always gives the same data, on every platform and Go version that keeps
// math/rand/v2's PCG unchanged. Nothing here touches a database: callers store what they
// need through the store or the service.
//
// The data must never reach a real person: e-mail addresses are under the .example top-level
// domain, reserved by RFC 2606, and phone numbers are landlines taken from the ranges ARCEP
// keeps for fiction (05 36 49 xx xx, 01 99 00 xx xx, …), never mobiles. SIRETs pass the checks
// but are made up; some may exist.
package gen

import (
	"math/rand/v2"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/profil-cli/profil/internal/domain"
)

// mix is SplitMix64's finaliser: it spreads consecutive inputs over the whole 64-bit range,
// so the per-index random streams below start far apart.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// weighted picks items with probabilities proportional to their weights.
type weighted[T any] struct {
	items []T
	cum   []int // running totals of the weights
}

func newWeighted[T any](items []T, weight func(T) int) weighted[T] {
	w := weighted[T]{items: items, cum: make([]int, len(items))}
	total := 0
	for i, it := range items {
		total += weight(it)
		w.cum[i] = total
	}
	return w
}

func (w weighted[T]) pick(r *rand.Rand) T {
	x := r.IntN(w.cum[len(w.cum)-1])
	return w.items[sort.SearchInts(w.cum, x+1)]
}

// one returns a random element of list.
func one[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// chance reports true with probability percent/100.
func chance(r *rand.Rand, percent int) bool { return r.IntN(100) < percent }

// elidedBefore reports whether French elides "de" or "le" before word: a vowel, or a mute h
// (d'Hendaye, l'Hôpital).
func elidedBefore(word string) bool {
	if strings.HasPrefix(word, "Haut") {
		return false // h aspiré: "de Haut-Mayne"
	}
	r, _ := utf8.DecodeRuneInString(word)
	switch unicode.ToLower(r) {
	case 'a', 'e', 'i', 'o', 'u', 'y', 'h', 'à', 'â', 'é', 'è', 'ê', 'î', 'ï', 'ô', 'œ', 'û':
		return true
	}
	return false
}

// of returns "de <name>" as French writes it: "d'Angoulême", "du Bouscat", "des Abymes",
// "de La Rochelle", "de Pessac".
func of(name string) string {
	switch {
	case strings.HasPrefix(name, "Le "):
		return "du " + name[len("Le "):]
	case strings.HasPrefix(name, "Les "):
		return "des " + name[len("Les "):]
	case elidedBefore(name):
		return "d'" + name
	}
	return "de " + name
}

// minorWords are left out of acronyms.
var minorWords = map[string]bool{
	"a": true, "au": true, "aux": true, "d": true, "de": true, "des": true, "du": true, "en": true,
	"et": true, "l": true, "la": true, "le": true, "les": true, "pour": true, "sur": true,
	"par": true, "dans": true,
}

// initials returns the acronym people make of a name: the first letter of each significant
// word, upper case, without accents ("Association pour l'Insertion de Pessac" → "AIP").
func initials(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(domain.Fold(name)) {
		if minorWords[w] || w[0] < 'a' || w[0] > 'z' {
			continue
		}
		b.WriteByte(w[0] - 'a' + 'A')
	}
	return b.String()
}

// pad4 writes n (0 ≤ n < 10000) on four digits.
func pad4(n int) string {
	return string([]byte{byte('0' + n/1000%10), byte('0' + n/100%10), byte('0' + n/10%10), byte('0' + n%10)})
}
