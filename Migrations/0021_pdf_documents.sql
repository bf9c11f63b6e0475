-- PDF/A-3 documents join the archive: invoices and credit notes (the ZUGFeRD hybrid), dunning
-- notices and account statements. Customers get the language of their documents, tenants a
-- logo (JPEG) and a footer line for their letters.
ALTER TABLE documents DROP CONSTRAINT documents_source_type_check;
ALTER TABLE documents ADD CONSTRAINT documents_source_type_check
    CHECK (source_type IN ('invoice', 'credit_note', 'dunning_notice', 'statement'));
ALTER TABLE documents DROP CONSTRAINT documents_format_check;
ALTER TABLE documents ADD CONSTRAINT documents_format_check CHECK (format IN ('cii', 'ubl', 'pdf'));

ALTER TABLE customers ADD COLUMN locale text CHECK (locale ~ '^[a-z]{2}(-[A-Z]{2})?$');

ALTER TABLE tenants ADD COLUMN document_footer text;
ALTER TABLE tenants ADD COLUMN logo bytea;
