import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Bank statements and their transactions. Every transaction's `entry_key` is unique per
/// tenant, so inserting a statement a second time inserts nothing.
public struct BankTransactionRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Inserts the transactions whose key is new, in one statement; returns the ids inserted.
    public func insertNew(
        _ ts: [BankTransaction], statementID: String, tenantID: String, now: Date, on conn: PostgresConnection
    ) async throws -> Set<String> {
        guard !ts.isEmpty else { return [] }
        let rows = try await conn.query(
            """
            INSERT INTO bank_transactions (tenant_id, transaction_id, statement_id, entry_key, direction, amount,
                currency, booking_date, value_date, remittance, payer_iban, payer_name, end_to_end_id, mandate_id,
                return_reason, fee, status, created_at)
            SELECT \(tenantID), i, \(statementID), k, d, a, c, b, NULLIF(v, '')::date, NULLIF(r, ''),
                NULLIF(ib, ''), NULLIF(n, ''), NULLIF(e, ''), NULLIF(m, ''), NULLIF(rr, ''), NULLIF(f, -1),
                \(BankTransaction.Status.unmatched.rawValue), \(now)
            FROM unnest(\(ts.map(\.id)), \(ts.map(\.entryKey)), \(ts.map(\.direction.rawValue)), \(ts.map(\.amount)),
                \(ts.map(\.currency)), \(ts.map(\.bookingDate)), \(ts.map { $0.valueDate?.description ?? "" }),
                \(ts.map { $0.remittance ?? "" }), \(ts.map { $0.payerIBAN ?? "" }), \(ts.map { $0.payerName ?? "" }),
                \(ts.map { $0.endToEndID ?? "" }), \(ts.map { $0.mandateID ?? "" }),
                \(ts.map { $0.returnReason ?? "" }), \(ts.map { $0.fee ?? -1 }))
                AS x(i, k, d, a, c, b, v, r, ib, n, e, m, rr, f)
            ON CONFLICT (tenant_id, entry_key) DO NOTHING
            RETURNING transaction_id
            """,
            logger: logger.forQuery
        )
        var inserted: Set<String> = []
        for try await id in rows.decode(String.self) { inserted.insert(id) }
        return inserted
    }

    /// Records what became of each transaction, in one statement.
    public func record(_ outcomes: [String: BankTransaction.Outcome], tenantID: String, on conn: PostgresConnection)
        async throws
    {
        guard !outcomes.isEmpty else { return }
        let ids = Array(outcomes.keys)
        let o = ids.map { outcomes[$0]! }
        _ = try await conn.query(
            """
            UPDATE bank_transactions b SET status = u.s, match_rule = NULLIF(u.r, ''), note = NULLIF(u.n, ''),
                customer_id = NULLIF(u.c, ''), payment_id = NULLIF(u.p, '')
            FROM unnest(\(ids), \(o.map(\.status.rawValue)), \(o.map { $0.rule ?? "" }), \(o.map { $0.note ?? "" }),
                \(o.map { $0.customerID ?? "" }), \(o.map { $0.paymentID ?? "" })) AS u(i, s, r, n, c, p)
            WHERE b.tenant_id = \(tenantID) AND b.transaction_id = u.i
            """,
            logger: logger.forQuery
        )
    }

    public func insert(
        _ s: BankStatementRecord, tenantID: String, livemode: Bool, now: Date, on conn: PostgresConnection
    ) async throws {
        _ = try await conn.query(
            """
            INSERT INTO bank_statements (tenant_id, statement_id, format, message_id, account_iban, entries, duplicates,
                matched, unmatched, returns, livemode, created_at)
            VALUES (\(tenantID), \(s.id), \(s.format), \(s.messageID), \(s.accountIBAN), \(s.entries), \(s.duplicates),
                \(s.matched), \(s.unmatched), \(s.returns), \(livemode), \(now))
            """,
            logger: logger.forQuery
        )
    }

    /// Transactions in import order, filtered by statement, status or id (at most 1000).
    public func list(
        statementID: String? = nil, status: BankTransaction.Status? = nil, transactionID: String? = nil,
        lock: Bool = false, tenantID: String, on conn: PostgresConnection
    ) async throws -> [BankTransaction] {
        let status = status?.rawValue
        let rows = try await conn.query(
            """
            SELECT transaction_id, entry_key, direction, amount, currency, booking_date, remittance, payer_iban,
                   payer_name, end_to_end_id, return_reason, fee, status, match_rule, note, customer_id, payment_id
            FROM bank_transactions
            WHERE tenant_id = \(tenantID) AND (\(statementID)::text IS NULL OR statement_id = \(statementID))
              AND (\(status)::text IS NULL OR status = \(status))
              AND (\(transactionID)::text IS NULL OR transaction_id = \(transactionID))
            ORDER BY seq LIMIT 1000
            \(unescaped: lock ? "FOR UPDATE" : "")
            """,
            logger: logger.forQuery
        )
        var result: [BankTransaction] = []
        for try await r in rows.decode(
            (
                String, String, String, Int64, String, LocalDate, String?, String?, String?, String?, String?, Int64?,
                String, String?, String?, String?, String?
            ).self
        ) {
            var t = BankTransaction(
                id: r.0, entryKey: r.1, direction: BankTransaction.Direction(rawValue: r.2) ?? .credit, amount: r.3,
                currency: r.4, bookingDate: r.5, remittance: r.6, payerIBAN: r.7, payerName: r.8, endToEndID: r.9,
                returnReason: r.10, fee: r.11)
            t.status = BankTransaction.Status(rawValue: r.12) ?? .unmatched
            t.matchRule = r.13
            t.note = r.14
            t.customerID = r.15
            t.paymentID = r.16
            result.append(t)
        }
        return result
    }

    /// Which customers an IBAN (SEPA mandates, earlier payments) or an account holder name
    /// points to, in one query.
    public func matchHints(ibans: [String], names: [String], tenantID: String, on conn: PostgresConnection)
        async throws -> (customersByIBAN: [String: Set<String>], customerNames: [String: String])
    {
        let rows = try await conn.query(
            """
            SELECT 'iban', upper(replace(sepa_iban, ' ', '')), customer_id FROM payment_methods
            WHERE tenant_id = \(tenantID) AND upper(replace(sepa_iban, ' ', '')) = ANY(\(ibans))
            UNION
            SELECT 'iban', payer_iban, customer_id FROM payments
            WHERE tenant_id = \(tenantID) AND payer_iban = ANY(\(ibans))
            UNION
            SELECT 'name', name, customer_id FROM customers
            WHERE tenant_id = \(tenantID) AND lower(name) = ANY(\(names))
            """,
            logger: logger.forQuery
        )
        var byIBAN: [String: Set<String>] = [:]
        var customerNames: [String: String] = [:]
        for try await (kind, value, customer) in rows.decode((String, String, String).self) {
            if kind == "iban" { byIBAN[value, default: []].insert(customer) } else { customerNames[customer] = value }
        }
        return (byIBAN, customerNames)
    }
}
