-- Customers (Debitoren). `seq` orders lists newest first and backs cursor pagination.

CREATE TABLE customers (
    tenant_id       text        NOT NULL REFERENCES tenants (tenant_id),
    customer_id     text        NOT NULL,
    seq             bigint      GENERATED ALWAYS AS IDENTITY,
    name            text,
    email           text,
    external_id     text,
    kind            text        NOT NULL CHECK (kind IN ('business', 'consumer')),
    address_line1   text,
    address_line2   text,
    postal_code     text,
    city            text,
    country         text        CHECK (country ~ '^[A-Z]{2}$'),
    tax_id          text,
    tax_exempt      boolean     NOT NULL DEFAULT false,
    currency        text        CHECK (currency ~ '^[A-Z]{3}$'),
    dunning_policy  text,
    metadata        jsonb       NOT NULL DEFAULT '{}',
    balance         bigint      NOT NULL DEFAULT 0,
    livemode        boolean     NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, customer_id)
);

CREATE UNIQUE INDEX customers_seq ON customers (tenant_id, seq);
CREATE INDEX customers_external_id ON customers (tenant_id, external_id) WHERE external_id IS NOT NULL;
