package i18n

// Messages of the trainee portal: case files, trainee registration, the first sign-in's steps
// (secret question, terms of use), forgotten passwords, e-mail changes and FranceConnect.
func init() {
	topics = append(topics, func() map[string]message {
		return map[string]message{
			"policy.case_import":        {"import case files", "importer des dossiers"},
			"policy.case_read":          {"read case files", "consulter les dossiers"},
			"policy.trainee_register":   {"register a trainee account", "créer un compte stagiaire"},
			"policy.trainee_list":       {"list the trainee accounts", "lister les comptes stagiaires"},
			"policy.export_trainees":    {"export the trainee accounts", "exporter les comptes stagiaires"},
			"export.trainees_progress":  {"Exporting trainee accounts", "Export des comptes stagiaires"},
			"export.trainees.one":       {"%d trainee account", "%d compte stagiaire"},
			"export.trainees.other":     {"%d trainee accounts", "%d comptes stagiaires"},
			"policy.secret_set":         {"set a secret question", "définir une question secrète"},
			"policy.password_forgot":    {"reset a forgotten password", "réinitialiser un mot de passe oublié"},
			"policy.email_confirm":      {"confirm a new e-mail address", "confirmer une nouvelle adresse mail"},
			"policy.franceconnect_link": {"link or unlink a FranceConnect identity", "lier ou délier une identité FranceConnect"},
			"policy.terms_publish":      {"publish the terms of use", "publier les conditions d'utilisation"},
			"policy.terms_read":         {"read the terms of use", "lire les conditions d'utilisation"},
			"policy.terms_accept":       {"accept the terms of use", "accepter les conditions d'utilisation"},
			"policy.terms_status":       {"see who accepted the terms of use", "voir qui a accepté les conditions d'utilisation"},

			"auth.secret_question_first": {
				"set your secret question first: `profil user secret set --question Q --answer-stdin`",
				"définissez d'abord votre question secrète : `profil user secret set --question Q --answer-stdin`",
			},
			"auth.terms_first": {
				"version %s of the terms of use is waiting for your acceptance: read it with `profil terms show`, then run `profil terms accept`",
				"la version %s des conditions d'utilisation attend votre acceptation : lisez-la avec `profil terms show`, puis lancez `profil terms accept`",
			},

			"case.number_chars":   {"a case number has letters, digits, '-', '/', '.' and '_' only", "un numéro de dossier ne contient que des lettres, des chiffres, « - », « / », « . » et « _ »"},
			"case.number_long":    {"is longer than %d characters", "dépasse %d caractères"},
			"case.claimed":        {"case #%d is claimed already", "le dossier n° %d est déjà rattaché"},
			"case.import_differs": {"this case was imported already with other data: an import never changes a case", "ce dossier a déjà été importé avec d'autres données : un import ne modifie jamais un dossier"},
			"birth_date.format":   {"is not a date: expected JJ/MM/AAAA (or YYYY-MM-DD)", "n'est pas une date : attendu JJ/MM/AAAA (ou AAAA-MM-JJ)"},
			"birth_date.range":    {"is not a birth date: after 1900, before today", "n'est pas une date de naissance : après 1900, avant aujourd'hui"},
			"notfound.case":       {"case %s not found", "dossier %s introuvable"},
			"notfound.case_of":    {"user #%d has no case", "l'utilisateur n° %d n'a pas de dossier"},

			"trainee.emails_differ":  {"the two e-mail addresses differ", "les deux adresses mail diffèrent"},
			"trainee.terms_required": {"the terms of use must be accepted (read them with `profil terms show`)", "les conditions d'utilisation doivent être acceptées (lisez-les avec `profil terms show`)"},
			"trainee.case_or_none":   {"give a case number or --no-case-number, not both", "donnez un numéro de dossier ou --no-case-number, pas les deux"},
			"trainee.email_taken": {
				"%s has an account already: sign in, or reset a forgotten password with `profil user forgot-password`",
				"%s a déjà un compte : connectez-vous, ou réinitialisez un mot de passe oublié avec `profil user forgot-password`",
			},
			"trainee.case_refused": {
				"no case matches this number, name and birth date: check them against your funding decision (DPC), or register with --no-case-number if you were invited without one",
				"aucun dossier ne correspond à ce numéro, ce nom et cette date de naissance : vérifiez-les sur votre décision de prise en charge (DPC), ou inscrivez-vous avec --no-case-number si vous avez été invité sans numéro",
			},

			"secret.question_short":     {"is shorter than %d characters", "fait moins de %d caractères"},
			"secret.question_long":      {"is longer than %d characters", "dépasse %d caractères"},
			"secret.answer_short":       {"is shorter than %d characters", "fait moins de %d caractères"},
			"secret.answer_long":        {"is longer than %d characters", "dépasse %d caractères"},
			"secret.answer_is_question": {"must not be the question itself", "ne doit pas être la question elle-même"},
			"secret.trainees_only": {
				"only trainee accounts have a secret question: a staff account that forgets its password gets a temporary one by mail",
				"seuls les comptes stagiaires ont une question secrète : un compte du personnel qui oublie son mot de passe en reçoit un provisoire par mail",
			},
			"notfound.secret_question": {"user #%d has no secret question", "l'utilisateur n° %d n'a pas de question secrète"},
			"secret.decoy_1":           {"Name of your first pet?", "Nom de votre premier animal ?"},
			"secret.decoy_2":           {"Town where you were born?", "Ville où vous êtes né(e) ?"},
			"secret.decoy_3":           {"Name of your first school?", "Nom de votre première école ?"},
			"secret.decoy_4":           {"Your mother's maiden name?", "Nom de jeune fille de votre mère ?"},

			"forgot.refused": {
				"the answer does not match the secret question of this address, or no account of this address can reset its password this way (a staff account gets a temporary password by mail instead)",
				"la réponse ne correspond pas à la question secrète de cette adresse, ou aucun compte de cette adresse ne peut réinitialiser son mot de passe ainsi (un compte du personnel reçoit plutôt un mot de passe provisoire par mail)",
			},
			"forgot.locked": {
				"too many wrong answers for this address: try again in %d minutes",
				"trop de mauvaises réponses pour cette adresse : réessayez dans %d minutes",
			},

			"terms.version_long":   {"is longer than %d characters", "dépasse %d caractères"},
			"terms.version_chars":  {"a version has letters, digits, '.', '-' and '_' only", "une version ne contient que des lettres, des chiffres, « . », « - » et « _ »"},
			"terms.body_empty":     {"the terms of use are empty", "les conditions d'utilisation sont vides"},
			"terms.body_long":      {"the terms of use are longer than %d KiB", "les conditions d'utilisation dépassent %d Kio"},
			"terms.version_exists": {"version %s of the terms of use is published already: a version never changes, publish a new one", "la version %s des conditions d'utilisation est déjà publiée : une version ne change jamais, publiez-en une nouvelle"},
			"notfound.terms_none":  {"no terms of use are published yet", "aucune condition d'utilisation n'est encore publiée"},
			"notfound.terms":       {"version %s of the terms of use not found", "version %s des conditions d'utilisation introuvable"},

			"franceconnect.issuer":          {"is not an https URL", "n'est pas une URL https"},
			"franceconnect.sub":             {"a FranceConnect sub is printable ASCII without spaces, at most 255", "un sub FranceConnect est en ASCII imprimable sans espace, 255 au plus"},
			"franceconnect.taken":           {"this FranceConnect identity is linked to another account", "cette identité FranceConnect est liée à un autre compte"},
			"franceconnect.linked_other":    {"%s is linked to another FranceConnect identity: unlink it first (profil user franceconnect unlink %s)", "%s est lié à une autre identité FranceConnect : déliez-la d'abord (profil user franceconnect unlink %s)"},
			"franceconnect.identity_frozen": {"%s is linked to FranceConnect: its names and birth date are FranceConnect's, read-only", "%s est lié à FranceConnect : ses noms et sa date de naissance viennent de FranceConnect, en lecture seule"},
			"notfound.franceconnect":        {"user #%d has no FranceConnect identity", "l'utilisateur n° %d n'a pas d'identité FranceConnect"},
			"notfound.franceconnect_sub":    {"no account has this FranceConnect identity", "aucun compte n'a cette identité FranceConnect"},

			"user.birth_date_trainees": {"only trainee accounts have a birth date", "seuls les comptes stagiaires ont une date de naissance"},
			"notfound.email_change":    {"no change of e-mail address is waiting", "aucun changement d'adresse mail n'est en attente"},
			"email_change.refused": {
				"this code does not confirm a new address of yours: check it, or ask again with `profil user update --email NEW`",
				"ce code ne confirme aucune nouvelle adresse pour vous : vérifiez-le, ou redemandez avec `profil user update --email NOUVELLE`",
			},
			"mail.email_change.subject": {"Confirm your new e-mail address", "Confirmez votre nouvelle adresse mail"},
			"mail.email_change.body": {
				"You asked for this address to become the one of your account. Your confirmation code is %s (valid %d hours):",
				"Vous avez demandé que cette adresse devienne celle de votre compte. Votre code de confirmation est %s (valable %d heures) :",
			},
			"mail.email_change.ignore": {
				"If you did not ask for it, ignore this message: your account keeps its address.",
				"Si vous ne l'avez pas demandé, ignorez ce message : votre compte garde son adresse.",
			},
			"import.what_cases":            {"cases", "dossiers"},
			"case.list_empty":              {"no case files", "aucun dossier"},
			"case.arg_number":              {"the case number", "le numéro de dossier"},
			"trainee.no_case_yet":          {"waiting for its case", "en attente de son dossier"},
			"trainee.case_flag":            {"give either --case-number N or --no-case-number", "donnez soit --case-number N, soit --no-case-number"},
			"trainee.accept_terms_flag":    {"the terms of use must be accepted: read them with `profil terms show`, then pass --accept-terms", "les conditions d'utilisation doivent être acceptées : lisez-les avec `profil terms show`, puis passez --accept-terms"},
			"trainee.accept_terms_ask":     {"Do you accept the terms of use (`profil terms show` prints them)?", "Acceptez-vous les conditions d'utilisation (`profil terms show` les affiche) ?"},
			"trainee.registered_case":      {"Account %s created, attached to case %s: a temporary password is mailed to you.", "Compte %s créé, rattaché au dossier %s : un mot de passe provisoire vous est envoyé par mail."},
			"trainee.registered_waiting":   {"Account %s created; it waits for its case, and is attached when the funder imports it. A temporary password is mailed to you.", "Compte %s créé ; il attend son dossier, et y sera rattaché quand le financeur l'importera. Un mot de passe provisoire vous est envoyé par mail."},
			"trainee.list_empty":           {"no trainee accounts", "aucun compte stagiaire"},
			"terms.published":              {"Version %s of the terms of use is published: everyone accepts it at their next command.", "La version %s des conditions d'utilisation est publiée : chacun l'accepte à sa prochaine commande."},
			"terms.show_header":            {"Terms of use, version %s, published %s:", "Conditions d'utilisation, version %s, publiée le %s :"},
			"terms.accepted":               {"You accepted version %s of the terms of use.", "Vous avez accepté la version %s des conditions d'utilisation."},
			"terms.accepted_already":       {"You had accepted version %s of the terms of use already.", "Vous aviez déjà accepté la version %s des conditions d'utilisation."},
			"terms.status_counts":          {"Version %s: %d accepted, %d not yet.", "Version %s : %d acceptations, %d en attente."},
			"user_update.email_code_sent":  {"A code is mailed to %s: confirm the new address with `profil user confirm-email --code CODE`.", "Un code est envoyé à %s : confirmez la nouvelle adresse avec `profil user confirm-email --code CODE`."},
			"user_show.pending_email":      {"%s, waiting for the code mailed to it", "%s, en attente du code qui lui a été envoyé"},
			"stdin.error":                  {"%s: cannot read standard input: %v", "%s : lecture de l'entrée standard impossible : %v"},
			"stdin.lines":                  {"%s: expected %d non-empty lines on standard input", "%s : %d lignes non vides attendues sur l'entrée standard"},
			"secret.stdin_required":        {"no terminal to ask the answer on: pass --answer-stdin and give it on standard input", "pas de terminal pour demander la réponse : passez --answer-stdin et donnez-la sur l'entrée standard"},
			"secret.ask_answer":            {"Answer to « %s »:", "Réponse à « %s » :"},
			"secret.done":                  {"Your secret question is set.", "Votre question secrète est enregistrée."},
			"forgot.both_stdin":            {"--answer-stdin and --password-stdin go together: the answer, then the new password, one a line", "--answer-stdin et --password-stdin vont ensemble : la réponse, puis le nouveau mot de passe, un par ligne"},
			"forgot.stdin_required":        {"no terminal to ask on: pass --answer-stdin --password-stdin and give the answer, then the new password, on standard input", "pas de terminal pour poser les questions : passez --answer-stdin --password-stdin et donnez la réponse, puis le nouveau mot de passe, sur l'entrée standard"},
			"forgot.done":                  {"The password of %s is changed: sign in with it (profil login).", "Le mot de passe de %s est changé : connectez-vous avec (profil login)."},
			"confirm_email.done":           {"Your e-mail address is now %s: it is your login.", "Votre adresse mail est désormais %s : c'est votre identifiant."},
			"franceconnect.linked":         {"Linked to the FranceConnect identity %s (%s).", "Lié à l'identité FranceConnect %s (%s)."},
			"franceconnect.linked_already": {"Linked to the FranceConnect identity %s already: nothing changed.", "Déjà lié à l'identité FranceConnect %s : rien n'a changé."},
			"franceconnect.unlinked":       {"The FranceConnect identity is unlinked.", "L'identité FranceConnect est déliée."},
			"franceconnect.not_linked":     {"The account was not linked to FranceConnect: nothing changed.", "Le compte n'était pas lié à FranceConnect : rien n'a changé."},
			"data.franceconnect":           {"FranceConnect identity", "Identité FranceConnect"},
		}
	})
}
