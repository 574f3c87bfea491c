package service

import (
	"context"
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

// Finding a person in free text: the audit trail, the outbox and the requests name people by
// e-mail and by name, in columns and inside JSON.

// matcher finds a person in free text: their e-mails (the current one and those they had
// before; any case, not inside a longer address) and their names (whole words, any case).
type matcher struct {
	emails []string
	names  []string // full names first, then each name alone: longest replaced first
}

// identity is an e-mail and names a person had at some time.
type identity struct{ email, first, last string }

func newMatcher(ids ...identity) matcher {
	var m matcher
	seen := map[string]bool{}
	add := func(list *[]string, v string) {
		// Also as JSON writes it in audit details: "&" becomes \u0026, a quote \".
		for _, form := range []string{v, jsonForm(v)} {
			if k := strings.ToLower(form); form != "" && !seen[k] {
				seen[k] = true
				*list = append(*list, form)
			}
		}
	}
	for _, id := range ids {
		add(&m.emails, strings.ToLower(strings.TrimSpace(id.email)))
		first, last := strings.TrimSpace(id.first), strings.TrimSpace(id.last)
		if first != "" && last != "" {
			add(&m.names, first+" "+last)
			add(&m.names, last+" "+first)
		}
		for _, n := range []string{last, first} {
			if utf8.RuneCountInString(n) >= 2 {
				add(&m.names, n)
			}
		}
	}
	sort.SliceStable(m.names, func(i, j int) bool { return len(m.names[i]) > len(m.names[j]) })
	return m
}

// jsonForm is s as encoding/json writes it inside a string, without the quotes.
func jsonForm(s string) string {
	b, err := json.Marshal(s)
	if err != nil || len(b) < 2 {
		return s
	}
	return string(b[1 : len(b)-1])
}

// identities returns who u is now and was before: a change of e-mail or names is audited
// (user.update, details {"email": [before, after]…}), so the trail leads back from the current
// e-mail to every earlier one.
func identities(ctx context.Context, tx store.Tx, u domain.User) ([]identity, error) {
	ids := []identity{{u.Email, u.FirstName, u.LastName}}
	if u.ErasedAt != nil {
		ids[0].first, ids[0].last = "", "" // the pseudonym already
	}
	known := map[string]bool{strings.ToLower(u.Email): true}
	queue := []string{u.Email}
	for len(queue) > 0 && len(ids) < 100 {
		email := queue[0]
		queue = queue[1:]
		events, err := tx.AuditAbout(ctx, 0, []string{email})
		if err != nil {
			return nil, err
		}
		for _, e := range events {
			if e.Action != "user.update" {
				continue
			}
			// Each change is a [before, after] pair; other details (such as "confirmed": true
			// of an e-mail confirmed by code) are not changes and are passed over.
			var details map[string]json.RawMessage
			if json.Unmarshal([]byte(e.Details), &details) != nil {
				continue
			}
			changes := map[string][2]string{}
			for k, raw := range details {
				var pair [2]string
				if json.Unmarshal(raw, &pair) == nil {
					changes[k] = pair
				}
			}
			pair, changed := changes["email"]
			if !known[strings.ToLower(e.Target)] && !(changed && known[strings.ToLower(pair[1])]) {
				continue // someone else's account
			}
			id := identity{email: e.Target, first: changes["first_name"][0], last: changes["last_name"][0]}
			if changed {
				id.email = pair[0]
			}
			ids = append(ids, id)
			if k := strings.ToLower(id.email); !known[k] {
				known[k] = true
				queue = append(queue, id.email)
			}
		}
	}
	return ids, nil
}

// needles are what the database is searched for: the e-mails, and the full names (a name
// alone would find other people).
func (m matcher) needles() []string {
	out := append([]string{}, m.emails...)
	for _, n := range m.names {
		if strings.Contains(n, " ") {
			out = append(out, n, strings.ToLower(n))
		}
	}
	return out
}

// namedIn reports whether s names the person by one of their e-mail addresses. A full name
// alone does not make a row theirs: a namesake, or a structure called like them, is someone
// else's.
func (m matcher) namedIn(s string) bool {
	for _, e := range m.emails {
		if replaceBounded(s, e, "\x00", emailBoundary) != s {
			return true
		}
	}
	return false
}

// replace puts repl for every mention of the person in s. Names alone are replaced only in a
// text that names the person by e-mail or full name (or that the caller found theirs).
func (m matcher) replace(s, repl string) string {
	for _, e := range m.emails {
		s = replaceBounded(s, e, repl, emailBoundary)
	}
	for _, n := range m.names {
		s = replaceBounded(s, n, repl, wordBoundary)
	}
	return s
}

// emailBoundary: a rune that may not touch an address that is the person's, before or after
// it (it would be part of a longer address).
func emailBoundary(r rune, before bool) bool {
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return false
	}
	if before {
		return !strings.ContainsRune("._%+-'", r)
	}
	return !strings.ContainsRune("-_", r)
}

// wordBoundary: a name stands alone, and not inside an address ("paul.martin@…" is someone
// else's).
func wordBoundary(r rune, _ bool) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("@._", r)
}

// replaceBounded replaces, case-insensitively, the occurrences of needle in s that stand alone
// (bounded by runes ok accepts, or the ends of s).
func replaceBounded(s, needle, repl string, ok func(r rune, before bool) bool) string {
	if needle == "" {
		return s
	}
	re := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(needle))
	var b strings.Builder
	last := 0
	for _, loc := range re.FindAllStringIndex(s, -1) {
		if loc[0] < last {
			continue
		}
		if r, _ := utf8.DecodeLastRuneInString(s[:loc[0]]); loc[0] > 0 && !ok(r, true) {
			continue
		}
		after := s[loc[1]:]
		if r, size := utf8.DecodeRuneInString(after); loc[1] < len(s) {
			if !ok(r, false) {
				continue
			}
			// A dot followed by a letter continues the domain: "x@y.fr.example".
			if r == '.' && len(after) > size {
				if n, _ := utf8.DecodeRuneInString(after[size:]); unicode.IsLetter(n) || unicode.IsDigit(n) {
					continue
				}
			}
		}
		b.WriteString(s[last:loc[0]])
		b.WriteString(repl)
		last = loc[1]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}
