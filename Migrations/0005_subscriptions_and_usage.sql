-- Subscriptions and the usage reported against them.

CREATE TABLE subscriptions (
    tenant_id             text        NOT NULL,
    subscription_id       text        NOT NULL,
    seq                   bigint      GENERATED ALWAYS AS IDENTITY,
    customer_id           text        NOT NULL,
    plan_code             text        NOT NULL,
    plan_version          integer     NOT NULL,
    quantity              bigint      NOT NULL CHECK (quantity > 0),
    currency              text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    status                text        NOT NULL CHECK (status IN
                              ('trialing', 'active', 'past_due', 'restricted', 'suspended', 'paused', 'canceled')),
    start_date            date        NOT NULL,
    trial_end             date,
    billing_anchor        date        NOT NULL,
    collection_method     text        NOT NULL CHECK (collection_method IN ('charge_automatically', 'send_invoice')),
    payment_terms_days    integer     NOT NULL CHECK (payment_terms_days BETWEEN 0 AND 365),
    -- The service period in progress (NULL before the start date is reached).
    current_period_start  date,
    current_period_end    date,
    current_period_trial  boolean     NOT NULL DEFAULT false,
    -- The next boundary the billing run must process, as a date and as the instant it begins
    -- in the tenant's time zone. NULL when nothing more will be billed.
    next_billing_date     date,
    next_billing_at       timestamptz,
    cancel_at_period_end  boolean     NOT NULL DEFAULT false,
    canceled_at           timestamptz,
    ended_on              date,
    paused_at             timestamptz,
    -- A change scheduled for the next boundary (proration = next_period).
    pending_plan_code     text,
    pending_plan_version  integer,
    pending_quantity      bigint      CHECK (pending_quantity > 0),
    metadata              jsonb       NOT NULL DEFAULT '{}',
    livemode              boolean     NOT NULL,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, subscription_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, customer_id),
    FOREIGN KEY (tenant_id, plan_code, plan_version) REFERENCES plans (tenant_id, plan_code, version),
    CHECK ((next_billing_date IS NULL) = (next_billing_at IS NULL))
);

CREATE UNIQUE INDEX subscriptions_seq ON subscriptions (tenant_id, seq);
CREATE INDEX subscriptions_customer ON subscriptions (tenant_id, customer_id, seq);
-- What the billing run scans: only subscriptions with something left to bill, in the order
-- it claims them, so a run can continue after its last claim (keyset) instead of wading again
-- through the entries of rows it has just moved on.
CREATE INDEX subscriptions_due ON subscriptions (next_billing_at, tenant_id, subscription_id)
    WHERE next_billing_at IS NOT NULL;

-- Usage events, deduplicated by the client's id per tenant. A period's usage is read when
-- its invoice is issued; after that the period is closed and late events are refused.
CREATE TABLE usage_events (
    tenant_id        text        NOT NULL,
    usage_id         text        NOT NULL,
    subscription_id  text        NOT NULL,
    metric           text        NOT NULL,
    quantity         bigint      NOT NULL CHECK (quantity >= 0),
    occurred_at      timestamptz NOT NULL,
    recorded_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, usage_id),
    FOREIGN KEY (tenant_id, subscription_id) REFERENCES subscriptions (tenant_id, subscription_id)
);

CREATE INDEX usage_events_period ON usage_events (tenant_id, subscription_id, occurred_at);
