-- Mail delivery that survives a crash mid-send, and more kinds of message.
--
-- A message being sent is `sending` under a lease on the database clock (leased_until),
-- committed before the first byte goes to the server; its outcome is committed right after the
-- server's answer. A crash mid-send leaves it `sending`: once the lease has expired it is sent
-- again (the server never took a message it did not answer 250 to). Only a crash between the
-- server's 250 and that commit sends it twice — with the same bytes and Message-ID.
ALTER TABLE messages ADD COLUMN leased_until timestamptz;
ALTER TABLE messages DROP CONSTRAINT messages_status_check;
ALTER TABLE messages ADD CONSTRAINT messages_status_check
    CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'to_print'));
ALTER TABLE messages ADD CONSTRAINT messages_lease_check CHECK ((status = 'sending') = (leased_until IS NOT NULL));
DROP INDEX messages_due;
CREATE INDEX messages_due ON messages (next_attempt_at) WHERE status = 'queued';
CREATE INDEX messages_leased ON messages (leased_until) WHERE status = 'sending';

-- The channel: an e-mail, or a letter (the PDF queued for print: `to_print` until finance marks
-- it posted, then `sent`). The kind: about a document, a receipt for a payment, or a notice that
-- a card expires.
ALTER TABLE messages ADD COLUMN channel text NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'letter'));
ALTER TABLE messages ADD COLUMN kind text NOT NULL DEFAULT 'document'
    CHECK (kind IN ('document', 'receipt', 'card_expiry'));
ALTER TABLE messages DROP CONSTRAINT messages_source_type_check;
ALTER TABLE messages ADD CONSTRAINT messages_source_type_check
    CHECK (source_type IN ('invoice', 'credit_note', 'dunning_notice', 'payment', 'payment_method'));
ALTER TABLE messages DROP CONSTRAINT messages_tenant_id_source_type_source_id_key;
ALTER TABLE messages ADD CONSTRAINT messages_one_per_source UNIQUE (tenant_id, kind, source_type, source_id);

-- A tenant's own e-mail templates (Mustache), per kind and language; the built-in ones apply
-- where a tenant has none.
CREATE TABLE message_templates (
    tenant_id   text        NOT NULL REFERENCES tenants (tenant_id),
    kind        text        NOT NULL CHECK (kind IN ('invoice', 'credit_note', 'dunning_notice', 'receipt', 'card_expiry')),
    language    text        NOT NULL CHECK (language IN ('de', 'en')),
    subject     text        NOT NULL,
    text_body   text        NOT NULL,
    html_body   text        NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, kind, language)
);

-- What a customer wants their invoices and credit notes as: the PDF with the embedded e-invoice,
-- or the XRechnung (UBL) file only (public buyers, and businesses whose inbox reads XML).
ALTER TABLE customers ADD COLUMN invoice_delivery text NOT NULL DEFAULT 'pdf'
    CHECK (invoice_delivery IN ('pdf', 'xrechnung'));

-- Who a tenant's e-mails come from: a name and address of its own (e.g. "Beispiel GmbH
-- Buchhaltung" <rechnung@beispiel.example>); the legal name and contact e-mail when not set.
ALTER TABLE tenants ADD COLUMN mail_from_name text;
ALTER TABLE tenants ADD COLUMN mail_from_address text;
