// Package phonedata parses, validates and formats phone numbers with tables generated from
// the metadata of the phone-number library github.com/nyaruka/phonenumbers (a port of
// Google's libphonenumber), following the library's own steps for what profil needs: numbers
// as people type them (digits, spaces and the punctuation + . - / ( )), their validity, type
// (fixed line), E.164, national and international forms. The tables are plain data, so that
// nothing is decoded when profil starts; regular expressions are compiled on first use. A
// test compares every function with the library on many numbers.
package phonedata

//go:generate go run ./gen

import (
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// Errors of Parse, as the library's.
var (
	ErrNotANumber      = errors.New("the phone number supplied is not a number")
	ErrInvalidCountry  = errors.New("invalid country code")
	ErrTooShortAfterID = errors.New("the string supplied is too short to be a phone number after the international prefix")
	ErrTooShortNSN     = errors.New("the string supplied is too short to be a phone number")
	ErrTooLong         = errors.New("the string supplied is too long to be a phone number")
)

// Source is how the country calling code of a parsed number was given.
type Source int

// The sources of a country calling code.
const (
	FromPlus           Source = iota // "+33…"
	FromIDD                          // "0033…", the international prefix of the default region
	FromWithoutPlus                  // "33…", the default region's code without "+"
	FromDefaultCountry               // none: the default region's
)

// Number is a parsed number: its country calling code and national significant number.
type Number struct {
	CC  int
	NSN string
}

const (
	minNSN      = 2
	maxNSN      = 17
	maxInput    = 250
	maxCCDigits = 3
)

// numberTypes are the types tested in turn, in the library's order: premium rate, toll free,
// shared cost, VoIP, personal number, pager, UAN, voicemail, fixed line, mobile.
const numberTypes = 10

const (
	typeFixedLine = 8
	typeMobile    = 9
)

type desc struct {
	absent       bool
	pattern      string
	lengths      []int32
	localLengths []int32
}

type numberFormat struct {
	pattern, format, leadingDigits, npRule string
}

type region struct {
	id                                                string
	cc                                                int32
	intlPrefix, npParsing, npTransform, leadingDigits string
	sameMobileFixed                                   bool
	general                                           desc
	types                                             [numberTypes]desc
	formats, intlFormats                              []numberFormat
}

type callingCode struct {
	cc      int
	regions []string
}

var (
	regexMu    sync.Mutex
	regexCache = map[string]*regexp.Regexp{}
)

func regexFor(pattern string) *regexp.Regexp {
	regexMu.Lock()
	defer regexMu.Unlock()
	re, ok := regexCache[pattern]
	if !ok {
		re = regexp.MustCompile(pattern)
		regexCache[pattern] = re
	}
	return re
}

func fullMatch(pattern, s string) bool { return regexFor("^(?:" + pattern + ")$").MatchString(s) }

// regionsOf returns the regions of a calling code, the main one first.
func regionsOf(cc int) []string {
	i := sort.Search(len(callingCodes), func(i int) bool { return callingCodes[i].cc >= cc })
	if i < len(callingCodes) && callingCodes[i].cc == cc {
		return callingCodes[i].regions
	}
	return nil
}

// metadata returns a region's metadata; for the non-geographical entity "001", the one of
// the calling code cc.
func metadata(id string, cc int) *region {
	if id == "" {
		return nil
	}
	if id != "001" {
		cc = 0
	}
	i := sort.Search(len(regions), func(i int) bool {
		r := &regions[i]
		if r.id != id {
			return r.id >= id
		}
		return id != "001" || int(r.cc) >= cc
	})
	if i < len(regions) && regions[i].id == id && (id != "001" || int(regions[i].cc) == cc) {
		return &regions[i]
	}
	return nil
}

// isPunctuation reports whether r is a separator the library accepts between digits, among
// the characters profil lets through.
func isPunctuation(r rune) bool {
	switch r {
	case '-', ' ', '\u00a0', '\u3000', '(', ')', '.', '/':
		return true
	}
	return false
}

// viable finds the number in s as the library does: from the first '+' or digit, leading
// '+' signs, then separators and at least three digits (or exactly two digits).
func viable(s string) (string, bool) {
	start := strings.IndexFunc(s, func(r rune) bool { return r == '+' || unicode.IsDigit(r) })
	if start < 0 {
		return "", false
	}
	s = s[start:]
	if len(s) < minNSN {
		return s, false
	}
	rest := strings.TrimLeft(s, "+")
	digits := 0
	for _, r := range rest {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case isPunctuation(r):
		default:
			return s, false
		}
	}
	if digits >= 3 {
		return s, true
	}
	return s, len(s) == 2 && digits == 2 && rest == s
}

