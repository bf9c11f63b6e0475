-- The debtor account (Kontoauszug) and the balance list per debtor (Saldenliste) read a
-- customer's receivable entries by booking date: one index range per debtor, never a scan of
-- the tenant's ledger. The amount is in the index so a balance is an index-only scan.
CREATE INDEX ledger_entries_debtor ON ledger_entries (tenant_id, customer_id, account, booking_date)
    INCLUDE (amount, currency);

-- Disputes per customer for the debtor account (notices already have theirs).
CREATE INDEX disputes_customer ON disputes (tenant_id, customer_id, created_at);

-- Write-off proposals from the console's work queue: above the tenant's threshold a second
-- person approves (four-eyes principle); at most one pending proposal per item.
ALTER TABLE tenants ADD COLUMN write_off_approval_above bigint NOT NULL DEFAULT 25000
    CHECK (write_off_approval_above >= 0);

CREATE TABLE write_off_proposals (
    tenant_id     text        NOT NULL,
    proposal_id   text        NOT NULL,
    invoice_id    text        NOT NULL,
    customer_id   text        NOT NULL,
    amount        bigint      NOT NULL CHECK (amount > 0),
    currency      text        NOT NULL,
    reason        text        NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    status        text        NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'written_off')),
    proposed_by   text        NOT NULL,
    proposed_at   timestamptz NOT NULL,
    decided_by    text,
    decided_at    timestamptz,
    PRIMARY KEY (tenant_id, proposal_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, customer_id),
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE UNIQUE INDEX write_off_proposals_pending ON write_off_proposals (tenant_id, invoice_id)
    WHERE status = 'pending';

-- A payment's shares of one debtor (the account statement names the invoices it paid).
CREATE INDEX allocations_customer_source ON allocations (tenant_id, customer_id, source_id);
