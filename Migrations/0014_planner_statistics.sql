-- Planner statistics for the multi-tenant tables that the hot paths join by id.
--
-- A tenant's rows can be a sliver of a large table: 10,000 invoices of a new tenant among a
-- million. The default re-analyzes a table after 10 % of it changed, so the statistics may not
-- know that tenant for a long time, the planner then believes `tenant_id = $1` matches one row
-- and picks nested loops that rescan the tenant's rows once per row. Re-analyze after a fixed
-- number of changed rows instead (an ANALYZE samples 30,000 rows: cheap).
ALTER TABLE invoices SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000);
ALTER TABLE allocations SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000);
ALTER TABLE ledger_entries SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 10000);
ALTER TABLE payments SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000);
ALTER TABLE customers SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000);
ALTER TABLE dunning_cases SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000);
ALTER TABLE bank_transactions SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000);
