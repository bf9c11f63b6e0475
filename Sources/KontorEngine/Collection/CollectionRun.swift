import Foundation
import KontorCore
import KontorStore
import Logging
import PostgresNIO

/// Charges invoices with `charge_automatically` on the customer's default payment method: at
/// once when issued, then by the tenant's retry schedule after a soft decline.
///
/// Each invoice is leased (SKIP LOCKED, attempt counted) in one transaction, charged outside
/// any transaction with the idempotency key `<invoice>-<attempt>` (so a PSP never charges one
/// attempt twice), and the outcome recorded in a second transaction with its payment row,
/// ledger postings and events.
public struct CollectionRun: Sendable {
    let database: Database
    let gateway: any PaymentGateway
    let collection: CollectionRepository
    let methods: PaymentMethodRepository
    let ledger: LedgerWriter
    let outbox: EventOutbox
    let invoices: InvoiceRepository
    let subscriptions: SubscriptionRepository

    public init(database: Database, gateway: any PaymentGateway = SandboxGateway()) {
        self.database = database
        self.gateway = gateway
        self.collection = CollectionRepository(logger: database.logger)
        self.methods = PaymentMethodRepository(logger: database.logger)
        self.ledger = LedgerWriter(logger: database.logger)
        self.outbox = EventOutbox(logger: database.logger)
        self.invoices = InvoiceRepository(logger: database.logger)
        self.subscriptions = SubscriptionRepository(logger: database.logger)
    }

    /// Charges everything due at `now`; returns the number of attempts.
    @discardableResult
    public func run(now: Date, tenantID: String? = nil) async throws -> Int {
        var total = 0
        while true {
            let leased = try await database.transaction { conn in
                try await collection.lease(now: now, tenantID: tenantID, lease: 300, limit: 100, on: conn)
            }
            guard !leased.isEmpty else { return total }
            var paid: [String: [String]] = [:]
            for lease in leased where try await collect(lease, now: now) {
                paid[lease.tenantID, default: []].append(lease.customerID)
            }
            // A charge that went through may have settled a dunning case: dunning looks again
            // now (restoring service at once), not at the next daily run.
            for (tenant, customers) in paid {
                try await DunningRun(database: database).run(
                    now: now, tenantID: tenant, customerIDs: Array(Set(customers)))
            }
            total += leased.count
        }
    }

    /// Charges one leased invoice; true when the charge went through.
    func collect(_ lease: CollectionLease, now: Date) async throws -> Bool {
        let zone = TimeZone(identifier: lease.timeZone) ?? TimeZone(identifier: "UTC")!
        let today = LocalDate(instant: now, in: zone)
        let method = try await database.withConnection { conn in
            try await lease.paymentMethodID.asyncFlatMap {
                try await methods.find($0, tenantID: lease.tenantID, on: conn)
            }
        }
        guard let method, method.status == "active", method.kind != .bankTransfer else {
            // Nothing to charge: the invoice waits for a transfer (and, past due, for dunning).
            try await database.transaction { try await collection.stop(lease, on: $0) }
            return false
        }
        let outcome = try await gateway.charge(
            ChargeRequest(
                idempotencyKey: "\(lease.invoiceID)-\(lease.attempt)", amount: lease.amount, currency: lease.currency,
                paymentMethod: method, now: now, today: today
            )
        )
        try await database.transaction { conn in
            let paymentID = Identifier.make("pay")
            var retryAt: Date?
            let record: PaymentRecord
            switch outcome {
            case .succeeded(let reference, let reversal):
                record = PaymentRecord(
                    id: paymentID, lease: lease, succeeded: true, failureCode: nil, declineKind: nil,
                    gatewayReference: reference, reversalDueOn: reversal?.on, reversalReason: reversal?.reason
                )
            case .declined(let code, let kind):
                if kind == .soft {
                    retryAt = RetrySchedule(days: lease.retryDays).nextAttempt(
                        after: lease.attempt, firstAttemptAt: lease.firstAttemptAt
                    )
                }
                record = PaymentRecord(
                    id: paymentID, lease: lease, succeeded: false, failureCode: code, declineKind: kind.rawValue,
                    gatewayReference: nil, reversalDueOn: nil, reversalReason: nil
                )
            }
            try await collection.record(record, paymentMethodID: method.id, retryAt: retryAt, now: now, on: conn)
            let payment = PaymentJSON(record, paymentMethodID: method.id, now: now, retryAt: retryAt)
            var drafts: [EventOutbox.Draft] = []
            let data = try KontorJSON.encode(payment)
            if record.succeeded {
                try await AllocationWriter(logger: database.logger).append(
                    [
                        AllocationDraft(
                            invoiceID: lease.invoiceID, customerID: lease.customerID, kind: .payment,
                            sourceID: paymentID, amount: lease.amount, currency: lease.currency)
                    ], bookingDate: today, tenantID: lease.tenantID, now: now, on: conn)
                try await ledger.append(
                    [
                        LedgerBooking(
                            documentType: "payment", documentID: paymentID, documentNumber: lease.invoiceNumber,
                            customerID: lease.customerID, currency: lease.currency, bookingDate: today,
                            postings: LedgerRules.payment(lease.amount)
                        )
                    ],
                    tenantID: lease.tenantID, now: now, on: conn
                )
                drafts.append(.init(type: "payment.succeeded", objectID: paymentID, data: data, createdAt: now))
                if let invoice = try await invoices.find(lease.invoiceID, tenantID: lease.tenantID, on: conn) {
                    drafts.append(
                        .init(
                            type: "invoice.paid", objectID: invoice.id, data: InvoiceJSON(invoice).encoded(),
                            createdAt: now)
                    )
                }
                if let subscriptionID = lease.subscriptionID,
                    try await collection.reactivateIfSettled(
                        subscriptionID: subscriptionID, tenantID: lease.tenantID, today: today, on: conn
                    ),
                    let s = try await subscriptions.find(subscriptionID, tenantID: lease.tenantID, on: conn)
                {
                    drafts.append(
                        .init(
                            type: "subscription.updated", objectID: s.id,
                            data: try KontorJSON.encode(SubscriptionJSON(s)),
                            createdAt: now
                        )
                    )
                }
            } else {
                drafts.append(.init(type: "payment.failed", objectID: paymentID, data: data, createdAt: now))
                drafts.append(
                    .init(type: "invoice.payment_failed", objectID: lease.invoiceID, data: data, createdAt: now))
            }
            try await outbox.append(drafts, tenantID: lease.tenantID, livemode: lease.livemode, on: conn)
        }
        if case .succeeded = outcome { return true }
        return false
    }
}

/// The payment object (`payment.*` and `invoice.payment_failed` carry it).
public struct PaymentJSON: Codable, Sendable, Equatable {
    public var id: String
    public var object = "payment"
    public var customer: String
    public var invoice: String?
    public var paymentMethod: String?
    public var amount: Int64
    public var currency: String
    public var status: String
    public var failureCode: String?
    public var declineKind: String?
    public var attempt: Int
    public var nextAttemptAt: Date?
    public var createdAt: Date

    init(_ r: PaymentRecord, paymentMethodID: String?, now: Date, retryAt: Date?) {
        id = r.id
        customer = r.lease.customerID
        invoice = r.lease.invoiceID
        paymentMethod = paymentMethodID
        amount = r.lease.amount
        currency = r.lease.currency
        status = r.succeeded ? "succeeded" : "failed"
        failureCode = r.failureCode
        declineKind = r.declineKind
        attempt = r.lease.attempt
        nextAttemptAt = retryAt
        createdAt = now
    }
}
