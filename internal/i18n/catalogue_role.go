package i18n

// Messages of the PostgreSQL runtime role (`profil db runtime-role`) and of what a runtime
// role may not do.
func init() {
	topics = append(topics, func() map[string]message {
		return map[string]message{
			"args.role_name": {"the name of the PostgreSQL role", "le nom du rôle PostgreSQL"},
			"schema.behind_postgres": {
				"database schema is behind: it is at version %d, this profil needs %d: run `profil db migrate` as the owner of the tables (with the owner's --db), then `profil db runtime-role` again for the server's role",
				"le schéma de la base est en retard : il est à la version %d, cette version de profil attend la version %d : lancez `profil db migrate` en tant que propriétaire des tables (avec le --db du propriétaire), puis à nouveau `profil db runtime-role` pour le rôle du serveur",
			},
			"role.postgres_only": {
				"`profil db runtime-role` applies to PostgreSQL only: a SQLite file has no roles (protect it with its file permissions, 0600)",
				"`profil db runtime-role` ne s'applique qu'à PostgreSQL : un fichier SQLite n'a pas de rôles (protégez-le par ses droits de fichier, 0600)",
			},
			"role.bad_name": {
				"is not a role name profil creates: lower-case letters, digits and _, at most 63, not starting with a digit nor pg_",
				"n'est pas un nom de rôle que profil crée : lettres minuscules, chiffres et _, 63 au plus, sans commencer par un chiffre ni par pg_",
			},
			"role.short_password": {
				"is too short: at least %d characters (a machine reads it: make it long and random)",
				"est trop court : %d caractères au moins (une machine le lit : faites-le long et aléatoire)",
			},
			"role.not_owner": {
				"connected as %s, who does not own the tables of profil (their owner is %s): run `profil db runtime-role` with the owner's --db",
				"connecté en tant que %s, qui n'est pas propriétaire des tables de profil (leur propriétaire est %s) : lancez `profil db runtime-role` avec le --db du propriétaire",
			},
			"role.member_of_owner": {
				"role %s is a member of %s, the owner of the tables: it would hold every privilege of the owner. Choose another name, or REVOKE %[2]s FROM %[1]s first",
				"le rôle %s est membre de %s, propriétaire des tables : il en aurait tous les privilèges. Choisissez un autre nom, ou faites d'abord REVOKE %[2]s FROM %[1]s",
			},
			"role.too_powerful": {
				"role %s has %s, which goes past every grant: choose another name, or have a PostgreSQL administrator take that attribute away",
				"le rôle %s a l'attribut %s, qui passe outre tous les droits accordés : choisissez un autre nom, ou faites retirer cet attribut par un administrateur PostgreSQL",
			},
			"role.cannot_create": {
				"%s may not create roles nor set their password (CREATEROLE): have a PostgreSQL administrator run `CREATE ROLE %s LOGIN PASSWORD …`, then run this command again without --password-stdin",
				"%s ne peut ni créer de rôles ni changer leur mot de passe (CREATEROLE) : faites lancer `CREATE ROLE %s LOGIN PASSWORD …` par un administrateur PostgreSQL, puis relancez cette commande sans --password-stdin",
			},
			"role.warn_connect": {
				"warning: this connection may not grant CONNECT on the database, and PUBLIC does not have it: have its owner run `%s`",
				"attention : cette connexion ne peut pas accorder CONNECT sur la base, et PUBLIC ne l'a pas : faites lancer `%s` par son propriétaire",
			},
			"role.warn_usage": {
				"warning: this connection may not grant USAGE on the schema, and PUBLIC does not have it: have its owner run `%s`",
				"attention : cette connexion ne peut pas accorder USAGE sur le schéma, et PUBLIC ne l'a pas : faites lancer `%s` par son propriétaire",
			},
			"role.warn_public_create": {
				"warning: every role may create tables in the schema %s (PUBLIC has CREATE, the default before PostgreSQL 15): its owner should run `%s`",
				"attention : tous les rôles peuvent créer des tables dans le schéma %s (PUBLIC a le droit CREATE, le défaut avant PostgreSQL 15) : son propriétaire devrait lancer `%s`",
			},
			"role.missing_grants": {
				"the database role %s may not use %s: a migration added them. Run `profil db runtime-role %s` again as the owner of the tables",
				"le rôle de base de données %s ne peut pas utiliser %s : une migration les a ajoutées. Relancez `profil db runtime-role %s` en tant que propriétaire des tables",
			},
			"role.migrate_not_owner": {
				"connected as %s: only the owner of the tables (%s) migrates them. Run `profil db migrate` with the owner's --db",
				"connecté en tant que %s : seul le propriétaire des tables (%s) les migre. Lancez `profil db migrate` avec le --db du propriétaire",
			},
			"role.privilege": {
				"the database refused: %s. The role of this connection may not do that: a runtime role leaves the schema and the audit trail to the owner of the tables (run `user erase` and `audit prune` with the owner's --db; after `db migrate`, run `db runtime-role` again)",
				"la base de données a refusé : %s. Le rôle de cette connexion ne le peut pas : un rôle d'exécution laisse le schéma et le journal d'audit au propriétaire des tables (lancez `user erase` et `audit prune` avec le --db du propriétaire ; après `db migrate`, relancez `db runtime-role`)",
			},
			"role.created": {
				"✓ role %s created: SELECT, INSERT, UPDATE, DELETE on %d tables of %s (schema %s); INSERT and SELECT only on audit_events; SELECT only on goose_db_version; no DDL, no TRUNCATE",
				"✓ rôle %s créé : SELECT, INSERT, UPDATE, DELETE sur %d tables de %s (schéma %s) ; INSERT et SELECT seulement sur audit_events ; SELECT seulement sur goose_db_version ; ni DDL ni TRUNCATE",
			},
			"role.updated": {
				"✓ role %s brought up to date: SELECT, INSERT, UPDATE, DELETE on %d tables of %s (schema %s); INSERT and SELECT only on audit_events; SELECT only on goose_db_version; no DDL, no TRUNCATE",
				"✓ rôle %s mis à jour : SELECT, INSERT, UPDATE, DELETE sur %d tables de %s (schéma %s) ; INSERT et SELECT seulement sur audit_events ; SELECT seulement sur goose_db_version ; ni DDL ni TRUNCATE",
			},
			"role.dry_run": {
				"dry run: nothing was changed (the statements above ran in a transaction that was rolled back)",
				"essai à blanc : rien n'a été modifié (les instructions ci-dessus ont été exécutées dans une transaction annulée)",
			},
		}
	})
}
