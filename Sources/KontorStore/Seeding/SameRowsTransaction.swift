import Foundation
import Logging
import PostgresNIO

/// The floor of `kontor bench api`, in SQL: one transaction that writes again the rows a
/// sample `POST /v1/subscriptions` wrote — under fresh identifiers, into the same tables (same
/// indexes, triggers and foreign keys) — and takes the tenant's invoice number last, as late as
/// a gap-free counter allows. Rendered as a pgbench script; plus the statistics and checks the
/// benchmark reports.
public struct SameRowsTransaction: Sendable {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// The tables a subscription with its first invoice writes, which of their text columns
    /// carry the sample's identifiers (these get a fresh suffix per transaction, consistently,
    /// so foreign keys hold), and which rows are the sample's.
    static let tables: [(name: String, fresh: [String], rows: String)] = [
        ("idempotency_keys", ["idempotency_key"], "tenant_id = $1 AND idempotency_key = $3"),
        ("subscriptions", ["subscription_id"], "tenant_id = $1 AND subscription_id = $2"),
        ("invoices", ["invoice_id", "subscription_id", "number"], "tenant_id = $1 AND subscription_id = $2"),
        (
            "invoice_lines", ["invoice_id"],
            "tenant_id = $1 AND invoice_id IN (SELECT invoice_id FROM invoices WHERE tenant_id = $1 AND subscription_id = $2)"
        ),
        (
            "ledger_entries", ["document_id", "document_number"],
            "tenant_id = $1 AND document_id IN (SELECT invoice_id FROM invoices WHERE tenant_id = $1 AND subscription_id = $2)"
        ),
        (
            "events", ["event_id", "object_id"],
            "tenant_id = $1 AND (object_id = $2 OR object_id IN (SELECT invoice_id FROM invoices WHERE tenant_id = $1 AND subscription_id = $2))"
        ),
    ]

    /// One transaction: every sample row inserted again under fresh identifiers, then the
    /// tenant's invoice counter. The sample rows travel as base64 (pgbench reads `:name` in a
    /// script as a variable, and JSON is full of colons); decoding them costs the floor a few
    /// microseconds per transaction.
    public func script(tenantID: String, sample: String, key: String, on conn: PostgresConnection) async throws
        -> String
    {
        var lines = [#"\set r random(1, 1000000000000000)"#, "BEGIN;"]
        do {
            for table in Self.tables {
                let columns = try await Self.insertableColumns(table.name, on: conn, logger: logger)
                var json = "[]"
                let rows = try await conn.query(
                    PostgresQuery(
                        unsafeSQL: "SELECT coalesce(json_agg(t), '[]')::text FROM \(table.name) t WHERE \(table.rows)",
                        binds: try Self.binds(tenantID, sample, key)),
                    logger: logger)
                for try await text in rows.decode(String.self) { json = text }
                guard json != "[]" else {
                    throw StoreError.notFound
                }
                let select = columns.map { table.fresh.contains($0) ? "\($0) || 'f' || :r" : $0 }
                lines.append(
                    "INSERT INTO \(table.name) (\(columns.joined(separator: ", "))) SELECT \(select.joined(separator: ", ")) "
                        + "FROM json_populate_recordset(NULL::\(table.name), "
                        + "convert_from(decode('\(Data(json.utf8).base64EncodedString())', 'base64'), 'UTF8')::json);"
                )
            }
        }
        lines.append(
            "UPDATE number_series SET next_value = next_value + 1 WHERE tenant_id = '\(tenantID)' AND series = 'invoice' RETURNING next_value;"
        )
        lines.append("COMMIT;")
        return lines.joined(separator: "\n") + "\n"
    }

    static func binds(_ tenantID: String, _ sample: String, _ key: String) throws -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(tenantID)
        binds.append(sample)
        binds.append(key)
        return binds
    }

    /// The columns an INSERT may name: not identity, not generated, not dropped.
    static func insertableColumns(_ table: String, on conn: PostgresConnection, logger: Logger) async throws
        -> [String]
    {
        let rows = try await conn.query(
            """
            SELECT attname::text FROM pg_attribute
            WHERE attrelid = \(table)::regclass AND attnum > 0 AND NOT attisdropped AND attidentity = ''
              AND attgenerated = ''
            ORDER BY attnum
            """, logger: logger)
        var names: [String] = []
        for try await name in rows.decode(String.self) { names.append(name) }
        return names
    }

    /// Rows inserted, updated and deleted per table so far (the statistics view).
    public static func tableWrites(_ database: Database) async throws -> [String: (Int64, Int64, Int64)] {
        try await database.withConnection { conn in
            let rows = try await conn.query(
                "SELECT relname::text, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables",
                logger: database.logger)
            var writes: [String: (Int64, Int64, Int64)] = [:]
            for try await (name, ins, upd, del) in rows.decode((String, Int64, Int64, Int64).self) {
                writes[name] = (ins, upd, del)
            }
            return writes
        }
    }

    /// "events 2 ins, subscriptions 1 ins 1 upd, …": what one request wrote, on average.
    public static func perRequest(
        before: [String: (Int64, Int64, Int64)], after: [String: (Int64, Int64, Int64)], requests: Int
    ) -> String {
        after.keys.sorted().compactMap { name in
            let (a, b) = (after[name]!, before[name] ?? (0, 0, 0))
            let parts = [("ins", a.0 - b.0), ("upd", a.1 - b.1), ("del", a.2 - b.2)].compactMap { label, n in
                n > 0 ? "\(String(format: "%g", (Double(n) / Double(requests) * 10).rounded() / 10)) \(label)" : nil
            }
            return parts.isEmpty ? nil : "\(name) \(parts.joined(separator: " "))"
        }.joined(separator: ", ")
    }

    /// Every number of the tenant's invoice series up to its counter is used exactly once.
    public static func numbersGapFree(tenantID: String, database: Database) async throws -> Bool {
        try await database.withConnection { conn in
            let rows = try await conn.query(
                """
                SELECT (SELECT count(*) FROM invoices WHERE tenant_id = \(tenantID))
                     = (SELECT next_value - 1 FROM number_series WHERE tenant_id = \(tenantID) AND series = 'invoice')
                """, logger: database.logger)
            for try await same in rows.decode(Bool.self) { return same }
            return false
        }
    }

}
