-- +goose Up
-- The catalogue of applications and their profiles, with the rules that govern them. It is data:
-- another portal's profiles are new rows, not new code.
CREATE TABLE profiles (
    code          TEXT PRIMARY KEY,                 -- e.g. 'rafael.of-general'
    application   TEXT NOT NULL,                    -- 'RAFAEL', 'PARCOURS PRO'
    label         TEXT NOT NULL,                    -- as the guides name it, in French
    family        TEXT NOT NULL DEFAULT '',         -- profiles of one family compete for one place
    exclusive     BOOLEAN NOT NULL DEFAULT FALSE,   -- at most one profile of the family per membership
    required_kind TEXT NOT NULL DEFAULT '',         -- the structure must be of this kind
    automatic     BOOLEAN NOT NULL DEFAULT FALSE,   -- granted on every active membership
    removable     BOOLEAN NOT NULL DEFAULT FALSE,
    position      INTEGER NOT NULL DEFAULT 0        -- display order
);

INSERT INTO profiles (code, application, label, family, exclusive, required_kind, automatic, removable, position) VALUES
    ('rafael.of-catalogue',       'RAFAEL', 'Gestionnaire OF catalogue formation', 'training-org', TRUE, 'training-org', FALSE, TRUE, 10),
    ('rafael.of-preregistration', 'RAFAEL', 'Gestionnaire OF préinscription', 'training-org', TRUE, 'training-org', FALSE, TRUE, 20),
    ('rafael.of-general',         'RAFAEL', 'Gestionnaire OF général (catalogue + préinscriptions)', 'training-org', TRUE, 'training-org', FALSE, TRUE, 30),
    ('rafael.prescriber-1',       'RAFAEL', 'Prescripteur niveau 1 : enregistre et supprime ses préinscriptions', 'prescriber', TRUE, 'prescriber', FALSE, TRUE, 40),
    ('rafael.prescriber-2',       'RAFAEL', 'Prescripteur niveau 2 : fait, valide et supprime ses préinscriptions', 'prescriber', TRUE, 'prescriber', FALSE, TRUE, 50),
    ('rafael.prescriber-3',       'RAFAEL', 'Prescripteur niveau 3 : valide aussi celles des niveaux 1 et 2', 'prescriber', TRUE, 'prescriber', FALSE, TRUE, 60),
    ('parcourspro.beneficiary',   'PARCOURS PRO', 'Bénéficiaire', '', FALSE, '', TRUE, FALSE, 70),
    ('parcourspro.employer',      'PARCOURS PRO', 'Employeur', '', FALSE, '', FALSE, TRUE, 80),
    ('parcourspro.provider',      'PARCOURS PRO', 'Prestataire', '', FALSE, 'training-org', FALSE, TRUE, 90);

-- +goose Down
DROP TABLE profiles;
