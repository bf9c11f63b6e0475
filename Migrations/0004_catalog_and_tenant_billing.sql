-- What a tenant needs to issue invoices (§14 Abs. 4 UStG seller fields, number formats,
-- payment terms), its test clock, and its plan catalog.

ALTER TABLE tenants
    ADD COLUMN legal_name                text,
    ADD COLUMN address                   text,
    ADD COLUMN vat_id                    text,
    ADD COLUMN invoice_number_format     text    NOT NULL DEFAULT '{YYYY}-{seq:06}',
    ADD COLUMN credit_note_number_format text    NOT NULL DEFAULT 'CN-{YYYY}-{seq:06}',
    ADD COLUMN payment_terms_days        integer NOT NULL DEFAULT 14 CHECK (payment_terms_days BETWEEN 0 AND 365),
    -- Test mode only: when set, this tenant's "now". Moved forward by POST /v1/test_clock/advance.
    ADD COLUMN test_clock_at             timestamptz CHECK (test_clock_at IS NULL OR NOT livemode);

-- Plan versions. A plan's current version is its highest; a changed definition adds a row,
-- rows are never updated, so a subscription's (plan_code, version) keeps meaning the same
-- prices forever (grandfathering).
CREATE TABLE plans (
    tenant_id       text        NOT NULL REFERENCES tenants (tenant_id),
    plan_code       text        NOT NULL,
    version         integer     NOT NULL CHECK (version >= 1),
    definition      jsonb       NOT NULL,
    -- 'catalog': synced from Plans/*.yaml; 'api': PUT by the tenant, which sync leaves alone.
    source          text        NOT NULL CHECK (source IN ('catalog', 'api')),
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, plan_code, version)
);

-- Gap-free counters, one row per tenant and series ('invoice', 'credit_note'). The row lock
-- taken by the UPDATE that reserves numbers serialises issuing per series, so numbers are
-- strictly increasing in commit order; a rolled-back transaction returns its numbers.
CREATE TABLE number_series (
    tenant_id       text        NOT NULL REFERENCES tenants (tenant_id),
    series          text        NOT NULL,
    next_value      bigint      NOT NULL CHECK (next_value >= 1),
    PRIMARY KEY (tenant_id, series)
);
