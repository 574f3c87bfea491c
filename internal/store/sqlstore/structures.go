package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/profil-cli/profil/internal/domain"
	"github.com/profil-cli/profil/internal/store"
)

const structureColumns = `s.id, s.siret, s.name, s.acronym, s.ape, s.address, s.postal_code, s.city,
	s.department, s.kinds, s.ministry, s.adhesion_year, s.created_at, s.updated_at,
	COALESCE((SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
	          WHERE m.structure_id = s.id AND m.referent = TRUE AND m.ended_at IS NULL), '')`

func scanStructure(sc interface{ Scan(...any) error }) (domain.Structure, error) {
	var (
		s                domain.Structure
		siret            sql.NullString
		kinds            string
		adhesion         sql.NullInt64
		created, updated nullTime
	)
	err := sc.Scan(&s.ID, &siret, &s.Name, &s.Acronym, &s.APE, &s.Address, &s.PostalCode, &s.City,
		&s.Department, &kinds, &s.Ministry, &adhesion, &created, &updated, &s.ReferentEmail)
	if err != nil {
		return s, mapErr(err)
	}
	s.SIRET = siret.String
	s.AdhesionYear = int(adhesion.Int64)
	s.CreatedAt, s.UpdatedAt = created.Time, updated.Time
	s.Kinds = splitKinds(kinds)
	return s, nil
}

func joinKinds(kinds []domain.Kind) string {
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = string(k)
	}
	return strings.Join(parts, "|")
}

func splitKinds(s string) []domain.Kind {
	if s == "" {
		return []domain.Kind{}
	}
	parts := strings.Split(s, "|")
	out := make([]domain.Kind, len(parts))
	for i, p := range parts {
		out[i] = domain.Kind(p)
	}
	return out
}

func adhesionArg(y int) any {
	if y == 0 {
		return nil
	}
	return y
}

