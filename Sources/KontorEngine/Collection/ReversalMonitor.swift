import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// Books chargebacks and returned SEPA debits when the PSP reports them (the sandbox says
/// when, at charge time): the invoice is open again, the ledger takes the money back out of
/// clearing, and `charge.chargeback` (cards) or `payment.returned` (SEPA, with the reason code)
/// fires. Return fees and re-dunning belong to receivables.
public struct ReversalMonitor: Sendable {
    let database: Database
    let reversals: ReversalRepository
    let ledger: LedgerWriter
    let outbox: EventOutbox

    public init(database: Database) {
        self.database = database
        self.reversals = ReversalRepository(logger: database.logger)
        self.ledger = LedgerWriter(logger: database.logger)
        self.outbox = EventOutbox(logger: database.logger)
    }

    struct ReversalJSON: Codable {
        var id: String
        var object = "payment"
        var status = "reversed"
        var customer: String
        var invoice: String?
        var amount: Int64
        var currency: String
        var reasonCode: String
        var reversedAt: Date
    }

    @discardableResult
    public func run(now: Date, tenantID: String? = nil) async throws -> Int {
        try await database.transaction { conn in
            let due = try await reversals.reverseDue(now: now, tenantID: tenantID, on: conn)
            for (tenant, group) in Dictionary(grouping: due, by: \.tenantID) {
                let zone = TimeZone(identifier: group[0].timeZone) ?? TimeZone(identifier: "UTC")!
                let today = LocalDate(instant: now, in: zone)
                try await ledger.append(
                    group.map {
                        LedgerBooking(
                            documentType: "payment_reversal", documentID: $0.paymentID,
                            documentNumber: $0.invoiceNumber,
                            customerID: $0.customerID, currency: $0.currency, bookingDate: today,
                            postings: LedgerRules.paymentReversal($0.amount)
                        )
                    },
                    tenantID: tenant, now: now, on: conn
                )
                let drafts = try group.map { r in
                    EventOutbox.Draft(
                        type: r.paymentMethodType == "sepa_debit" ? "payment.returned" : "charge.chargeback",
                        objectID: r.paymentID,
                        data: try KontorJSON.encode(
                            ReversalJSON(
                                id: r.paymentID, customer: r.customerID, invoice: r.invoiceID, amount: r.amount,
                                currency: r.currency, reasonCode: r.reason, reversedAt: now
                            )
                        ),
                        createdAt: now
                    )
                }
                try await outbox.append(drafts, tenantID: tenant, livemode: group[0].livemode, on: conn)
            }
            return due.count
        }
    }
}
