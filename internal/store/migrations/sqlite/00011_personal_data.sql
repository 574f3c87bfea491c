-- +goose Up
-- When the account was erased (RGPD article 17): its e-mail, names, phone and function were
-- replaced by the pseudonym erased-<id>. The row stays, disabled, for the history that names it.
ALTER TABLE users ADD COLUMN erased_at TIMESTAMP;

-- The one deliberate exception to the append-only audit trail. A use case that must touch audit
-- rows writes ONE row here and deletes it in the same transaction, so that no other
-- transaction ever sees it:
--   'erase' lets UPDATE change the actor, target and details columns only (an erasure names the
--           pseudonym instead of the person);
--   'prune' lets DELETE remove the events older than cutoff (the retention setting).
CREATE TABLE audit_rewrite_permits (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    purpose TEXT NOT NULL CHECK (purpose IN ('erase', 'prune')),
    cutoff  TIMESTAMP
);

DROP TRIGGER audit_events_no_update;
DROP TRIGGER audit_events_no_delete;
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
WHEN NOT EXISTS (SELECT 1 FROM audit_rewrite_permits WHERE purpose = 'erase')
    OR new.id IS NOT old.id OR new.at IS NOT old.at OR new.action IS NOT old.action
    OR new.actor_id IS NOT old.actor_id OR new.structure_id IS NOT old.structure_id
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
WHEN NOT EXISTS (SELECT 1 FROM audit_rewrite_permits WHERE purpose = 'prune' AND old.at < cutoff)
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_events_no_update;
DROP TRIGGER audit_events_no_delete;
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
-- +goose StatementEnd
DROP TABLE audit_rewrite_permits;
ALTER TABLE users DROP COLUMN erased_at;
