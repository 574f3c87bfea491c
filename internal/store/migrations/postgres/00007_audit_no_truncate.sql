-- +goose Up
-- Row triggers do not fire on TRUNCATE: without this one, `TRUNCATE audit_events` would
-- empty the append-only audit trail in one statement.
-- +goose StatementBegin
CREATE FUNCTION audit_events_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: TRUNCATE is refused';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_no_truncate();

-- +goose Down
DROP TRIGGER audit_events_no_truncate ON audit_events;
DROP FUNCTION audit_events_no_truncate();
