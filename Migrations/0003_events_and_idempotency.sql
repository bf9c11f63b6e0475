-- The outbox: every event is written in the transaction that made the change it describes;
-- the webhook dispatcher reads from here after commit.

CREATE TABLE events (
    tenant_id       text        NOT NULL REFERENCES tenants (tenant_id),
    event_id        text        NOT NULL,
    seq             bigint      GENERATED ALWAYS AS IDENTITY,
    type            text        NOT NULL,
    object_id       text,
    data            jsonb       NOT NULL,
    livemode        boolean     NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
);

CREATE UNIQUE INDEX events_seq ON events (tenant_id, seq);
CREATE INDEX events_type ON events (tenant_id, type, seq);

-- Idempotency keys with Stripe's semantics: the same key and the same request return the
-- stored response; the same key with another request is a 409. The row is written in the
-- same transaction as the operation, so a key never points at work that did not commit.
CREATE TABLE idempotency_keys (
    tenant_id       text        NOT NULL REFERENCES tenants (tenant_id),
    idempotency_key text        NOT NULL,
    request_hash    bytea       NOT NULL,
    method          text        NOT NULL,
    path            text        NOT NULL,
    response_status integer     NOT NULL,
    response_body   bytea       NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, idempotency_key)
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
