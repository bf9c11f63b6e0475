-- What an EN 16931 e-invoice says about the seller beyond name, address and VAT ID: the tax
-- number (BT-32), a contact (BG-6), the electronic address (BT-34), the account to pay into
-- (BG-17) and the SEPA creditor identifier (BT-90). All optional; set with PATCH /v1/tenant.
ALTER TABLE tenants
    ADD COLUMN tax_number         text,
    ADD COLUMN contact_name       text,
    ADD COLUMN contact_phone      text,
    ADD COLUMN contact_email      text,
    ADD COLUMN electronic_address text,
    ADD COLUMN bank_iban          text,
    ADD COLUMN bank_bic           text,
    ADD COLUMN sepa_creditor_id   text;
