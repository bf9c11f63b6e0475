-- The document archive (GoBD): every issued invoice and credit note rendered once, stored as
-- rendered with its SHA-256 and the template version, and served as stored. Rows are never
-- changed or removed: the triggers refuse it, whoever asks.
CREATE TABLE documents (
    tenant_id         text        NOT NULL REFERENCES tenants (tenant_id),
    document_id       text        NOT NULL,
    source_type       text        NOT NULL CHECK (source_type IN ('invoice', 'credit_note')),
    source_id         text        NOT NULL,
    format            text        NOT NULL CHECK (format IN ('cii', 'ubl')),
    content           bytea       NOT NULL,
    sha256            text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    template_version  text        NOT NULL,
    created_at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, document_id),
    UNIQUE (tenant_id, source_type, source_id, format)
);

CREATE FUNCTION documents_are_unalterable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'archived documents cannot be changed or deleted (GoBD)' USING ERRCODE = 'P0001';
END $$;

CREATE TRIGGER documents_unalterable BEFORE UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION documents_are_unalterable();
CREATE TRIGGER documents_untruncatable BEFORE TRUNCATE ON documents
    FOR EACH STATEMENT EXECUTE FUNCTION documents_are_unalterable();

-- How far the document worker has read each tenant's outbox (invoice.finalized and
-- credit_note.created events): the worker renders what was issued after it, in order.
CREATE TABLE document_cursors (
    tenant_id  text   PRIMARY KEY REFERENCES tenants (tenant_id),
    last_seq   bigint NOT NULL DEFAULT 0
);
