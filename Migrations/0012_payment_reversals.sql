-- A succeeded payment can be taken back later: a card chargeback or a returned SEPA debit
-- (Rücklastschrift). The payment row keeps when that happened; the ledger gets the reversal.
ALTER TABLE payments ADD COLUMN reversed_at timestamptz;

CREATE INDEX payments_reversal_due ON payments (reversal_due_on)
    WHERE reversal_due_on IS NOT NULL AND reversed_at IS NULL;
