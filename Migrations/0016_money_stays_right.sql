-- Money stays right (issue 11): invariants the database keeps itself, whatever code runs.

-- A credit note on an invoice already paid moves the credit to the customer's balance: that
-- part is no allocation (nothing was open to take it) and is kept apart from amount_credited,
-- so the cached sums stay equal to the allocation rows.
ALTER TABLE invoices ADD COLUMN amount_credited_to_balance bigint NOT NULL DEFAULT 0;

-- Fee items (dunning fees, the § 288 (5) flat fee, default interest, passed-on return fees)
-- are claims for damages, not supplies (§ 14 UStG): their own kind, their own number series
-- and id prefix, kept apart from invoices everywhere but the open-item views. The kind follows
-- from the billing reason, so it can never disagree with it.
ALTER TABLE invoices ADD COLUMN kind text GENERATED ALWAYS AS (
    CASE WHEN billing_reason IN ('dunning_fee', 'interest', 'return_fee') THEN 'fee_item' ELSE 'invoice' END
) STORED;
-- The claim (principal invoice) a fee item belongs to: § 367 (1) BGB pays, within a claim,
-- costs first, then interest, then the principal.
ALTER TABLE invoices ADD COLUMN claim_invoice_id text;
-- Per claim (§ 286 BGB): the day the claim fell into default, and the last day default
-- interest has been charged for. Payment state, so mutable.
ALTER TABLE invoices
    ADD COLUMN default_since    date,
    ADD COLUMN interest_through date;
ALTER TABLE tenants ADD COLUMN fee_item_number_format text NOT NULL DEFAULT 'GB-{YYYY}-{seq:06}';

CREATE INDEX invoices_kind_customer ON invoices (tenant_id, kind, customer_id, seq);
-- The past-due update and a subscription's invoices find them by subscription.
CREATE INDEX invoices_subscription ON invoices (tenant_id, subscription_id, due_date)
    WHERE subscription_id IS NOT NULL;

-- `kind` is left out of the comparison: a BEFORE trigger sees generated columns as NULL in NEW,
-- and it follows from billing_reason, which is compared.
CREATE OR REPLACE FUNCTION kontor_invoice_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    mutable text[] := ARRAY['status', 'amount_paid', 'amount_credited', 'paid_at', 'next_collection_at',
                            'collection_attempts', 'first_attempt_at', 'amount_written_off', 'written_off_at',
                            'handed_over_at', 'default_since', 'interest_through', 'kind',
                            'amount_credited_to_balance'];
BEGIN
    IF (to_jsonb(NEW) - mutable) IS DISTINCT FROM (to_jsonb(OLD) - mutable) THEN
        RAISE EXCEPTION 'invoice % is immutable once issued (GoBD); correct it with a credit note', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;

-- One charge intent = one PSP idempotency key, stable across every retry of that intent (a
-- lease that expired, a node that died between charging and recording). At most one intent
-- per invoice is pending: a second charge cannot start while one is in flight. Leases run on
-- the database's clock, which all nodes share (tenant test clocks move in jumps).
CREATE TABLE charge_intents (
    tenant_id     text        NOT NULL,
    intent_id     text        NOT NULL,
    invoice_id    text        NOT NULL,
    attempt       integer     NOT NULL,
    amount        bigint      NOT NULL CHECK (amount > 0),
    currency      text        NOT NULL,
    -- canceled: the invoice was settled otherwise before the charge was sent.
    status        text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'canceled')),
    leased_until  timestamptz NOT NULL,
    payment_id    text,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, intent_id)
);
CREATE UNIQUE INDEX charge_intents_one_pending ON charge_intents (tenant_id, invoice_id) WHERE status = 'pending';

-- A payment shows the end-to-end id it was collected with (SEPA, bank statements).
ALTER TABLE payments ADD COLUMN end_to_end_id text;

-- Rows written before this migration counted credit moved to the balance in amount_credited.
UPDATE invoices SET
    amount_credited_to_balance = greatest(0, amount_paid + amount_credited + amount_written_off - greatest(total, 0)),
    amount_credited = amount_credited
        - greatest(0, amount_paid + amount_credited + amount_written_off - greatest(total, 0))
WHERE amount_paid + amount_credited + amount_written_off > greatest(total, 0);

-- An invoice's allocations never exceed its total and never go below nothing. AllocationWriter
-- is the only writer of these cached sums and moves them in the same statement as the
-- allocation rows, so this check is the allocation invariant: a second charge, payment or
-- credit racing for the same open amount fails here and its transaction rolls back.
ALTER TABLE invoices ADD CONSTRAINT invoices_allocated_within_total CHECK (
    amount_paid >= 0 AND amount_credited >= 0 AND amount_written_off >= 0 AND amount_credited_to_balance >= 0
    AND amount_paid + amount_credited + amount_written_off <= greatest(total, 0)
    AND amount_credited + amount_credited_to_balance <= greatest(total, 0));
