-- Payment methods. Invariant 6: no card number (PAN) or CVC is ever stored — only the PSP's
-- token, the brand, the last four digits and the expiry.

ALTER TABLE customers ADD COLUMN default_payment_method text;
ALTER TABLE tenants ADD COLUMN card_expiry_lead_days integer NOT NULL DEFAULT 30
    CHECK (card_expiry_lead_days BETWEEN 1 AND 120);

CREATE TABLE payment_methods (
    tenant_id               text        NOT NULL,
    payment_method_id       text        NOT NULL,
    seq                     bigint      GENERATED ALWAYS AS IDENTITY,
    customer_id             text        NOT NULL,
    type                    text        NOT NULL CHECK (type IN ('card', 'sepa_debit', 'bank_transfer')),
    card_token              text,
    card_brand              text,
    card_last4              text        CHECK (card_last4 ~ '^[0-9]{4}$'),
    card_exp_month          integer     CHECK (card_exp_month BETWEEN 1 AND 12),
    card_exp_year           integer,
    -- The first day the card no longer works (the day after its expiry month ends).
    card_expires_on         date,
    sepa_iban               text,
    sepa_mandate_reference  text,
    sepa_mandate_date       date,
    status                  text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'detached')),
    livemode                boolean     NOT NULL,
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, payment_method_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, customer_id),
    CHECK (type <> 'card' OR (card_token IS NOT NULL AND card_last4 IS NOT NULL AND card_expires_on IS NOT NULL)),
    CHECK (type <> 'sepa_debit' OR (sepa_iban IS NOT NULL AND sepa_mandate_reference IS NOT NULL))
);

CREATE UNIQUE INDEX payment_methods_seq ON payment_methods (tenant_id, seq);
CREATE INDEX payment_methods_customer ON payment_methods (tenant_id, customer_id, seq);
CREATE INDEX payment_methods_card_expiry ON payment_methods (card_expires_on)
    WHERE type = 'card' AND status = 'active';

-- One row per card, expiry date and notice: the primary key is what makes
-- payment_method.expiring / .expired fire once, however many nodes run the monitor.
CREATE TABLE card_expiry_notices (
    tenant_id          text        NOT NULL,
    payment_method_id  text        NOT NULL,
    expires_on         date        NOT NULL,
    kind               text        NOT NULL CHECK (kind IN ('expiring', 'expired')),
    fired_at           timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, payment_method_id, expires_on, kind)
);
