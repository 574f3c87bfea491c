package i18n

// Messages of a newcomer's first hour: export files, the demo on any engine, spreadsheets
// given to imports, SIREN arguments, errors in profil's own words, flag suggestions and hints.
func init() {
	add(map[string]message{
		"output.not_a_format_file": {
			"-o/--output %q is the output format (table, json, yaml, csv): to write a file, use -f/--file %s",
			"-o/--output %q est le format de sortie (table, json, yaml, csv) : pour écrire un fichier, utilisez -f/--file %s"},
	})
}
