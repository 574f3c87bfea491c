package i18n

// Signing in and the trust placed in accounts: temporary passwords, lockout, disabled accounts.
func init() {
	topics = append(topics, func() map[string]message {
		return map[string]message{
			"auth.sign_in_refused": {
				"wrong e-mail or password. An account that has no password yet, or whose password was reset, gets a temporary one by mail instead (at most one every 15 minutes): check your mailbox",
				"adresse mail ou mot de passe incorrect. Un compte qui n'a pas encore de mot de passe, ou dont le mot de passe a été réinitialisé, en reçoit un provisoire par mail (au plus un toutes les 15 minutes) : consultez votre messagerie"},
			"mail.temporary_password.body": {
				"A temporary password has been created for your account: %s\nIt works for one sign-in, within %d hours; you will then be asked to change it with `profil user passwd`.\nIf you did not ask for it, you may ignore this message: your account stays as it was.",
				"Un mot de passe provisoire a été créé pour votre compte : %s\nIl permet une seule connexion, dans les %d heures ; il vous sera alors demandé de le changer avec `profil user passwd`.\nSi vous ne l'avez pas demandé, ignorez ce message : votre compte reste tel qu'il était."},

			"mail.password_changed.subject": {"Your password was changed", "Votre mot de passe a été changé"},
			"mail.password_changed.body": {
				"The password of your account was just changed, and your other sessions were ended.\nIf you did not change it, tell your structure's référent or the gestionnaires at once.",
				"Le mot de passe de votre compte vient d'être changé, et vos autres sessions ont été fermées.\nSi ce n'est pas vous qui l'avez changé, prévenez sans attendre la personne référente de votre structure ou les gestionnaires."},

			"mail.email_changed.subject": {"The e-mail address of your account was changed", "L'adresse mail de votre compte a été changée"},
			"mail.email_changed.body": {
				"The account that used this address now uses another one: messages about it no longer come here.\nIf you did not ask for this change, tell the gestionnaires at once.",
				"Le compte qui utilisait cette adresse en utilise désormais une autre : les messages qui le concernent n'arrivent plus ici.\nSi vous n'avez pas demandé ce changement, prévenez sans attendre les gestionnaires."},

			"mail.account_locked.subject": {"Your account is locked for a while", "Votre compte est verrouillé pour un temps"},
			"mail.account_locked.body": {
				"After %d wrong passwords in a row, your account refuses every sign-in until %s.\nIf these attempts were not yours, someone may be guessing your password: tell your structure's référent or the gestionnaires. A gestionnaire can also unlock the account at once.",
				"Après %d mots de passe erronés à la suite, votre compte refuse toute connexion jusqu'au %s.\nSi ces tentatives ne viennent pas de vous, quelqu'un cherche peut-être votre mot de passe : prévenez la personne référente de votre structure ou les gestionnaires. Un gestionnaire peut aussi déverrouiller le compte sans attendre."},

			"policy.user_disable": {"disable an account", "désactiver un compte"},
			"policy.user_enable":  {"enable an account", "réactiver un compte"},
			"policy.user_unlock":  {"unlock an account", "déverrouiller un compte"},

			"disable.self": {
				"you cannot disable your own account: ask another gestionnaire",
				"vous ne pouvez pas désactiver votre propre compte : demandez à un autre gestionnaire"},
			"disable.not_active": {
				"the account %s is %s: only an active account can be disabled",
				"le compte %s est à l'état « %s » : seul un compte actif peut être désactivé"},
			"disable.last_manager": {
				"%s is the last active gestionnaire: make another one before disabling this account",
				"%s est le dernier gestionnaire actif : nommez-en un autre avant de désactiver ce compte"},
			"disable.referent": {
				"%s is the référent of %s: name the next one with --new-referent EMAIL, or pass --no-referent",
				"%s est référent·e de %s : désignez la personne suivante avec --new-referent ADRESSE, ou passez --no-referent"},
			"disable.new_referent_unneeded": {
				"%s is the référent of no structure: --new-referent is not needed",
				"%s n'est référent·e d'aucune structure : --new-referent est inutile"},
			"disable.email_missing": {"missing the e-mail of the account to disable", "il manque l'adresse mail du compte à désactiver"},
			"disable.confirm":       {"Disable the account %s?", "Désactiver le compte %s ?"},
			"disable.done": {
				"✓ account %s disabled; %d sessions and API tokens ended",
				"✓ compte %s désactivé ; %d sessions et jetons d'API arrêtés"},
			"disable.referent_handed": {"  %s: the référent is now %s", "  %s : la personne référente est désormais %s"},
			"disable.referent_left":   {"  %s: no référent any more", "  %s : plus de personne référente"},
			"enable.not_disabled": {
				"the account %s is %s, not disabled",
				"le compte %s est à l'état « %s », pas désactivé"},
			"enable.done":       {"✓ account %s enabled", "✓ compte %s réactivé"},
			"unlock.done":       {"✓ account %s unlocked", "✓ compte %s déverrouillé"},
			"unlock.not_locked": {"account %s was not locked: nothing to do", "le compte %s n'était pas verrouillé : rien à faire"},

			"reset_password.queued": {
				"✓ password of %s reset (%d sessions and API tokens ended); a temporary password will be made and mailed by the next `profil mail send`",
				"✓ mot de passe de %s réinitialisé (%d sessions et jetons d'API arrêtés) ; un mot de passe provisoire sera créé et envoyé au prochain `profil mail send`"},
			"reset_password.not_queued": {
				"✓ password of %s reset (%d sessions and API tokens ended); no new mail: one that will carry a temporary password still waits in the outbox, or the account is not active",
				"✓ mot de passe de %s réinitialisé (%d sessions et jetons d'API arrêtés) ; pas de nouveau mail : un mail qui portera un mot de passe provisoire attend encore dans la file, ou le compte n'est pas actif"},
			"mail_send.skipped_one": {
				"  #%d to %s not sent: the account is no longer active or no longer at this address, so no temporary password was made",
				"  n° %d pour %s non envoyé : le compte n'est plus actif ou plus à cette adresse, aucun mot de passe provisoire n'a été créé"},
		}
	})
}
