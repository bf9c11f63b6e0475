-- The message log: every e-mail Kontor sends a customer about a document, with the bytes it
-- sends on every attempt, and where it stands. One message per document (the unique key makes a
-- rerun of the mail worker harmless).
CREATE TABLE messages (
    tenant_id        text        NOT NULL REFERENCES tenants (tenant_id),
    message_id       text        NOT NULL,
    customer_id      text        NOT NULL,
    source_type      text        NOT NULL CHECK (source_type IN ('invoice', 'credit_note', 'dunning_notice')),
    source_id        text        NOT NULL,
    sender           text,
    recipient        text,
    subject          text        NOT NULL,
    content          bytea,
    status           text        NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts         int         NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL,
    sent_at          timestamptz,
    PRIMARY KEY (tenant_id, message_id),
    UNIQUE (tenant_id, source_type, source_id),
    CHECK ((status = 'queued') = (next_attempt_at IS NOT NULL))
);
CREATE INDEX messages_due ON messages (next_attempt_at) WHERE status = 'queued';
CREATE INDEX messages_by_customer ON messages (tenant_id, customer_id, created_at);

-- How far the mail worker has read each tenant's outbox (document.created of PDFs).
CREATE TABLE message_cursors (
    tenant_id  text   PRIMARY KEY REFERENCES tenants (tenant_id),
    last_seq   bigint NOT NULL DEFAULT 0
);
