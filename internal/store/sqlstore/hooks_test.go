package sqlstore

// SetSearchWalk sets how many names a text search walks before it turns to the trigram
// index, until the returned function puts it back.
func SetSearchWalk(n int) (restore func()) {
	old := walkLength
	walkLength = n
	return func() { walkLength = old }
}
