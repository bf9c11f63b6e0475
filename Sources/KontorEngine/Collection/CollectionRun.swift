import Foundation
import KontorCore
import KontorStore
import Logging
import PostgresNIO
import ServiceLifecycle

/// Charges invoices with `charge_automatically` on the customer's default payment method: at
/// once when issued, then by the tenant's retry schedule after a soft decline.
///
/// Each invoice is leased (SKIP LOCKED) with a charge intent in one transaction, charged outside
/// any transaction with the intent's id as idempotency key — one intent, one key, however often
/// its lease expires and another node takes it over, so a PSP never charges one intent twice —
/// and the outcome recorded in a second transaction that resolves the intent exactly once, with
/// its payment row, allocation, ledger postings and events.
///
/// Invariant: a charge is allocated at most what the invoice still owes when it is recorded
/// (a transfer booked meanwhile paid the rest): the surplus becomes customer credit, and the
/// database refuses any allocation beyond an invoice's total.
public struct CollectionRun: Sendable {
    let database: Database
    let gateways: PaymentGateways
    let collection: CollectionRepository
    let methods: PaymentMethodRepository
    let ledger: LedgerWriter
    let outbox: EventOutbox
    let invoices: InvoiceRepository
    let subscriptions: SubscriptionRepository
    let allocations: AllocationWriter
    let balances: CustomerBalanceRepository
    let debits: SEPADebitRepository
    let tenants: TenantRepository

    let dunning: DunningRun

    public init(database: Database, gateways: PaymentGateways = .sandboxOnly, dunning: DunningRun) {
        self.database = database
        self.gateways = gateways
        self.dunning = dunning
        self.collection = CollectionRepository(logger: database.logger)
        self.methods = PaymentMethodRepository(logger: database.logger)
        self.ledger = LedgerWriter(logger: database.logger)
        self.outbox = EventOutbox(logger: database.logger)
        self.invoices = InvoiceRepository(logger: database.logger)
        self.subscriptions = SubscriptionRepository(logger: database.logger)
        self.allocations = AllocationWriter(logger: database.logger)
        self.balances = CustomerBalanceRepository(logger: database.logger)
        self.debits = SEPADebitRepository(logger: database.logger)
        self.tenants = TenantRepository(database: database)
    }

    /// Settles the bank-file debits due at `now`, then charges everything due; returns the
    /// number of customers settled for and charge attempts made.
    @discardableResult
    public func run(now: Date, tenantID: String? = nil) async throws -> Int {
        // Debits by bank file whose day has come first: their money may settle what a charge
        // would otherwise be tried for, and dunning looks again at once.
        let settled = try await settleDebits(now: now, tenantID: tenantID)
        for (tenant, customers) in settled {
            try await dunning.run(now: now, tenantID: tenant, customerIDs: customers.sorted())
        }
        var total = settled.values.reduce(0) { $0 + $1.count }
        // Lease after lease until nothing is due — or the server is stopping (a lease not
        // charged is due again after it expires).
        while !Task.isShuttingDownGracefully {
            let leased = try await database.transaction { conn in
                try await collection.lease(now: now, tenantID: tenantID, lease: 300, limit: 100, on: conn)
            }
            guard !leased.isEmpty else { return total }
            var paid: [String: [String]] = [:]
            for lease in leased where try await collect(lease, now: now)?.succeeded == true {
                paid[lease.tenantID, default: []].append(lease.customerID)
            }
            // A charge that went through may have settled a dunning case: dunning looks again
            // now (restoring service at once), not at the next daily run.
            for (tenant, customers) in paid {
                try await dunning.run(now: now, tenantID: tenant, customerIDs: Array(Set(customers)))
            }
            total += leased.count
        }
        return total
    }

    /// What a charge the debtor starts in the portal came to.
    public enum ImmediateCharge: Sendable, Equatable {
        case charged(ChargeOutcome)
        /// The tenant collects by bank file: a direct debit was scheduled for `on`.
        case debitScheduled(on: LocalDate)
        /// Another charge of this invoice is under way (or it is settled, or not open).
        case notCharged
    }

