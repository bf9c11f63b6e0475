-- Receivables (Debitorenmanagement): allocations of money and credit to open items, money
-- received outside the gateway, bank statements, write-offs and hand-overs, disputes and
-- payment plans, dunning policies, cases and notices.

-- Every change to what an item still owes is one row here, posted to the ledger in the same
-- transaction with the same booking date. Append-only: a returned payment adds a negative row.
-- The open amount of an invoice "as of" a day is its total minus the rows booked up to that day.
CREATE TABLE allocations (
    tenant_id      text        NOT NULL,
    allocation_id  bigint      GENERATED ALWAYS AS IDENTITY,
    invoice_id     text        NOT NULL,
    customer_id    text        NOT NULL,
    -- payment | payment_return | credit_note | customer_credit | write_off
    kind           text        NOT NULL CHECK (kind IN ('payment', 'payment_return', 'credit_note',
                                                        'customer_credit', 'write_off')),
    -- pay_… (payment, payment_return), cn_… (credit_note), inv_… (customer_credit, write_off)
    source_id      text        NOT NULL,
    amount         bigint      NOT NULL CHECK (amount <> 0),
    currency       text        NOT NULL,
    booking_date   date        NOT NULL,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, allocation_id)
);

CREATE INDEX allocations_invoice ON allocations (tenant_id, invoice_id, booking_date);
CREATE INDEX allocations_source ON allocations (tenant_id, source_id);

CREATE TRIGGER allocations_append_only BEFORE UPDATE OR DELETE ON allocations
    FOR EACH ROW EXECUTE FUNCTION kontor_refuse_change();

-- Write-off and hand-over are payment state, not content: mutable like amount_paid.
ALTER TABLE invoices
    ADD COLUMN amount_written_off bigint NOT NULL DEFAULT 0,
    ADD COLUMN written_off_at     timestamptz,
    ADD COLUMN handed_over_at     timestamptz;

CREATE OR REPLACE FUNCTION kontor_invoice_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    mutable text[] := ARRAY['status', 'amount_paid', 'amount_credited', 'paid_at', 'next_collection_at',
                            'collection_attempts', 'first_attempt_at', 'amount_written_off', 'written_off_at',
                            'handed_over_at'];
BEGIN
    IF (to_jsonb(NEW) - mutable) IS DISTINCT FROM (to_jsonb(OLD) - mutable) THEN
        RAISE EXCEPTION 'invoice % is immutable once issued (GoBD); correct it with a credit note', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;

-- Money received outside the gateway (bank transfer, cash, a bank statement's credit) is a
-- payment too; `unallocated` is the part that became customer credit.
ALTER TABLE payments
    ADD COLUMN source          text   NOT NULL DEFAULT 'gateway'
        CHECK (source IN ('gateway', 'manual', 'bank_statement')),
    ADD COLUMN reference       text,
    ADD COLUMN unallocated     bigint NOT NULL DEFAULT 0,
    ADD COLUMN payer_iban      text,
    ADD COLUMN return_fee      bigint,
    ADD COLUMN return_fee_invoice_id text;

CREATE INDEX payments_customer ON payments (tenant_id, customer_id, seq);
CREATE INDEX payments_gateway_reference ON payments (tenant_id, gateway_reference) WHERE gateway_reference IS NOT NULL;

-- Tenant settings for receivables.
ALTER TABLE tenants
    -- The bank's fee for a returned debit, charged on to the customer as an open item; 0: none.
    ADD COLUMN return_fee           bigint  NOT NULL DEFAULT 0 CHECK (return_fee >= 0),
    ADD COLUMN datev_consultant     integer NOT NULL DEFAULT 1001,
    ADD COLUMN datev_client         integer NOT NULL DEFAULT 1,
    ADD COLUMN fiscal_year_start_month integer NOT NULL DEFAULT 1 CHECK (fiscal_year_start_month BETWEEN 1 AND 12);

-- ISO 20022 statements as imported; entries are deduplicated by their key across imports.
CREATE TABLE bank_statements (
    tenant_id      text        NOT NULL,
    statement_id   text        NOT NULL,
    seq            bigint      GENERATED ALWAYS AS IDENTITY,
    format         text        NOT NULL CHECK (format IN ('camt.053', 'camt.054')),
    message_id     text,
    account_iban   text,
    entries        integer     NOT NULL,
    duplicates     integer     NOT NULL,
    matched        integer     NOT NULL,
    unmatched      integer     NOT NULL,
    returns        integer     NOT NULL,
    livemode       boolean     NOT NULL,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, statement_id)
);

