package i18n

// Messages of input hygiene (control characters), busy databases, interrupted commands, the
// database file and SMTP URLs.
func init() {
	topics = append(topics, func() map[string]message {
		return map[string]message{
			"mail.setting_reason": {"%s", "%s"}, // what the SMTP reader found wrong, already in words
			"text.control": {
				"holds a control character (%s): type the text again without it",
				"contient un caractère de contrôle (%s) : saisissez le texte à nouveau sans lui",
			},
			"text.bad_utf8": {
				"is not valid UTF-8 text",
				"n'est pas un texte UTF-8 valide",
			},
			"db.busy": {
				"the database is busy: another profil is writing to it; try again in a moment (exit 7: cron jobs may retry)",
				"la base de données est occupée : un autre profil y écrit ; réessayez dans un instant (code 7 : une tâche cron peut réessayer)",
			},
			"db.read_only": {
				"the database file is read-only for you (its permissions, or a read-only copy or mount): this command changes it",
				"le fichier de la base de données est en lecture seule pour vous (ses droits, ou une copie ou un montage en lecture seule) : cette commande le modifie",
			},
			"db.missing": {
				"no database at %s: the file or its folder does not exist. Check --db or PROFIL_DB, or create the database with `profil init`",
				"pas de base de données à %s : le fichier ou son dossier n'existe pas. Vérifiez --db ou PROFIL_DB, ou créez la base avec `profil init`",
			},
			"db.readable_by_others": {
				"warning: the database %s can be read by other users of this machine (mode %s) and holds password hashes: chmod 600 %s",
				"attention : la base de données %s est lisible par les autres utilisateurs de cette machine (droits %s) et contient des empreintes de mots de passe : chmod 600 %s",
			},
			"decide.interrupted": {
				"interrupted: %d of %d requests decided; the rest are untouched (run the command again for them)",
				"interrompu : %d demandes sur %d traitées ; les autres sont intactes (relancez la commande pour elles)",
			},
			"decide.interrupted_dry_run": {
				"interrupted: %d of %d requests checked; nothing was changed (--dry-run)",
				"interrompu : %d demandes sur %d vérifiées ; rien n'a été modifié (--dry-run)",
			},
			"import.interrupted": {
				"interrupted: %d of %d lines written; the rest of the file is untouched: run the same command again to complete it",
				"interrompu : %d lignes sur %d écrites ; le reste du fichier est intact : relancez la même commande pour le terminer",
			},
			"import.interrupted_checking": {
				"interrupted while the file was being checked: nothing was written",
				"interrompu pendant la vérification du fichier : rien n'a été écrit",
			},
			"import.interrupted_dry_run": {
				"interrupted: nothing was changed (--dry-run)",
				"interrompu : rien n'a été modifié (--dry-run)",
			},
			"smtp.values_hidden": {
				" (values not shown: the URL holds a user name or password; percent-encode their special characters @ : / ? # and the percent sign, as in a web address)",
				" (valeurs non affichées : l'URL contient un nom d'utilisateur ou un mot de passe ; encodez-en les caractères spéciaux @ : / ? # et le signe pour cent comme dans une adresse web)",
			},
			"interrupt.signal": {
				"interrupted (%s): stopped before the end; what was not committed is unchanged",
				"interrompu (%s) : arrêté avant la fin ; ce qui n'était pas enregistré est inchangé",
			},
		}
	})
}
