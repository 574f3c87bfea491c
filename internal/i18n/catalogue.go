package i18n

// baseMessages are the messages of no topic file; catalogue gathers them with the topics'.
// Every message profil writes for people is in English and in French, by key.
// Help text stays in English; JSON keys, CSV headers, flag names and field names in errors
// ("siret", "email") are the same in every language.
//
// French typography: a plain space before ":", "?", "!" and ";", « guillemets » around names,
// vouvoiement.
func baseMessages() map[string]message {
	return map[string]message{
		// Errors: a field, a rule, the policy.
		"field.error":       {"%s: %s", "%s : %s"},
		"field.error_value": {"%s %q: %s", "%s %q : %s"},
		"field.required":    {"is required", "est obligatoire"},

		"auth.not_signed_in": {
			"not signed in: run `profil login` (or pass --token)",
			"vous n'êtes pas connecté : lancez `profil login` (ou passez --token)"},

		"ape.shape": {"must look like 85.59A (NAF rév. 2)", "doit être de la forme 85.59A (NAF rév. 2)"},

		"email.empty":          {"must be an address like name@example.fr", "doit être une adresse comme nom@exemple.fr"},
		"email.mailto":         {"must be the address alone, without mailto:", "doit être l'adresse seule, sans mailto:"},
		"email.display_name":   {"must be the address alone, without a display name or quotes", "doit être l'adresse seule, sans nom affiché ni guillemets"},
		"email.ascii":          {"must use ASCII characters only", "ne doit contenir que des caractères ASCII"},
		"email.too_long":       {"must be at most 254 characters", "doit faire 254 caractères au plus"},
		"email.one_at":         {"must contain exactly one @", "doit contenir exactement un @"},
		"email.local_empty":    {"must have a name before the @", "doit avoir un nom avant le @"},
		"email.local_too_long": {"must have at most 64 characters before the @", "doit avoir 64 caractères au plus avant le @"},
		"email.local_dots": {
			"must not start or end with a dot, or have two dots in a row, before the @",
			"ne doit pas commencer ni finir par un point, ni avoir deux points de suite, avant le @"},
		"email.spaces":     {"must not contain spaces", "ne doit pas contenir d'espaces"},
		"email.control":    {"must not contain control characters", "ne doit pas contenir de caractères de contrôle"},
		"email.local_char": {"must not contain %q before the @", "ne doit pas contenir %q avant le @"},
		"email.domain": {
			"must end with a domain name like example.fr after the @",
			"doit finir par un nom de domaine comme exemple.fr après le @"},

		"phone.invalid": {"not a valid phone number", "n'est pas un numéro de téléphone valide"},

		"postal_code.shape":     {"must be 5 digits, e.g. 33600", "doit comporter 5 chiffres, par exemple 33600"},
		"postal_code.starts_00": {"must not start with 00 (no French postal code does)", "ne doit pas commencer par 00 (aucun code postal français ne le fait)"},
		"postal_code.no_department": {
			"does not belong to a French department or overseas collectivity",
			"n'appartient à aucun département ni collectivité d'outre-mer français"},

		"siret.shape":    {"must be 14 digits", "doit comporter 14 chiffres"},
		"siren.shape":    {"must be 9 digits", "doit comporter 9 chiffres"},
		"siret.checksum": {"checksum does not match (check for a typo)", "la clé de contrôle ne correspond pas (vérifiez la saisie)"},

		"structure_ref.empty": {"is required: give its SIRET, SIREN, id or name", "est obligatoire : donnez son SIRET, son SIREN, son numéro ou son nom"},

		"structure.kind_invalid":     {"must be one of training-org, prescriber, employer", "doit être training-org, prescriber ou employer"},
		"structure.name_too_long":    {"is longer than 200 characters", "dépasse 200 caractères"},
		"structure.address_required": {"is required when the structure has no SIRET", "est obligatoire pour une structure sans SIRET"},
		"structure.year_invalid":     {"must be a year such as 2026", "doit être une année comme 2026"},

		"profile.unknown": {"unknown profile code: see `profil profile catalog`", "code de profil inconnu : voyez `profil profile catalog`"},
		"profile.needs_kind": {
			"%s needs a structure of kind %s; %s is %s",
			"%s demande une structure de type %s ; « %s » est %s"},
		"profile.exclusive": {
			"one %s profile per user and structure: %s already holds the place (revoke it first)",
			"un seul profil %s par personne et par structure : %s occupe déjà la place (retirez-le d'abord)"},
		"profile.not_removable": {
			"%s cannot be removed: it comes with every membership",
			"%s ne peut pas être retiré : il accompagne chaque rattachement"},
		"profile.kinds_none": {"of no kind", "sans type"},
		"profile.kinds_only": {"%s only", "seulement %s"},

		"request.kind_invalid":   {"must be structure, account or affiliation", "doit être structure, account ou affiliation"},
		"request.status_invalid": {"must be pending, approved or rejected", "doit être pending, approved ou rejected"},
		"request.already_decided": {
			"request %d is already %s",
			"la demande n° %d a déjà été %s"},
		"request.already_decided_on": {
			"request %d is already %s on %s",
			"la demande n° %d a déjà été %s le %s"},
		"request.reason_required": {
			"is required to reject a request: the person will read it",
			"est obligatoire pour refuser une demande : la personne le lira"},
		"request.status_pending":  {"pending", "en attente"},
		"request.status_approved": {"approved", "acceptée"},
		"request.status_rejected": {"rejected", "refusée"},

		"waited.days":    {"%d d", "%d j"},
		"waited.hours":   {"%d h", "%d h"},
		"waited.minutes": {"%d min", "%d min"},
		"waited.now":     {"just now", "à l'instant"},

		"token.revoked":   {"this API token was revoked: sign in again", "ce jeton d'API a été révoqué : reconnectez-vous"},
		"session.revoked": {"this session was revoked: sign in again", "cette session a été révoquée : reconnectez-vous"},
		"token.expired":   {"this API token expired on %s: sign in again", "ce jeton d'API a expiré le %s : reconnectez-vous"},
		"session.expired": {"this session expired on %s: sign in again", "cette session a expiré le %s : reconnectez-vous"},

		// Who may do what (domain/policy.go): "only WHO may WHAT".
		"policy.only":            {"only %s may %s", "il faut être %s pour %s"},
		"policy.read_only_token": {"this API token is read-only: it may not %s", "ce jeton d'API est en lecture seule : il ne peut pas %s"},
		"policy.structure_request": {
			"only a gestionnaire may %s: request %d is a structure to reference",
			"seul un gestionnaire peut %s : la demande n° %d porte sur une structure à référencer"},
		"policy.no_referent": {
			"request %d is for a structure without référent: only a gestionnaire may %s",
			"la demande n° %d concerne une structure sans référent : seul un gestionnaire peut %s"},
		"policy.referent_request": {
			"only the référent of the structure or a gestionnaire may %s (request %d)",
			"seuls le référent de la structure ou un gestionnaire peuvent %s (demande n° %d)"},
		"policy.password_session": {
			"an API token may not %s: sign in with your password",
			"un jeton d'API ne peut pas %s : connectez-vous avec votre mot de passe"},
		"policy.referent_self_detach": {
			"a référent cannot detach their own account: ask a gestionnaire",
			"un référent ne peut pas détacher son propre compte : demandez-le à un gestionnaire"},

		"who.anyone":           {"anyone, signed in or not", "n'importe qui, connecté ou non"},
		"who.signed_in":        {"any signed-in user", "connecté"},
		"who.members":          {"members of the structure", "membre de la structure"},
		"who.self":             {"the person themself", "la personne elle-même"},
		"who.self_or_referent": {"the person themself, or the référent of one of their structures", "la personne elle-même, ou le référent d'une de ses structures"},
		"who.referent":         {"the référent of the structure", "référent de la structure"},
		"who.referent_of_kind": {"the référent of the structure, for account and affiliation requests only", "référent de la structure (pour les demandes de création de compte et de rattachement seulement)"},
		"who.managers":         {"gestionnaires only", "gestionnaire"},
		"who.password_session": {"a user signed in with a password (not an API token)", "connecté avec un mot de passe (et non un jeton d'API)"},
		"who.a_manager":        {"a gestionnaire", "gestionnaire"},
		"who.or_manager":       {"%s or a gestionnaire", "%s ou gestionnaire"},

		"policy.structure_read":      {"read structures", "consulter les structures"},
		"policy.structure_create":    {"create a structure", "créer une structure"},
		"policy.structure_update":    {"change a structure", "modifier une structure"},
		"policy.structure_adhesion":  {"record an adhesion", "enregistrer une adhésion"},
		"policy.structure_ask":       {"ask for a structure to be referenced", "demander le référencement d'une structure"},
		"policy.user_register":       {"ask for an account", "demander un compte"},
		"policy.user_read":           {"see this account", "voir ce compte"},
		"policy.user_edit":           {"change this account", "modifier ce compte"},
		"policy.user_password":       {"change a password", "changer un mot de passe"},
		"policy.user_reset_password": {"reset a password", "réinitialiser un mot de passe"},
		"policy.user_list":           {"list the users of every structure", "lister les utilisateurs de toutes les structures"},
		"policy.affiliation_ask":     {"ask to join a structure", "demander un rattachement à une structure"},
		"policy.request_read":        {"read requests", "consulter les demandes"},
		"policy.request_show":        {"see this request", "voir cette demande"},
		"policy.request_decide":      {"decide this request", "statuer sur cette demande"},
		"policy.members_read":        {"see the members of this structure", "voir les membres de cette structure"},
		"policy.member_detach":       {"detach a member", "détacher un membre"},
		"policy.referent_hand_over":  {"hand over the référent role", "transmettre le rôle de référent"},
		"policy.profile_grant":       {"grant or revoke profiles", "attribuer ou retirer des profils"},
		"policy.catalogue_read":      {"read the catalogue", "consulter le catalogue"},
		"policy.export":              {"export the users of this structure", "exporter les utilisateurs de cette structure"},
		"policy.import":              {"import", "importer"},
		"policy.audit_read":          {"read the audit trail", "consulter le journal d'audit"},
		"policy.mail_read":           {"read the mail outbox", "consulter la file des mails"},
		"policy.mail_send":           {"send the mail outbox", "envoyer la file des mails"},
		"policy.token_manage":        {"manage API tokens", "gérer les jetons d'API"},

		// Use cases (internal/service).
		"auth.already_bootstrapped": {
			"this database already has a gestionnaire: sign in with `profil login`",
			"cette base a déjà un gestionnaire : connectez-vous avec `profil login`"},
		"auth.account_pending":  {"the account %s is waiting for its request to be approved", "le compte %s attend que sa demande soit acceptée"},
		"auth.account_refused":  {"the account request of %s was refused", "la demande de création de compte de %s a été refusée"},
		"auth.account_disabled": {"the account %s is disabled", "le compte %s est désactivé"},
		"auth.unknown_token": {
			"unknown or revoked token: sign in with `profil login`",
			"jeton inconnu ou révoqué : connectez-vous avec `profil login`"},

		"export.scope_required": {"name one structure, or export them all", "désignez une structure, ou exportez-les toutes"},
		"export.all_managers_only": {
			"only a gestionnaire may export the users of every structure; a référent exports those of their structure with --structure",
			"seul un gestionnaire peut exporter les utilisateurs de toutes les structures ; un référent exporte ceux de sa structure avec --structure"},

		"referent.not_member":       {"%s is not an active member of %s: the référent must be one", "%s n'est pas membre actif de « %s » : le référent doit l'être"},
		"referent.account_inactive": {"the account %s is not active", "le compte %s n'est pas actif"},
		"referent.already":          {"%s is already the référent of %s", "%s est déjà référent de « %s »"},
		"member.not_member":         {"%s is not a member of %s", "%s n'est pas membre de « %s »"},
		"detach.new_referent_unneeded": {
			"only needed when the référent leaves; %s is not the référent of %s",
			"utile seulement quand le référent s'en va ; %s n'est pas référent de « %s »"},
		"detach.new_referent_same": {"must be another member than the one leaving", "doit être un autre membre que celui qui s'en va"},
		"detach.referent_leaving": {
			"%s is the référent of %s: name the next one with --new-referent, or pass --no-referent to leave the structure without one",
			"%s est référent de « %s » : désignez son successeur avec --new-referent, ou passez --no-referent pour laisser la structure sans référent"},

		"profile.grant_of": {"%s of %s", "%s de %s"},
		"structure.kinds_break_grants": {
			"the new kinds of %s would break these grants; revoke them first: %v",
			"les nouveaux types de « %s » rendraient ces profils invalides ; retirez-les d'abord : %v"},
		"structure.siret_taken": {"SIRET %s is already structure #%d %q", "le SIRET %s est déjà celui de la structure n° %d %q"},

		"token.scope_invalid": {`must be "read" (read-only), or empty for all your rights`, `doit être "read" (lecture seule), ou vide pour tous vos droits`},
		"token.name_required": {"is required: say what the token is for, e.g. cron-export", "est obligatoire : dites à quoi sert le jeton, par exemple cron-export"},
		"token.name_too_long": {"is too long (64 characters at most)", "est trop long (64 caractères au plus)"},
		"token.name_control":  {"must not contain control characters", "ne doit pas contenir de caractères de contrôle"},
		"token.ttl_negative":  {"must be positive, or 0 for a token that never expires", "doit être positive, ou 0 pour un jeton qui n'expire jamais"},
		"token.name_taken": {
			"you already have an API token named %q (id %d): choose another name, or revoke it first with `profil token revoke %d`",
			"vous avez déjà un jeton d'API nommé %q (n° %d) : choisissez un autre nom, ou révoquez-le d'abord avec `profil token revoke %d`"},
		"token.already_revoked": {"API token %d (%s) was already revoked on %s", "le jeton d'API n° %d (%s) a déjà été révoqué le %s"},
		"token.not_found":       {"API token %d not found (see `profil token list`)", "jeton d'API n° %d introuvable (voyez `profil token list`)"},
		"token.not_yours": {
			"API token %d is not yours: only its owner or a gestionnaire may revoke it",
			"le jeton d'API n° %d n'est pas le vôtre : seuls son propriétaire ou un gestionnaire peuvent le révoquer"},

		"user.email_taken":          {"another account already uses %s", "un autre compte utilise déjà %s"},
		"user.name_managers_only":   {"only a gestionnaire may change a name", "seul un gestionnaire peut changer un nom"},
		"user.wrong_password":       {"the current password is wrong", "le mot de passe actuel est incorrect"},
		"audit.decisions_of_others": {"only a gestionnaire may read the decisions of others", "seul un gestionnaire peut consulter les décisions des autres"},

		// Imports: files read by `structure import` and `user import`.
		"csv.empty": {
			"the file is empty: the first line must name the columns (%s)",
			"le fichier est vide : la première ligne doit nommer les colonnes (%s)"},
		"csv.bad_header": {"the header cannot be read: %v", "l'en-tête est illisible : %v"},
		"csv.duplicate_column": {
			"line %d: columns %q and %q both give %s: keep one",
			"ligne %d : les colonnes %q et %q donnent toutes deux %s : gardez-en une"},
		"csv.missing_column": {
			"line %d: missing column %s (the header must name the columns: %s; separator %q)",
			"ligne %d : il manque la colonne %s (l'en-tête doit nommer les colonnes : %s ; séparateur %q)"},
		"csv.missing_columns": {
			"line %d: missing columns %s (the header must name the columns: %s; separator %q)",
			"ligne %d : il manque les colonnes %s (l'en-tête doit nommer les colonnes : %s ; séparateur %q)"},
		"csv.line": {"line %d: %v", "ligne %d : %v"},
		"csv.quote_never_closed": {
			"line %d: a quote (\") opens a cell and is never closed, so the rest of the file was read as one cell: close or remove it",
			"ligne %d : un guillemet (\") ouvre une cellule sans jamais la fermer, et la suite du fichier a été lue comme une seule cellule : fermez-le ou retirez-le",
		},
		"csv.nul": {"a cell holds a NUL byte: is this a text file?", "une cellule contient un octet NUL : est-ce bien un fichier texte ?"},

		"import.line_error": {"line %d, %s", "ligne %d, %s"},
		"import.line":       {"line %d: %w", "ligne %d : %w"},
		"import.column":     {"column %s: %s", "colonne %s : %s"},
		// A value and the reason it is refused: "x" is not…, "x" must…, or "x": reason. The
		// *_starts messages list, separated by "|", the first words of the reasons that read so.
		"import.phrase_is":               {"%q is %s", "%q est %s"},
		"import.phrase_is_starts":        {"not ", ""},
		"import.phrase_predicate":        {"%q %s", "%q %s"},
		"import.phrase_predicate_starts": {"must |is |appears ", "doit |est |n'est |ne |n'appartient |apparaît |dépasse "},
		"import.phrase_colon":            {"%q: %s", "%q : %s"},
		"import.refused.one": {
			"%d of %d lines is invalid; nothing was imported (correct it, or pass --skip-invalid to import the other lines):",
			"%d ligne sur %d est invalide ; rien n'a été importé (corrigez-la, ou passez --skip-invalid pour importer les autres lignes) :"},
		"import.refused.other": {
			"%d of %d lines are invalid; nothing was imported (correct them, or pass --skip-invalid to import the other lines):",
			"%d lignes sur %d sont invalides ; rien n'a été importé (corrigez-les, ou passez --skip-invalid pour importer les autres lignes) :"},
		"import.and_more": {"and %d more", "et %d de plus"},
		"import.batch_failed": {
			"lines %d to %d: %w (the lines before were imported: run the same import again to finish)",
			"lignes %d à %d : %w (les lignes précédentes ont été importées : relancez le même import pour finir)"},
		"import.bad_csv":        {"not well-formed CSV: %s", "CSV mal formé : %s"},
		"import.read_failed":    {"read the file: %w", "lecture du fichier : %w"},
		"import.too_many_lines": {"the file has more than %d lines: split it (nothing was written)", "le fichier a plus de %d lignes : découpez-le (rien n'a été écrit)"},
		"import.source_invalid": {"must be one of %s", "doit être l'une des sources %s"},
		"import.duplicate":      {"appears again for the same structure: first on line %d", "apparaît une deuxième fois pour la même structure : déjà ligne %d"},
		"import.duplicate_no_siret": {
			"appears again with the same address and postal code, without SIRET: first on line %d",
			"apparaît une deuxième fois avec la même adresse et le même code postal, sans SIRET : déjà ligne %d"},
		"import.unknown_siret": {
			"is not the SIRET of a known structure (import the structures first: `profil structure import`)",
			"n'est le SIRET d'aucune structure connue (importez d'abord les structures : `profil structure import`)"},
		"import.siret_required": {"is required: the structure the account belongs to", "est obligatoire : c'est la structure du compte"},
		"import.yes_no":         {"must be true or false (oui/non, 1/0)", "doit être vrai ou faux (oui/non, true/false, 1/0)"},

		// Mail sent to the portal's users (internal/service/mails.go).
		"mail.footer": {
			"This message is sent to you by the accounts service. Please do not reply to it.",
			"Ce message vous est envoyé par les comptes services. Merci de ne pas y répondre."},
		"mail.hello":      {"Hello,", "Bonjour,"},
		"mail.hello_name": {"Hello %s,", "Bonjour %s,"},
		"mail.reason":     {"Reason: %s", "Motif : %s"},
		"mail.structure_request_received.subject": {"Structure request received: %s", "Demande de référencement reçue : %s"},
		"mail.structure_request_received.body": {
			"Your request to reference the structure “%s” has been received.\nThe gestionnaires handle it within 24 to 48 hours; you will receive their answer by mail.",
			"Votre demande de référencement de la structure « %s » a bien été reçue.\nLes gestionnaires la traitent sous 24 à 48 h ; vous recevrez leur réponse par mail."},
		"mail.structure_request_approved.subject": {"Structure referenced: %s", "Structure référencée : %s"},
		"mail.structure_request_approved.body": {
			"The structure “%s” is now registered (%s).\nYou may go on creating your user account by choosing it in the list.",
			"La structure « %s » est maintenant enregistrée (%s).\nVous pouvez reprendre la création de votre compte utilisateur en la choisissant dans la liste."},
		"mail.structure_request_rejected.subject": {"Structure request rejected: %s", "Demande de référencement refusée : %s"},
		"mail.structure_request_rejected.body": {
			"Your request to reference the structure “%s” has been rejected.",
			"Votre demande de référencement de la structure « %s » a été refusée."},
		"mail.request_received.subject": {"Request received: %s", "Demande reçue : %s"},
		"mail.account_request_received.body": {
			"Your account request for the structure “%s” has been received.",
			"Votre demande de création de compte pour la structure « %s » a bien été reçue."},
		"mail.affiliation_request_received.body": {
			"Your affiliation request for the structure “%s” has been received.",
			"Votre demande d'affiliation pour la structure « %s » a bien été reçue."},
		"mail.request_received.next": {
			"It will be approved by the référent of the structure, or by the gestionnaires if it has none yet.\nYou will be told of the decision by mail.",
			"Elle sera validée par le ou la référent·e de la structure, ou par les gestionnaires si elle n'en a pas encore.\nVous serez informé·e de la décision par mail."},
		"mail.account_request_waiting.subject":     {"Account request waiting: %s", "Demande de création de compte en attente : %s"},
		"mail.affiliation_request_waiting.subject": {"Affiliation request waiting: %s", "Demande d'affiliation en attente : %s"},
		"mail.request_waiting.body": {
			"%s <%s> asks to join the structure “%s” (request no. %d).",
			"%s <%s> demande à rejoindre la structure « %s » (demande n° %d)."},
		"mail.request_waiting.how": {
			"To handle it: profil request approve %d  or  profil request reject %d --reason \"…\"",
			"Pour la traiter : profil request approve %d  ou  profil request reject %d --reason \"…\""},
		"mail.request_rejected.subject": {"Request rejected: %s", "Demande refusée : %s"},
		"mail.request_rejected.body": {
			"Your request to join the structure “%s” has been rejected.",
			"Votre demande de rattachement à la structure « %s » a été refusée."},
		"mail.request_approved.subject": {"Account approved: %s", "Compte validé : %s"},
		"mail.request_approved.body":    {"Your account is attached to the structure “%s”.", "Votre compte est rattaché à la structure « %s »."},
		"mail.request_approved.login":   {"Your login is your e-mail address: %s", "Votre identifiant est votre adresse mail : %s"},
		"mail.request_approved.no_password": {
			"At your first sign-in, a temporary password will be sent to you by mail.",
			"À votre première connexion, un mot de passe provisoire vous sera envoyé par mail."},
		"mail.request_approved.referent": {
			"You are the référent of the structure: from now on you will confirm account requests and grant rights.",
			"Vous êtes le ou la référent·e de la structure : vous confirmerez désormais les demandes de compte et attribuerez les droits."},
		"mail.referent.subject": {"You are the référent of %s", "Vous êtes référent·e de %s"},
		"mail.referent.body": {
			"The référent role of the structure “%s” has been given to you.\nYou confirm account requests, grant rights and report the changes of the structure.",
			"Le rôle de référent·e de la structure « %s » vous a été attribué.\nVous confirmez les demandes de compte, attribuez les droits et signalez les changements de la structure."},
		"mail.detached.subject":       {"End of affiliation: %s", "Fin de rattachement : %s"},
		"mail.detached.body":          {"Your account is no longer attached to the structure “%s”.", "Votre compte n'est plus rattaché à la structure « %s »."},
		"mail.password_reset.subject": {"Your new password", "Votre nouveau mot de passe"},
		"mail.wiped": {
			"(content wiped once sent: it held a temporary password)",
			"(contenu effacé après l'envoi : il contenait un mot de passe provisoire)"},

		// Passwords (internal/secret).
		"password.too_long":  {"password must be at most %d bytes long", "le mot de passe doit faire %d octets au plus"},
		"password.utf8":      {"password must be valid UTF-8 text", "le mot de passe doit être du texte UTF-8 valide"},
		"password.too_short": {"password must be at least %d characters long", "le mot de passe doit faire au moins %d caractères"},
		"password.repeated":  {"password must not consist of a single repeated character", "le mot de passe ne doit pas être un seul caractère répété"},

		// The database (internal/store).
		"notfound.structure":           {"structure #%d not found", "structure n° %d introuvable"},
		"notfound.structure_siret":     {"structure with SIRET %s not found", "aucune structure n'a le SIRET %s"},
		"notfound.membership":          {"membership of user #%d in structure #%d not found", "rattachement de l'utilisateur n° %d à la structure n° %d introuvable"},
		"notfound.membership_id":       {"membership #%d not found", "rattachement n° %d introuvable"},
		"notfound.referent":            {"référent of structure #%d not found", "référent de la structure n° %d introuvable"},
		"notfound.user_id":             {"user #%d not found", "utilisateur n° %d introuvable"},
		"notfound.user":                {"user %s not found", "utilisateur %s introuvable"},
		"notfound.mail":                {"mail #%d not found", "mail n° %d introuvable"},
		"notfound.token":               {"token not found", "jeton introuvable"},
		"notfound.token_id":            {"token #%d not found", "jeton n° %d introuvable"},
		"notfound.request":             {"request %d not found", "demande n° %d introuvable"},
		"profile.not_held":             {"profile %s is not held", "le profil %s n'est pas attribué"},
		"mail.not_sending":             {"mail #%d is %s, not being sent", "le mail n° %d est %s, et non en cours d'envoi"},
		"request.already_decided_race": {"request %d is already decided", "la demande n° %d a déjà été traitée"},
		"schema.behind": {
			"database schema is behind: it is at version %d, this profil needs %d: run `profil db migrate` (or `profil init`)",
			"le schéma de la base est en retard : il est à la version %d, cette version de profil attend la version %d : lancez `profil db migrate` (ou `profil init`)"},
		"schema.ahead": {
			"database schema is at version %d, newer than this profil knows (%d): upgrade profil",
			"le schéma de la base est à la version %d, plus récente que celles que connaît cette version de profil (%d) : mettez profil à jour"},

		// The command line (internal/cli): usage errors, what commands say they did, prompts.
		"args.missing":        {"missing %s: see `%s --help`", "il manque %s : voyez `%s --help`"},
		"args.too_many":       {"too many arguments (%d): %s takes %s", "trop d'arguments (%d) : %s attend %s"},
		"args.unexpected":     {"unexpected argument %q: see `%s --help`", "argument inattendu %q : voyez `%s --help`"},
		"args.structure_ref":  {"the structure's SIRET, SIREN, id or name", "le SIRET, le SIREN, le numéro ou le nom de la structure"},
		"args.search_text":    {"a search text", "un texte à chercher"},
		"args.csv_file":       {"the CSV file to import ('-' for standard input)", "le fichier CSV à importer ('-' pour l'entrée standard)"},
		"args.detach_email":   {"the e-mail of the person to detach", "l'adresse mail de la personne à détacher"},
		"args.account_email":  {"the e-mail of the account", "l'adresse mail du compte"},
		"args.request_id":     {"a request id", "un numéro de demande"},
		"args.email_profiles": {"an e-mail and at least one profile code", "une adresse mail et au moins un code de profil"},
		"args.token_id":       {"a token id", "un numéro de jeton"},

		"config.no_home":      {"no home folder for the configuration: %w", "pas de dossier personnel pour la configuration : %w"},
		"config.error":        {"--config %s: %v", "--config %s : %v"},
		"credentials.read":    {"read credentials: %w", "lecture des identifiants : %w"},
		"credentials.corrupt": {"read credentials %s: %w (delete it and sign in again)", "lecture des identifiants %s : %w (supprimez le fichier et reconnectez-vous)"},
		"credentials.save":    {"save credentials: %w", "enregistrement des identifiants : %w"},
		"auth.session_broken": {
			"your stored session no longer works (%w); run `profil login`",
			"votre session enregistrée ne fonctionne plus (%w) ; lancez `profil login`"},
		"auth.temporary_password": {
			"your password is temporary: change it first with `profil user passwd`",
			"votre mot de passe est provisoire : changez-le d'abord avec `profil user passwd`"},
		"password_stdin.too_long": {"--password-stdin: the first line is too long", "--password-stdin : la première ligne est trop longue"},
		"password_stdin.empty":    {"--password-stdin: standard input is empty", "--password-stdin : l'entrée standard est vide"},
		"usage.see_help":          {"%v (see `%s --help`)", "%v (voyez `%s --help`)"},
		"usage.unknown_verb":      {"unknown command %q for %q (see `%s --help`)", "commande %q inconnue pour %q (voyez `%s --help`)"},
		"usage.unknown_verb_hint": {
			"unknown command %q for %q; did you mean %q? (see `%s --help`)",
			"commande %q inconnue pour %q ; vouliez-vous dire %q ? (voyez `%s --help`)"},
		"usage.run_help":   {"Run '%s --help' for usage.", "Lancez '%s --help' pour l'aide."},
		"prompt.cancelled": {"cancelled", "annulé"},

		// structure …
		"adhesion.year_and_remove": {"give either --year or --remove, not both", "donnez --year ou --remove, pas les deux"},
		"adhesion.year_required":   {"--year is required (or --remove)", "--year est obligatoire (ou --remove)"},
		"adhesion.recorded":        {"✓ %s: adhesion %d recorded", "✓ %s : adhésion %d enregistrée"},
		"adhesion.removed":         {"✓ %s: adhesion removed", "✓ %s : adhésion retirée"},
		"structure.name_flag_required": {
			"--name is required (nothing may prompt here: no terminal, or --yes)",
			"--name est obligatoire (aucune question ne peut être posée ici : pas de terminal, ou --yes)"},
		"structure.created":     {"✓ created structure #%d %s", "✓ structure n° %d « %s » créée"},
		"structure.updated":     {"✓ updated structure #%d %s", "✓ structure n° %d « %s » modifiée"},
		"structure.ask_name":    {"Name of the structure (raison sociale)", "Nom de la structure (raison sociale)"},
		"structure.ask_address": {"Address (a structure without SIRET needs one)", "Adresse (obligatoire pour une structure sans SIRET)"},
		"structure.update_nothing": {
			"nothing to change: give at least one field flag (see `profil structure update --help`)",
			"rien à modifier : donnez au moins un champ à changer (voyez `profil structure update --help`)"},
		"members.none_waiting": {"nobody in %s waits for rights", "personne dans « %s » n'attend de droits"},
		"members.none":         {"%s has no member yet", "« %s » n'a pas encore de membre"},
		"structure_request.adhesion_year": {
			"--adhesion-year is recorded by the gestionnaires (`profil structure adhesion`), not asked for in a request",
			"--adhesion-year est enregistrée par les gestionnaires (`profil structure adhesion`), elle ne se demande pas"},
		"structure_request.name_required": {"--name is required when nothing may prompt", "--name est obligatoire quand aucune question ne peut être posée"},
		"structure_request.email_required": {
			"--requester-email is required when you are not signed in: the answer is mailed there",
			"--requester-email est obligatoire quand vous n'êtes pas connecté : la réponse y est envoyée"},
		"structure_request.ask_email": {"Your e-mail (the answer is mailed there)", "Votre adresse mail (la réponse y sera envoyée)"},
		"structure_request.sent": {
			"✓ request %d sent: the gestionnaires answer by mail within 24–48 h",
			"✓ demande n° %d envoyée : les gestionnaires répondent par mail sous 24 à 48 h"},
		"search.limit_invalid": {"--limit must be 0 (all) or more", "--limit doit valoir 0 (tout) ou plus"},
		"search.no_match": {
			"no structure matches; ask for it to be referenced with `profil structure request`",
			"aucune structure ne correspond ; demandez son référencement avec `profil structure request`"},

		"file.not_found":             {"%s: no such file", "%s : fichier introuvable"},
		"import.batch_size_invalid":  {"--batch-size must be at least 1", "--batch-size doit valoir au moins 1"},
		"import.progress_checking":   {"checking %s", "vérification de %s"},
		"import.progress_writing":    {"importing %s", "import des %s"},
		"import.progress_dry_run":    {"dry run", "essai à blanc"},
		"import.report_create":       {"--report: %w", "--report : %w"},
		"import.what_structures":     {"structures", "structures"},
		"import.what_accounts":       {"accounts", "comptes"},
		"import.summary":             {"%s %s: %s", "%s %s : %s"},
		"import.summary_dry_run":     {"%s dry run, nothing written; %s: %s", "%s essai à blanc, rien n'a été écrit ; %s : %s"},
		"import.lines.one":           {"%d line", "%d ligne"},
		"import.lines.other":         {"%d lines", "%d lignes"},
		"import.count":               {"%d %s", "%[2]s : %[1]d"},
		"import.count_bad":           {"%d bad, not imported", "invalides, non importées : %d"},
		"import.nothing_to_do":       {"nothing to do", "rien à faire"},
		"import.result_created":      {"created", "créations"},
		"import.result_would_create": {"would-create", "à créer"},
		"import.result_updated":      {"updated", "mises à jour"},
		"import.result_would_update": {"would-update", "à mettre à jour"},
		"import.result_attached":     {"attached", "rattachements"},
		"import.result_would_attach": {"would-attach", "à rattacher"},
		"import.result_skipped":      {"skipped", "déjà à jour"},

		// user …
		"args.an_email":                 {"an e-mail", "une adresse mail"},
		"args.too_many_at_most":         {"too many arguments (%d): %s takes at most %s", "trop d'arguments (%d) : %s attend au plus %s"},
		"structure_flag.required":       {"--structure is required: %s (its SIRET, SIREN, id or name)", "--structure est obligatoire : %s (son SIRET, son SIREN, son numéro ou son nom)"},
		"structure_flag.to_join":        {"the structure to join", "la structure à rejoindre"},
		"structure_flag.to_detach_from": {"the structure to detach the person from", "la structure dont détacher la personne"},
		"structure_flag.to_list":        {"the structure whose members to list", "la structure dont lister les membres"},
		"affiliate.sent": {
			"✓ request %d sent: %s asks to join %s; the answer is mailed",
			"✓ demande n° %d envoyée : %s demande à rejoindre « %s » ; la réponse sera envoyée par mail"},
		"detach.both_flags":         {"give either --new-referent or --no-referent, not both", "donnez --new-referent ou --no-referent, pas les deux"},
		"detach.new_referent_empty": {"--new-referent needs the e-mail of a member of the structure", "--new-referent attend l'adresse mail d'un membre de la structure"},
		"detach.email_missing":      {"missing the e-mail of the person to detach", "il manque l'adresse mail de la personne à détacher"},
		"detach.confirm": {
			"Detach %s from %s? Their rights there are revoked.",
			"Détacher %s de « %s » ? Ses droits dans cette structure lui seront retirés."},
		"detach.confirm_new_referent": {
			"Detach %s from %s? Their rights there are revoked and %s becomes the référent.",
			"Détacher %s de « %s » ? Ses droits dans cette structure lui seront retirés et %s en deviendra référent."},
		"detach.done_new_referent":   {"✓ %s detached from %s; %s is now its référent", "✓ fin du rattachement de %s à « %s » ; %s en est maintenant référent"},
		"detach.done_no_referent":    {"✓ %s detached from %s, which has no référent now", "✓ fin du rattachement de %s à « %s », qui n'a plus de référent"},
		"detach.done":                {"✓ %s detached from %s", "✓ fin du rattachement de %s à « %s »"},
		"detach.new_referent_unused": {"  --new-referent not used: %s was not the référent", "  --new-referent ignoré : %s n'était pas référent"},
		"user_import.source_required": {
			"--source is required: synapse or prisme, the base the accounts come from",
			"--source est obligatoire : synapse ou prisme, la base d'où viennent les comptes"},
		"user_import.source_invalid": {"--source %q: must be synapse or prisme", "--source %q : doit être synapse ou prisme"},
		"passwd.stdin_required": {
			"--password-stdin is required when nothing may prompt (two lines: the current password, then the new one)",
			"--password-stdin est obligatoire quand aucune question ne peut être posée (deux lignes : le mot de passe actuel, puis le nouveau)"},
		"passwd.done":            {"✓ password changed for %s", "✓ mot de passe changé pour %s"},
		"passwd.stdin_error":     {"--password-stdin: %v", "--password-stdin : %v"},
		"passwd.stdin_two_lines": {"--password-stdin: give two lines: the current password, then the new one", "--password-stdin : donnez deux lignes : le mot de passe actuel, puis le nouveau"},
		"passwd.ask_current":     {"Current password", "Mot de passe actuel"},
		"passwd.ask_new":         {"New password", "Nouveau mot de passe"},
		"passwd.ask_new_again":   {"New password again", "Nouveau mot de passe, une deuxième fois"},
		"password.differ":        {"the two passwords differ", "les deux mots de passe diffèrent"},
		"register.missing_one": {
			"missing %s: pass it as a flag (nothing may prompt here: no terminal, or --yes)",
			"il manque %s : passez-le en option (aucune question ne peut être posée ici : pas de terminal, ou --yes)"},
		"register.missing_many": {
			"missing %s: pass them as flags (nothing may prompt here: no terminal, or --yes)",
			"il manque %s : passez-les en options (aucune question ne peut être posée ici : pas de terminal, ou --yes)"},
		"register.sent": {
			"✓ request %d sent: %s asks to join %s; the answer is mailed to %s",
			"✓ demande n° %d envoyée : %s demande à rejoindre « %s » ; la réponse sera envoyée à %s"},
		"register.no_password": {
			"  no password given: a temporary one will be mailed to %s when the request is approved",
			"  pas de mot de passe donné : un mot de passe provisoire sera envoyé à %s quand la demande sera acceptée"},
		"register.ask_email":          {"E-mail (your login)", "Adresse mail (votre identifiant)"},
		"register.ask_last_name":      {"Last name", "Nom"},
		"register.ask_first_name":     {"First name", "Prénom"},
		"register.ask_structure":      {"Structure to join (SIRET, SIREN, id or name)", "Structure à rejoindre (SIRET, SIREN, numéro ou nom)"},
		"register.ask_password":       {"Password (empty: a temporary one is mailed at approval)", "Mot de passe (vide : un mot de passe provisoire sera envoyé à l'acceptation)"},
		"register.ask_password_again": {"Password again", "Mot de passe, une deuxième fois"},
		"user_update.nothing": {
			"nothing to change: give at least one of --email, --phone, --function, --last-name, --first-name",
			"rien à modifier : donnez au moins une des options --email, --phone, --function, --last-name, --first-name"},
		"user_update.done":           {"✓ updated account %s", "✓ compte %s modifié"},
		"user_update.done_new_login": {"✓ updated account %s: its login is now %s", "✓ compte %s modifié : son identifiant est maintenant %s"},
		"user_list.empty":            {"no member", "aucun membre"},
		"user_list.empty_in":         {"no member in structure %s", "aucun membre dans la structure %s"},
		"user_list.none_waiting":     {"nobody waits for rights", "personne n'attend de droits"},
		"user_list.none_waiting_in":  {"nobody waits for rights in structure %s", "personne n'attend de droits dans la structure %s"},

		// request, profile, referent, token …
		"request_list.status_and_all": {"give either --status or --all, not both", "donnez --status ou --all, pas les deux"},
		"request_list.empty":          {"no request to show", "aucune demande à afficher"},
		"request.id_invalid":          {"must be a request number such as 42", "doit être un numéro de demande comme 42"},
		"profile.structure_required":  {"--structure is required: profiles are held in one structure", "--structure est obligatoire : les profils sont attribués dans une structure"},
		"profile.confirm_revoke":      {"Take %s away from %s? They lose these rights at once", "Retirer %s à %s ? Ces droits sont perdus aussitôt"},
		"profile.granted":             {"✓ granted %s to %s", "✓ %s attribué à %s"},
		"profile.revoked":             {"✓ revoked %s from %s", "✓ %s retiré à %s"},
		"profile.already_held":        {"- %s: already held, nothing changed", "- %s : déjà attribué, rien n'a changé"},
		"profile.not_held_unchanged":  {"- %s: not held, nothing changed", "- %s : pas attribué, rien n'a changé"},
		"profile.no_structure":        {"no structure, so no profile", "aucune structure, donc aucun profil"},
		"referent_set.flags_required": {
			"--structure and --user are required: the structure (SIRET, SIREN, id or name) and its new référent (e-mail)",
			"--structure et --user sont obligatoires : la structure (SIRET, SIREN, numéro ou nom) et son nouveau référent (adresse mail)"},
		"referent_set.structure_required": {"--structure is required: the structure (SIRET, SIREN, id or name)", "--structure est obligatoire : la structure (SIRET, SIREN, numéro ou nom)"},
		"referent_set.user_required":      {"--user is required: the e-mail of the new référent", "--user est obligatoire : l'adresse mail du nouveau référent"},
		"referent_set.confirm":            {"Make %s the référent of %s?", "Faire de %s le référent de « %s » ?"},
		"referent_set.confirm_instead":    {"Make %s the référent of %s instead of %s?", "Faire de %s le référent de « %s » à la place de %s ?"},
		"referent_set.done":               {"✓ %s is now the référent of %s", "✓ %s est maintenant référent de « %s »"},
		"token_create.name_required": {
			"--name is required: say what the token is for, e.g. --name cron-export",
			"--name est obligatoire : dites à quoi sert le jeton, par exemple --name cron-export"},
		"token_create.done_expires": {"✓ created API token %d %q (scope %s, expires %s)", "✓ jeton d'API n° %d %q créé (portée %s, expire le %s)"},
		"token_create.done_never":   {"✓ created API token %d %q (scope %s, never expires)", "✓ jeton d'API n° %d %q créé (portée %s, n'expire jamais)"},
		"token_create.copy_now": {
			"! copy it now: it will not be shown again. Scripts pass it in PROFIL_TOKEN or with --token.",
			"! copiez-le maintenant : il ne sera plus affiché. Les scripts le passent dans PROFIL_TOKEN ou avec --token."},
		"expires.empty":    {"is empty: give a lifetime such as 90d, 2w or 12h, or never", "est vide : donnez une durée comme 90d, 2w ou 12h, ou never"},
		"expires.invalid":  {"must be a lifetime such as 90d, 2w, 12h or 30m, or never", "doit être une durée comme 90d, 2w, 12h ou 30m, ou never"},
		"expires.zero":     {"is zero: give a lifetime such as 90d, or never", "est nulle : donnez une durée comme 90d, ou never"},
		"expires.too_long": {"is more than 10 years: use never for a token that does not expire", "dépasse 10 ans : utilisez never pour un jeton qui n'expire pas"},
		"token_list.empty": {
			"no API token to show: create one with `profil token create --name NAME`",
			"aucun jeton d'API à afficher : créez-en un avec `profil token create --name NOM`"},
		"token_revoke.confirm": {
			"Revoke API token %d (%s)? Scripts that use it will stop working.",
			"Révoquer le jeton d'API n° %d (%s) ? Les scripts qui l'utilisent cesseront de fonctionner."},
		"token_revoke.confirm_other": {
			"Revoke API token %d (%s), which is not yours? Scripts that use it will stop working.",
			"Révoquer le jeton d'API n° %d (%s), qui n'est pas le vôtre ? Les scripts qui l'utilisent cesseront de fonctionner."},
		"token_revoke.done": {"✓ revoked API token %d (%s)", "✓ jeton d'API n° %d (%s) révoqué"},
		"token.id_invalid":  {"must be a token number such as 3 (see `profil token list`)", "doit être un numéro de jeton comme 3 (voyez `profil token list`)"},

		// init, demo, login, audit, export, mail, db …
		"demo.not_empty": {
			"this database already holds other data: run the demo on another file, e.g. `profil --db /tmp/demo.db demo`",
			"cette base contient déjà d'autres données : lancez la démo sur un autre fichier, par exemple `profil --db /tmp/demo.db demo`"},
		"demo.failed":    {"demo: %w", "démo : %w"},
		"demo.ready":     {"✓ demo database ready at %s", "✓ base de démonstration prête : %s"},
		"demo.already":   {"✓ demo database already there at %s", "✓ base de démonstration déjà en place : %s"},
		"demo.signed_in": {"✓ signed in as %s (password %s)", "✓ connecté en tant que %s (mot de passe %s)"},
		"demo.referent": {
			"  the référente of AFPA Bordeaux Bègles is %s, same password\n",
			"  la référente de l'AFPA Bordeaux Bègles est %s, même mot de passe\n"},
		"init.flags_without_email":      {"--admin-name and --password-stdin go with --admin-email", "--admin-name et --password-stdin vont avec --admin-email"},
		"init.name_required":            {"--admin-name is required with --admin-email", "--admin-name est obligatoire avec --admin-email"},
		"init.ready":                    {"✓ database %s ready (schema version %d)", "✓ base %s prête (schéma en version %d)"},
		"init.admin_created":            {"✓ created gestionnaire %s and signed in", "✓ gestionnaire %s créé et connecté"},
		"db.applied":                    {"applied %s", "migration appliquée : %s"},
		"db.applied_in":                 {"applied %s (%s)", "migration appliquée : %s (%s)"},
		"db.up_to_date":                 {"✓ schema already up to date (version %d)", "✓ schéma déjà à jour (version %d)"},
		"db.migrated":                   {"✓ schema at version %d", "✓ schéma en version %d"},
		"db.status":                     {"database %s: schema version %d, profil expects %d", "base %s : schéma en version %d, profil attend la %d"},
		"db.check_failed":               {"database check failed: %s (%s)", "la vérification de la base a échoué : %s (%s)"},
		"login.email_required":          {"--email is required when nothing may prompt", "--email est obligatoire quand aucune question ne peut être posée"},
		"login.password_stdin_required": {"--password-stdin is required when nothing may prompt", "--password-stdin est obligatoire quand aucune question ne peut être posée"},
		"login.ask_email":               {"E-mail", "Adresse mail"},
		"login.ask_password":            {"Password", "Mot de passe"},
		"login.done":                    {"✓ signed in as %s", "✓ connecté en tant que %s"},
		"login.temporary": {
			"! your password is temporary: change it now with `profil user passwd`",
			"! votre mot de passe est provisoire : changez-le dès maintenant avec `profil user passwd`"},
		"logout.not_signed_in":       {"not signed in", "vous n'êtes pas connecté"},
		"logout.done":                {"✓ signed out %s", "✓ %s déconnecté"},
		"whoami.member":              {"member", "membre"},
		"whoami.manager":             {"gestionnaire", "gestionnaire"},
		"whoami.via_token":           {" (token %s)", " (jeton %s)"},
		"audit.actor_and_mine":       {"give either --actor or --mine, not both", "donnez --actor ou --mine, pas les deux"},
		"audit.action_and_decisions": {"give either --action or --decisions, not both", "donnez --action ou --decisions, pas les deux"},
		"audit.action_invalid": {
			`must be an action such as request.approve, or a family ending with a dot such as "request."`,
			`doit être une action comme request.approve, ou une famille finissant par un point comme "request."`},
		"audit.empty":              {"no audit event matches", "aucun événement d'audit ne correspond"},
		"export.output_folder":     {"%s %s is a folder: name the file to write", "%s %s est un dossier : nommez le fichier à écrire"},
		"export.output_error":      {"%s %s: %w", "%s %s : %w"},
		"export.output_closed":     {"%s %s: already closed", "%s %s : déjà fermé"},
		"export.cannot_write_in":   {"cannot write in %s: %w", "impossible d'écrire dans %s : %w"},
		"export.structure_and_all": {"give either --structure or --all, not both", "donnez --structure ou --all, pas les deux"},
		"export.structure_empty": {
			"--structure is empty: give the SIRET, SIREN, id or name of the structure to export",
			"--structure est vide : donnez le SIRET, le SIREN, le numéro ou le nom de la structure à exporter"},
		"export.what": {
			"name what to export: --structure ID|SIRET, or --all (gestionnaires) for every structure (see `%s --help`)",
			"dites quoi exporter : --structure NUMÉRO|SIRET, ou --all (gestionnaires) pour toutes les structures (voyez `%s --help`)"},
		"export.excel_json":            {"--excel writes CSV: drop --format json, or --excel", "--excel écrit du CSV : retirez --format json, ou --excel"},
		"export.format_invalid":        {"--format %q: must be csv or json", "--format %q : doit être csv ou json"},
		"export.output_format_invalid": {"-o %q: an export writes csv or json (see --format)", "-o %q : un export écrit du csv ou du json (voyez --format)"},
		"export.progress":              {"Exporting members", "Export des membres"},
		"export.write_failed":          {"write the export: %w", "écriture de l'export : %w"},
		"export.members.one":           {"%d member", "%d membre"},
		"export.members.other":         {"%d members", "%d membres"},
		"export.done":                  {"✓ exported %s", "✓ export terminé : %s"},
		"export.done_file":             {"✓ exported %s to %s", "✓ export terminé : %s dans %s"},
		"mail_list.none_pending":       {"no message waiting to be sent", "aucun message en attente d'envoi"},
		"mail_list.empty":              {"the outbox is empty", "la file des mails est vide"},
		"mail_send.batch_invalid":      {"--batch must be 1 or more", "--batch doit valoir 1 ou plus"},
		"mail_send.no_smtp": {
			"no SMTP server: pass --smtp smtp://host:port (or set %s)",
			"pas de serveur SMTP : passez --smtp smtp://hôte:port (ou définissez %s)"},
		"mail_send.setting_error":   {"%s: %v", "%s : %v"},
		"mail_send.setting_in_file": {"%s in %s", "%s dans %s"},
		"mail_send.close_failed":    {"note: closing the SMTP connection: %v", "remarque : fermeture de la connexion SMTP : %v"},
		"mail_send.failed_one": {
			"✗ #%d to %s: %s (attempt %d; next try %s)",
			"✗ n° %d à %s : %s (tentative %d ; prochain essai %s)"},
		"mail_send.stopped":        {"stopped after sent %d, failed %d", "arrêt après %d envoyés, %d en échec"},
		"mail_send.done":           {"✓ sent %d, failed %d", "✓ envoyés : %d, en échec : %d"},
		"mail_send.remaining":      {"%d still in the outbox (`profil mail list --pending`)", "%d encore dans la file (`profil mail list --pending`)"},
		"request.kind_structure":   {"structure", "référencement de structure"},
		"request.kind_account":     {"account", "création de compte"},
		"request.kind_affiliation": {"affiliation", "rattachement"},

		// request review: the approvals inbox.
		"review.needs_terminal": {
			"request review asks questions and needs a terminal (no --yes, no CI); in scripts, use `profil request list` and `profil request approve|reject`",
			"request review pose des questions et demande un terminal (ni --yes, ni CI) ; dans les scripts, utilisez `profil request list` et `profil request approve|reject`"},
		"review.action_approve":          {"Approve", "Accepter"},
		"review.action_approve_profiles": {"Approve with profiles…", "Accepter avec des profils…"},
		"review.action_reject":           {"Reject…", "Refuser…"},
		"review.action_skip":             {"Skip", "Passer"},
		"review.action_quit":             {"Quit", "Quitter"},
		"review.empty":                   {"no request waits for you", "aucune demande ne vous attend"},
		"review.intro.one": {
			"%d request waits for you, oldest first. Quit or Ctrl-C stops; decisions already taken stay.",
			"%d demande vous attend, de la plus ancienne à la plus récente. Quitter ou Ctrl-C arrête ; les décisions déjà prises restent."},
		"review.intro.other": {
			"%d requests wait for you, oldest first. Quit or Ctrl-C stops; decisions already taken stay.",
			"%d demandes vous attendent, de la plus ancienne à la plus récente. Quitter ou Ctrl-C arrête ; les décisions déjà prises restent."},
		"review.summary": {
			"Summary: approved %d, rejected %d, skipped %d, errors %d",
			"Bilan : acceptées %d, refusées %d, passées %d, erreurs %d"},
		"review.summary_left": {
			"Summary: approved %d, rejected %d, skipped %d, errors %d (%d not reviewed)",
			"Bilan : acceptées %d, refusées %d, passées %d, erreurs %d (non examinées : %d)"},
		"review.decided_meanwhile":    {"[%d/%d] request %d was %s meanwhile: skipped", "[%d/%d] la demande n° %d a été %s entre-temps : passée"},
		"review.decided_meanwhile_by": {"[%d/%d] request %d was %s meanwhile by %s: skipped", "[%d/%d] la demande n° %d a été %s entre-temps par %s : passée"},
		"review.ask_decision":         {"Request %d — your decision?", "Demande n° %d — votre décision ?"},
		"review.skipped":              {"– skipped request %d", "– demande n° %d passée"},
		"review.card_title":           {"[%d/%d] Request %d · %s · waiting %s", "[%d/%d] Demande n° %d · %s · attente : %s"},
		"review.card_asked_by":        {"Asked by", "Demandé par"},
		"review.card_structure":       {"Structure", "Structure"},
		"review.card_siret":           {"SIRET", "SIRET"},
		"review.card_address":         {"Address", "Adresse"},
		"review.card_kinds":           {"Kinds", "Types"},
		"review.card_ape":             {"APE", "APE"},
		"review.card_ministry":        {"Ministry", "Ministère"},
		"review.card_who":             {"Who", "Personne"},
		"review.card_referent":        {"Référent", "Référent"},
		"review.card_also_in":         {"Also in", "Aussi dans"},
		"review.card_asked_for":       {"Asked for", "Profils"},
		"review.yes":                  {"yes", "oui"},
		"review.no_referent_yet": {
			"none yet: approving makes this person its référent",
			"aucun pour l'instant : accepter fera de cette personne son référent"},
		"review.no_other_structure_new": {"no other structure (new account)", "aucune autre structure (nouveau compte)"},
		"review.no_other_structure":     {"no other structure", "aucune autre structure"},
		"review.is_referent":            {"%s — référent", "%s — référent"},
		"review.no_account":             {"%s (no account)", "%s (sans compte)"},
		"review.others_forbidden": {
			"not shown: you may not see this person's other structures",
			"non affiché : vous ne pouvez pas voir les autres structures de cette personne"},
		"review.others_error":        {"not shown: %v", "non affiché : %v"},
		"review.account_status":      {" (account %s)", " (compte %s)"},
		"review.no_profile_possible": {"no profile can be granted in %s: choose another action", "aucun profil ne peut être attribué dans « %s » : choisissez une autre action"},
		"review.ask_profiles":        {"Profiles to grant in %s", "Profils à attribuer dans « %s »"},
		"review.no_profile_checked": {
			"no profile checked (Space checks one): back to the choices",
			"aucun profil coché (Espace en coche un) : retour aux choix"},
		"review.choose_again": {"✗ %v: choose again", "✗ %v : choisissez à nouveau"},
		"review.ask_reason":   {"Why reject request %d? (the person will read it)", "Pourquoi refuser la demande n° %d ? (la personne le lira)"},
		"review.reason_required": {
			"a reason is required to reject: the person will read it",
			"un motif est obligatoire pour refuser : la personne le lira"},
		"review.approved":          {"✓ approved request %d (%s → %s)", "✓ demande n° %d acceptée (%s → %s)"},
		"review.rejected":          {"✓ rejected request %d (%s → %s)", "✓ demande n° %d refusée (%s → %s)"},
		"review.with_profiles":     {" with %s", " avec %s"},
		"review.now_referent":      {"; now its référent", " ; désormais son référent"},
		"review.structure_created": {"; structure created", " ; structure créée"},
		"review.failed":            {"✗ request %d: %v", "✗ demande n° %d : %v"},

		// Settings: --db, --output, SMTP (internal/store, internal/output, internal/mail).
		"db_flag.no_home": {
			"no --db given and no home folder to keep the default database in: %w",
			"pas de --db et pas de dossier personnel où garder la base par défaut : %w"},
		"db_flag.bad_postgres_url": {"--db: not a valid postgres:// URL", "--db : URL postgres:// invalide"},
		"db_flag.sqlite_no_path": {
			"--db: a sqlite: URL needs a file path, e.g. sqlite:///var/lib/profil/profil.db",
			"--db : une URL sqlite: demande un chemin de fichier, par exemple sqlite:///var/lib/profil/profil.db"},
		"db_flag.key_value": {
			"--db: key=value connection strings are not supported: use postgres://user@host:5432/dbname",
			"--db : les chaînes de connexion clé=valeur ne sont pas acceptées : utilisez postgres://utilisateur@hôte:5432/base"},
		"db_flag.bad_scheme": {
			"--db: unsupported scheme %q: use a file path, sqlite:PATH or postgres://…",
			"--db : schéma %q non pris en charge : utilisez un chemin de fichier, sqlite:CHEMIN ou postgres://…"},
		"output_flag.invalid": {"--output %q: must be one of table, json, yaml, csv", "--output %q : doit être table, json, yaml ou csv"},
		"smtp.empty":          {"empty SMTP URL: expected smtp://host:port or smtps://host", "URL SMTP vide : smtp://hôte:port ou smtps://hôte attendu"},
		"smtp.invalid":        {"invalid SMTP URL: %v", "URL SMTP invalide : %v"},
		"smtp.no_scheme": {
			"invalid SMTP URL: missing scheme, expected smtp://host:port or smtps://host",
			"URL SMTP invalide : schéma manquant, smtp://hôte:port ou smtps://hôte attendu"},
		"smtp.bad_scheme": {"invalid SMTP URL: scheme %q, expected smtp:// or smtps://", "URL SMTP invalide : schéma %q, smtp:// ou smtps:// attendu"},
		"smtp.extra": {
			"invalid SMTP URL: expected scheme://[user[:password]@]host[:port][?starttls=…] and nothing more",
			"URL SMTP invalide : schéma://[utilisateur[:mot de passe]@]hôte[:port][?starttls=…] attendu, et rien de plus"},
		"smtp.no_host":          {"invalid SMTP URL: missing host", "URL SMTP invalide : hôte manquant"},
		"smtp.bad_port":         {"invalid SMTP URL: port %q, expected 1 to 65535", "URL SMTP invalide : port %q, 1 à 65535 attendu"},
		"smtp.password_no_user": {"invalid SMTP URL: a password without a user name", "URL SMTP invalide : un mot de passe sans nom d'utilisateur"},
		"smtp.user_no_password": {
			"invalid SMTP URL: user %q has no password (smtp://user:password@host)",
			"URL SMTP invalide : l'utilisateur %q n'a pas de mot de passe (smtp://utilisateur:mot-de-passe@hôte)"},
		"smtp.unknown_param": {
			"invalid SMTP URL: unknown parameter %q (only starttls=required|opportunistic|none)",
			"URL SMTP invalide : paramètre %q inconnu (seul starttls=required|opportunistic|none est accepté)"},
		"smtp.starttls_smtps": {
			"invalid SMTP URL: smtps:// is encrypted from the start; starttls applies to smtp:// only",
			"URL SMTP invalide : smtps:// est chiffré dès le départ ; starttls ne s'applique qu'à smtp://"},
		"smtp.starttls_twice": {"invalid SMTP URL: starttls given more than once", "URL SMTP invalide : starttls donné plusieurs fois"},
		"smtp.bad_starttls": {
			"invalid SMTP URL: starttls=%q, expected required, opportunistic or none",
			"URL SMTP invalide : starttls=%q, required, opportunistic ou none attendu"},
		"smtp.bad_from":       {"invalid From address %q: %v", "adresse d'expéditeur %q invalide : %v"},
		"smtp.connect_failed": {"connect to SMTP server %s: %w", "connexion au serveur SMTP %s : %w"},
		"smtp.bad_recipient":  {"invalid recipient %q: %w", "destinataire %q invalide : %w"},

		// request approve|reject (internal/cli/request/decide.go) and the requests use cases
		// (internal/service/requests.go): named there by their English text.
		"decide.reason_required":       {"--reason is required to reject: the person will read it", "--reason est obligatoire pour refuser : la personne le lira"},
		"decide.reason_required_short": {"is required to reject: the person will read it", "est obligatoire pour refuser : la personne le lira"},
		"decide.all_needs_structure": {
			"--all needs --structure: decide every pending request of one structure",
			"--all demande --structure : toutes les demandes en attente d'une structure sont traitées"},
		"decide.ids_and_all": {"give request ids or --all, not both", "donnez des numéros de demande ou --all, pas les deux"},
		"decide.ids_missing": {
			"missing request ids: give them as arguments, '-' for standard input, or --all --structure S",
			"il manque les numéros de demande : donnez-les en arguments, '-' pour l'entrée standard, ou --all --structure S"},
		"decide.stdin_empty":        {"no request id on standard input", "aucun numéro de demande sur l'entrée standard"},
		"decide.stdin_line":         {"standard input line %d: %w", "entrée standard, ligne %d : %w"},
		"decide.stdin_read":         {"read request ids: %w", "lecture des numéros de demande : %w"},
		"decide.none_pending":       {"no pending request for %s", "aucune demande en attente pour %s"},
		"decide.ask_reason":         {"Reason of the rejection (the person will read it)", "Motif du refus (la personne le lira)"},
		"decide.confirm_reject.one": {"Reject %d request? The person will be told by mail", "Refuser %d demande ? La personne sera prévenue par courriel"},
		"decide.confirm_reject.other": {
			"Reject %d requests? The people will be told by mail",
			"Refuser %d demandes ? Les personnes seront prévenues par courriel",
		},
		"decide.done_approved":         {"✓ request %d approved: %s %s", "✓ demande %d acceptée : %s %s"},
		"decide.done_rejected":         {"✓ request %d rejected: %s %s", "✓ demande %d refusée : %s %s"},
		"decide.done_approved_dry_run": {"✓ request %d would be approved: %s %s", "✓ demande %d serait acceptée : %s %s"},
		"decide.done_rejected_dry_run": {"✓ request %d would be rejected: %s %s", "✓ demande %d serait refusée : %s %s"},
		"decide.progress_approve":      {"approving", "acceptation"},
		"decide.progress_reject":       {"rejecting", "refus"},
		"decide.becomes_referent":      {" (becomes référent)", " (devient référent·e)"},
		"structure_request.siret_pending": {
			"SIRET %s is already asked for by request %d, pending",
			"le SIRET %s est déjà demandé par la demande n° %d, en attente"},
		"structure_request.requester_email_required": {"is required: the answer is sent there", "est obligatoire : la réponse y est envoyée"},
		"register.account_exists": {
			"an account already exists for %s: sign in and ask to join with `profil user affiliate --structure %s`",
			"un compte existe déjà pour %s : connectez-vous et demandez à rejoindre la structure avec `profil user affiliate --structure %s`"},
		"member.already":          {"%s is already a member of %s", "%s est déjà membre de « %s »"},
		"request.already_pending": {"%s already has a pending request for %s", "%s a déjà une demande en attente pour « %s »"},
	}
}
