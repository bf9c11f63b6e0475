import Foundation
import KontorCore
import Logging
import PostgresNIO

/// One ledger document (invoice, credit note, payment, …) of a period with its postings summed
/// per account: what an accounting export books.
public struct LedgerDocument: Sendable, Equatable {
    public var type: String
    public var id: String
    /// The document number, or the id where the document has none.
    public var number: String
    /// The customer's running number (0 when the document has no customer).
    public var customerNumber: Int64
    public var currency: String
    public var bookingDate: LocalDate
    public var taxTreatment: String?
    public var buyerVATID: String?
    /// (ledger account, amount) in booking order; amounts positive for debit.
    public var postings: [(account: String, amount: Int64)] = []

    public static func == (a: LedgerDocument, b: LedgerDocument) -> Bool {
        a.type == b.type && a.id == b.id && a.postings.map(\.account) == b.postings.map(\.account)
            && a.postings.map(\.amount) == b.postings.map(\.amount)
    }
}

/// Reads the ledger by document for exports.
public struct LedgerDocumentRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// The documents booked from `from` to `to`, in booking order, in one query.
    public func documents(from: LocalDate, to: LocalDate, tenantID: String, on conn: PostgresConnection)
        async throws -> [LedgerDocument]
    {
        let rows = try await conn.query(
            """
            SELECT e.document_type, e.document_id, coalesce(e.document_number, e.document_id),
                   coalesce(c.seq, 0), e.account, sum(e.amount)::bigint, e.currency, e.booking_date,
                   coalesce(i.tax_treatment, cn.tax_treatment), i.buyer_vat_id
            FROM ledger_entries e
            LEFT JOIN customers c ON c.tenant_id = e.tenant_id AND c.customer_id = e.customer_id
            LEFT JOIN invoices i ON e.document_type = 'invoice' AND i.tenant_id = e.tenant_id
                 AND i.invoice_id = e.document_id
            LEFT JOIN credit_notes cn ON e.document_type = 'credit_note' AND cn.tenant_id = e.tenant_id
                 AND cn.credit_note_id = e.document_id
            WHERE e.tenant_id = \(tenantID) AND e.booking_date BETWEEN \(from) AND \(to)
            GROUP BY e.document_type, e.document_id, e.document_number, c.seq, e.account, e.currency,
                     e.booking_date, i.tax_treatment, cn.tax_treatment, i.buyer_vat_id
            ORDER BY e.booking_date, min(e.entry_id)
            """,
            logger: logger.forQuery
        )
        var docs: [String: LedgerDocument] = [:]
        var order: [String] = []
        for try await r in rows.decode(
            (String, String, String, Int64, String, Int64, String, LocalDate, String?, String?).self
        ) {
            let key = r.0 + "/" + r.1
            if docs[key] == nil {
                order.append(key)
                docs[key] = LedgerDocument(
                    type: r.0, id: r.1, number: r.2, customerNumber: r.3, currency: r.6, bookingDate: r.7,
                    taxTreatment: r.8, buyerVATID: r.9)
            }
            docs[key]!.postings.append((r.4, r.5))
        }
        return order.map { docs[$0]! }
    }
}