func (t *tx) CreateStructure(ctx context.Context, s *domain.Structure) error {
	s.CreatedAt, s.UpdatedAt = t.now, t.now
	id, err := t.insert(ctx, `INSERT INTO structures (siret, name, acronym, ape, address, postal_code, city,
		department, kinds, ministry, adhesion_year, name_folded, acronym_folded, search_text, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		nullText(s.SIRET), s.Name, s.Acronym, s.APE, s.Address, s.PostalCode, s.City,
		s.Department, joinKinds(s.Kinds), s.Ministry, adhesionArg(s.AdhesionYear),
		domain.Fold(s.Name), domain.Fold(s.Acronym), s.SearchText(), t.now, t.now)
	if err != nil {
		return fmt.Errorf("create structure: %w", err)
	}
	s.ID = id
	return nil
}

func (t *tx) UpdateStructure(ctx context.Context, s *domain.Structure) error {
	s.UpdatedAt = t.now
	res, err := t.exec(ctx, `UPDATE structures SET siret = $1, name = $2, acronym = $3, ape = $4, address = $5,
		postal_code = $6, city = $7, department = $8, kinds = $9, ministry = $10, adhesion_year = $11,
		name_folded = $12, acronym_folded = $13, search_text = $14, updated_at = $15
		WHERE id = $16`,
		nullText(s.SIRET), s.Name, s.Acronym, s.APE, s.Address, s.PostalCode, s.City, s.Department,
		joinKinds(s.Kinds), s.Ministry, adhesionArg(s.AdhesionYear),
		domain.Fold(s.Name), domain.Fold(s.Acronym), s.SearchText(), t.now, s.ID)
	if err != nil {
		return fmt.Errorf("update structure %d: %w", s.ID, err)
	}
	return affectedOne(res, "notfound.structure", s.ID)
}

func (t *tx) StructureByID(ctx context.Context, id int64) (domain.Structure, error) {
	s, err := scanStructure(t.queryRow(ctx, `SELECT `+structureColumns+` FROM structures s WHERE s.id = $1`, id))
	if err != nil {
		return s, notFound(err, "notfound.structure", id)
	}
	return s, nil
}

func (t *tx) StructureBySIRET(ctx context.Context, siret string) (domain.Structure, error) {
	s, err := scanStructure(t.queryRow(ctx, `SELECT `+structureColumns+` FROM structures s WHERE s.siret = $1`, siret))
	if err != nil {
		return s, notFound(err, "notfound.structure_siret", siret)
	}
	return s, nil
}

// walkLength is how many structures, in name order, a text search reads before it turns to
// the trigram index: a word found in one structure in a hundred or more fills a page of 50
// within them, and a rarer one matches few enough structures for the index to hand over
// quickly. Tests lower it to go through both paths on small data.
var walkLength = 10000

// searchArgs numbers the arguments of one query.
type searchArgs []any

func (a *searchArgs) arg(v any) string {
	*a = append(*a, v)
	return fmt.Sprintf("$%d", len(*a))
}

// SearchStructures ranks exact matches of the folded name or acronym first, then prefixes,
// then substrings, each tier by name. A text search runs one query per tier, so that no
// query sorts every match of a common word:
//
//   - exact and prefix matches come from the indexes on the folded name and acronym, which
//     hold both (in one département, the names from the index of the département); on
//     PostgreSQL, with a limit, in name order, stream by stream, stopping at the page
//     (orderedPrefixMatches);
//   - substrings of words the trigram index (FTS5 on SQLite, pg_trgm on PostgreSQL) finds
//     in fewer than ftsProbe structures (a capped read) are read through it;
//   - single letters, which no trigram finds, through an index of the structures holding
//     them (letterQueries), when fewer than ftsProbe structures do;
//   - others by walking the folded names in order (an index that also holds the acronym),
//     stopping at the limit, which is quick when the words are common;
//   - when the first walkLength names have not filled the page, through the trigram index
//     after all; words it cannot find (common letters; two letters on PostgreSQL) walk
//     every name, but for a letter on PostgreSQL, read through its index
//     (searchPlan.lettersReadInFull).
//
// Each query reads ids; the page of structures is read last (searchQuery).
func (t *tx) SearchStructures(ctx context.Context, q store.StructureQuery) ([]domain.Structure, error) {
	text := strings.TrimSpace(q.Text)
	if digits, ok := domain.IsDigitsPrefix(text); ok && text != "" {
		// SIRET or SIREN prefix, on an index.
		var a searchArgs
		where := []string{t.d.dialect.siretPrefix(&a, digits)}
		rank := "CASE WHEN s.siret = " + a.arg(digits) + " THEN 0 ELSE 1 END, "
		return t.searchQuery(ctx, &a, append(where, t.structureFilters(&a, q, false)...), rank, q.Limit)
	}
	folded := domain.Fold(text)
	if folded == "" && text != "" {
		return []domain.Structure{}, nil // only punctuation: nothing can match it
	}
	if folded == "" {
		var a searchArgs
		return t.searchQuery(ctx, &a, t.structureFilters(&a, q, true), "", q.Limit)
	}

	// Exact, then prefix matches of the name or acronym.
	words := strings.Fields(folded)
	var (
		a     searchArgs
		where []string
		found []domain.Structure
		err   error
	)
	if ceiling, ok := prefixCeiling(folded); ok && q.Limit > 0 && t.d.dialect.searchPlan().prefixesInOrder {
		found, err = t.orderedPrefixMatches(ctx, q, folded, ceiling)
	} else {
		where = t.wordFilters(&a, words, "s", "")
		p := a.arg(folded)
		from := "structures s"
		switch {
		case q.Kind == "" && q.Limit > 0 && q.Department == "" && t.d.dialect.searchPlan().prefixesFromIndexes:
			from = t.prefixMatches(&a, folded, p)
		case q.Department != "" && t.d.dialect.searchPlan().prefixesFromIndexes:
			where = append(where, t.structureFilters(&a, q, false)...)
			where = append(where, departmentPrefixMatch(&a, q.Department, folded, p))
		default:
			where = append(where, t.structureFilters(&a, q, false)...)
			where = append(where, t.prefixMatch(&a, "s", folded, p))
		}
		found, err = t.searchQueryFrom(ctx, from, &a, where,
			"CASE WHEN s.name_folded = "+p+" OR s.acronym_folded = "+p+" THEN 0 ELSE 1 END, ", q.Limit)
	}
	if err != nil || q.Limit > 0 && len(found) >= q.Limit {
		return found, err
	}
	need := 0
	if q.Limit > 0 {
		need = q.Limit - len(found)
	}

	// Substrings, neither exact nor prefix, by name. The trigram index finds words of three
	// letters or more (and on SQLite, two-letter words through the trigrams around them).
	// A word it finds in fewer than ftsProbe structures is read through it; a commoner one
	// by walking the names in order, which soon fills the page.
	indexed, match := t.d.dialect.trigrams(words)
	var letters []string
	if !indexed {
		// Words no trigram finds: the structures holding one of their letters, when few do.
		letters = indexedLetters(words)
		indexed = len(letters) > 0
	}
	// The probe reads the structures holding the long words, up to ftsProbe of them: when
	// there are fewer, they are the candidates, and the trigram index is not asked twice.
	// Two-letter words are left out: the union of their trigrams costs more to read than a
	// walk of the names.
	var (
		candidates []int64
		probed     bool
	)
	if need > 0 && indexed {
		var long []string
		for _, w := range words {
			if len([]rune(w)) >= 3 {
				long = append(long, w)
			}
		}
		// In one département, whose structures the walk reads on its own index, the count
		// over every structure says little: walk first.
		if probe := ftsMatch(long); probe != "" && match != "" && q.Department == "" {
			ids, err := t.ftsIDs(ctx, probe, ftsProbe)
			if err != nil {
				return nil, err
			}
			if len(ids) < ftsProbe {
				candidates, probed = ids, true
			}
		} else if len(long) > 0 && t.d.dialect.searchPlan().rareWordsInOneQuery && q.Department == "" {
			more, complete, err := t.trigramSearch(ctx, q, words, folded, need)
			if err != nil || complete {
				return append(found, more...), err
			}
		}
		// Single letters (no trigram finds them): the structures holding one of them, when
		// fewer than ftsProbe do; in one département, after its walk.
		letterProbe := func() error {
			var err error
			candidates, probed, err = t.probeLetters(ctx, letters)
			return err
		}
		if len(letters) > 0 && q.Department == "" {
			if err := letterProbe(); err != nil {
				return nil, err
			}
		}
		if !probed {
			more, complete, err := t.searchWalk(ctx, q, words, folded, need)
			if err != nil || complete {
				return append(found, more...), err
			}
			if len(letters) > 0 && q.Department != "" {
				if err := letterProbe(); err != nil {
					return nil, err
				}
			}
		}
	}
	var letterMatch string
	if len(letters) > 0 && !probed {
		if t.d.dialect.searchPlan().lettersReadInFull {
			// Every structure holding the first letter, through its index, sorted.
			letterMatch = t.d.dialect.letterMatch("s", letters[0])
		} else {
			indexed = false // common letters: every name in order, as long as it takes
		}
	}

	// Through the trigram index, or every name in order.
	a = nil
	column := "" // not indexed: in the name or acronym, walking the index that holds both
	if indexed {
		column = "s.search_text"
	}
	where = append(t.wordFilters(&a, words, "s", column), t.structureFilters(&a, q, !indexed)...)
	where = append(where, "NOT "+t.prefixMatch(&a, "s", folded, ""))
	switch {
	case probed && len(candidates) == 0:
		return found, nil
	case letterMatch != "":
		where = append(where, letterMatch)
	case probed:
		if len(candidates) >= candidateWalk && q.Department == "" && q.Kind == "" && t.d.dialect.searchPlan().candidatesInNameOrder {
			// Many candidates: the names in order, on the index that holds them with the
			// acronym and the id, keeping the candidates, stop at the page sooner than each
			// candidate's row is read. Whether a name is a candidate is asked first, which
			// is quicker than looking for the words in it (SQLite tests a query's terms in
			// the order written).
			a = nil
			where = append([]string{"s.id IN " + t.d.dialect.candidates(&a, candidates)}, t.wordFilters(&a, words, "s", "")...)
			where = append(where, "NOT "+t.prefixMatch(&a, "s", folded, ""))
			more, err := t.searchQueryFrom(ctx, "structures s INDEXED BY structures_name_folded", &a, where, "", need)
			if err != nil {
				return nil, err
			}
			return append(found, more...), nil
		}
		where = append(where, "s.id IN "+t.d.dialect.candidates(&a, candidates))
	case match != "":
		// The LIKEs then only filter the few rows the index hands over; with a two-letter
		// word, also the texts with characters outside ftsAlphabet (on a partial index),
		// whose trigrams ftsMatch does not list.
		ids := "SELECT rowid FROM structures_fts WHERE structures_fts MATCH " + a.arg(match)
		if hasTwoLetterWord(words) {
			ids += " UNION ALL SELECT id FROM structures WHERE " + outsideFTSAlphabet
		}
		where = append(where, "s.id IN ("+ids+")")
	}
	rank := ""
	if indexed {
		rank = t.d.dialect.trigramOrder()
	}
	more, err := t.searchQuery(ctx, &a, where, rank, need)
	if err != nil {
		return nil, err
	}
	return append(found, more...), nil
}

// ftsIDs reads the ids of at most limit structures the FTS5 query match finds.
func (t *tx) ftsIDs(ctx context.Context, match string, limit int) ([]int64, error) {
	return searchColumn[int64](t.query(ctx, `SELECT rowid FROM structures_fts WHERE structures_fts MATCH $1 LIMIT $2`, match, limit))
}

// trigramSearch reads the first need structures matching the words in substring only (not
// exact or prefix matches), by name, through the pg_trgm index of PostgreSQL, when fewer
// than ftsProbe structures match: complete reports that it did. The matches are read once
// and sorted; when more match, it stops at ftsProbe of them and the caller walks the names.
// The patterns are literals, so that the plan is made for them whatever the statement cache
// does: a folded word holds letters and digits only (quotes are doubled all the same),
// neither '%' nor '_'.
func (t *tx) trigramSearch(ctx context.Context, q store.StructureQuery, words []string, folded string, need int) ([]domain.Structure, bool, error) {
	var a searchArgs
	where := make([]string, len(words))
	for i, w := range words {
		where[i] = "s.search_text LIKE '%" + strings.ReplaceAll(w, "'", "''") + "%'"
	}
	where = append(where, t.structureFilters(&a, q, false)...)
	where = append(where, "NOT "+t.prefixMatch(&a, "s", folded, ""))
	query := "SELECT s.id, count(*) OVER () FROM (SELECT s.id, s.name_folded FROM structures s WHERE " +
		strings.Join(where, " AND ") + " LIMIT " + strconv.Itoa(ftsProbe) + ") s ORDER BY s.name_folded, s.id LIMIT " + a.arg(need)
	rows, err := t.query(ctx, query, a...)
	if err != nil {
		return nil, false, fmt.Errorf("search structures: %w", err)
	}
	defer rows.Close()
	var (
		ids     []int64
		matches int
	)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id, &matches); err != nil {
			return nil, false, mapErr(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, false, mapErr(err)
	}
	if matches >= ftsProbe {
		return nil, false, nil
	}
	found, err := t.structuresByID(ctx, ids)
	return found, err == nil, err
}

// probeLetters reads the structures holding the first of letters that fewer than ftsProbe
// structures hold: the candidates of the search, and true; or false when every letter is
// commoner.
func (t *tx) probeLetters(ctx context.Context, letters []string) ([]int64, bool, error) {
	for _, c := range letters {
		ids, err := t.letterIDs(ctx, c, ftsProbe)
		if err != nil || len(ids) < ftsProbe {
			return ids, err == nil, err
		}
	}
	return nil, false, nil
}

// letterIDs reads the ids of the structures whose folded text holds the letter c, at most
// limit of them (limit when more do).
func (t *tx) letterIDs(ctx context.Context, c string, limit int) ([]int64, error) {
	var ids []int64
	seen := map[int64]bool{}
	for _, query := range t.letterQueries(c) {
		rows, err := t.query(ctx, query+" LIMIT "+strconv.Itoa(limit))
		if err != nil {
			return nil, fmt.Errorf("search structures: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, mapErr(err)
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, mapErr(err)
		}
		if len(ids) >= limit {
			return ids[:limit], nil
		}
	}
	return ids, nil
}

// letterQueries are the queries of the ids of the structures whose folded text holds the
// letter c (of ftsAlphabet, but not the space), between them every one, each possibly more
// than once. Their literals are characters of ftsAlphabet, and the plan is made for them.
// How each engine finds them: dialect.letterQueries.
func (t *tx) letterQueries(c string) []string { return t.d.dialect.letterQueries(c) }

// indexedLetters are the words of one character that letterQueries can look up.
func indexedLetters(words []string) []string {
	var out []string
	for _, w := range words {
		if len(w) == 1 && w != " " && strings.Contains(ftsAlphabet, w) {
			out = append(out, w)
		}
	}
	return out
}

// candidateWalk is how many candidates of a search (what the trigram or letter index found)
// make it walk the names in order and keep them, rather than read each candidate's row to
// sort them by name, where searchPlan.candidatesInNameOrder: the 50th of 450 candidates
// spread over the alphabet comes after about a ninth of the names, whose index pages are
// fewer than the rows (SQLite: 100,000 names on about 1,300 pages). Tests lower it.
var candidateWalk = 450

// ftsProbe is how many structures the trigram index may find for a search to read them
// through it: sorting them by name costs about what walking the names costs.
var ftsProbe = 1000

// ftsAlphabet is every character of a folded text.
const ftsAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789 "

// outsideFTSAlphabet is the condition of the partial index structures_outside_alphabet: a
// folded text that holds a character of no trigram of ftsMatch (a letter without
// decomposition, such as "ł"). It must stay the same text as the index's.
const outsideFTSAlphabet = "search_text GLOB '*[^ a-z0-9]*'"

func hasTwoLetterWord(words []string) bool {
	for _, w := range words {
		if len([]rune(w)) == 2 {
			return true
		}
	}
	return false
}

// ftsMatch is the FTS5 query that finds the structures holding every word of three letters
// or more, and every two-letter one through the trigrams it is part of (a text of three
// characters or more holds a two-letter word only inside one of them, as long as its
// characters are in ftsAlphabet; a shorter text that holds it is the word itself, an exact
// match). One-letter words are left to the LIKEs; ""
// when no word can be looked up.
func ftsMatch(words []string) string {
	var parts []string
	for _, w := range words {
		switch len([]rune(w)) {
		case 0, 1:
		case 2:
			grams := make([]string, 0, 2*len(ftsAlphabet))
			for _, c := range ftsAlphabet {
				grams = append(grams, `"`+w+string(c)+`"`, `"`+string(c)+w+`"`)
			}
			parts = append(parts, "("+strings.Join(grams, " OR ")+")")
		default:
			parts = append(parts, `"`+w+`"`)
		}
	}
	return strings.Join(parts, " AND ")
}

// structureFilters are the conditions of q's département and kind, over the alias s. Without
// byDepartment, SQLite is kept from reading the structures through the index of the
// département (dialect.unindexed), which it would otherwise prefer to the more selective
// indexes of a text search, as profil never runs ANALYZE.
func (t *tx) structureFilters(a *searchArgs, q store.StructureQuery, byDepartment bool) []string {
	var where []string
	if q.Department != "" {
		column := "s.department"
		if !byDepartment {
			column = t.d.dialect.unindexed(column)
		}
		where = append(where, column+" = "+a.arg(q.Department))
	}
	if q.Kind != "" {
		// No kind's name contains another's, so a plain LIKE on the column is exact, and
		// PostgreSQL can estimate it from the column's statistics.
		where = append(where, "s.kinds LIKE "+a.arg("%"+string(q.Kind)+"%"))
	}
	return where
}

// wordFilters are the conditions that every word is in column (search_text), or with
// column "" in the name or the acronym of alias (both folded): a word has no space, so this
// is the same as being in search_text, their concatenation, and can be read from the index
// that holds both (dialect.inNames).
func (t *tx) wordFilters(a *searchArgs, words []string, alias, column string) []string {
	where := make([]string, len(words))
	for i, w := range words {
		if column != "" {
			where[i] = column + " LIKE " + a.arg("%"+w+"%")
		} else {
			where[i] = t.d.dialect.inNames(a, alias, w)
		}
	}
	return where
}

// searchWalk reads the first need structures matching the words in substring only (not
// exact or prefix matches), by name, among the first walkLength structures of q's filters in
// name order. complete reports whether what it found is the answer: it found need, or there
// were no more structures to walk.
func (t *tx) searchWalk(ctx context.Context, q store.StructureQuery, words []string, folded string, need int) (found []domain.Structure, complete bool, err error) {
	if t.d.dialect.searchPlan().walkInOneQuery {
		// One query: the first walkLength structures in name order (the index alone), and
		// among them the matches. Fewer than need leaves the answer to the trigram index,
		// even when the walk read every structure.
		var a searchArgs
		walked := "SELECT s.id, s.name_folded, s.acronym_folded FROM structures s"
		if f := t.structureFilters(&a, q, true); len(f) > 0 {
			walked += " WHERE " + strings.Join(f, " AND ")
		}
		walked += " ORDER BY s.name_folded, s.id LIMIT " + a.arg(walkLength)
		where := append(t.wordFilters(&a, words, "s", ""), "NOT "+t.prefixMatch(&a, "s", folded, ""))
		found, err = t.searchQueryFrom(ctx, "("+walked+") s", &a, where, "", need)
		return found, err == nil && len(found) == need, err
	}
	// The last structure of the walk: an index-only skip. The structures of a département
	// are walked on its index, which holds the name and acronym too (dialect.departmentIndex).
	from := "structures s"
	if q.Department != "" {
		from += t.d.dialect.departmentIndex()
	}
	var a searchArgs
	query := "SELECT s.name_folded, s.id FROM " + from
	if f := t.structureFilters(&a, q, true); len(f) > 0 {
		query += " WHERE " + strings.Join(f, " AND ")
	}
	query += " ORDER BY s.name_folded, s.id LIMIT 1 OFFSET " + a.arg(walkLength-1)
	var (
		lastName string
		lastID   int64
		bounded  = true
	)
	if err := t.queryRow(ctx, query, a...).Scan(&lastName, &lastID); err == sql.ErrNoRows {
		bounded = false
	} else if err != nil {
		return nil, false, fmt.Errorf("search structures: %w", mapErr(err))
	}

	a = nil
	where := append(t.wordFilters(&a, words, "s", ""), t.structureFilters(&a, q, true)...)
	where = append(where, "NOT "+t.prefixMatch(&a, "s", folded, ""))
	if bounded {
		where = append(where, "(s.name_folded, s.id) <= ("+a.arg(lastName)+", "+a.arg(lastID)+")")
	}
	found, err = t.searchQueryFrom(ctx, from, &a, where, "", need)
	return found, err == nil && (len(found) == need || !bounded), err
}

// prefixMatch is the condition that the folded name or acronym of alias starts with folded
// (which is then an exact match or a prefix one). p is folded's argument when there is one
// already. It is a range in byte order (dialect.byteOrder), as every folded character sorts
// before '~'.
func (t *tx) prefixMatch(a *searchArgs, alias, folded, p string) string {
	ge, lt := t.d.dialect.byteOrder()
	if p == "" {
		p = a.arg(folded)
	}
	hi := a.arg(folded + "~")
	return "(" + alias + ".name_folded " + ge + " " + p + " AND " + alias + ".name_folded " + lt + " " + hi +
		" OR " + alias + ".acronym_folded " + ge + " " + p + " AND " + alias + ".acronym_folded " + lt + " " + hi + ")"
}

// maxPrefixAcronyms is how many acronyms starting with a search's text (other than the
// text itself) orderedPrefixMatches looks up one by one; with more, it reads every structure
// whose acronym starts with the text from the index of acronyms. Tests lower it.
var maxPrefixAcronyms = 64

// orderedPrefixMatches reads the exact matches of folded (the folded name or acronym is
// folded), then the prefix ones (either starts with it), each tier by name, at most q.Limit
// in all, with q's filters, so that a common prefix ("formation" starts 7,860 names at
// 1,000,000 structures) or acronym ("afpa", 8,298) reads about a page of rows, not every
// match. The exact matches: the names on the index of names in order, the acronyms on the
// index of acronyms, which orders each acronym's structures by name, both stopping at the
// page and merged. The prefix matches: the names that start with folded, on the index of
// names in order (between folded and ceiling, see prefixCeiling), stopping at the page; and
// the structures whose acronym starts with folded but whose name does not: for each such
// acronym (found by skipping through the index of acronyms, at most maxPrefixAcronyms of
// them), its names before folded and after ceiling in name order, which an acronym made of
// a name's initials seldom has; with more acronyms, every structure of their range, read
// on the index of acronyms (which holds the name) and sorted.
func (t *tx) orderedPrefixMatches(ctx context.Context, q store.StructureQuery, folded, ceiling string) ([]domain.Structure, error) {
	var a searchArgs
	p := a.arg(folded)
	and := ""
	if f := t.structureFilters(&a, q, true); len(f) > 0 {
		and = " AND " + strings.Join(f, " AND ")
	}
	query := mergeInNameOrder([]string{
		"SELECT s.id, s.name_folded FROM structures s WHERE s.name_folded = " + p + and,
		"SELECT s.id, s.name_folded FROM structures s WHERE s.acronym_folded = " + p + " AND s.name_folded <> " + p + and,
	}, a.arg(q.Limit))
	ids, err := t.searchIDs(ctx, query, a)
	if err != nil {
		return nil, err
	}
	if len(ids) >= q.Limit {
		return t.structuresByID(ctx, ids)
	}
	acronyms, err := t.acronymsStartingWith(ctx, folded, maxPrefixAcronyms+1)
	if err != nil {
		return nil, err
	}

	a = nil
	p = a.arg(folded)
	c := a.arg(ceiling)
	need := a.arg(q.Limit - len(ids))
	if and != "" {
		and = " AND " + strings.Join(t.structureFilters(&a, q, true), " AND ")
	}
	ge, lt := t.d.dialect.byteOrder()
	hi := a.arg(folded + "~")
	// The range in the collation of ORDER BY is what the indexes serve; the range in byte
	// order is what a prefix is.
	streams := []string{"SELECT s.id, s.name_folded FROM structures s WHERE s.name_folded >= " + p +
		" AND s.name_folded < " + c + " AND s.name_folded <> " + p + " AND s.name_folded " + ge + " " + p +
		" AND s.name_folded " + lt + " " + hi + " AND s.acronym_folded <> " + p + and}
	// The names of an acronym's structures that do not start with the text, in byte order (a
	// collation that ignores spaces sorts "l atelier" between "la" and "lb").
	notPrefix := " AND NOT (s.name_folded " + ge + " " + p + " AND s.name_folded " + lt + " " + hi + ")"
	outside := func(acronym string) string {
		return "SELECT s.id, s.name_folded FROM structures s WHERE s.acronym_folded = " + acronym + notPrefix + and +
			" ORDER BY s.name_folded, s.id LIMIT " + need
	}
	switch {
	case len(acronyms) == 0:
	case len(acronyms) <= maxPrefixAcronyms:
		streams = append(streams, "SELECT s.id, s.name_folded FROM unnest("+a.arg(acronyms)+"::text[]) AS a(v) CROSS JOIN LATERAL (("+
			outside("a.v")+")) s")
	default:
		// Sorted by a term no index serves, so that the range of acronyms is read, not every
		// name in order.
		streams = append(streams, "SELECT s.id, s.name_folded FROM (SELECT s.id, s.name_folded FROM structures s WHERE s.acronym_folded "+
			ge+" "+p+" AND s.acronym_folded "+lt+" "+hi+" AND s.acronym_folded <> "+p+
			notPrefix+and+" ORDER BY s.name_folded || '', s.id LIMIT "+need+") s")
	}
	more, err := t.searchIDs(ctx, mergeInNameOrder(streams, need), a)
	if err != nil {
		return nil, err
	}
	return t.structuresByID(ctx, append(ids, more...))
}

// mergeInNameOrder is the query of the first n ids (n an argument) of the union of streams
// (queries of s.id and s.name_folded), by name. Each stream is sorted and limited on its
// own, which lets PostgreSQL read each in the order of an index and merge them (without it,
// the branches of a union are planned without the order, and every row of each is read and
// sorted).
func mergeInNameOrder(streams []string, n string) string {
	parts := make([]string, len(streams))
	for i, s := range streams {
		parts[i] = "(" + s + " ORDER BY s.name_folded, s.id LIMIT " + n + ")"
	}
	return "SELECT s.id FROM (" + strings.Join(parts, " UNION ALL ") + ") s ORDER BY s.name_folded, s.id LIMIT " + n
}

// acronymsStartingWith reads the distinct folded acronyms that start with folded, other than
// folded itself, at most limit of them: each is found by one step in the index of acronyms
// (a loose index scan), whatever the number of structures that bear it. The operators are
// PostgreSQL's, of the index's text_pattern_ops (see searchPlan.prefixesInOrder).
func (t *tx) acronymsStartingWith(ctx context.Context, folded string, limit int) ([]string, error) {
	const gt, lt = "~>~", "~<~"
	query := "WITH RECURSIVE a(v) AS ((SELECT acronym_folded FROM structures WHERE acronym_folded " + gt + " $1" +
		" AND acronym_folded " + lt + " $2 ORDER BY acronym_folded USING " + lt + " LIMIT 1)" +
		" UNION ALL SELECT (SELECT acronym_folded FROM structures WHERE acronym_folded " + gt + " a.v" +
		" AND acronym_folded " + lt + " $2 ORDER BY acronym_folded USING " + lt + " LIMIT 1) FROM a WHERE a.v IS NOT NULL)" +
		" SELECT v FROM a WHERE v IS NOT NULL LIMIT $3"
	return searchColumn[string](t.query(ctx, query, folded, folded+"~", limit))
}

// searchIDs runs query, which reads ids, with the arguments a.
func (t *tx) searchIDs(ctx context.Context, query string, a searchArgs) ([]int64, error) {
	return searchColumn[int64](t.query(ctx, query, a...))
}

// searchColumn reads the one column of each row a search query returned.
func searchColumn[T any](rows *sql.Rows, err error) ([]T, error) {
	if err != nil {
		return nil, fmt.Errorf("search structures: %w", err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, v)
	}
	return out, mapErr(rows.Err())
}

// prefixCeiling is a string that sorts after every string starting with folded and before
// the next names, in byte order and in the collations PostgreSQL is used with, which sort
// digits before letters, both in their usual order, and ignore spaces or sort them first:
// folded without its last letters "z" (and spaces), the last one left raised by one ('9'
// raised is 'a'). ok is false when folded holds other characters, or only "z" and spaces.
func prefixCeiling(folded string) (ceiling string, ok bool) {
	for _, c := range folded {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == ' ') {
			return "", false
		}
	}
	b := []byte(strings.TrimRight(folded, "z "))
	if len(b) == 0 {
		return "", false
	}
	if last := &b[len(b)-1]; *last == '9' {
		*last = 'a'
	} else {
		*last++
	}
	return string(b), true
}

// prefixMatches is the table (as s) of the structures whose folded name or acronym starts
// with folded (argument p), with their folded name and acronym, read on the indexes of both
// alone: a common prefix or acronym ("afpa", "ml…") is sorted from the indexes instead of
// reading each structure (SQLite: see searchPlan.prefixesFromIndexes).
func (t *tx) prefixMatches(a *searchArgs, folded, p string) string {
	ge, lt := t.d.dialect.byteOrder()
	hi := a.arg(folded + "~")
	name := "name_folded " + ge + " " + p + " AND name_folded " + lt + " " + hi
	return "(SELECT id, name_folded, acronym_folded FROM structures WHERE " + name +
		" UNION ALL SELECT id, name_folded, acronym_folded FROM structures WHERE acronym_folded " + ge + " " + p +
		" AND acronym_folded " + lt + " " + hi + " AND NOT (" + name + ")) s"
}

// departmentPrefixMatch is prefixMatch for the structures of the département dept on SQLite:
// the names that start with folded (argument p) are read on the index of the département,
// instead of reading every structure of any département whose name starts with it. The
// acronyms that do are few, and read on their index; the département of those is checked
// by the caller's filters.
func departmentPrefixMatch(a *searchArgs, dept, folded, p string) string {
	hi := a.arg(folded + "~")
	return "s.id IN (SELECT id FROM structures INDEXED BY structures_department WHERE department = " + a.arg(dept) +
		" AND name_folded >= " + p + " AND name_folded < " + hi +
		" UNION ALL SELECT id FROM structures WHERE acronym_folded >= " + p + " AND acronym_folded < " + hi + ")"
}

// searchQuery reads the structures matching where, ordered by rank (an ORDER BY term and
// its comma, or ""), then by name, at most limit of them when limit > 0. With a limit, it
// reads their ids first, then the page: the référent and the other columns are read for the
// page only, and on PostgreSQL a walk of the names reads the index alone.
func (t *tx) searchQuery(ctx context.Context, a *searchArgs, where []string, rank string, limit int) ([]domain.Structure, error) {
	return t.searchQueryFrom(ctx, "structures s", a, where, rank, limit)
}

// searchQueryFrom is searchQuery from the table expression from (the structures as s).
func (t *tx) searchQueryFrom(ctx context.Context, from string, a *searchArgs, where []string, rank string, limit int) ([]domain.Structure, error) {
	columns := structureColumns
	if limit > 0 {
		columns = "s.id"
	}
	query := `SELECT ` + columns + ` FROM ` + from
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY " + rank + "s.name_folded, s.id"
	if limit > 0 {
		query += " LIMIT " + a.arg(limit)
	}
	rows, err := t.query(ctx, query, *a...)
	if err != nil {
		return nil, fmt.Errorf("search structures: %w", err)
	}
	defer rows.Close()
	out := []domain.Structure{}
	var ids []int64
	for rows.Next() {
		if limit > 0 {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, mapErr(err)
			}
			ids = append(ids, id)
			continue
		}
		s, err := scanStructure(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	if limit > 0 {
		return t.structuresByID(ctx, ids)
	}
	return out, nil
}

// structuresByID reads the structures of ids, in that order; one removed since its id was
// read is left out.
func (t *tx) structuresByID(ctx context.Context, ids []int64) ([]domain.Structure, error) {
	out := make([]domain.Structure, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list := make([]string, len(ids))
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		list[i] = strconv.FormatInt(id, 10)
		at[id] = i
	}
	rows, err := t.query(ctx, `SELECT `+structureColumns+` FROM structures s WHERE s.id IN (`+strings.Join(list, ", ")+`)`)
	if err != nil {
		return nil, fmt.Errorf("search structures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		s, err := scanStructure(rows)
		if err != nil {
			return nil, err
		}
		out[at[s.ID]] = s
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	return slices.DeleteFunc(out, func(s domain.Structure) bool { return s.ID == 0 }), nil
}

// affectedOne turns "no row updated" into ErrNotFound, with the message key (of package i18n)
// that names what was looked for by its id.
func affectedOne(res sql.Result, key string, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return domain.Errorf(domain.ErrNotFound, key, id)
	}
	return nil
}

// notFound gives ErrNotFound a message naming what was looked for: the message key of
// package i18n, formatted with args.
func notFound(err error, key string, args ...any) error {
	if err == domain.ErrNotFound {
		return domain.Errorf(domain.ErrNotFound, key, args...)
	}
	return err
}
