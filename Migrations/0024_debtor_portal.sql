-- The debtor portal. A customer's link carries an unguessable token (32 random bytes); at most
-- one is active per customer, a revoked one never works again. Documents and e-mails made while a
-- link is active carry it.
CREATE TABLE portal_links (
    tenant_id    text        NOT NULL REFERENCES tenants (tenant_id),
    token        text        NOT NULL CHECK (token ~ '^pt_[A-Za-z0-9_-]{43}$'),
    customer_id  text        NOT NULL,
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    PRIMARY KEY (tenant_id, token),
    UNIQUE (token)
);
CREATE UNIQUE INDEX portal_links_active ON portal_links (tenant_id, customer_id) WHERE revoked_at IS NULL;

-- Disputes opened by the debtor in the portal say so (the API's say 'api').
ALTER TABLE disputes ADD COLUMN source text NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'portal'));

-- A debtor's proposal to pay some open items in monthly instalments. Finance accepts it (a
-- payment plan is made, and dunning waits while it is kept) or declines it.
CREATE TABLE instalment_proposals (
    tenant_id       text        NOT NULL REFERENCES tenants (tenant_id),
    proposal_id     text        NOT NULL,
    customer_id     text        NOT NULL,
    invoice_ids     text[]      NOT NULL CHECK (cardinality(invoice_ids) > 0),
    currency        text        NOT NULL,
    amount          bigint      NOT NULL CHECK (amount > 0),
    instalments     int         NOT NULL CHECK (instalments BETWEEN 2 AND 12),
    first_due_date  date        NOT NULL,
    message         text        NOT NULL DEFAULT '',
    status          text        NOT NULL CHECK (status IN ('pending', 'accepted', 'declined')),
    payment_plan_id text,
    decision_note   text,
    created_at      timestamptz NOT NULL,
    decided_at      timestamptz,
    PRIMARY KEY (tenant_id, proposal_id),
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    CHECK ((status = 'accepted') = (payment_plan_id IS NOT NULL))
);
CREATE INDEX instalment_proposals_by_customer ON instalment_proposals (tenant_id, customer_id, created_at);
-- One pending proposal per customer: a second waits for finance to answer the first.
CREATE UNIQUE INDEX instalment_proposals_pending ON instalment_proposals (tenant_id, customer_id)
    WHERE status = 'pending';

-- A charge the debtor started in the portal is made on the method they gave, not the customer's
-- default; the intent keeps it, so a resumed lease charges the same method with the same key.
ALTER TABLE charge_intents ADD COLUMN payment_method_id text;
