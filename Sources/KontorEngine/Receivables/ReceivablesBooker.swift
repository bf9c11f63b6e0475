import Foundation
import KontorCore
import KontorStore
import Logging
import PostgresNIO

/// The bookings every receivables path shares, inside the caller's transaction: money
/// received, money returned, write-offs (customer credit applied is `CreditApplier`'s). Each moves allocations
/// (and with them the invoices' state), posts the ledger with the same booking date, and
/// writes its events to the outbox.
struct ReceivablesBooker: Sendable {
    let logger: Logger
    let allocations: AllocationWriter
    let payments: PaymentRepository
    let balances: CustomerBalanceRepository
    let invoices: InvoiceRepository
    let ledger: LedgerWriter
    let outbox: EventOutbox
    let feeItems: FeeItems

    init(logger: Logger) {
        self.logger = logger
        self.feeItems = FeeItems(logger: logger)
        self.allocations = AllocationWriter(logger: logger)
        self.payments = PaymentRepository(logger: logger)
        self.balances = CustomerBalanceRepository(logger: logger)
        self.invoices = InvoiceRepository(logger: logger)
        self.ledger = LedgerWriter(logger: logger)
        self.outbox = EventOutbox(logger: logger)
    }

    struct Money: Sendable {
        let customerID: String
        let amount: Int64
        let currency: String
        let plan: AllocationPlan
        let source: String
        let reference: String?
        let payerIBAN: String?
        /// The end-to-end id the payer's bank carried (camt `Refs/EndToEndId`).
        var endToEndID: String? = nil
    }

    /// Records money received and spreads it by `plan`; the surplus becomes customer credit.
    /// Returns the payment id.
    func receive(_ m: Money, profile: TenantProfile, now: Date, on conn: PostgresConnection) async throws -> String {
        try await receive([m], profile: profile, now: now, on: conn)[0]
    }

    /// Records many receipts at once (a bank statement's matched credits) with a fixed number
    /// of statements however many there are: the payments, their allocations, the surplus
    /// credit per customer, the ledger bookings and the events each go in one statement.
    /// Returns the payment ids in the order of `monies`.
    ///
    /// The plans must not together allocate more than an item has open: callers that build
    /// several plans over the same items account for what earlier plans took.
    func receive(_ monies: [Money], profile: TenantProfile, now: Date, on conn: PostgresConnection) async throws
        -> [String]
    {
        guard !monies.isEmpty else { return [] }
        let today = LocalDate(instant: now, in: profile.zone)
        let new = monies.map { m in
            PaymentRepository.NewPayment(
                id: Identifier.make("pay"), customerID: m.customerID, amount: m.amount, currency: m.currency,
                source: m.source, reference: m.reference, unallocated: m.plan.surplus, payerIBAN: m.payerIBAN,
                endToEndID: m.endToEndID)
        }
        try await payments.insert(new, tenantID: profile.tenantID, livemode: profile.livemode, now: now, on: conn)
        let changes = try await allocations.append(
            zip(monies, new).flatMap { m, p in
                m.plan.shares.map {
                    AllocationDraft(
                        invoiceID: $0.itemID, customerID: m.customerID, kind: .payment, sourceID: p.id,
                        amount: $0.amount, currency: m.currency)
                }
            }, bookingDate: today, tenantID: profile.tenantID, now: now, on: conn)
        try await balances.add(
            monies.filter { $0.plan.surplus > 0 }.map { ($0.customerID, $0.plan.surplus) },
            tenantID: profile.tenantID, on: conn)
        try await ledger.append(
            zip(monies, new).map { m, p in
                LedgerBooking(
                    documentType: "payment", documentID: p.id,
                    documentNumber: m.reference.map { String($0.prefix(36)) },
                    customerID: m.customerID, currency: m.currency, bookingDate: today,
                    postings: LedgerRules.moneyReceived(
                        allocated: m.amount - m.plan.surplus, surplus: m.plan.surplus, into: .bank))
            }, tenantID: profile.tenantID, now: now, on: conn)
        // What was just written, without reading it back (this is the bank-statement hot path).
        var events = zip(monies, new).map { m, p in
            let payment = ReceivedPayment(
                received: p,
                allocations: m.plan.shares.map { .init(invoice: $0.itemID, amount: $0.amount, part: $0.part.rawValue) },
                livemode: profile.livemode, createdAt: now)
            return DomainEvent.payment(.paymentSucceeded, ReceivedPaymentJSON(payment))
        }
        events += try await invoices.paidEvents(changes, tenantID: profile.tenantID, on: conn)
        try await outbox.append(events, at: now, tenantID: profile.tenantID, livemode: profile.livemode, on: conn)
        return new.map(\.id)
    }

