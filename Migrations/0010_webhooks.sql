-- Webhook endpoints and the deliveries of outbox events to them.
--
-- A delivery row is written in the same statement that writes its event (EventOutbox), so an
-- event committed is an event that will be delivered: nothing depends on reading the outbox in
-- commit order. The dispatcher leases due deliveries by moving next_attempt_at forward with
-- SKIP LOCKED, so several nodes deliver side by side and a node that dies mid-delivery only
-- delays that delivery until its lease runs out (at least once).

CREATE TABLE webhook_endpoints (
    tenant_id        text        NOT NULL REFERENCES tenants (tenant_id),
    endpoint_id      text        NOT NULL,
    seq              bigint      GENERATED ALWAYS AS IDENTITY,
    url              text        NOT NULL CHECK (url ~ '^https?://'),
    description      text,
    -- Event types this endpoint receives; '*' for all, 'invoice.*' for a family.
    event_types      text[]      NOT NULL,
    -- whsec_<base64>: kept in clear because signing needs it; shown once at creation.
    secret           text        NOT NULL,
    status           text        NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled', 'deleted')),
    disabled_reason  text,
    livemode         boolean     NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, endpoint_id)
);

CREATE UNIQUE INDEX webhook_endpoints_seq ON webhook_endpoints (tenant_id, seq);

CREATE TABLE webhook_deliveries (
    tenant_id        text        NOT NULL,
    delivery_id      text        NOT NULL,
    event_id         text        NOT NULL,
    endpoint_id      text        NOT NULL,
    status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    created_at       timestamptz NOT NULL,
    delivered_at     timestamptz,
    PRIMARY KEY (tenant_id, delivery_id)
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (tenant_id, event_id);

-- The delivery log: every attempt with its outcome.
CREATE TABLE webhook_attempts (
    tenant_id         text        NOT NULL,
    delivery_id       text        NOT NULL,
    attempt           integer     NOT NULL,
    attempted_at      timestamptz NOT NULL,
    status_code       integer,
    latency_ms        integer     NOT NULL,
    error             text,
    response_excerpt  text,
    PRIMARY KEY (tenant_id, delivery_id, attempt)
);
