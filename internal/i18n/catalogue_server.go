package i18n

// `profil serve` and the client of a server: the server's answers, the address rules, login.
func init() { topics = append(topics, serverMessages) }

var serverMessages = []entry{
	{"server.no_route", "no such route: %s %s", "route inconnue : %s %s"},
	{"server.busy", "the server is busy (too many requests at once): try again in a moment", "le serveur est occupé (trop de requêtes à la fois) : réessayez dans un instant"},
	{"server.db_down", "the server's database does not answer", "la base de données du serveur ne répond pas"},
	{"server.no_token", "not signed in: send a session or API token (Authorization: Bearer …)", "non connecté : envoyez un jeton de session ou d'API (Authorization: Bearer …)"},
	{"server.bad_authorization", "the Authorization header must be \"Bearer TOKEN\"", "l'en-tête Authorization doit être « Bearer JETON »"},
	{"server.database_refused_conflict", "the database refused the change: it conflicts with what is there (a concurrent change may have won); try again", "la base de données a refusé la modification : elle entre en conflit avec ce qui s'y trouve (une modification simultanée l'a peut-être emporté) ; réessayez"},
	{"server.database_refused_forbidden", "the database refused: the server's role may not do that (the server's log says what)", "la base de données a refusé : le rôle du serveur ne le peut pas (le journal du serveur dit quoi)"},
	{"server.sign_in_rate", "too many attempts to sign in or to use a secret from your address: try again in a minute", "trop de tentatives de connexion ou de saisie d'un secret depuis votre adresse : réessayez dans une minute"},
	{"server.body_too_large", "the request is larger than %d bytes", "la requête dépasse %d octets"},
	{"server.upload_too_large", "the file is larger than the server accepts (%d bytes)", "le fichier dépasse ce que le serveur accepte (%d octets)"},
	{"server.bad_params", "the parameters of the request cannot be read: %v", "les paramètres de la requête sont illisibles : %v"},
	{"server.internal", "the server met an internal error; its log says more", "le serveur a rencontré une erreur interne ; son journal en dit plus"},
	{"server.url_invalid", "expected the address of a server, e.g. https://profil.example.org", "attendu l'adresse d'un serveur, par exemple https://profil.example.org"},
	{"server.url_plain_http", "plain http only reaches this machine (localhost, 127.0.0.1, ::1): use https", "le http en clair ne sert que sur cette machine (localhost, 127.0.0.1, ::1) : utilisez https"},
	{"server.unreachable", "the server %s does not answer", "le serveur %s ne répond pas"},
	{"server.untrusted_certificate", "the certificate of the server %s is not trusted (unknown authority, expired, or for another name): --verbose says which; a private authority goes in SSL_CERT_FILE", "le certificat du serveur %s n'est pas reconnu (autorité inconnue, expiré, ou pour un autre nom) : --verbose précise lequel ; une autorité privée se déclare dans SSL_CERT_FILE"},
	{"server.answer_broken", "the answer of the server %s was cut off", "la réponse du serveur %s a été interrompue"},
	{"server.unexpected_answer", "the server %s answered %s, not as profil does: is it a profil server?", "le serveur %s a répondu %s, pas comme le fait profil : est-ce un serveur profil ?"},
	{"server.db_and_server", "--db and --server (or PROFIL_DB and PROFIL_SERVER, or the config keys db and server) name two places: choose one", "--db et --server (ou PROFIL_DB et PROFIL_SERVER, ou les clés db et server de la configuration) désignent deux endroits : choisissez-en un"},
	{"server.local_only", "%s works on a database, not through a server: pass --db (or PROFIL_DB) on the host of the database", "%s travaille sur une base de données, pas à travers un serveur : passez --db (ou PROFIL_DB) sur la machine de la base"},
	{"serve.tls_required", "%s is not a loopback address: serving there needs --tls-cert and --tls-key (plain HTTP only on 127.0.0.1, ::1 or localhost)", "%s n'est pas une adresse locale : y servir demande --tls-cert et --tls-key (HTTP en clair seulement sur 127.0.0.1, ::1 ou localhost)"},
	{"serve.tls_pair", "--tls-cert and --tls-key go together", "--tls-cert et --tls-key vont ensemble"},
	{"serve.listen_invalid", "--listen: expected HOST:PORT, e.g. 127.0.0.1:8080: %v", "--listen : attendu HÔTE:PORT, par exemple 127.0.0.1:8080 : %v"},
	{"serve.cannot_listen", "cannot listen on %s: %v", "impossible d'écouter sur %s : %v"},
	{"serve.tls_unreadable", "the TLS certificate or key cannot be read: %v", "le certificat ou la clé TLS est illisible : %v"},
	{"login.server_done", "✓ signed in as %s on %s", "✓ connecté en tant que %s sur %s"},
}
