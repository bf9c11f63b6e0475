-- The finance console's controls: Mahnvorschlag (a policy in review mode proposes, finance
-- releases), Mahnsperre (dunning blocks per item or customer, with reason and end date), and
-- period close (a month exported to DATEV, then locked: nothing is booked into it any more).

ALTER TABLE dunning_policies
    ADD COLUMN mode text NOT NULL DEFAULT 'auto' CHECK (mode IN ('auto', 'review'));

-- A block pauses dunning of one item (invoice_id set) or of every item of a customer
-- (invoice_id null) through `until`, inclusive. Lifting keeps the row.
CREATE TABLE dunning_blocks (
    tenant_id    text        NOT NULL,
    block_id     text        NOT NULL,
    customer_id  text        NOT NULL,
    invoice_id   text,
    reason       text        NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    until        date        NOT NULL,
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL,
    lifted_by    text,
    lifted_at    timestamptz,
    PRIMARY KEY (tenant_id, block_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, customer_id)
);
CREATE INDEX dunning_blocks_customer ON dunning_blocks (tenant_id, customer_id) WHERE lifted_at IS NULL;

-- What a run in review mode would have done for a customer: at most one open proposal per
-- customer, refreshed by each run until finance releases, postpones or it lapses.
CREATE TABLE dunning_proposals (
    tenant_id     text        NOT NULL,
    proposal_id   text        NOT NULL,
    customer_id   text        NOT NULL,
    case_no       integer     NOT NULL,
    level         integer     NOT NULL,
    level_name    text        NOT NULL,
    policy_code   text        NOT NULL,
    currency      text        NOT NULL,
    items         jsonb       NOT NULL,
    items_total   bigint      NOT NULL,
    fee           bigint      NOT NULL,
    interest      bigint      NOT NULL,
    flat_fee      bigint      NOT NULL,
    actions       text[]      NOT NULL,
    -- proposed | released (notice_id: what went out) | postponed | lapsed (nothing left to dun)
    status        text        NOT NULL CHECK (status IN ('proposed', 'released', 'postponed', 'lapsed')),
    proposed_on   date        NOT NULL,
    created_at    timestamptz NOT NULL,
    decided_by    text,
    decided_at    timestamptz,
    notice_id     text,
    PRIMARY KEY (tenant_id, proposal_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, customer_id)
);
CREATE UNIQUE INDEX dunning_proposals_open ON dunning_proposals (tenant_id, customer_id) WHERE status = 'proposed';
CREATE INDEX dunning_proposals_day ON dunning_proposals (tenant_id, proposed_on, customer_id);

-- Period close. `locked_through` is the last day of the last closed month: every booking dated
-- on or before it is moved by the writers to the day after (a correction books in the open
-- period), and the triggers below refuse any that is not.
ALTER TABLE tenants ADD COLUMN locked_through date;

CREATE TABLE period_closes (
    tenant_id      text        NOT NULL REFERENCES tenants (tenant_id),
    period         text        NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    closed_through date        NOT NULL,
    entries        integer     NOT NULL,
    datev_sha256   text        NOT NULL CHECK (datev_sha256 ~ '^[0-9a-f]{64}$'),
    closed_by      text        NOT NULL,
    closed_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, period)
);

-- One check per statement (the inserted rows against their tenant's lock), not per row.
CREATE FUNCTION kontor_refuse_locked_booking() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows n JOIN tenants t ON t.tenant_id = n.tenant_id
               WHERE n.booking_date <= t.locked_through) THEN
        RAISE EXCEPTION 'booking into a locked period' USING ERRCODE = 'P0001';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_entries_open_period AFTER INSERT ON ledger_entries
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kontor_refuse_locked_booking();
CREATE TRIGGER allocations_open_period AFTER INSERT ON allocations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kontor_refuse_locked_booking();