CREATE TABLE bank_transactions (
    tenant_id       text        NOT NULL,
    transaction_id  text        NOT NULL,
    seq             bigint      GENERATED ALWAYS AS IDENTITY,
    statement_id    text        NOT NULL,
    -- The bank's reference, or a digest of the entry's content: a second import of the same
    -- statement finds every key taken and books nothing.
    entry_key       text        NOT NULL,
    direction       text        NOT NULL CHECK (direction IN ('credit', 'debit')),
    amount          bigint      NOT NULL CHECK (amount > 0),
    currency        text        NOT NULL,
    booking_date    date        NOT NULL,
    value_date      date,
    remittance      text,
    payer_iban      text,
    payer_name      text,
    end_to_end_id   text,
    mandate_id      text,
    return_reason   text,
    fee             bigint,
    -- matched | unmatched | allocated (by hand) | returned (a return debit booked) | ignored
    status          text        NOT NULL CHECK (status IN ('matched', 'unmatched', 'allocated', 'returned', 'ignored')),
    match_rule      text,
    note            text,
    customer_id     text,
    payment_id      text,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, transaction_id)
);

CREATE UNIQUE INDEX bank_transactions_entry ON bank_transactions (tenant_id, entry_key);
CREATE UNIQUE INDEX bank_transactions_seq ON bank_transactions (tenant_id, seq);
CREATE INDEX bank_transactions_unmatched ON bank_transactions (tenant_id, seq) WHERE status = 'unmatched';

-- Disputes: a disputed item is not dunned while the dispute is open.
CREATE TABLE disputes (
    tenant_id    text        NOT NULL,
    dispute_id   text        NOT NULL,
    invoice_id   text        NOT NULL,
    customer_id  text        NOT NULL,
    reason       text        NOT NULL,
    status       text        NOT NULL CHECK (status IN ('open', 'resolved')),
    resolution   text,
    created_at   timestamptz NOT NULL,
    resolved_at  timestamptz,
    PRIMARY KEY (tenant_id, dispute_id)
);

CREATE UNIQUE INDEX disputes_open_invoice ON disputes (tenant_id, invoice_id) WHERE status = 'open';

-- Payment plans (Ratenzahlung): instalments over some invoices; while kept, dunning waits for them.
CREATE TABLE payment_plans (
    tenant_id     text        NOT NULL,
    plan_id       text        NOT NULL,
    customer_id   text        NOT NULL,
    invoice_ids   text[]      NOT NULL,
    -- [{"due_date": "YYYY-MM-DD", "amount": 1000}, …] ascending
    instalments   jsonb       NOT NULL,
    currency      text        NOT NULL,
    start_date    date        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('active', 'completed', 'broken')),
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, plan_id)
);

CREATE INDEX payment_plans_customer ON payment_plans (tenant_id, customer_id) WHERE status = 'active';

-- Dunning policies per tenant (customers.dunning_policy names one; "default" otherwise).
CREATE TABLE dunning_policies (
    tenant_id               text        NOT NULL,
    code                    text        NOT NULL,
    name                    text        NOT NULL,
    currency                text        NOT NULL,
    levels                  jsonb       NOT NULL,
    small_balance_write_off bigint      NOT NULL DEFAULT 0,
    -- file: synced from Plans/dunning; api: set by PUT (file syncs then leave it alone)
    source                  text        NOT NULL CHECK (source IN ('file', 'api')),
    updated_at              timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, code)
);

-- Where each customer's dunning stands. One row per customer; `case_no` counts cases, so each
-- level is reached once per case (the notices' unique key) however many nodes run dunning.
CREATE TABLE dunning_cases (
    tenant_id         text    NOT NULL,
    customer_id       text    NOT NULL,
    case_no           integer NOT NULL DEFAULT 1,
    level             integer NOT NULL DEFAULT 0,
    level_reached_on  date,
    default_since     date,
    interest_charged  bigint  NOT NULL DEFAULT 0,
    flat_fee_charged  boolean NOT NULL DEFAULT false,
    checked_on        date,
    PRIMARY KEY (tenant_id, customer_id)
);

CREATE TABLE dunning_notices (
    tenant_id     text        NOT NULL,
    notice_id     text        NOT NULL,
    seq           bigint      GENERATED ALWAYS AS IDENTITY,
    customer_id   text        NOT NULL,
    case_no       integer     NOT NULL,
    level         integer     NOT NULL,
    level_name    text        NOT NULL,
    policy_code   text        NOT NULL,
    notice_date   date        NOT NULL,
    currency      text        NOT NULL,
    -- [{"invoice", "number", "due_date", "open", "days_overdue"}]
    items         jsonb       NOT NULL,
    items_total   bigint      NOT NULL,
    fee           bigint      NOT NULL,
    interest      bigint      NOT NULL,
    flat_fee      bigint      NOT NULL,
    fee_invoice_id text,
    actions       text[]      NOT NULL,
    body          text        NOT NULL,
    livemode      boolean     NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, notice_id)
);

CREATE UNIQUE INDEX dunning_notices_once ON dunning_notices (tenant_id, customer_id, case_no, level);
CREATE INDEX dunning_notices_customer ON dunning_notices (tenant_id, customer_id, seq);
CREATE INDEX invoices_open_customer ON invoices (tenant_id, customer_id, due_date) WHERE status = 'open';
