-- The audit trail: every change an operation announces, with who made it (an API key, a console
-- user, or the system), when, why (the request's reason), and the object before and after.
-- Append-only: the triggers refuse any change or removal, whoever asks.
CREATE TABLE audit_log (
    tenant_id    text        NOT NULL REFERENCES tenants (tenant_id),
    seq          bigint      GENERATED ALWAYS AS IDENTITY,
    at           timestamptz NOT NULL,
    actor_type   text        NOT NULL CHECK (actor_type IN ('api_key', 'user', 'system')),
    actor_id     text        NOT NULL,
    action       text        NOT NULL,
    object_type  text        NOT NULL,
    object_id    text        NOT NULL,
    reason       text,
    before       jsonb,
    after        jsonb       NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_log_object ON audit_log (tenant_id, object_id, seq);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail cannot be changed or deleted' USING ERRCODE = 'P0001';
END $$;
CREATE TRIGGER audit_log_unalterable BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_untruncatable BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
