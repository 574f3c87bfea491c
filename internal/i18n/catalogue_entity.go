package i18n

// Entity requests (guide 004), documents, e-mail activation and change requests.
func init() {
	topics = append(topics, func() map[string]message {
		return map[string]message{
			"notfound.document":         {"document %d not found", "document n° %d introuvable"},
			"args.request_document":     {"a request id and a document (proof, mandate, or its file name)", "un numéro de demande et un document (proof, mandate, ou son nom de fichier)"},
			"value.unverified":          {"unverified", "non vérifiée"},
			"value.change":              {"change", "modification de structure"},
			"label.documents":           {"Documents", "Documents"},
			"label.mandate":             {"Mandate", "Mandat"},
			"label.changes":             {"Changes", "Modifications"},
			"label.comment":             {"Comment", "Commentaire"},
			"request.kind_change":       {"change", "modification de structure"},
			"request.status_unverified": {"unverified", "non vérifiée"},
			"request.unverified": {
				"request %d is not verified yet: its e-mail address must be confirmed with the code mailed before anyone decides it",
				"la demande n° %d n'est pas encore vérifiée : son adresse e-mail doit être confirmée avec le code envoyé avant toute décision"},
			"settings.help.registration_activation": {"new requests wait for their e-mail address to be confirmed with a mailed code", "les nouvelles demandes attendent la confirmation de leur adresse e-mail par un code envoyé"},
			"settings.help.registration_proof":      {"whether a structure request must join a proof of legal existence", "si une demande de référencement doit joindre un justificatif d'existence légale"},
			"settings.help.activation_ttl":          {"how long an activation code works, e.g. 48h or 2d", "durée de validité d'un code d'activation, par exemple 48h ou 2d"},
			"settings.help.referent_label":          {"the word mails use for the référent, e.g. gestionnaire entité", "le mot des mails pour le référent, par exemple gestionnaire entité"},
			"entity.referent_label_invalid":         {"expected a word or two, at most 40 characters", "attendu : un ou deux mots, 40 caractères au plus"},
			"entity.ttl_invalid":                    {"expected a duration from 10m to 30d, e.g. 48h or 2d", "durée attendue de 10m à 30d, par exemple 48h ou 2d"},
			"entity.proof_policy_invalid":           {"expected off, optional or required", "valeurs possibles : off, optional ou required"},

			"document.too_large":  {"larger than %d MB", "dépasse %d Mo"},
			"document.empty":      {"the file is empty", "le fichier est vide"},
			"document.type":       {"not a PDF, JPEG or PNG file (recognised by its content, not its name)", "n'est pas un fichier PDF, JPEG ou PNG (reconnu par son contenu, pas par son nom)"},
			"document.name":       {"the file name is not valid UTF-8 text of at most 255 bytes", "le nom du fichier n'est pas un texte UTF-8 valide d'au plus 255 octets"},
			"document.unreadable": {"cannot be read: %v", "illisible : %v"},
			"document.not_file":   {"not a regular file", "n'est pas un fichier ordinaire"},
			"document.mandate_future": {
				"the mandate is dated in the future", "le mandat est daté dans le futur"},
			"document.mandate_old": {
				"the mandate must be less than %d months old", "le mandat doit dater de moins de %d mois"},
			"document.mandate_date_format":   {"expected a date YYYY-MM-DD", "date attendue au format AAAA-MM-JJ"},
			"document.mandate_date_required": {"--mandate needs --mandate-date, the date of the mandate", "--mandate demande --mandate-date, la date du mandat"},
			"document.mandate_date_alone":    {"--mandate-date needs --mandate, the mandate itself", "--mandate-date demande --mandate, le mandat lui-même"},
			"document.proof_required": {
				"a proof of legal existence is required (Kbis, Journal officiel notice, decree): --proof FILE",
				"un justificatif d'existence légale est obligatoire (Kbis, avis au Journal officiel, décret) : --proof FICHIER"},
			"document.named_without_proof": {"--named-on-proof needs --proof", "--named-on-proof demande --proof"},
			"document.mandate_required": {
				"your name is not on the proof: join a mandate delegation naming you, dated less than 3 months (--mandate FILE --mandate-date YYYY-MM-DD)",
				"votre nom ne figure pas sur le justificatif : joignez une délégation de mandat à votre nom datée de moins de 3 mois (--mandate FICHIER --mandate-date AAAA-MM-JJ)"},
			"document.mandate_public": {
				"a ministry or public body needs a mandate delegation naming you, dated less than 3 months (--mandate FILE --mandate-date YYYY-MM-DD)",
				"un ministère ou un organisme public demande une délégation de mandat à votre nom datée de moins de 3 mois (--mandate FICHIER --mandate-date AAAA-MM-JJ)"},
			"document.mandate_expired": {
				"the mandate dated %s is %d months old or more: ask the applicant for a new one",
				"le mandat daté du %s a %d mois ou plus : demandez-en un nouveau au demandeur"},
			"document.not_found": {"request %d has no document “%s”", "la demande n° %d n'a pas de document « %s »"},
			"document.written": {
				"✓ %s written to %s (%d bytes, SHA-256 %s)",
				"✓ %s écrit dans %s (%d octets, SHA-256 %s)"},
			"document.file_folder":   {"is a folder: name the file to write", "est un dossier : nommez le fichier à écrire"},
			"document.file_required": {"--file is required: where to write the document", "--file est obligatoire : où écrire le document"},

			"view.document_line":         {"%s: %s (%s, %d bytes, SHA-256 %s)", "%s : %s (%s, %d octets, SHA-256 %s)"},
			"view.document_kind_proof":   {"proof", "justificatif"},
			"view.document_kind_mandate": {"mandate", "mandat"},
			"view.mandate_date":          {"dated %s (%d days old)", "daté du %s (il y a %d jours)"},

			"entity.no_siret_and_siret": {"--no-siret and --siret exclude each other", "--no-siret et --siret s'excluent"},
			"entity.no_siret_field":     {"required without SIRET", "obligatoire sans SIRET"},
			"entity.ministry_public":    {"--ministry and --public-body exclude each other (universities and public schools are public bodies)", "--ministry et --public-body s'excluent (universités et écoles publiques sont des organismes publics)"},
			"entity.account_exists": {
				"%s already has an account: sign in and ask for the structure, or use another address",
				"%s a déjà un compte : connectez-vous pour demander la structure, ou utilisez une autre adresse"},
			"entity.account_fields": {
				"--last-name and --first-name go together: they make your account, which becomes the structure's %s",
				"--last-name et --first-name vont ensemble : ils créent votre compte, qui deviendra %s de la structure"},
			"entity.signed_in_account": {
				"you are signed in: the request is made with your account; --last-name, --first-name and --password-stdin are for people without one",
				"vous êtes connecté : la demande est faite avec votre compte ; --last-name, --first-name et --password-stdin servent à qui n'en a pas"},

			"policy.request_activate": {"confirm a request's e-mail address", "confirmer l'adresse e-mail d'une demande"},
			"policy.request_purge":    {"remove stale unverified requests", "supprimer les demandes non vérifiées périmées"},
			"activation.refused": {
				"this code does not activate the request: it is wrong, expired or used, or the request is not waiting for one. Have a new code mailed with `profil request resend-activation EMAIL`",
				"ce code n'active pas la demande : il est faux, expiré ou déjà utilisé, ou la demande n'en attend pas. Faites-vous envoyer un nouveau code avec `profil request resend-activation EMAIL`"},
			"args.email": {"an e-mail address", "une adresse e-mail"},
			"activation.confirm": {
				"  confirm your address first: a code is mailed to %s; then run `profil request activate %d --code CODE`",
				"  confirmez d'abord votre adresse : un code est envoyé à %s ; lancez ensuite `profil request activate %d --code CODE`"},
			"activation.code_required":    {"--code is required: the code mailed to you", "--code est obligatoire : le code reçu par mail"},
			"activation.done":             {"✓ request %d confirmed: it now waits for a decision", "✓ demande n° %d confirmée : elle attend maintenant une décision"},
			"activation.resent":           {"✓ if a request waits for this address, a new code was mailed to it (at most one mail per 15 minutes)", "✓ si une demande attend cette adresse, un nouveau code lui a été envoyé (au plus un mail par 15 minutes)"},
			"activation.purge_unverified": {"say what to remove: --unverified", "précisez quoi supprimer : --unverified"},
			"activation.purged":           {"✓ %d unverified requests removed", "✓ %d demandes non vérifiées supprimées"},
			"activation.older_than":       {"expected days (30d) or hours (72h)", "attendu : des jours (30d) ou des heures (72h)"},
			"activation.purge_min":        {"must be at least 1 day", "doit valoir au moins 1 jour"},
			"mail.activation.subject":     {"Confirm your request %d", "Confirmez votre demande n° %d"},
			"mail.activation.body": {
				"To confirm your e-mail address and send request %d to the people who decide it, use this code: %s\nIt is valid for %d hours, once.",
				"Pour confirmer votre adresse e-mail et transmettre la demande n° %d à qui la décide, utilisez ce code : %s\nIl est valable %d heures, une seule fois."},
			"mail.activation.ignore": {
				"If you did not make this request, ignore this message: without the code, the request is removed.",
				"Si vous n'avez pas fait cette demande, ignorez ce message : sans le code, la demande est supprimée."},
			"policy.structure_change_ask": {"report a change of a structure's data", "signaler une modification des données d'une structure"},
			"policy.change_request": {
				"only gestionnaires may %s: request %d is a change of a structure's data",
				"seuls les gestionnaires peuvent %s : la demande n° %d est une modification des données d'une structure"},
			"change.nothing":                  {"nothing to change: %s already has these values", "rien à modifier : %s a déjà ces valeurs"},
			"change.sent":                     {"✓ change request %d sent: the gestionnaires apply it or refuse it, and you are told by mail", "✓ demande de modification n° %d envoyée : les gestionnaires l'appliquent ou la refusent, et vous êtes prévenu par mail"},
			"change.flags":                    {"give at least one field to change, e.g. --city or --address", "indiquez au moins un champ à modifier, par exemple --city ou --address"},
			"review.card_public_body":         {"Public body", "Organisme public"},
			"review.card_account":             {"Account", "Compte"},
			"review.account_becomes_referent": {"created with the request; approving makes it the structure's référent", "créé avec la demande ; l'accepter en fait le référent de la structure"},
			"review.card_documents":           {"Documents", "Documents"},
			"review.no_documents":             {"no document", "aucun document"},
			"review.document":                 {"%s: %s (%s, %d bytes)", "%s : %s (%s, %d octets)"},
			"review.card_mandate":             {"Mandate", "Mandat"},
			"review.card_changes":             {"Changes", "Modifications"},
			"review.card_comment":             {"Comment", "Commentaire"},
			"view.change_line":                {"%s: %s → %s", "%s : %s → %s"},
			"mail.change_waiting.subject":     {"Change of structure data to decide: %s", "Modification de données de structure à décider : %s"},
			"mail.change_waiting.body": {
				"%s asks to change the data of the structure %s (request %d):",
				"%s demande à modifier les données de la structure %s (demande n° %d) :"},
			"mail.change_approved.subject": {"Structure data changed: %s", "Données de structure modifiées : %s"},
			"mail.change_approved.body": {
				"Your request %d is approved: the data of the structure %s are changed.",
				"Votre demande n° %d est acceptée : les données de la structure %s sont modifiées."},
			"mail.change_rejected.subject": {"Change of structure data refused: %s", "Modification de données de structure refusée : %s"},
			"mail.change_rejected.body": {
				"Your request %d to change the data of the structure %s is refused.",
				"Votre demande n° %d de modification des données de la structure %s est refusée."},
			"mail.entity_request_approved.body": {
				"The structure “%s” is now registered (%s).\nYour account %s is active and you are the structure's %s: you validate the other accounts of the structure.",
				"La structure « %s » est maintenant enregistrée (%s).\nVotre compte %s est actif et vous êtes %s de la structure : vous validez les autres comptes de la structure."},
		}
	})
}
