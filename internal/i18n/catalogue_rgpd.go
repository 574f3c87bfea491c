package i18n

// Messages of personal data (RGPD): reading everything held on a person, erasing a person, and
// the retention of the audit trail.
func init() {
	topics = append(topics, func() map[string]message {
		return map[string]message{
			"policy.user_data":   {"read everything held on a person", "lire tout ce qui est conservé sur une personne"},
			"policy.user_erase":  {"erase a person", "effacer une personne"},
			"policy.audit_prune": {"remove old audit events and requests", "supprimer les anciens événements d'audit et demandes"},
			"erase.self": {
				"nobody erases their own account: another gestionnaire does",
				"personne n'efface son propre compte : un autre gestionnaire le fait",
			},
			"erase.already": {"%s was erased already (%s)", "%s a déjà été effacé (%s)"},
			"erase.referent": {
				"%s is the référent of %s: hand the role over first (profil referent set), then erase",
				"%s est référent de %s : transmettez d'abord ce rôle (profil referent set), puis effacez",
			},
			"erase.last_manager": {
				"%s is the last active gestionnaire: name another one first",
				"%s est le dernier gestionnaire actif : nommez-en d'abord un autre",
			},
			"erase.request_reason": {"the account was erased", "le compte a été effacé"},
			"erase.email_missing":  {"missing the e-mail of the person to erase", "il manque l'adresse mail de la personne à effacer"},
			"erase.confirm": {
				"Erase %s for good (memberships, rights and tokens end; identity replaced by a pseudonym)?",
				"Effacer définitivement %s (rattachements, droits et jetons terminés ; identité remplacée par un pseudonyme) ?",
			},
			"erase.needs_yes": {
				"erasing %s cannot be undone: confirm on a terminal, or pass --yes",
				"l'effacement de %s est irréversible : confirmez sur un terminal, ou passez --yes",
			},
			"erase.done": {
				"✓ erased %s, now %s: %d memberships ended, %d sessions and tokens revoked, %d mails deleted, %d audit events rewritten",
				"✓ %s effacé, désormais %s : %d rattachements terminés, %d sessions et jetons révoqués, %d mails supprimés, %d événements d'audit réécrits",
			},
			"erase.scrub_failed": {
				"the account is erased (%s), but the database file could not be rebuilt: old copies of its rows stay in free pages until `sqlite3 FILE VACUUM` runs",
				"le compte est effacé (%s), mais le fichier de la base n'a pas pu être reconstruit : d'anciennes copies de ses lignes restent dans les pages libres jusqu'à ce que `sqlite3 FICHIER VACUUM` soit lancé",
			},
			"enable.erased": {
				"%s was erased: an erased account is never opened again",
				"%s a été effacé : un compte effacé n'est jamais rouvert",
			},
			"retention.invalid": {
				"is not a retention: forever, or a number of days, months or years (400d, 18m, 5y)",
				"n'est pas une durée de conservation : forever, ou un nombre de jours, de mois ou d'années (400d, 18m, 5y)",
			},
			"prune.done": {
				"✓ removed %d audit events (kept: %s) and %d decided requests (kept: %s)",
				"✓ %d événements d'audit supprimés (conservation : %s) et %d demandes décidées (conservation : %s)",
			},
			"prune.would": {
				"would remove %d audit events (kept: %s) and %d decided requests (kept: %s); nothing was removed",
				"supprimerait %d événements d'audit (conservation : %s) et %d demandes décidées (conservation : %s) ; rien n'a été supprimé",
			},
			"data.csv": {
				"user data is a document of several sections: use -o json or -o yaml (or a table on a terminal)",
				"user data est un document en plusieurs sections : utilisez -o json ou -o yaml (ou un tableau sur un terminal)",
			},
			"settings.help.retention_audit": {
				"how long audit events are kept: forever, or 400d, 18m, 5y (profil audit prune removes older ones)",
				"durée de conservation des événements d'audit : forever, ou 400d, 18m, 5y (profil audit prune supprime les plus anciens)",
			},
			"settings.help.retention_requests": {
				"how long decided requests are kept: forever, or 400d, 18m, 5y (profil audit prune removes older ones)",
				"durée de conservation des demandes décidées : forever, ou 400d, 18m, 5y (profil audit prune supprime les plus anciennes)",
			},
			"data.memberships": {"Memberships", "Rattachements"},
			"data.profiles":    {"Profiles granted and revoked", "Profils accordés et retirés"},
			"data.requests":    {"Requests", "Demandes"},
			"data.audit":       {"Audit events", "Événements d'audit"},
			"data.mails":       {"Mails sent", "Mails envoyés"},
			"data.tokens":      {"Sessions and API tokens", "Sessions et jetons d'API"},
			"data.terms":       {"Terms of use accepted", "Conditions d'utilisation acceptées"},
			"data.trainee":     {"Trainee case", "Dossier stagiaire"},
		}
	})
}