    /// Takes a payment back (returned SEPA debit, chargeback, reversed transfer): its
    /// allocations are reversed (the items open again), credit it created is taken back, the
    /// ledger reverses, the bank's fee becomes a new open item when there is one, and
    /// `payment.returned` (or `charge.chargeback` for cards) fires. Returns false when the
    /// payment had already been returned.
    func returnPayment(
        _ payment: ReceivedPayment, reason: String, fee: Int64, card: Bool, profile: TenantProfile, now: Date,
        on conn: PostgresConnection
    ) async throws -> Bool {
        let feeInvoice =
            fee > 0
            ? try await issueReturnFee(fee, for: payment, reason: reason, profile: profile, now: now, on: conn)
            : nil
        guard
            try await payments.markReturned(
                payment.id, reason: reason, fee: fee > 0 ? fee : nil, feeInvoiceID: feeInvoice?.id,
                tenantID: profile.tenantID, now: now, on: conn)
        else { return false }
        try await reverse(payment, profile: profile, now: now, on: conn)
        guard let returned = try await payments.find(payment.id, tenantID: profile.tenantID, on: conn) else {
            return true
        }
        var data = ReceivedPaymentJSON(returned)
        data.allocations = payment.allocations
        try await outbox.append(
            [.payment(card ? .chargeChargeback : .paymentReturned, data)], at: now, tenantID: profile.tenantID,
            livemode: profile.livemode, on: conn)
        return true
    }

    /// The bank's fee for the return, charged on as a fee item of the claim the payment paid.
    func issueReturnFee(
        _ fee: Int64, for payment: ReceivedPayment, reason: String, profile: TenantProfile, now: Date,
        on conn: PostgresConnection
    ) async throws -> Invoice? {
        try await feeItems.issue(
            customerID: payment.customerID, currency: payment.currency, reason: "return_fee",
            lines: [
                InvoiceLineDraft(
                    description: "Rücklastschriftgebühr / return fee (\(reason)) for payment \(payment.id)",
                    chargeCode: "return_fee", quantity: 1, unitAmount: fee, amount: fee)
            ], profile: profile, now: now, claimInvoiceID: payment.allocations.first?.invoice, on: conn)
    }

    /// Undoes what the payment did: its allocations (the items open again), the credit it
    /// created, and its ledger booking; credit already spent is owed again as an item.
    func reverse(_ payment: ReceivedPayment, profile: TenantProfile, now: Date, on conn: PostgresConnection)
        async throws
    {
        let today = LocalDate(instant: now, in: profile.zone)
        try await allocations.append(
            payment.allocations.map {
                AllocationDraft(
                    invoiceID: $0.invoice, customerID: payment.customerID, kind: .paymentReturn, sourceID: payment.id,
                    amount: -$0.amount, currency: payment.currency)
            }, bookingDate: today, tenantID: profile.tenantID, now: now, on: conn)
        let allocated = payment.allocations.reduce(0) { $0 + $1.amount }
        // Credit the payment created comes back off the balance; what was already spent of it
        // stays owed on the items it paid, which is where the allocations above put it.
        let surplus = payment.amount - allocated
        var creditTaken: Int64 = 0
        if surplus > 0 {
            creditTaken =
                -(try await balances.adjust(
                    customerID: payment.customerID, by: -surplus, tenantID: profile.tenantID, on: conn))
        }
        let account: LedgerAccount = payment.source == "gateway" ? .paymentClearing : .bank
        try await ledger.append(
            [
                LedgerBooking(
                    documentType: "payment_return", documentID: payment.id, documentNumber: payment.reference,
                    customerID: payment.customerID, currency: payment.currency, bookingDate: today,
                    postings: LedgerRules.moneyReturned(allocated: allocated, surplus: creditTaken, from: account))
            ], tenantID: profile.tenantID, now: now, on: conn)
        guard surplus > creditTaken else { return }
        // Credit already spent cannot come off the balance: the customer owes it again, as an
        // item of its own (receivable against the account the money left).
        _ = try await feeItems.issue(
            customerID: payment.customerID, currency: payment.currency, reason: "return_fee",
            lines: [
                InvoiceLineDraft(
                    description: "Zurückgegebene, bereits verrechnete Zahlung \(payment.id)",
                    chargeCode: "returned_credit", quantity: 1, unitAmount: surplus - creditTaken,
                    amount: surplus - creditTaken)
            ], profile: profile, now: now, counterAccount: account, on: conn)
    }

    /// Writes off what is open on locked invoices: bad debt net, VAT corrected,
    /// `invoice.written_off` — allocations, ledger and events one statement each, however
    /// many (a policy's write-off level can take thousands in one batch).
    func writeOff(
        _ items: [(invoice: Invoice, open: Int64)], profile: TenantProfile, now: Date, on conn: PostgresConnection
    ) async throws {
        guard !items.isEmpty else { return }
        let today = LocalDate(instant: now, in: profile.zone)
        try await allocations.append(
            items.map {
                AllocationDraft(
                    invoiceID: $0.invoice.id, customerID: $0.invoice.customerID, kind: .writeOff,
                    sourceID: $0.invoice.id, amount: $0.open, currency: $0.invoice.currency)
            }, bookingDate: today, tenantID: profile.tenantID, now: now, on: conn)
        try await ledger.append(
            items.map {
                LedgerBooking(
                    documentType: "write_off", documentID: $0.invoice.id, documentNumber: $0.invoice.number,
                    customerID: $0.invoice.customerID, currency: $0.invoice.currency, bookingDate: today,
                    postings: LedgerRules.writeOff(
                        WriteOffSplit(open: $0.open, invoiceTotal: $0.invoice.total, invoiceTax: $0.invoice.tax)))
            }, tenantID: profile.tenantID, now: now, on: conn)
        try await outbox.append(
            try await invoices.find(ids: items.map(\.invoice.id), tenantID: profile.tenantID, on: conn).map {
                .invoice(.invoiceWrittenOff, InvoiceJSON($0))
            }, at: now, tenantID: profile.tenantID, livemode: profile.livemode, on: conn)
    }
}
