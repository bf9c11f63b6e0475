-- The daily dunning claim walks cases not yet checked today, in (checked_on, customer_id)
-- order, through an index: each batch starts where the unchecked cases start instead of
-- stepping over every case already checked today (quadratic over a run). "Never checked" is
-- the earliest day rather than NULL, so it sorts first and sits in the same index range.
UPDATE dunning_cases SET checked_on = '-infinity' WHERE checked_on IS NULL;
ALTER TABLE dunning_cases
    ALTER COLUMN checked_on SET DEFAULT '-infinity',
    ALTER COLUMN checked_on SET NOT NULL;
CREATE INDEX dunning_cases_unchecked ON dunning_cases (tenant_id, checked_on, customer_id);
