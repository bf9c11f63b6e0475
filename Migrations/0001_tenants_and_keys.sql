-- Tenants (merchants) and their API keys.
-- Invariant: every table's primary key starts with tenant_id (ready for a distributed
-- PostgreSQL with tenant_id as distribution column). For `tenants` that is its own id.

CREATE TABLE tenants (
    tenant_id       text        NOT NULL,
    name            text        NOT NULL,
    livemode        boolean     NOT NULL,
    time_zone       text        NOT NULL DEFAULT 'Europe/Berlin',
    home_country    text        NOT NULL DEFAULT 'DE',
    is_default      boolean     NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id)
);

-- At most one default tenant: the one `kontor serve` creates on first start.
CREATE UNIQUE INDEX tenants_one_default ON tenants (is_default) WHERE is_default;

-- Keys are stored only as SHA-256 hashes; the clear key is shown once at creation.
CREATE TABLE api_keys (
    tenant_id       text        NOT NULL REFERENCES tenants (tenant_id),
    key_id          text        NOT NULL,
    key_hash        bytea       NOT NULL,
    key_prefix      text        NOT NULL,
    livemode        boolean     NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz,
    PRIMARY KEY (tenant_id, key_id)
);

CREATE UNIQUE INDEX api_keys_hash ON api_keys (key_hash);
