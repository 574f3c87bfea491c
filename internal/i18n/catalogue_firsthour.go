package i18n

// Messages of a newcomer's first hour: export files, the demo on any engine, spreadsheets
// given to imports, SIREN arguments, errors in profil's own words, flag suggestions and hints.
func init() {
	topics = append(topics, func() map[string]message {
		return map[string]message{
			"output.not_a_format_file": {
				"-o/--output %q is the output format (table, json, yaml, csv): to write a file, use -f/--file %s",
				"-o/--output %q est le format de sortie (table, json, yaml, csv) : pour écrire un fichier, utilisez -f/--file %s"},
			"demo.needs_force": {
				"%s is not a SQLite file: the demo creates a gestionnaire whose password is published; run `profil demo --force` if this database is only for trying profil",
				"%s n'est pas un fichier SQLite : la démo crée un gestionnaire dont le mot de passe est publié ; lancez `profil demo --force` si cette base ne sert qu'à essayer profil"},
			"demo.try_as": {
				"Try:\n  %[1]s structure search \"cap metiers\"\n  %[1]s request list\n  %[1]s structure members \"%[2]s\"",
				"Essayez :\n  %[1]s structure search \"cap metiers\"\n  %[1]s request list\n  %[1]s structure members \"%[2]s\""},
			"demo.install": {
				"(profil is not installed: `go install ./cmd/profil` puts it in $(go env GOPATH)/bin, then type `profil …`)",
				"(profil n'est pas installé : `go install ./cmd/profil` le place dans $(go env GOPATH)/bin, tapez ensuite `profil …`)"},
			"structure.siren_not_found": {
				"no structure has the SIREN %s (see `profil structure search`)",
				"aucune structure n'a le SIREN %s (voyez `profil structure search`)"},
			"structure.siren_several": {
				"the SIREN %s has %d establishments, give the SIRET of one: %s",
				"le SIREN %s a %d établissements, donnez le SIRET de l'un d'eux : %s"},
			"structure_ref.shape_siren": {"must be an id (42), a 14-digit SIRET, a 9-digit SIREN or a name", "doit être un numéro (42), un SIRET de 14 chiffres, un SIREN de 9 chiffres ou un nom"},
			"policy.structure_public":   {"see the public fields of structures", "consulter les champs publics des structures"},
			"usage.unknown_flag_hint": {
				"unknown flag %s; did you mean %s? (see `%s --help`)",
				"option %s inconnue ; vouliez-vous dire %s ? (voyez `%s --help`)"},
			"usage.single_dash": {
				"%s: a long flag takes two dashes: %s",
				"%s : une option longue prend deux tirets : %s"},
			"csv.is_excel": {
				"this is an Excel workbook, not a CSV file: in Excel, choose File > Save As, type \"CSV (séparateur: point-virgule) (*.csv)\" (\"CSV (Comma delimited)\" in an English Excel), and import the .csv file",
				"c'est un classeur Excel, pas un fichier CSV : dans Excel, choisissez Fichier > Enregistrer sous, type « CSV (séparateur: point-virgule) (*.csv) », et importez le fichier .csv"},
			"csv.is_ods": {
				"this is an OpenDocument spreadsheet (LibreOffice Calc), not a CSV file: choose File > Save As, type \"Text CSV (.csv)\", separator \";\", character set UTF-8, and import the .csv file",
				"c'est un classeur OpenDocument (LibreOffice Calc), pas un fichier CSV : choisissez Fichier > Enregistrer sous, type « Texte CSV (.csv) », séparateur « ; », jeu de caractères UTF-8, et importez le fichier .csv"},
			"error.detail": {"  detail: %v", "  détail : %v"},
			"db.cannot_open_file": {
				"cannot open the database file %s: check that its folder exists and that you may write in it (--verbose tells why)",
				"impossible d'ouvrir le fichier de base %s : vérifiez que son dossier existe et que vous pouvez y écrire (--verbose dit pourquoi)"},
			"db.refused": {
				"the PostgreSQL server at %s refused the connection: %s; check the user, password and database name of --db (or PROFIL_DB)",
				"le serveur PostgreSQL %s a refusé la connexion : %s ; vérifiez l'utilisateur, le mot de passe et le nom de base de --db (ou PROFIL_DB)"},
			"db.unreachable": {
				"cannot reach the PostgreSQL server at %s: check that it runs and accepts connections there, and the host and port of --db (or PROFIL_DB); --verbose tells why",
				"impossible de joindre le serveur PostgreSQL %s : vérifiez qu'il tourne et y accepte les connexions, et l'hôte et le port de --db (ou PROFIL_DB) ; --verbose dit pourquoi"},
			"file.is_folder": {"%s is a folder: name the CSV file to import", "%s est un dossier : nommez le fichier CSV à importer"},
			"file.not_readable": {
				"%s cannot be read: you have no permission to read it; check its owner and mode (ls -l)",
				"%s ne peut pas être lu : vous n'avez pas le droit de le lire ; vérifiez son propriétaire et ses droits (ls -l)"},
			"file.cannot_open": {"cannot open %s (--verbose tells why)", "impossible d'ouvrir %s (--verbose dit pourquoi)"},
			"register.structure_pending": {
				"%s (SIRET %s) is not referenced yet: its request %d waits for a gestionnaire's decision; register once it is approved",
				"%s (SIRET %s) n'est pas encore référencée : sa demande n° %d attend la décision d'un gestionnaire ; inscrivez-vous une fois qu'elle est acceptée"},
			"structure.name_not_found": {
				"no structure is named %q (see `profil structure search %q`)",
				"aucune structure ne s'appelle %q (voyez `profil structure search %q`)"},
			"structure.name_several": {
				"%d structures are named %q, give the SIRET or the id of one: %s",
				"%d structures s'appellent %q, donnez le SIRET ou le numéro de l'une d'elles : %s"},
			"config.is_folder": {
				"--config %s is a folder: name the configuration file (config.yaml)",
				"--config %s est un dossier : nommez le fichier de configuration (config.yaml)"},
			"config.not_readable": {
				"the configuration file %s cannot be read: you have no permission to read it; check its owner and mode (ls -l)",
				"le fichier de configuration %s ne peut pas être lu : vous n'avez pas le droit de le lire ; vérifiez son propriétaire et ses droits (ls -l)"},
		}
	})
}
