import Foundation
import KontorCore
import Logging
import PostgresNIO

/// One document's postings, ready to append.
public struct LedgerBooking: Sendable {
    public let documentType: String
    public let documentID: String
    public let documentNumber: String?
    public let customerID: String?
    public let currency: String
    public let bookingDate: LocalDate
    public let postings: [LedgerPosting]

    public init(
        documentType: String, documentID: String, documentNumber: String?, customerID: String?, currency: String,
        bookingDate: LocalDate, postings: [LedgerPosting]
    ) {
        self.documentType = documentType
        self.documentID = documentID
        self.documentNumber = documentNumber
        self.customerID = customerID
        self.currency = currency
        self.bookingDate = bookingDate
        self.postings = postings
    }
}

/// Appends ledger entries in bulk. The ledger is append-only (a trigger refuses UPDATE and
/// DELETE); a booking's postings sum to zero by construction in `LedgerRules`, and this writer
/// refuses one that does not. A booking dated in a closed period is booked on the first open
/// day instead (the same rule as `AllocationWriter`, so an allocation and its entries agree).
public struct LedgerWriter: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func append(_ bookings: [LedgerBooking], tenantID: String, now: Date, on conn: PostgresConnection)
        async throws
    {
        var types: [String] = []
        var ids: [String] = []
        var numbers: [String] = []
        var customers: [String] = []
        var accounts: [String] = []
        var amounts: [Int64] = []
        var currencies: [String] = []
        var dates: [LocalDate] = []
        for booking in bookings {
            precondition(booking.postings.reduce(0) { $0 + $1.amount } == 0, "unbalanced booking \(booking.documentID)")
            for posting in booking.postings {
                types.append(booking.documentType)
                ids.append(booking.documentID)
                numbers.append(booking.documentNumber ?? "")
                customers.append(booking.customerID ?? "")
                accounts.append(posting.account.rawValue)
                amounts.append(posting.amount)
                currencies.append(booking.currency)
                dates.append(booking.bookingDate)
            }
        }
        guard !ids.isEmpty else { return }
        _ = try await conn.query(
            """
            INSERT INTO ledger_entries (tenant_id, document_type, document_id, document_number, customer_id, account,
                amount, currency, booking_date, posted_at)
            SELECT \(tenantID), t, i, NULLIF(n, ''), NULLIF(c, ''), a, m, cur,
                greatest(d, (SELECT locked_through + 1 FROM tenants WHERE tenant_id = \(tenantID))), \(now)
            FROM unnest(\(types), \(ids), \(numbers), \(customers), \(accounts), \(amounts), \(currencies), \(dates))
                AS e(t, i, n, c, a, m, cur, d)
            """,
            logger: logger.forQuery
        )
    }
}
