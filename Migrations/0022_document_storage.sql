-- PDFs are compressed already: PostgreSQL's default pglz spent a sixth of the document
-- worker's time trying to compress them again. lz4 gives up on incompressible data at once and
-- still shrinks the XML; where the server was built without lz4 the default stays.
DO $$
BEGIN
    ALTER TABLE documents ALTER COLUMN content SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'lz4 is not available: documents keep the default compression';
END $$;