    /// Charges one open invoice now on `paymentMethodID` (the debtor pays it in the portal):
    /// the same lease, intent and recording as every charge, so a double click or a crash never
    /// charges twice. A decline is not retried on a schedule (the debtor is told at once).
    public func chargeNow(invoiceID: String, paymentMethodID: String, tenantID: String, now: Date) async throws
        -> ImmediateCharge
    {
        let leased = try await database.transaction { conn in
            try await collection.lease(
                now: now, tenantID: tenantID, lease: 300, limit: 1, only: (invoiceID, paymentMethodID), on: conn)
        }
        guard let lease = leased.first else { return .notCharged }
        guard let outcome = try await collect(lease, now: now, retries: false) else {
            // Nothing charged: by bank file, this lease's debit may have been scheduled instead.
            let e2e = SEPAText.identifier(fromID: lease.intentID)
            let scheduled = try await database.withConnection { conn in
                try await debits.debits(invoiceIDs: [invoiceID], tenantID: tenantID, on: conn)
            }.first { $0.endToEndID == e2e && $0.status == .scheduled }
            return scheduled.map { .debitScheduled(on: $0.plannedOn) } ?? .notCharged
        }
        if outcome.succeeded {
            try await dunning.run(now: now, tenantID: tenantID, customerIDs: [lease.customerID])
        }
        return .charged(outcome)
    }

    /// Charges one leased invoice; the gateway's answer once recorded, nil when nothing was
    /// charged or another node recorded it first.
    func collect(_ lease: CollectionLease, now: Date, retries: Bool = true) async throws -> ChargeOutcome? {
        let zone = TimeZone(identifier: lease.timeZone) ?? TimeZone(identifier: "UTC")!
        let today = LocalDate(instant: now, in: zone)
        let method = try await database.withConnection { conn in
            try await lease.paymentMethodID.asyncFlatMap {
                try await methods.find($0, tenantID: lease.tenantID, on: conn)
            }
        }
        guard let method, method.status == .active, method.kind != .bankTransfer else {
            // Nothing to charge: the invoice waits for a transfer (and, past due, for dunning).
            try await database.transaction { try await collection.stop(lease, on: $0) }
            return nil
        }
        // Settled otherwise since the lease (a transfer, a credit note): nothing is sent.
        guard try await database.transaction({ try await collection.confirmBeforeCharge(lease, on: $0) }) else {
            return nil
        }
        // A tenant collecting by bank file schedules the debit for a pain.008 file instead.
        if let sepa = method.sepaDebit,
            try await scheduleDebit(lease, method: method, sepa: sepa, now: now, today: today)
        {
            return nil
        }
        let outcome = try await charge(lease, method: method, now: now, today: today)
        let recorded = try await database.transaction { conn in
            try await record(outcome, lease: lease, method: method, now: now, today: today, retries: retries, on: conn)
        }
        return recorded ? outcome : nil
    }

    /// The gateway's answer for this lease's charge intent (its id is the idempotency key, the
    /// same on every retry of the intent). Live mode never falls back to the sandbox.
    func charge(_ lease: CollectionLease, method: PaymentMethod, now: Date, today: LocalDate) async throws
        -> ChargeOutcome
    {
        // A mandate that lapsed (36 months unused), a used one-off mandate or one signed after
        // today cannot be collected from: a hard decline, never retried, and dunning takes over.
        if method.kind == .sepaDebit, let sepa = method.sepaDebit,
            let refusal = SEPAMandateRules.refusal(sepa.state, collectingOn: today)
        {
            return .declined(code: "mandate_\(refusal.rawValue)", kind: .hard)
        }
        guard let gateway = gateways.gateway(livemode: lease.livemode) else {
            database.logger.error(
                "no live payment gateway configured: live invoice not charged",
                metadata: ["invoice": .string(lease.invoiceID)])
            return .declined(code: PaymentGateways.notConfigured, kind: .hard)
        }
        return try await gateway.charge(
            ChargeRequest(
                idempotencyKey: lease.intentID, amount: lease.amount, currency: lease.currency,
                paymentMethod: method, now: now, today: today))
    }

