-- Issue 16: direct debits the tenant's own bank collects from pain.008 files.
--
-- A tenant collects SEPA debits through the payment gateway (the default) or by bank file. By
-- bank file, collection schedules a debit instead of charging: it waits for its collection
-- date (pre-notification period, TARGET2 business day), goes into exactly one batch (one
-- pain.008 file), and becomes a succeeded payment with the debit's end-to-end id on its
-- collection date once the batch was submitted to the bank. A return in camt.054 then finds
-- that payment by its end-to-end id and reopens the invoice, as for any debit.
ALTER TABLE tenants
    ADD COLUMN sepa_collection             text    NOT NULL DEFAULT 'gateway'
        CHECK (sepa_collection IN ('gateway', 'bank_file')),
    ADD COLUMN sepa_prenotification_days   integer NOT NULL DEFAULT 14
        CHECK (sepa_prenotification_days BETWEEN 1 AND 30),
    -- A period shorter than 14 days only where the tenant agreed it with its debtors (EPC rulebook).
    ADD COLUMN sepa_prenotification_agreed boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT tenants_sepa_short_prenotification_agreed
        CHECK (sepa_prenotification_days >= 14 OR sepa_prenotification_agreed);

-- A charge intent handed to a bank file: resolved (never charged through the gateway again),
-- its debit scheduled.
ALTER TABLE charge_intents DROP CONSTRAINT charge_intents_status_check;
ALTER TABLE charge_intents ADD CONSTRAINT charge_intents_status_check
    CHECK (status IN ('pending', 'succeeded', 'failed', 'canceled', 'scheduled'));

CREATE TABLE sepa_batches (
    tenant_id     text        NOT NULL,
    batch_id      text        NOT NULL,
    seq           bigint      GENERATED ALWAYS AS IDENTITY,
    message_id    text        NOT NULL,
    format        text        NOT NULL CHECK (format IN ('pain.008.001.08', 'pain.008.001.02')),
    status        text        NOT NULL CHECK (status IN ('created', 'submitted')),
    -- The tenant's day the file was made for: every collection date in it is at least one
    -- TARGET2 business day later.
    made_on       date        NOT NULL,
    debit_count   integer     NOT NULL CHECK (debit_count > 0),
    control_sum   bigint      NOT NULL CHECK (control_sum > 0),
    file          bytea       NOT NULL,
    sha256        text        NOT NULL,
    livemode      boolean     NOT NULL,
    created_at    timestamptz NOT NULL,
    submitted_at  timestamptz,
    PRIMARY KEY (tenant_id, batch_id),
    UNIQUE (tenant_id, message_id)
);

-- A stored file is the file sent: never changed, never deleted.
CREATE FUNCTION sepa_batches_file_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.file <> OLD.file OR NEW.sha256 <> OLD.sha256 OR NEW.message_id <> OLD.message_id THEN
        RAISE EXCEPTION 'a SEPA batch file is never changed or deleted' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER sepa_batches_file_immutable BEFORE UPDATE OR DELETE ON sepa_batches
    FOR EACH ROW EXECUTE FUNCTION sepa_batches_file_immutable();

CREATE TABLE sepa_debits (
    tenant_id                  text        NOT NULL,
    debit_id                   text        NOT NULL,
    -- The charge intent's id: EndToEndId in the file, found again in camt.054.
    end_to_end_id              text        NOT NULL,
    invoice_id                 text        NOT NULL,
    customer_id                text        NOT NULL,
    payment_method_id          text        NOT NULL,
    -- The payment this debit becomes when it settles (its id chosen when scheduled).
    payment_id                 text        NOT NULL,
    amount                     bigint      NOT NULL CHECK (amount > 0),
    currency                   text        NOT NULL CHECK (currency = 'EUR'),
    -- The date the debtor was told (pre-notification); the file may carry a later one when the
    -- batch was made too late for it.
    planned_on                 date        NOT NULL,
    collection_date            date,
    scheme                     text        NOT NULL CHECK (scheme IN ('CORE', 'B2B')),
    sequence_type              text        NOT NULL CHECK (sequence_type IN ('FRST', 'RCUR', 'FNAL', 'OOFF')),
    mandate_reference          text        NOT NULL,
    mandate_signed_on          date        NOT NULL,
    debtor_name                text        NOT NULL,
    debtor_iban                text        NOT NULL,
    original_mandate_reference text,
    original_iban              text,
    other_bank                 boolean     NOT NULL DEFAULT false,
    remittance                 text        NOT NULL,
    status                     text        NOT NULL CHECK (status IN ('scheduled', 'batched', 'settled', 'canceled')),
    batch_id                   text,
    livemode                   boolean     NOT NULL,
    created_at                 timestamptz NOT NULL,
    settled_at                 timestamptz,
    PRIMARY KEY (tenant_id, debit_id),
    UNIQUE (tenant_id, end_to_end_id),
    FOREIGN KEY (tenant_id, batch_id) REFERENCES sepa_batches (tenant_id, batch_id),
    -- A debit in a batch has its date in the file; one not in a batch has none.
    CHECK ((status = 'scheduled') = (batch_id IS NULL) OR status = 'canceled'),
    CHECK (batch_id IS NULL OR collection_date IS NOT NULL)
);
-- At most one debit of an invoice is on its way at a time.
CREATE UNIQUE INDEX sepa_debits_one_open ON sepa_debits (tenant_id, invoice_id)
    WHERE status IN ('scheduled', 'batched');
CREATE INDEX sepa_debits_scheduled ON sepa_debits (tenant_id, planned_on) WHERE status = 'scheduled';
CREATE INDEX sepa_debits_batched ON sepa_debits (tenant_id, collection_date) WHERE status = 'batched';
CREATE INDEX sepa_debits_batch ON sepa_debits (tenant_id, batch_id) WHERE batch_id IS NOT NULL;

-- A return in camt.054 names the debit by its end-to-end id.
CREATE INDEX payments_end_to_end_id ON payments (tenant_id, end_to_end_id) WHERE end_to_end_id IS NOT NULL;
