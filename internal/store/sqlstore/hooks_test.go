package sqlstore

// SetSearchWalk sets how many names a text search walks before it turns to the trigram
// index, and how many structures the index may find for a search to read them through it,
// until the returned function puts them back.
func SetSearchWalk(walk, probe int) (restore func()) {
	oldWalk, oldProbe := walkLength, ftsProbe
	walkLength, ftsProbe = walk, probe
	return func() { walkLength, ftsProbe = oldWalk, oldProbe }
}

// SetPrefixAcronyms sets how many acronyms starting with a search's text are each read in
// name order before the names are walked for them instead, until the returned function puts
// it back.
func SetPrefixAcronyms(n int) (restore func()) {
	old := maxPrefixAcronyms
	maxPrefixAcronyms = n
	return func() { maxPrefixAcronyms = old }
}

// SetCandidateWalk sets from how many candidates a search walks the names in order to keep
// them, until the returned function puts it back.
func SetCandidateWalk(n int) (restore func()) {
	old := candidateWalk
	candidateWalk = n
	return func() { candidateWalk = old }
}
