package i18n

// Messages of input hygiene (control characters), busy databases, interrupted commands, the
// database file and SMTP URLs.
func init() {
	add(map[string]message{
		"text.control": {
			"holds a control character (%s): type the text again without it",
			"contient un caractère de contrôle (%s) : saisissez le texte à nouveau sans lui",
		},
		"text.bad_utf8": {
			"is not valid UTF-8 text",
			"n'est pas un texte UTF-8 valide",
		},
	})
}