    /// Records the outcome of a charge on its lease, once (false when another node resolved the
    /// lease first): the payment, and for a success its allocation, any surplus as customer
    /// credit, the ledger and the events.
    func record(
        _ outcome: ChargeOutcome, lease: CollectionLease, method: PaymentMethod, now: Date, today: LocalDate,
        retries: Bool = true, on conn: PostgresConnection
    ) async throws -> Bool {
        let paymentID = Identifier.make("pay")
        guard try await collection.resolve(lease, succeeded: outcome.succeeded, paymentID: paymentID, on: conn)
        else { return false }
        var retryAt: Date?
        let record: PaymentRecord
        switch outcome {
        case .succeeded(let reference, let reversal):
            record = PaymentRecord(
                id: paymentID, lease: lease, succeeded: true, failureCode: nil, declineKind: nil,
                gatewayReference: reference, reversalDueOn: reversal?.on, reversalReason: reversal?.reason
            )
        case .declined(let code, let kind):
            if kind == .soft, retries {
                retryAt = RetrySchedule(days: lease.retryDays).nextAttempt(
                    after: lease.attempt, firstAttemptAt: lease.firstAttemptAt
                )
            }
            record = PaymentRecord(
                id: paymentID, lease: lease, succeeded: false, failureCode: code, declineKind: kind.rawValue,
                gatewayReference: nil, reversalDueOn: nil, reversalReason: nil
            )
        }
        let owed = record.succeeded ? try await collection.lockOpenAmount(lease, on: conn) : 0
        let allocated = min(owed, lease.amount)
        let surplus = record.succeeded ? lease.amount - allocated : 0
        // A direct debit carries the intent's id as its end-to-end id (at most 35 characters).
        try await collection.record(
            record, paymentMethodID: method.id, retryAt: retryAt, unallocated: surplus,
            endToEndID: method.kind == .sepaDebit ? lease.intentID : nil, now: now, on: conn)
        let payment = Self.paymentJSON(
            record, paymentMethodID: method.id, allocated: allocated, surplus: surplus,
            endToEndID: method.kind == .sepaDebit ? lease.intentID : nil, retryAt: retryAt, now: now)
        if record.succeeded, method.kind == .sepaDebit {
            try await methods.recordCollections([method.id], on: today, tenantID: lease.tenantID, on: conn)
        }
        let events: [DomainEvent] =
            record.succeeded
            ? try await bookSuccess(
                lease, payment: payment, allocated: allocated, surplus: surplus, now: now, today: today, on: conn)
            : [.payment(.paymentFailed, payment), .payment(.invoicePaymentFailed, payment)]
        try await outbox.append(events, at: now, tenantID: lease.tenantID, livemode: lease.livemode, on: conn)
        return true
    }

    /// The payment as just written, without reading it back.
    static func paymentJSON(
        _ record: PaymentRecord, paymentMethodID: String, allocated: Int64, surplus: Int64, endToEndID: String?,
        retryAt: Date?, now: Date
    ) -> ReceivedPaymentJSON {
        let lease = record.lease
        return ReceivedPaymentJSON(
            ReceivedPayment(
                id: record.id, customerID: lease.customerID, invoiceID: lease.invoiceID,
                paymentMethodID: paymentMethodID, amount: lease.amount, currency: lease.currency,
                status: record.succeeded ? .succeeded : .failed, source: "gateway", unallocated: surplus,
                failureCode: record.failureCode, livemode: lease.livemode, createdAt: now, endToEndID: endToEndID,
                allocations: allocated > 0
                    ? [.init(invoice: lease.invoiceID, amount: allocated, part: ClaimPart.principal.rawValue)] : [],
                attempt: lease.attempt, declineKind: record.declineKind, nextAttemptAt: retryAt))
    }

    /// Money received for the lease's invoice: allocated up to what it still owes, the rest the
    /// customer's credit (paid twice: a transfer arrived while the card was charged), booked in
    /// the ledger; a subscription restricted for this debt is reactivated. Returns the events.
    func bookSuccess(
        _ lease: CollectionLease, payment: ReceivedPaymentJSON, allocated: Int64, surplus: Int64, now: Date,
        today: LocalDate, on conn: PostgresConnection
    ) async throws -> [DomainEvent] {
        let paymentID = payment.id
        if allocated > 0 {
            try await allocations.append(
                [
                    AllocationDraft(
                        invoiceID: lease.invoiceID, customerID: lease.customerID, kind: .payment,
                        sourceID: paymentID, amount: allocated, currency: lease.currency)
                ], bookingDate: today, tenantID: lease.tenantID, now: now, on: conn)
        }
        if surplus > 0 {
            try await balances.add(
                [(lease.customerID, surplus)], tenantID: lease.tenantID, on: conn)
        }
        try await ledger.append(
            [
                LedgerBooking(
                    documentType: "payment", documentID: paymentID, documentNumber: lease.invoiceNumber,
                    customerID: lease.customerID, currency: lease.currency, bookingDate: today,
                    postings: LedgerRules.moneyReceived(allocated: allocated, surplus: surplus, into: .paymentClearing)
                )
            ],
            tenantID: lease.tenantID, now: now, on: conn
        )
        var events: [DomainEvent] = [.payment(.paymentSucceeded, payment)]
        if allocated > 0, let invoice = try await invoices.find(lease.invoiceID, tenantID: lease.tenantID, on: conn),
            invoice.status == .paid
        {
            events.append(.invoice(.invoicePaid, InvoiceJSON(invoice)))
        }
        if let subscriptionID = lease.subscriptionID,
            try await collection.reactivateIfSettled(
                subscriptionID: subscriptionID, tenantID: lease.tenantID, today: today, on: conn),
            let s = try await subscriptions.find(subscriptionID, tenantID: lease.tenantID, on: conn)
        {
            events.append(.subscription(.subscriptionUpdated, SubscriptionJSON(s)))
        }
        return events
    }
}
