-- +goose Up
-- The catalogue of applications and their profiles, with the rules that govern them. It is data:
-- another portal's profiles are new rows, not new code.
CREATE TABLE profiles (
    code          TEXT PRIMARY KEY,                 -- e.g. 'rafael.of-general'
    application   TEXT NOT NULL,                    -- 'RAFAEL', 'PARCOURS PRO'
    label         TEXT NOT NULL,                    -- as the guides name it, in French
    family        TEXT NOT NULL DEFAULT '',         -- profiles of one family compete for one place
    exclusive     INTEGER NOT NULL DEFAULT 0 CHECK (exclusive IN (0, 1)),   -- at most one profile of the family per membership
    required_kind TEXT NOT NULL DEFAULT '',         -- the structure must be of this kind
    automatic     INTEGER NOT NULL DEFAULT 0 CHECK (automatic IN (0, 1)),   -- granted on every active membership
    removable     INTEGER NOT NULL DEFAULT 0 CHECK (removable IN (0, 1)),
    position      INTEGER NOT NULL DEFAULT 0        -- display order
);

INSERT INTO profiles (code, application, label, family, exclusive, required_kind, automatic, removable, position) VALUES
    ('rafael.of-catalogue',       'RAFAEL', 'Gestionnaire OF catalogue formation', 'training-org', 1, 'training-org', 0, 1, 10),
    ('rafael.of-preregistration', 'RAFAEL', 'Gestionnaire OF préinscription', 'training-org', 1, 'training-org', 0, 1, 20),
    ('rafael.of-general',         'RAFAEL', 'Gestionnaire OF général (catalogue + préinscriptions)', 'training-org', 1, 'training-org', 0, 1, 30),
    ('rafael.prescriber-1',       'RAFAEL', 'Prescripteur niveau 1 : enregistre et supprime ses préinscriptions', 'prescriber', 1, 'prescriber', 0, 1, 40),
    ('rafael.prescriber-2',       'RAFAEL', 'Prescripteur niveau 2 : fait, valide et supprime ses préinscriptions', 'prescriber', 1, 'prescriber', 0, 1, 50),
    ('rafael.prescriber-3',       'RAFAEL', 'Prescripteur niveau 3 : valide aussi celles des niveaux 1 et 2', 'prescriber', 1, 'prescriber', 0, 1, 60),
    ('parcourspro.beneficiary',   'PARCOURS PRO', 'Bénéficiaire', '', 0, '', 1, 0, 70),
    ('parcourspro.employer',      'PARCOURS PRO', 'Employeur', '', 0, '', 0, 1, 80),
    ('parcourspro.provider',      'PARCOURS PRO', 'Prestataire', '', 0, 'training-org', 0, 1, 90);

-- +goose Down
DROP TABLE profiles;
