-- Invoices and credit notes: final when issued (GoBD). Only the payment state of an invoice
-- may change afterwards; a database trigger refuses every other UPDATE and every DELETE.
--
-- Hot-path tables (written in bulk by the billing run) carry no foreign keys to each other:
-- one code path writes an invoice, its lines, its postings and its event in one transaction.

CREATE TABLE invoices (
    tenant_id          text        NOT NULL,
    invoice_id         text        NOT NULL,
    seq                bigint      GENERATED ALWAYS AS IDENTITY,
    number             text        NOT NULL,
    customer_id        text        NOT NULL,
    subscription_id    text,
    -- subscription_cycle | subscription_update | subscription_final | manual
    billing_reason     text        NOT NULL,
    -- For subscription invoices: the boundary (cycle) or day (update, final) they bill.
    billing_date       date,
    currency           text        NOT NULL,
    issue_date         date        NOT NULL,
    due_date           date        NOT NULL,
    period_start       date,
    period_end         date,
    subtotal           bigint      NOT NULL,
    tax                bigint      NOT NULL,
    total              bigint      NOT NULL,
    tax_treatment      text        NOT NULL,
    tax_note           text,
    tax_breakdown      jsonb       NOT NULL,
    seller_name        text        NOT NULL,
    seller_address     text,
    seller_vat_id      text,
    buyer_name         text,
    buyer_address      text,
    buyer_country      text,
    buyer_vat_id       text,
    collection_method  text        NOT NULL,
    livemode           boolean     NOT NULL,
    issued_at          timestamptz NOT NULL,
    -- Mutable payment state (issues 4 and 5 move these).
    status             text        NOT NULL DEFAULT 'open'
                           CHECK (status IN ('open', 'paid', 'uncollectible', 'written_off')),
    amount_paid        bigint      NOT NULL DEFAULT 0,
    amount_credited    bigint      NOT NULL DEFAULT 0,
    paid_at            timestamptz,
    PRIMARY KEY (tenant_id, invoice_id)
);

CREATE UNIQUE INDEX invoices_number ON invoices (tenant_id, number);
CREATE UNIQUE INDEX invoices_seq ON invoices (tenant_id, seq);
CREATE INDEX invoices_customer ON invoices (tenant_id, customer_id, seq);
-- Invariant 2: a subscription's boundary is invoiced once, whoever runs the billing, however
-- often, and after whatever crash.
CREATE UNIQUE INDEX invoices_once_per_period ON invoices (tenant_id, subscription_id, billing_date, billing_reason)
    WHERE billing_reason IN ('subscription_cycle', 'subscription_final');

CREATE TABLE invoice_lines (
    tenant_id      text    NOT NULL,
    invoice_id     text    NOT NULL,
    line_no        integer NOT NULL,
    description    text    NOT NULL,
    charge_code    text,
    period_start   date,
    period_end     date,
    quantity       bigint  NOT NULL,
    unit_amount    bigint,
    amount         bigint  NOT NULL,
    tax_rate       integer NOT NULL,
    tax_amount     bigint  NOT NULL,
    PRIMARY KEY (tenant_id, invoice_id, line_no)
);

CREATE TABLE credit_notes (
    tenant_id       text        NOT NULL,
    credit_note_id  text        NOT NULL,
    seq             bigint      GENERATED ALWAYS AS IDENTITY,
    number          text        NOT NULL,
    invoice_id      text        NOT NULL,
    customer_id     text        NOT NULL,
    reason          text        NOT NULL,
    memo            text,
    currency        text        NOT NULL,
    issue_date      date        NOT NULL,
    subtotal        bigint      NOT NULL,
    tax             bigint      NOT NULL,
    total           bigint      NOT NULL,
    tax_treatment   text        NOT NULL,
    tax_note        text,
    tax_breakdown   jsonb       NOT NULL,
    livemode        boolean     NOT NULL,
    issued_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, credit_note_id),
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, invoice_id)
);

CREATE UNIQUE INDEX credit_notes_number ON credit_notes (tenant_id, number);
CREATE UNIQUE INDEX credit_notes_seq ON credit_notes (tenant_id, seq);
CREATE INDEX credit_notes_invoice ON credit_notes (tenant_id, invoice_id);

CREATE TABLE credit_note_lines (
    tenant_id       text    NOT NULL,
    credit_note_id  text    NOT NULL,
    line_no         integer NOT NULL,
    description     text    NOT NULL,
    charge_code     text,
    period_start    date,
    period_end      date,
    quantity        bigint  NOT NULL,
    unit_amount     bigint,
    amount          bigint  NOT NULL,
    tax_rate        integer NOT NULL,
    tax_amount      bigint  NOT NULL,
    PRIMARY KEY (tenant_id, credit_note_id, line_no)
);

-- GoBD: issued documents are unalterable.
CREATE FUNCTION kontor_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable once issued (GoBD); correct them with a credit note', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;

-- On invoices only the payment state may move; every other column is compared as a whole row
-- so that a column added later is protected without touching this function.
CREATE FUNCTION kontor_invoice_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (to_jsonb(NEW) - ARRAY['status', 'amount_paid', 'amount_credited', 'paid_at'])
        IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['status', 'amount_paid', 'amount_credited', 'paid_at']) THEN
        RAISE EXCEPTION 'invoice % is immutable once issued (GoBD); correct it with a credit note', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER invoices_immutable BEFORE UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION kontor_invoice_guard();
CREATE TRIGGER invoices_no_delete BEFORE DELETE ON invoices FOR EACH ROW EXECUTE FUNCTION kontor_refuse_change();
CREATE TRIGGER invoice_lines_immutable BEFORE UPDATE OR DELETE ON invoice_lines
    FOR EACH ROW EXECUTE FUNCTION kontor_refuse_change();
CREATE TRIGGER credit_notes_immutable BEFORE UPDATE OR DELETE ON credit_notes
    FOR EACH ROW EXECUTE FUNCTION kontor_refuse_change();
CREATE TRIGGER credit_note_lines_immutable BEFORE UPDATE OR DELETE ON credit_note_lines
    FOR EACH ROW EXECUTE FUNCTION kontor_refuse_change();
