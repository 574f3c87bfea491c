package sqlstore

// SetSearchWalk sets how many names a text search walks before it turns to the trigram
// index, and how many structures the index may find for a search to read them through it,
// until the returned function puts them back.
func SetSearchWalk(walk, probe int) (restore func()) {
	oldWalk, oldProbe := walkLength, ftsProbe
	walkLength, ftsProbe = walk, probe
	return func() { walkLength, ftsProbe = oldWalk, oldProbe }
}
