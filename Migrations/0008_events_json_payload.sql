-- Event payloads are delivered as the bytes they were written with and never queried inside,
-- so `json` (validated text) serves them; `jsonb` made PostgreSQL build a binary tree for
-- every invoice.finalized payload, the largest single cost of a billing run's writes.
ALTER TABLE events ALTER COLUMN data TYPE json USING data::json;
