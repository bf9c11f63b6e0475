-- Issue 16: a SEPA mandate's scheme (CORE or B2B) and type (recurring or one-off), the date of
-- the latest collection presented under it (FRST before the first, lapse 36 months after the
-- last), and what it was before an amendment (new IBAN or reference) until the next collection
-- carries that as amendment information.
ALTER TABLE payment_methods
    ADD COLUMN sepa_scheme                 text CHECK (sepa_scheme IN ('CORE', 'B2B')),
    ADD COLUMN sepa_mandate_type           text CHECK (sepa_mandate_type IN ('recurring', 'one_off')),
    ADD COLUMN sepa_last_collection_on     date,
    ADD COLUMN sepa_amended_from_iban      text,
    ADD COLUMN sepa_amended_from_reference text;

UPDATE payment_methods SET sepa_scheme = 'CORE', sepa_mandate_type = 'recurring' WHERE type = 'sepa_debit';

ALTER TABLE payment_methods
    ADD CONSTRAINT payment_methods_sepa_mandate_complete
    CHECK (type <> 'sepa_debit' OR (sepa_scheme IS NOT NULL AND sepa_mandate_type IS NOT NULL));
