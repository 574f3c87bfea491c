-- +goose Up
-- SQLite declares the foreign keys of memberships, grants and audit_events deferred, so that
-- its multi-row inserts into them need no statement journal. PostgreSQL has no such journal:
-- its keys stay immediate. This migration keeps the versions of both engines in step.
SELECT 1;

-- +goose Down
SELECT 1;
