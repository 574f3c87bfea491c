-- +goose Up
-- When the account was erased (RGPD article 17): its e-mail, names, phone and function were
-- replaced by the pseudonym erased-<id>. The row stays, disabled, for the history that names it.
ALTER TABLE users ADD COLUMN erased_at TIMESTAMPTZ;

-- The one deliberate exception to the append-only audit trail: a use case that must touch audit
-- rows sets profil.audit_rewrite for its transaction only (SET LOCAL / set_config(…, true)):
--   'erase'        lets UPDATE change the actor, target and details columns only (an erasure
--                  names the pseudonym instead of the person);
--   'prune:<time>' lets DELETE remove the events older than that time (the retention setting).
-- Nothing else updates or deletes an audit event.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    permit TEXT := coalesce(current_setting('profil.audit_rewrite', true), '');
BEGIN
    IF TG_OP = 'UPDATE' AND permit = 'erase'
        AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action
        AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
        AND NEW.structure_id IS NOT DISTINCT FROM OLD.structure_id THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' AND permit LIKE 'prune:%' AND OLD.at < substr(permit, 7)::timestamptz THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only';
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$;
-- +goose StatementEnd
ALTER TABLE users DROP COLUMN erased_at;
