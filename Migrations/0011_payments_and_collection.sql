-- Collection: charges of invoices that are paid automatically, their attempts, and the
-- overdue notices. Retry and overdue rules are per tenant.

ALTER TABLE tenants
    ADD COLUMN payment_retry_days integer[] NOT NULL DEFAULT '{1,3,5,7}',
    ADD COLUMN overdue_after_days integer   NOT NULL DEFAULT 1 CHECK (overdue_after_days BETWEEN 0 AND 365);

-- Collection state of an invoice is payment state: mutable, unlike its content.
ALTER TABLE invoices
    ADD COLUMN next_collection_at   timestamptz,
    ADD COLUMN collection_attempts  integer NOT NULL DEFAULT 0,
    ADD COLUMN first_attempt_at     timestamptz;

CREATE INDEX invoices_collection_due ON invoices (next_collection_at) WHERE next_collection_at IS NOT NULL;
CREATE INDEX invoices_open_due ON invoices (tenant_id, due_date) WHERE status = 'open';

CREATE OR REPLACE FUNCTION kontor_invoice_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    mutable text[] := ARRAY['status', 'amount_paid', 'amount_credited', 'paid_at', 'next_collection_at',
                            'collection_attempts', 'first_attempt_at'];
BEGIN
    IF (to_jsonb(NEW) - mutable) IS DISTINCT FROM (to_jsonb(OLD) - mutable) THEN
        RAISE EXCEPTION 'invoice % is immutable once issued (GoBD); correct it with a credit note', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TABLE payments (
    tenant_id          text        NOT NULL,
    payment_id         text        NOT NULL,
    seq                bigint      GENERATED ALWAYS AS IDENTITY,
    customer_id        text        NOT NULL,
    invoice_id         text,
    payment_method_id  text,
    amount             bigint      NOT NULL CHECK (amount > 0),
    currency           text        NOT NULL,
    status             text        NOT NULL CHECK (status IN ('succeeded', 'failed')),
    failure_code       text,
    -- soft: worth retrying (insufficient funds); hard: never retried (stolen, expired card).
    decline_kind       text        CHECK (decline_kind IN ('soft', 'hard')),
    attempt            integer     NOT NULL DEFAULT 1,
    gateway_reference  text,
    -- Sandbox outcomes that arrive later (chargeback, SEPA return); acted on by receivables.
    reversal_due_on    date,
    reversal_reason    text,
    livemode           boolean     NOT NULL,
    created_at         timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, payment_id)
);

CREATE UNIQUE INDEX payments_seq ON payments (tenant_id, seq);
CREATE INDEX payments_invoice ON payments (tenant_id, invoice_id);

-- invoice.overdue fires once per invoice: the primary key says so.
CREATE TABLE invoice_notices (
    tenant_id   text        NOT NULL,
    invoice_id  text        NOT NULL,
    kind        text        NOT NULL,
    fired_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, invoice_id, kind)
);
