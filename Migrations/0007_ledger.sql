-- The double-entry ledger: append-only. Every document (invoice, credit note, later payments
-- and write-offs) posts entries that sum to zero; amounts are signed minor units, debit
-- positive, credit negative.

CREATE TABLE ledger_entries (
    tenant_id        text        NOT NULL,
    entry_id         bigint      GENERATED ALWAYS AS IDENTITY,
    document_type    text        NOT NULL,
    document_id      text        NOT NULL,
    document_number  text,
    customer_id      text,
    account          text        NOT NULL,
    amount           bigint      NOT NULL,
    currency         text        NOT NULL,
    booking_date     date        NOT NULL,
    posted_at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, entry_id)
);

CREATE INDEX ledger_entries_document ON ledger_entries (tenant_id, document_id);
CREATE INDEX ledger_entries_booking ON ledger_entries (tenant_id, booking_date);

CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION kontor_refuse_change();