// digitsOnly keeps the ASCII digits of s.
func digitsOnly(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// Parse reads s as typed in defaultRegion (such as "FR"), as the library's
// ParseAndKeepRawInput does for input of digits, spaces and + . - / ( ).
func Parse(s, defaultRegion string) (Number, Source, error) {
	if s == "" {
		return Number{}, 0, ErrNotANumber
	}
	if len(s) > maxInput {
		return Number{}, 0, ErrTooLong
	}
	national, ok := viable(s)
	if !ok {
		return Number{}, 0, ErrNotANumber
	}
	def := metadata(defaultRegion, 0)
	if def == nil {
		return Number{}, 0, ErrInvalidCountry
	}
	cc, nsn, source, err := extractCountryCode(national, def)
	if err != nil {
		i := strings.IndexByte(national, '+')
		if err != ErrInvalidCountry || i < 0 {
			return Number{}, 0, err
		}
		// Strip the '+' signs and try again.
		rest := strings.TrimLeft(national[i:], "+")
		cc, nsn, source, err = extractCountryCode(rest, def)
		if err != nil {
			return Number{}, 0, err
		}
		if cc == 0 {
			return Number{}, 0, ErrInvalidCountry
		}
	}
	md := def
	if cc != 0 {
		if main := regionsOf(cc)[0]; main != defaultRegion {
			md = metadata(main, cc)
		}
	} else {
		nsn = digitsOnly(national)
		cc = int(def.cc)
		source = FromDefaultCountry
	}
	if len(nsn) < minNSN {
		return Number{}, 0, ErrTooShortNSN
	}
	if md != nil {
		if stripped, ok := stripNationalPrefix(nsn, md); ok {
			switch testLength(stripped, md) {
			case tooShort, possibleLocalOnly, invalidLength:
			default:
				nsn = stripped
			}
		}
	}
	if len(nsn) < minNSN {
		return Number{}, 0, ErrTooShortNSN
	}
	if len(nsn) > maxNSN {
		return Number{}, 0, ErrTooLong
	}
	return Number{CC: cc, NSN: nsn}, source, nil
}

// extractCountryCode finds the calling code of number: after '+', after the international
// prefix of the default region, or the default region's own code typed without '+' when
// the rest is a better number. cc is 0 when there is none, nsn then "".
func extractCountryCode(number string, def *region) (cc int, nsn string, source Source, err error) {
	if number == "" {
		return 0, "", FromDefaultCountry, nil
	}
	full := ""
	source = FromDefaultCountry
	if number[0] == '+' {
		full = digitsOnly(strings.TrimLeft(number, "+"))
		source = FromPlus
	} else {
		full = digitsOnly(number)
		if loc := regexFor(def.intlPrefix).FindStringIndex(full); loc != nil && loc[0] == 0 {
			// Not when the next digit is 0: no calling code starts with one.
			if rest := full[loc[1]:]; rest == "" || rest[0] != '0' {
				full = rest
				source = FromIDD
			}
		}
	}
	if source != FromDefaultCountry {
		if len(full) <= minNSN {
			return 0, "", source, ErrTooShortAfterID
		}
		if full[0] != '0' {
			for i := 1; i <= maxCCDigits && i <= len(full); i++ {
				c, _ := strconv.Atoi(full[:i])
				if regionsOf(c) != nil {
					return c, full[i:], source, nil
				}
			}
		}
		return 0, "", source, ErrInvalidCountry
	}
	code := strconv.Itoa(int(def.cc))
	if strings.HasPrefix(full, code) {
		potential := full[len(code):]
		if stripped, ok := stripNationalPrefix(potential, def); ok {
			potential = stripped
		}
		fullValid := fullMatch(def.general.pattern, full)
		potentialValid := fullMatch(def.general.pattern, potential)
		if !fullValid && potentialValid || testLength(full, def) == tooLong {
			return int(def.cc), potential, FromWithoutPlus, nil
		}
	}
	return 0, "", FromDefaultCountry, nil
}

// stripNationalPrefix removes the national prefix (and carrier code) of md from number, as
// the library does; ok is false when it leaves number as it is.
func stripNationalPrefix(number string, md *region) (string, bool) {
	if number == "" || md.npParsing == "" {
		return number, false
	}
	prefix := regexFor("^(?:" + md.npParsing + ")")
	groups := prefix.FindStringSubmatchIndex(number)
	if groups == nil {
		return number, false
	}
	viableOriginal := fullMatch(md.general.pattern, number)
	last := len(groups)/2 - 1
	if md.npTransform == "" || groups[last*2] < 0 {
		if viableOriginal && !fullMatch(md.general.pattern, number[groups[1]:]) {
			return number, false
		}
		return number[groups[1]:], true
	}
	transformed := prefix.ReplaceAllString(number, md.npTransform)
	if viableOriginal && !fullMatch(md.general.pattern, transformed) {
		return number, false
	}
	return transformed, true
}

type lengthResult int

const (
	possible lengthResult = iota
	possibleLocalOnly
	tooShort
	invalidLength
	tooLong
)

// testLength is the library's testNumberLength for any type of number.
func testLength(number string, md *region) lengthResult {
	lengths := md.general.lengths
	if len(lengths) == 0 || lengths[0] == -1 {
		return invalidLength
	}
	n := int32(len(number))
	for _, l := range md.general.localLengths {
		if l == n {
			return possibleLocalOnly
		}
	}
	switch {
	case lengths[0] == n:
		return possible
	case lengths[0] > n:
		return tooShort
	case lengths[len(lengths)-1] < n:
		return tooLong
	}
	for _, l := range lengths[1:] {
		if l == n {
			return possible
		}
	}
	return invalidLength
}

func matchesDesc(nsn string, d *desc) bool {
	if d.absent {
		return false
	}
	if len(d.lengths) > 0 {
		n := int32(len(nsn))
		found := false
		for _, l := range d.lengths {
			found = found || l == n
		}
		if !found {
			return false
		}
	}
	return fullMatch(d.pattern, nsn)
}

// Type is what kind of number a number is, among what profil asks.
type Type int

// Types of numbers.
const (
	Unknown   Type = iota
	FixedLine      // geographic, or fixed line or mobile
	Mobile
	Other // premium rate, toll free, shared cost, VoIP, personal, pager, UAN, voicemail
)

func numberType(nsn string, md *region) Type {
	if !matchesDesc(nsn, &md.general) {
		return Unknown
	}
	for i := range typeFixedLine {
		if matchesDesc(nsn, &md.types[i]) {
			return Other
		}
	}
	if matchesDesc(nsn, &md.types[typeFixedLine]) {
		return FixedLine
	}
	if !md.sameMobileFixed && matchesDesc(nsn, &md.types[typeMobile]) {
		return Mobile
	}
	return Unknown
}

// regionOf is the region of n, "" when none of its calling code's regions has it.
func (n Number) regionOf() string {
	regs := regionsOf(n.CC)
	switch len(regs) {
	case 0:
		return ""
	case 1:
		return regs[0]
	}
	for _, id := range regs {
		md := metadata(id, n.CC)
		if md == nil {
			continue
		}
		if md.leadingDigits != "" {
			if regexFor("^(?:" + md.leadingDigits + ")").MatchString(n.NSN) {
				return id
			}
		} else if numberType(n.NSN, md) != Unknown {
			return id
		}
	}
	return ""
}

// Type is the type of a number, Unknown when it is not valid.
func (n Number) Type() Type {
	md := metadata(n.regionOf(), n.CC)
	if md == nil {
		return Unknown
	}
	return numberType(n.NSN, md)
}

// Valid reports whether n is a valid number of its region.
func (n Number) Valid() bool {
	id := n.regionOf()
	md := metadata(id, n.CC)
	if md == nil || id != "001" && int(md.cc) != n.CC {
		return false
	}
	return numberType(n.NSN, md) != Unknown
}

// E164 is n as "+" and digits.
func (n Number) E164() string { return "+" + strconv.Itoa(n.CC) + n.NSN }

// Format writes n in national form ("05 56 00 00 00") or international ("+32 2 555 12 12").
func (n Number) Format(national bool) string {
	regs := regionsOf(n.CC)
	if regs == nil {
		return n.NSN
	}
	md := metadata(regs[0], n.CC)
	formatted := formatNSN(n.NSN, md, national)
	if national {
		return formatted
	}
	return "+" + strconv.Itoa(n.CC) + " " + formatted
}

var firstGroup = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(\$\d)`) })

func formatNSN(nsn string, md *region, national bool) string {
	formats := md.intlFormats
	if len(formats) == 0 || national {
		formats = md.formats
	}
	for _, f := range formats {
		if f.leadingDigits != "" {
			loc := regexFor(f.leadingDigits).FindStringIndex(nsn)
			if loc == nil || loc[0] != 0 {
				continue
			}
		}
		if !fullMatch(f.pattern, nsn) {
			continue
		}
		rule := f.format
		if national && f.npRule != "" {
			done := false
			rule = firstGroup().ReplaceAllStringFunc(rule, func(s string) string {
				if done {
					return s
				}
				done = true
				return f.npRule
			})
		}
		return regexFor(f.pattern).ReplaceAllString(nsn, rule)
	}
	return nsn
}
