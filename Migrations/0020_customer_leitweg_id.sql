-- A public buyer's Leitweg-ID (XRechnung): the buyer reference (BT-10) of its e-invoices.
ALTER TABLE customers ADD COLUMN leitweg_id text;
